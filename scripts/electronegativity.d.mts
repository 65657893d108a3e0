export function parseCsv(text: string): string[][]
export function countFindings(csv: string): {
  total: number
  bySeverity: Record<string, number>
  blocking: Array<{ issue: string; severity: string; file: string; location: string }>
}
