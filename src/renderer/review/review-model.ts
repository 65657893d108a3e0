/** The review panel's decisions: line selection → comment ranges, hunk order, labels. Pure, no DOM. */
import type { ChangedFile, GitStatus, Lane, MethodInput } from '../../shared/contract'
import type { z } from 'zod'
import type { DiffLine } from '../ui/diff'

export type Side = 'old' | 'new'
export type ReviewCommentInput = MethodInput<'review.comment'>['comments'][number]

/** The most comments one review holds (`review.comment` and `review.saveDrafts` take no more). */
export const MAX_PENDING_COMMENTS = 100

/** Lines picked in one file's diff, on one side: `anchor` where it started, `head` where it ends now. */
export interface LineSelection {
  path: string
  side: Side
  anchor: number
  head: number
}

/** A line's number on a side (undefined when the line is not on that side: an addition has no old number). */
export function numberOn(line: Pick<DiffLine, 'oldNo' | 'newNo'>, side: Side): number | undefined {
  return side === 'old' ? line.oldNo : line.newNo
}

/**
 * Which line a press picks, from the number column it hit (if any) and the row's numbers: that
 * column's line when it has a number there, else the new side's (additions, context), else the old
 * side's (removals).
 */
export function pickLine(column: Side | undefined, numbers: { old?: number; new?: number }): { side: Side; no: number } | null {
  if (column && numbers[column] !== undefined) return { side: column, no: numbers[column]! }
  if (numbers.new !== undefined) return { side: 'new', no: numbers.new }
  if (numbers.old !== undefined) return { side: 'old', no: numbers.old }
  return null
}

/**
 * A click on line `no` of `side`: a new one-line selection, or (shift-click, drag) the current one
 * extended to it. Extending only works within the same file and side; elsewhere it starts afresh.
 */
export function selectLine(current: LineSelection | null, path: string, side: Side, no: number, extend: boolean): LineSelection {
  if (extend && current && current.path === path && current.side === side) return { ...current, head: no }
  return { path, side, anchor: no, head: no }
}

/**
 * Shift+Arrow from line `from` to line `to` on `side`: the selection grows or shrinks when `from` is
 * its moving end; otherwise a new one starts at `from`.
 */
export function extendSelection(current: LineSelection | null, path: string, side: Side, from: number, to: number): LineSelection {
  const start = current && current.path === path && current.side === side && current.head === from ? current : { path, side, anchor: from, head: from }
  return { ...start, head: to }
}

/** What Enter on line `no` comments on: the selection when the line is in it, else that line alone. */
export function selectionAt(current: LineSelection | null, path: string, side: Side, no: number): LineSelection {
  return current && current.side === side && inSelection(current, path, { [side]: no }) ? current : { path, side, anchor: no, head: no }
}

/** A line number cell's accessible name. */
export function lineCellLabel(side: Side, no: number): string {
  return `Line ${no}, ${side} side`
}

export function selectionRange(sel: Pick<LineSelection, 'anchor' | 'head'>): { start: number; end: number } {
  return { start: Math.min(sel.anchor, sel.head), end: Math.max(sel.anchor, sel.head) }
}

/** Whether a row with these numbers is inside the selection (on the selection's side). */
export function inSelection(sel: LineSelection | null, path: string, numbers: { old?: number; new?: number }): boolean {
  if (!sel || sel.path !== path) return false
  const no = sel.side === 'old' ? numbers.old : numbers.new
  if (no === undefined) return false
  const { start, end } = selectionRange(sel)
  return no >= start && no <= end
}

/** The selected lines' text on the selection's side, in order, each once. */
export function quoteLines(lines: readonly DiffLine[], side: Side, start: number, end: number): string {
  const out: string[] = []
  const seen = new Set<number>()
  for (const line of lines) {
    if (line.kind !== 'add' && line.kind !== 'del' && line.kind !== 'ctx') continue
    const no = numberOn(line, side)
    if (no === undefined || no < start || no > end || seen.has(no)) continue
    seen.add(no)
    out.push(line.text)
  }
  return out.join('\n')
}

/** The comment to send for a selection and the text the user wrote (null when there is nothing to say). */
export function commentFor(sel: LineSelection, lines: readonly DiffLine[], text: string): ReviewCommentInput | null {
  const body = text.trim()
  if (!body) return null
  const { start, end } = selectionRange(sel)
  const quote = quoteLines(lines, sel.side, start, end)
  return { path: sel.path, startLine: start, endLine: end, side: sel.side, ...(quote ? { quote } : {}), text: body }
}

