/** Human output for any contract value: lists as aligned rows of their plain fields, records as `key: value`. */

const plain = (v: unknown) => v === null || ['string', 'number', 'boolean'].includes(typeof v)
const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))

/** The first few plain fields of a row, the ones a person scans for (ids, names, status). */
function columnsOf(rows: Record<string, unknown>[]): string[] {
  const keys: string[] = []
  for (const row of rows) for (const [k, v] of Object.entries(row)) if (plain(v) && !keys.includes(k)) keys.push(k)
  return keys.slice(0, 6)
}

export function formatHuman(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (plain(value)) return `${show(value)}\n`
  if (Array.isArray(value)) {
    if (value.length === 0) return '(none)\n'
    if (!value.every((v) => v && typeof v === 'object' && !Array.isArray(v))) return value.map((v) => show(v)).join('\n') + '\n'
    const rows = value as Record<string, unknown>[]
    const cols = columnsOf(rows)
    const cells = [cols, ...rows.map((r) => cols.map((c) => (r[c] === undefined ? '' : show(r[c]).replace(/\s+/g, ' '))))]
    const widths = cols.map((_, i) => Math.min(48, Math.max(...cells.map((row) => row[i].length))))
    return cells.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.slice(0, 48).padEnd(widths[i]))).join('  ').trimEnd()).join('\n') + '\n'
  }
  const entries = Object.entries(value as Record<string, unknown>)
  if (entries.length === 1 && entries[0][0] === 'ok') return 'ok\n'
  return entries.map(([k, v]) => `${k}: ${plain(v) ? show(v) : JSON.stringify(v, null, 2)}`).join('\n') + '\n'
}

/** One field of a result (of each row, for a list), one per line: for shell scripts. */
export function formatField(value: unknown, field: string): string {
  const pick = (v: unknown) => {
    const got = v && typeof v === 'object' ? (v as Record<string, unknown>)[field] : undefined
    return got === undefined ? '' : typeof got === 'string' ? got : JSON.stringify(got)
  }
  return (Array.isArray(value) ? value.map(pick) : [pick(value)]).join('\n') + '\n'
}
