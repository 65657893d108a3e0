import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent, type MouseEvent as ReactMouseEvent } from 'react'
import type { ChangedFile, Lane } from '../../shared/contract'
import { useApp } from '../app/context'
import { DiffLayoutToggle, DiffView, diffBodyLines, type DiffAnnotations, type RowNumbers } from '../ui/DiffView'
import { usePendingComments, type PendingComment } from './pending-comments'
import {
  commentFor,
  extendSelection,
  inSelection,
  keepSelectedFile,
  lineCellLabel,
  MAX_PENDING_COMMENTS,
  pickLine,
  rangeLabel,
  selectLine,
  selectionAt,
  selectionRange,
  statusLetter,
  totals,
  type LineSelection,
  type Side,
} from './review-model'
import './review.css'
import { FinishBar } from './FinishBar'
import { useBusy } from './busy'

interface Props {
  lane: Lane
  onClose(): void
}

interface DiffState {
  base: string
  files: ChangedFile[]
}

/**
 * A lane's changes against its base: files, their diffs (unified or split), discarding a file or a
 * hunk, committing, and comments on selected lines sent to the agent as its next prompt.
 * Drawn over the lane's body; refreshes when a turn ends or the lane's git status changes.
 */
export function ReviewPanel({ lane, onClose }: Props) {
  const { client, reportError, notify, mac } = useApp()
  const laneId = lane.id
  const [data, setData] = useState<DiffState | null>(null)
  const [loadError, setLoadError] = useState<string | null>(null)
  const [loading, setLoading] = useState(false)
  const [selectedPath, setSelectedPath] = useState<string | null>(null)
  const [split, setSplit] = useState(false)
  const [selection, setSelection] = useState<LineSelection | null>(null)
  // Whether the comment box shows for the selection: at once for the mouse; on Enter for the keyboard.
  const [boxOpen, setBoxOpen] = useState(false)
  const [draft, setDraft] = useState('')
  const [message, setMessage] = useState('')
  const [busy, run] = useBusy<'commit' | 'send' | 'discard'>((e) => reportError(e))
  /** What the last commit did, said in the panel until the next change. */
  const [committed, setCommitted] = useState<string | null>(null)
  const { comments, add, remove, clear } = usePendingComments(laneId)
  // Focus inside the panel, so Escape closes it.
  const root = useRef<HTMLDivElement>(null)
  useEffect(() => root.current?.focus(), [])

  // ---- loading: the newest answer wins
  const loadSeq = useRef(0)
  const load = useCallback(async () => {
    const seq = ++loadSeq.current
    setLoading(true)
    try {
      const result = await client.call('review.diff', { laneId })
      if (seq !== loadSeq.current) return
      setData(result)
      setLoadError(null)
      setSelectedPath((current) => keepSelectedFile(result.files, current))
    } catch (e) {
      if (seq !== loadSeq.current) return
      setLoadError(e instanceof Error ? e.message : String(e))
    } finally {
      if (seq === loadSeq.current) setLoading(false)
    }
  }, [client, laneId])

  const gitAt = lane.git?.at
  useEffect(() => {
    void load()
  }, [load, gitAt])
  useEffect(
    () =>
      client.subscribe('lanes.events', { laneId }, (event) => {
        if (event.type === 'turn.completed') void load()
      }),
    [client, laneId, load],
  )

  const files = data?.files ?? []
  const file = files.find((f) => f.path === selectedPath) ?? null
  const lines = useMemo(() => (file && !file.binary ? diffBodyLines(file.diff).lines : []), [file])
  // A selection belongs to one file's diff; it goes when that diff changes.
  useEffect(() => setSelection((s) => (s && file && s.path === file.path ? s : null)), [file])

  // ---- the line number cells: one tab stop among them (roving tabindex), arrows move it
  const diffRef = useRef<HTMLDivElement>(null)
  const [cursor, setCursor] = useState<{ side: Side; no: number } | null>(null)
  const cellAt = (side: Side, no: number) => diffRef.current?.querySelector<HTMLElement>(`.diff-no[data-side="${side}"][data-no="${no}"]`) ?? null
  const moveCursor = (cell: HTMLElement, focus: boolean) => {
    setCursor({ side: cell.dataset.side as Side, no: Number(cell.dataset.no) })
    if (focus) cell.focus()
  }
  // The cursor's line while this diff has it, else the first new-side line (or old-side, for a deletion).
  const tabStop = useMemo(() => {
    const has = (side: Side, no: number) => lines.some((l) => (side === 'old' ? l.oldNo : l.newNo) === no)
    if (cursor && has(cursor.side, cursor.no)) return cursor
    const first = lines.find((l) => l.newNo !== undefined) ?? lines.find((l) => l.oldNo !== undefined)
    if (!first) return null
    return first.newNo !== undefined ? { side: 'new' as const, no: first.newNo } : { side: 'old' as const, no: first.oldNo! }
  }, [cursor, lines])
  /** Back to the line the user was on when the comment box closes (else focus would fall out of the panel). */
  const focusCursor = () => ((tabStop && cellAt(tabStop.side, tabStop.no)) || root.current)?.focus()

  const onDiffKeyDown = (e: KeyboardEvent) => {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.diff-no[data-no]')
    if (!file || !cell || e.altKey || e.ctrlKey || e.metaKey) return
    const side = cell.dataset.side as Side
    const no = Number(cell.dataset.no)
    if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
      e.preventDefault()
      const column = [...diffRef.current!.querySelectorAll<HTMLElement>(`.diff-no[data-side="${side}"][data-no]`)]
      const next = column[column.indexOf(cell) + (e.key === 'ArrowDown' ? 1 : -1)]
      if (!next) return
      moveCursor(next, true)
      if (e.shiftKey) {
        setSelection((current) => extendSelection(current, file.path, side, no, Number(next.dataset.no)))
        setBoxOpen(false)
      } else {
        // Like a caret: moving without Shift lets go of the selection.
        setSelection(null)
      }
    } else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !e.shiftKey) {
      e.preventDefault()
      const other = cell.closest('.diff-row')?.querySelector<HTMLElement>(`.diff-no[data-side="${e.key === 'ArrowLeft' ? 'old' : 'new'}"][data-no]`)
      if (other) moveCursor(other, true)
    } else if ((e.key === 'Enter' || e.key === ' ' || e.key === 'c') && !e.shiftKey) {
      e.preventDefault()
      setSelection((current) => selectionAt(current, file.path, side, no))
      setBoxOpen(true)
    } else if (e.key === 'Escape' && selection) {
      // Handled: the panel closes on Escape only when there is nothing selected.
      e.preventDefault()
      setSelection(null)
    }
  }

  // ---- selecting lines: press a line number, shift-click or drag to extend
  const dragging = useRef(false)
  useEffect(() => {
    const stop = () => (dragging.current = false)
    window.addEventListener('mouseup', stop)
    return () => window.removeEventListener('mouseup', stop)
  }, [])
  const onDiffMouseDown = (e: ReactMouseEvent) => {
    if (!file || e.button !== 0) return
    const cell = (e.target as HTMLElement).closest<HTMLElement>('.diff-no')
    if (!cell) return
    const picked = pickLine(cell.dataset.side as Side | undefined, rowNumbers(cell))
    if (!picked) return
    e.preventDefault()
    dragging.current = true
    setSelection((current) => selectLine(current, file.path, picked.side, picked.no, e.shiftKey))
    setBoxOpen(true)
    const pickedCell = cellAt(picked.side, picked.no)
    if (pickedCell) moveCursor(pickedCell, false)
  }
  const onDiffMouseOver = (e: ReactMouseEvent) => {
    if (!dragging.current || !file || !selection) return
    const no = rowNumbers(e.target as HTMLElement)[selection.side]
    if (no === undefined || no === selection.head) return
    setSelection(selectLine(selection, file.path, selection.side, no, true))
    const headCell = cellAt(selection.side, no)
    if (headCell) moveCursor(headCell, false)
  }

  const addComment = () => {
    if (!selection) return
    const comment = commentFor(selection, lines, draft)
    if (!comment) return
    if (comments.length >= MAX_PENDING_COMMENTS) {
      notify(`A review holds at most ${MAX_PENDING_COMMENTS} comments: send these to the agent first`, 'error')
      return
    }
    add(comment)
    setDraft('')
    setSelection(null)
    focusCursor()
  }
  const cancelComment = () => {
    setSelection(null)
    focusCursor()
  }

  // ---- actions
  const discard = (path: string, hunk?: number) =>
    run('discard', async () => {
      await client.call('review.discard', { laneId, path, ...(hunk !== undefined ? { hunk } : {}) })
      await load()
    })
  const commit = () =>
    run('commit', async () => {
      const { commit } = await client.call('review.commit', { laneId, message: message.trim() })
      const subject = message.trim().split('\n')[0]
      setMessage('')
      const where = lane.worktree?.branch ?? lane.git?.branch ?? 'the branch'
      notify(`Committed ${commit.slice(0, 7)} on ${where}`, 'info')
      setCommitted(`Committed ${commit.slice(0, 7)} “${subject}” on ${where}. The files below are the branch’s work against its base; what is still uncommitted is counted above.`)
      await load()
    })
  const send = () =>
    run('send', async () => {
      const sent = comments
      await client.call('review.comment', { laneId, comments: sent.map(({ id: _id, ...c }) => c) })
      clear(sent.map((c) => c.id))
      // No toast: the panel closes onto the transcript, where the prompt shows.
      onClose()
    })

  // ---- what the diff draws besides its lines
  const range = selection ? selectionRange(selection) : null
  const fileComments = file ? comments.filter((c) => c.path === file.path) : []
  const annotations: DiffAnnotations | undefined = file
    ? {
        selected: (n) => inSelection(selection, file.path, n),
        cell: (side, no) => ({
          tabIndex: tabStop?.side === side && tabStop.no === no ? 0 : -1,
          role: 'button',
          'aria-label': lineCellLabel(side, no),
        }),
        // Committed work is the branch's: no Discard on it (the header says "all committed").
        hunkAction: (hunk) =>
          lane.git?.changedFiles === 0 ? null : (
            <ConfirmButton label="Discard hunk" question={`Discard this hunk of ${file.path}?`} confirm="Discard" disabled={busy !== null} onConfirm={() => void discard(file.path, hunk)} />
          ),
        after: (n) => {
          const here = fileComments.filter((c) => atLine(n, c.side, c.endLine))
          const box = selection && boxOpen && range && atLine(n, selection.side, range.end)
          if (!here.length && !box) return null
          return (
            <>
              {here.map((c) => (
                <InlineComment key={c.id} comment={c} onRemove={() => remove(c.id)} />
              ))}
              {box && (
                <CommentBox
                  label={rangeLabel({ path: file.path, startLine: range.start, endLine: range.end, side: selection.side })}
                  value={draft}
                  onChange={setDraft}
                  onAdd={addComment}
                  onCancel={cancelComment}
                />
              )}
            </>
          )
        },
      }
    : undefined

  const sum = totals(files)
  // The diff is against the base (committed work included); git status says what is left to commit.
  const uncommitted = lane.git?.changedFiles
  const canCommit = files.length > 0 && uncommitted !== 0
  const baseLabel = shortRef(lane.worktree?.base, data?.base)

  return (
    <div
      className="review"
      role="region"
      aria-label={`Review ${lane.title}`}
      data-review-lane={laneId}
      ref={root}
      tabIndex={-1}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && !e.defaultPrevented) {
          e.preventDefault()
          onClose()
        }
      }}
    >
      <div className="review-head">
        <strong className="review-title">Review</strong>
        <span className="review-summary">
          {data ? (
            <>
              {files.length} file{files.length === 1 ? '' : 's'}
              {files.length > 0 && (
                <>
                  {' '}
                  · <span className="review-add">+{sum.additions}</span> <span className="review-del">−{sum.deletions}</span>
                </>
              )}
              {baseLabel && <> · vs {baseLabel}</>}
              {uncommitted !== undefined && files.length > 0 && <> · {uncommitted === 0 ? 'all committed' : `${uncommitted} uncommitted`}</>}
            </>
          ) : loading ? (
            'loading…'
          ) : null}
        </span>
        <div className="review-head-actions">
          <DiffLayoutToggle split={split} onChange={setSplit} />
          <button className="icon-button" aria-label="Refresh" title="Refresh" onClick={() => void load()} disabled={loading}>
            ↻
          </button>
          <button className="icon-button" aria-label="Close review" title="Close review" onClick={onClose}>
            ×
          </button>
        </div>
      </div>

      {loadError && (
        <div className="review-error" role="alert">
          {loadError}
        </div>
      )}

      {data && files.length === 0 && !loadError && (
        <div className="review-empty">
          No changes against {baseLabel || 'the base'} yet.
        </div>
      )}

      {files.length > 0 && (
        <ul className="review-files" aria-label="Changed files">
          {files.map((f) => (
            <li
              key={f.path}
              className={`review-file${f.path === selectedPath ? ' selected' : ''}`}
              data-path={f.path}
              aria-current={f.path === selectedPath ? 'true' : undefined}
              onClick={() => setSelectedPath(f.path)}
            >
              <span className={`review-status review-status-${f.status}`} title={f.status}>
                {statusLetter(f.status)}
              </span>
              <span className="review-file-path" title={f.oldPath ? `${f.oldPath} → ${f.path}` : f.path}>
                <bdi dir="ltr">{f.path}</bdi>
              </span>
              {comments.some((c) => c.path === f.path) && (
                <span className="review-file-comments" title="Comments on this file">
                  <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
                    <path d="M2.5 3h11v7.5H7L4 13v-2.5H2.5z" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinejoin="round" />
                  </svg>
                  {comments.filter((c) => c.path === f.path).length}
                </span>
              )}
              <span className="review-file-stats">
                <span className="review-add">+{f.additions}</span> <span className="review-del">−{f.deletions}</span>
              </span>
            </li>
          ))}
        </ul>
      )}

      {file && (
        <div className="review-diff-wrap">
          <div className="review-diff-head">
            <span className="review-diff-path" title={file.path}>
              <bdi dir="ltr">{file.oldPath ? `${file.oldPath} → ${file.path}` : file.path}</bdi>
            </span>
            {uncommitted !== 0 && <ConfirmButton
              label="Discard file"
              question={file.status === 'untracked' || file.status === 'added' ? `Delete the new file ${file.path}?` : `Discard all changes to ${file.path}?`}
              confirm="Discard"
              disabled={busy !== null}
              onConfirm={() => void discard(file.path)}
            />}
          </div>
          <div className="review-diff" ref={diffRef} onMouseDown={onDiffMouseDown} onMouseOver={onDiffMouseOver} onKeyDown={onDiffKeyDown}>
            {file.binary ? (
              <div className="review-empty">Binary file — no text diff.</div>
            ) : file.diff.trim() ? (
              <DiffView diff={file.diff} split={split} annotations={annotations} />
            ) : (
              <div className="review-empty">No textual change (mode or rename only).</div>
            )}
          </div>
          {!file.binary && lines.length > 0 && (
            <div className="review-hint" role="status">
              {!selection || !range
                ? 'Click a line number to comment · shift-click, drag or Shift+↑↓ to select lines'
                : boxOpen
                  ? `${mac ? '⌘' : 'Ctrl'}+Enter adds the comment · Esc cancels`
                  : `${rangeLabel({ path: file.path, startLine: range.start, endLine: range.end, side: selection.side })} selected · Enter or C to comment · Esc to clear`}
            </div>
          )}
        </div>
      )}

      <div className="review-foot">
        {comments.length > 0 && (
          <div className="review-pending" aria-label="Pending comments">
            <div className="review-pending-head">
              <span>
                {comments.length} comment{comments.length === 1 ? '' : 's'} for the agent
              </span>
              <button className="button button-small button-primary" disabled={busy !== null} onClick={() => void send()}>
                {busy === 'send' ? 'Sending…' : 'Send to agent'}
              </button>
            </div>
            <ul className="review-pending-list">
              {comments.map((c) => (
                <li key={c.id}>
                  <button className="review-pending-ref" onClick={() => setSelectedPath(c.path)} title="Show in the diff">
                    {rangeLabel(c)}
                  </button>
                  <span className="review-pending-text">{c.text}</span>
                  <button className="icon-button" aria-label={`Remove comment on ${rangeLabel(c)}`} title="Remove" onClick={() => remove(c.id)}>
                    ×
                  </button>
                </li>
              ))}
            </ul>
          </div>
        )}
        <form
          className="review-commit"
          onSubmit={(e) => {
            e.preventDefault()
            if (message.trim() && canCommit && busy === null) void commit()
          }}
        >
          <input
            className="input"
            aria-label="Commit message"
            placeholder={canCommit ? 'Commit message' : 'Nothing to commit'}
            value={message}
            maxLength={10_000}
            onChange={(e) => setMessage(e.target.value)}
          />
          <button type="submit" className="button button-small" disabled={!message.trim() || !canCommit || busy !== null}>
            {busy === 'commit' ? 'Committing…' : 'Commit'}
          </button>
        </form>
        {committed && uncommitted === 0 && (
          <div className="review-committed" role="status">
            {committed}
          </div>
        )}
        <FinishBar lane={lane} canFinish={files.length > 0 && uncommitted === 0} onChanged={() => void load()} />
      </div>
    </div>
  )
}

