/** What a drop on the window means for workspaces. */
export type DropOutcome = { kind: 'paths'; paths: string[] } | { kind: 'no-paths' } | { kind: 'nothing' }

export function isFileDrag(dt: DataTransfer | null): boolean {
  return !!dt && Array.from(dt.types).includes('Files')
}

/**
 * The folders (or files: the host decides) dropped, as paths. A browser does not reveal where a
 * dropped file lives, so without the host's `getPathForFile` there are no paths.
 */
export function dropOutcome(files: readonly File[], getPathForFile?: (file: File) => string): DropOutcome {
  if (files.length === 0) return { kind: 'nothing' }
  if (!getPathForFile) return { kind: 'no-paths' }
  const paths = files.map((f) => getPathForFile(f)).filter((p) => p.length > 0)
  return paths.length > 0 ? { kind: 'paths', paths: [...new Set(paths)] } : { kind: 'no-paths' }
}
