import { Fragment, memo, useMemo, type HTMLAttributes, type ReactNode } from 'react'
import { parseDiff, splitRows, type DiffLine, type ParsedDiff } from './diff'
import './diff.css'

const MARK = { add: '+', del: '-', ctx: ' ', hunk: '', meta: '' } as const

/** Line numbers of one drawn row (a unified line, or a side-by-side pair). */
export interface RowNumbers {
  old?: number
  new?: number
}

/** Extras for an interactive diff (the review panel); a plain diff needs none. */
export interface DiffAnnotations {
  /** Whether a row (by its line numbers) is highlighted as selected. */
  selected?(numbers: RowNumbers): boolean
  /** Shown at the end of a hunk's header, by the hunk's order in the file's diff. */
  hunkAction?(hunk: number): ReactNode
  /** Shown right under a row (comment box, comments on that line). */
  after?(numbers: RowNumbers): ReactNode
  /** Extra attributes of a numbered line-number cell (focus, role, name), by side and number. */
  cell?(side: 'old' | 'new', no: number): HTMLAttributes<HTMLSpanElement>
}

/** The diff's lines without the file header (diff --git, index, ---, +++), which the file row already says. */
export function diffBodyLines(diff: string): ParsedDiff {
  const full = parseDiff(diff)
  const firstHunk = full.lines.findIndex((l) => l.kind === 'hunk')
  return firstHunk > 0 && full.lines.slice(0, firstHunk).every((l) => l.kind === 'meta') ? { ...full, lines: full.lines.slice(firstHunk) } : full
}

/**
 * A file's change as a unified (or side-by-side) diff with line numbers and +/- colouring.
 * Number cells carry `data-side`/`data-no` and rows `data-old`/`data-new`, for pointer selection.
 */
export const DiffView = memo(function DiffView({ diff, split, annotations }: { diff: string; split: boolean; annotations?: DiffAnnotations }) {
  const parsed = useMemo(() => diffBodyLines(diff), [diff])
  const rows = useMemo(() => (split ? splitRows(parsed.lines) : null), [split, parsed])
  let hunk = -1
  const full = (line: DiffLine, key: number) => {
    const action = line.kind === 'hunk' && annotations?.hunkAction ? annotations.hunkAction(++hunk) : null
    return (
      <div key={key} className={`diff-row diff-${line.kind}`}>
        <span className="diff-full">{line.text}</span>
        {action && <span className="diff-hunk-action">{action}</span>}
      </div>
    )
  }
  const after = (numbers: RowNumbers, key: string) => {
    const extra = annotations?.after?.(numbers)
    return extra ? (
      <div key={key} className="diff-after">
        {extra}
      </div>
    ) : null
  }
  if (rows) {
    return (
      <div className="diff diff-split" role="table" aria-label="Side-by-side diff">
        {rows.map((row, i) => {
          if (row.kind === 'full') return full(row.line, i)
          const numbers = { old: row.left?.oldNo, new: row.right?.newNo }
          return (
            <Fragment key={i}>
              <div className="diff-row diff-pair">
                <Half line={row.left} side="old" selected={!!row.left && !!annotations?.selected?.({ old: row.left.oldNo })} cell={annotations?.cell} />
                <Half line={row.right} side="new" selected={!!row.right && !!annotations?.selected?.({ new: row.right.newNo })} cell={annotations?.cell} />
              </div>
              {after(numbers, 'after')}
            </Fragment>
          )
        })}
      </div>
    )
  }
  return (
    <div className="diff diff-unified" role="table" aria-label="Diff">
      {parsed.lines.map((line, i) => {
        if (line.kind === 'hunk' || line.kind === 'meta') return full(line, i)
        const numbers = { old: line.oldNo, new: line.newNo }
        const selected = annotations?.selected?.(numbers) ?? false
        return (
          <Fragment key={i}>
            <div className={`diff-row diff-${line.kind}${selected ? ' diff-selected' : ''}`} data-old={line.oldNo} data-new={line.newNo}>
              <NumberCell side="old" no={line.oldNo} cell={annotations?.cell} />
              <NumberCell side="new" no={line.newNo} cell={annotations?.cell} />
              <span className="diff-mark">{MARK[line.kind]}</span>
              <span className="diff-text">{line.text}</span>
            </div>
            {after(numbers, 'after')}
          </Fragment>
        )
      })}
    </div>
  )
})

function NumberCell({ side, no, cell }: { side: 'old' | 'new'; no: number | undefined; cell: DiffAnnotations['cell'] }) {
  return (
    <span className="diff-no" data-side={side} data-no={no} {...(no !== undefined ? cell?.(side, no) : undefined)}>
      {no ?? ''}
    </span>
  )
}

function Half({ line, side, selected, cell }: { line: DiffLine | null; side: 'old' | 'new'; selected: boolean; cell: DiffAnnotations['cell'] }) {
  if (!line) return <div className="diff-half diff-empty" />
  const kind = line.kind === 'ctx' ? 'ctx' : line.kind
  const no = side === 'old' ? line.oldNo : line.newNo
  return (
    <div className={`diff-half diff-${kind}${selected ? ' diff-selected' : ''}`} data-side={side} data-old={side === 'old' ? no : undefined} data-new={side === 'new' ? no : undefined}>
      <NumberCell side={side} no={no} cell={cell} />
      <span className="diff-mark">{MARK[line.kind as 'add' | 'del' | 'ctx']}</span>
      <span className="diff-text">{line.text}</span>
    </div>
  )
}

/** Unified or side by side. */
export function DiffLayoutToggle({ split, onChange }: { split: boolean; onChange(split: boolean): void }) {
  return (
    <span className="segmented" role="group" aria-label="Diff layout">
      <button className={!split ? 'active' : ''} aria-pressed={!split} onClick={() => onChange(false)}>
        Unified
      </button>
      <button className={split ? 'active' : ''} aria-pressed={split} onClick={() => onChange(true)}>
        Split
      </button>
    </span>
  )
}

/** "+3 −1" for a diff, or null when there is none. */
export function diffStats(diff: string | undefined): { added: number; removed: number } | null {
  if (!diff) return null
  const { added, removed } = parseDiff(diff)
  return { added, removed }
}