/** The line numbers of the row an element is in (a unified row, or one half of a split row). */
function rowNumbers(el: HTMLElement): RowNumbers {
  const row = el.closest<HTMLElement>('[data-old], [data-new]')
  if (!row) return {}
  const num = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v))
  return { old: num(row.dataset.old), new: num(row.dataset.new) }
}

function atLine(n: RowNumbers, side: Side | undefined, line: number): boolean {
  return (side === 'old' ? n.old : n.new) === line
}

/** "main (abc1234)", "abc1234", or the ref as given. */
function shortRef(base: string | undefined, resolved: string | undefined): string {
  const short = (r: string) => (/^[0-9a-f]{40}$/i.test(r) ? r.slice(0, 7) : r)
  if (base && resolved && base !== resolved) return `${short(base)} (${short(resolved)})`
  return short(base ?? resolved ?? '')
}

function CommentBox(props: { label: string; value: string; onChange(v: string): void; onAdd(): void; onCancel(): void }) {
  const ref = useRef<HTMLTextAreaElement>(null)
  useEffect(() => ref.current?.focus(), [props.label])
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      props.onCancel()
    } else if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault()
      props.onAdd()
    }
  }
  return (
    <div className="review-comment-box" onMouseDown={(e) => e.stopPropagation()}>
      <div className="review-comment-label">Comment on {props.label}</div>
      <textarea
        ref={ref}
        className="input"
        aria-label="Review comment"
        rows={3}
        placeholder="What should the agent change here?"
        value={props.value}
        onChange={(e) => props.onChange(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="review-comment-actions">
        <button type="button" className="button button-small button-ghost" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" className="button button-small button-primary" disabled={!props.value.trim()} onClick={props.onAdd}>
          Add comment
        </button>
      </div>
    </div>
  )
}

function InlineComment({ comment, onRemove }: { comment: PendingComment; onRemove(): void }) {
  return (
    <div className="review-inline-comment" onMouseDown={(e) => e.stopPropagation()}>
      <span className="review-inline-ref">{rangeLabel(comment).replace(/^.*:/, 'line ')}</span>
      <span className="review-inline-text">{comment.text}</span>
      <button className="icon-button" aria-label="Remove comment" title="Remove" onClick={onRemove}>
        ×
      </button>
    </div>
  )
}

/** A destructive action in two steps: the button, then "question? [confirm] [cancel]" in its place. */
export function ConfirmButton(props: { label: string; question: string; confirm: string; disabled?: boolean; onConfirm(): void }) {
  const [armed, setArmed] = useState(false)
  if (!armed) {
    return (
      <button
        type="button"
        className="button button-small button-ghost review-danger"
        disabled={props.disabled}
        onMouseDown={(e) => e.stopPropagation()}
        onClick={(e) => {
          e.stopPropagation()
          setArmed(true)
        }}
      >
        {props.label}
      </button>
    )
  }
  return (
    <span className="confirm-inline" role="group" aria-label={props.question} onMouseDown={(e) => e.stopPropagation()} onClick={(e) => e.stopPropagation()}>
      <span className="confirm-question">{props.question}</span>
      <button
        type="button"
        className="button button-small button-danger"
        autoFocus
        onClick={() => {
          setArmed(false)
          props.onConfirm()
        }}
      >
        {props.confirm}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={() => setArmed(false)}>
        Cancel
      </button>
    </span>
  )
}