/** "src/a.ts:3" or "src/a.ts:3–5", with "(old)" for lines of the base version. */
export function rangeLabel(c: { path: string; startLine: number; endLine: number; side?: Side }): string {
  const lines = c.startLine === c.endLine ? `${c.startLine}` : `${c.startLine}–${c.endLine}`
  return `${c.path}:${lines}${c.side === 'old' ? ' (old)' : ''}`
}

/**
 * For each line, the index of the hunk it belongs to: hunks counted in the order their `@@` headers
 * appear in the file's diff (what `review.discard` takes), -1 before the first one.
 */
export function hunkIndexes(lines: readonly DiffLine[]): number[] {
  let hunk = -1
  return lines.map((l) => (l.kind === 'hunk' ? ++hunk : hunk))
}

export function hunkCount(lines: readonly DiffLine[]): number {
  return lines.filter((l) => l.kind === 'hunk').length
}

const STATUS_LETTER: Record<ChangedFile['status'], string> = { added: 'A', modified: 'M', deleted: 'D', renamed: 'R', untracked: 'U' }
export function statusLetter(status: ChangedFile['status']): string {
  return STATUS_LETTER[status]
}

export function totals(files: readonly Pick<ChangedFile, 'additions' | 'deletions'>[]): { additions: number; deletions: number } {
  return files.reduce((t, f) => ({ additions: t.additions + f.additions, deletions: t.deletions + f.deletions }), { additions: 0, deletions: 0 })
}

/** The file to show after a refresh: the same path if it is still changed, else the first. */
export function keepSelectedFile(files: readonly Pick<ChangedFile, 'path'>[], selected: string | null): string | null {
  if (selected && files.some((f) => f.path === selected)) return selected
  return files[0]?.path ?? null
}

// ---- the lane header's git line

export interface GitSummary {
  branch: string | null
  ahead: number
  behind: number
  changed: number
  /** Whether the lane works in its own worktree. */
  worktree: boolean
}

/** What the lane header says about git, or null for a lane outside git. */
export function gitSummary(lane: Pick<Lane, 'git' | 'worktree'>): GitSummary | null {
  const git: z.infer<typeof GitStatus> | undefined = lane.git
  if (!git && !lane.worktree) return null
  return {
    branch: git?.branch ?? lane.worktree?.branch ?? null,
    ahead: git?.ahead ?? 0,
    behind: git?.behind ?? 0,
    changed: git?.changedFiles ?? 0,
    worktree: lane.worktree !== undefined,
  }
}

/** Whether the lane can be reviewed (its folder is in git). */
export function canReview(lane: Pick<Lane, 'git' | 'worktree' | 'purpose'>): boolean {
  return lane.purpose !== 'login' && (lane.worktree !== undefined || lane.git !== undefined)
}

// ---- the new-lane dialog's worktree options

/** "`.env*`, config/*.local" → the globs, one per comma or line, blanks and quotes dropped. */
export function parseGlobs(text: string): string[] {
  return text
    .split(/[,\n]/)
    .map((g) => g.trim().replace(/^(['"`])(.*)\1$/, '$2').trim())
    .filter((g, i, all) => g.length > 0 && all.indexOf(g) === i)
}

/** Own worktree by default for agents, not for a plain terminal. */
export function defaultOwnWorktree(kind: Lane['kind'] | undefined): boolean {
  return kind !== undefined && kind !== 'terminal'
}

export interface WorktreeForm {
  enabled: boolean
  base: string
  branch: string
  copyIgnored: string
}

/** The `worktree` field of lanes.create: off for a non-git folder, else what the form says (blanks left out). */
export function worktreeInput(isGit: boolean, form: WorktreeForm): MethodInput<'lanes.create'>['worktree'] {
  if (!isGit || !form.enabled) return { enabled: false }
  const globs = parseGlobs(form.copyIgnored)
  return {
    enabled: true,
    ...(form.base.trim() ? { base: form.base.trim() } : {}),
    ...(form.branch.trim() ? { branch: form.branch.trim() } : {}),
    ...(globs.length ? { copyIgnored: globs } : {}),
  }
}
