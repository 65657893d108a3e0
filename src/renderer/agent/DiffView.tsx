import { memo, useMemo } from 'react'
import { parseDiff, splitRows, type DiffLine } from './diff'

const MARK = { add: '+', del: '-', ctx: ' ', hunk: '', meta: '' } as const

/** A file's change as a unified (or side-by-side) diff with line numbers and +/- colouring. */
export const DiffView = memo(function DiffView({ diff, split }: { diff: string; split: boolean }) {
  const parsed = useMemo(() => {
    const full = parseDiff(diff)
    // The file header (diff --git, index, ---, +++) repeats what the file row already says.
    const firstHunk = full.lines.findIndex((l) => l.kind === 'hunk')
    return firstHunk > 0 && full.lines.slice(0, firstHunk).every((l) => l.kind === 'meta') ? { ...full, lines: full.lines.slice(firstHunk) } : full
  }, [diff])
  const rows = useMemo(() => (split ? splitRows(parsed.lines) : null), [split, parsed])
  if (rows) {
    return (
      <div className="diff diff-split" role="table" aria-label="Side-by-side diff">
        {rows.map((row, i) =>
          row.kind === 'full' ? (
            <div key={i} className={`diff-row diff-${row.line.kind}`}>
              <span className="diff-full">{row.line.text}</span>
            </div>
          ) : (
            <div key={i} className="diff-row diff-pair">
              <Half line={row.left} side="old" />
              <Half line={row.right} side="new" />
            </div>
          ),
        )}
      </div>
    )
  }
  return (
    <div className="diff diff-unified" role="table" aria-label="Diff">
      {parsed.lines.map((line, i) =>
        line.kind === 'hunk' || line.kind === 'meta' ? (
          <div key={i} className={`diff-row diff-${line.kind}`}>
            <span className="diff-full">{line.text}</span>
          </div>
        ) : (
          <div key={i} className={`diff-row diff-${line.kind}`}>
            <span className="diff-no">{line.oldNo ?? ''}</span>
            <span className="diff-no">{line.newNo ?? ''}</span>
            <span className="diff-mark">{MARK[line.kind]}</span>
            <span className="diff-text">{line.text}</span>
          </div>
        ),
      )}
    </div>
  )
})

function Half({ line, side }: { line: DiffLine | null; side: 'old' | 'new' }) {
  if (!line) return <div className="diff-half diff-empty" />
  const kind = line.kind === 'ctx' ? 'ctx' : line.kind
  return (
    <div className={`diff-half diff-${kind}`}>
      <span className="diff-no">{side === 'old' ? (line.oldNo ?? '') : (line.newNo ?? '')}</span>
      <span className="diff-mark">{MARK[line.kind as 'add' | 'del' | 'ctx']}</span>
      <span className="diff-text">{line.text}</span>
    </div>
  )
}

/** "+3 −1" for a diff, or null when there is none. */
export function diffStats(diff: string | undefined): { added: number; removed: number } | null {
  if (!diff) return null
  const { added, removed } = parseDiff(diff)
  return { added, removed }
}
