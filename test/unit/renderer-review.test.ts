/**
 * The review panel's and history's pure decisions: which lines a selection covers and what the
 * comment sent to the agent says, which hunk a discard names, snippet highlighting, archived lanes,
 * the new-lane dialog's worktree field and the lane header's git line.
 */
import { describe, expect, it as test } from 'vitest'
import type { Lane } from '../../src/shared/contract'
import { parseDiff } from '../../src/renderer/ui/diff'
import { diffBodyLines } from '../../src/renderer/ui/DiffView'
import {
  canReview,
  commentFor,
  defaultOwnWorktree,
  extendSelection,
  gitSummary,
  hunkCount,
  hunkIndexes,
  inSelection,
  keepSelectedFile,
  lineCellLabel,
  parseGlobs,
  pickLine,
  quoteLines,
  rangeLabel,
  selectLine,
  selectionAt,
  selectionRange,
  totals,
  worktreeInput,
} from '../../src/renderer/review/review-model'
import { activeLanes, archivedLanes, highlightParts, hitKind, relativeTime } from '../../src/renderer/history/history-model'
import { RETRY_DIFF } from '../support/sample-diff'

const DIFF = RETRY_DIFF

const lines = diffBodyLines(DIFF).lines

describe('line selection → comment ranges', () => {
  test('a press in a number column picks that side; elsewhere additions and context are new, removals old', () => {
    expect(pickLine('old', { old: 2, new: undefined })).toEqual({ side: 'old', no: 2 })
    // The old column of an added line is empty: the line is picked on the new side.
    expect(pickLine('old', { new: 3 })).toEqual({ side: 'new', no: 3 })
    expect(pickLine(undefined, { old: 5, new: 5 })).toEqual({ side: 'new', no: 5 })
    expect(pickLine('old', { old: 5, new: 5 })).toEqual({ side: 'old', no: 5 })
    expect(pickLine(undefined, { old: 2 })).toEqual({ side: 'old', no: 2 })
    expect(pickLine('new', {})).toBeNull()
  })

  test('shift-click extends in the same file and side; anything else starts again', () => {
    let sel = selectLine(null, 'a.ts', 'new', 4, false)
    expect(sel).toEqual({ path: 'a.ts', side: 'new', anchor: 4, head: 4 })
    sel = selectLine(sel, 'a.ts', 'new', 2, true)
    expect(selectionRange(sel)).toEqual({ start: 2, end: 4 })
    // Another side or file: a fresh one-line selection.
    expect(selectLine(sel, 'a.ts', 'old', 7, true)).toEqual({ path: 'a.ts', side: 'old', anchor: 7, head: 7 })
    expect(selectLine(sel, 'b.ts', 'new', 7, true)).toEqual({ path: 'b.ts', side: 'new', anchor: 7, head: 7 })
    // A plain click replaces it.
    expect(selectLine(sel, 'a.ts', 'new', 9, false)).toEqual({ path: 'a.ts', side: 'new', anchor: 9, head: 9 })
  })

  test('Shift+Arrow grows and shrinks the selection from its moving end; from elsewhere it starts at the focused line', () => {
    let sel = extendSelection(null, 'a.ts', 'new', 4, 5)
    expect(sel).toEqual({ path: 'a.ts', side: 'new', anchor: 4, head: 5 })
    sel = extendSelection(sel, 'a.ts', 'new', 5, 6)
    expect(selectionRange(sel)).toEqual({ start: 4, end: 6 })
    // Back up past the anchor: the range flips above it.
    sel = extendSelection(extendSelection(extendSelection(sel, 'a.ts', 'new', 6, 5), 'a.ts', 'new', 5, 4), 'a.ts', 'new', 4, 3)
    expect(selectionRange(sel)).toEqual({ start: 3, end: 4 })
    // The focus is not at the selection's moving end (another line, side or file): a new selection there.
    expect(extendSelection(sel, 'a.ts', 'new', 9, 10)).toEqual({ path: 'a.ts', side: 'new', anchor: 9, head: 10 })
    expect(extendSelection(sel, 'a.ts', 'old', 3, 4)).toEqual({ path: 'a.ts', side: 'old', anchor: 3, head: 4 })
    expect(extendSelection(sel, 'b.ts', 'new', 3, 4)).toEqual({ path: 'b.ts', side: 'new', anchor: 3, head: 4 })
  })

  test('Enter comments on the selection when the focused line is in it, else on that line alone', () => {
    const sel = { path: 'a.ts', side: 'new' as const, anchor: 2, head: 4 }
    expect(selectionAt(sel, 'a.ts', 'new', 3)).toBe(sel)
    expect(selectionAt(sel, 'a.ts', 'new', 5)).toEqual({ path: 'a.ts', side: 'new', anchor: 5, head: 5 })
    expect(selectionAt(sel, 'a.ts', 'old', 3)).toEqual({ path: 'a.ts', side: 'old', anchor: 3, head: 3 })
    expect(selectionAt(null, 'a.ts', 'new', 3)).toEqual({ path: 'a.ts', side: 'new', anchor: 3, head: 3 })
    expect(lineCellLabel('old', 12)).toBe('Line 12, old side')
  })

  test('rows inside the selection are those with a number in range on its side', () => {
    const sel = { path: 'a.ts', side: 'new' as const, anchor: 3, head: 2 }
    expect(inSelection(sel, 'a.ts', { new: 2 })).toBe(true)
    expect(inSelection(sel, 'a.ts', { old: 2, new: 3 })).toBe(true)
    expect(inSelection(sel, 'a.ts', { new: 4 })).toBe(false)
    // A removed line has no new number: not part of a new-side selection.
    expect(inSelection(sel, 'a.ts', { old: 2 })).toBe(false)
    expect(inSelection(sel, 'b.ts', { new: 2 })).toBe(false)
    expect(inSelection(null, 'a.ts', { new: 2 })).toBe(false)
  })

  test('the comment carries the path, the side, the range in that side’s numbers and the quoted lines', () => {
    const sel = selectLine(selectLine(null, 'src/retry.ts', 'new', 3, false), 'src/retry.ts', 'new', 2, true)
    expect(commentFor(sel, lines, '  Why five?  ')).toEqual({
      path: 'src/retry.ts',
      side: 'new',
      startLine: 2,
      endLine: 3,
      quote: 'const RETRIES = 5\nconst JITTER = 0.2',
      text: 'Why five?',
    })
    // The old side quotes the base's lines.
    const old = selectLine(null, 'src/retry.ts', 'old', 21, false)
    expect(commentFor(old, lines, 'keep the post-increment')).toMatchObject({ side: 'old', startLine: 21, endLine: 21, quote: '  if (attempt++ >= RETRIES) throw err' })
    // Nothing written: no comment.
    expect(commentFor(sel, lines, '   ')).toBeNull()
  })

  test('quotes take each line of the side once, across hunks, in order', () => {
    expect(quoteLines(lines, 'new', 1, 22)).toBe(
      ['import { sleep } from "./sleep"', 'const RETRIES = 5', 'const JITTER = 0.2', '', 'export function retry() {', '  let attempt = 0', '  if (++attempt > RETRIES) throw err'].join('\n'),
    )
    expect(quoteLines(lines, 'old', 2, 2)).toBe('const RETRIES = 3')
  })

  test('labels say file:line or file:start–end, and mark the old side', () => {
    expect(rangeLabel({ path: 'a.ts', startLine: 3, endLine: 3 })).toBe('a.ts:3')
    expect(rangeLabel({ path: 'a.ts', startLine: 3, endLine: 8, side: 'new' })).toBe('a.ts:3–8')
    expect(rangeLabel({ path: 'a.ts', startLine: 4, endLine: 4, side: 'old' })).toBe('a.ts:4 (old)')
  })
})

describe('hunks', () => {
  test('each line knows its hunk by the order of @@ headers in the file’s diff', () => {
    const idx = hunkIndexes(lines)
    expect(hunkCount(lines)).toBe(2)
    const at = (text: string) => idx[lines.findIndex((l) => l.text === text)]
    expect(at('const RETRIES = 5')).toBe(0)
    expect(at('  if (++attempt > RETRIES) throw err')).toBe(1)
    // The full diff (file header included) counts the same hunks.
    const full = parseDiff(DIFF).lines
    expect(hunkIndexes(full).filter((h, i) => full[i].kind === 'hunk')).toEqual([0, 1])
    expect(hunkIndexes(full)[0]).toBe(-1)
  })

  test('the diff body drops the file header but keeps every hunk', () => {
    expect(lines[0].kind).toBe('hunk')
    expect(lines.filter((l) => l.kind === 'hunk')).toHaveLength(2)
  })
})

describe('files', () => {
  test('after a refresh the same file stays selected while it is still changed', () => {
    expect(keepSelectedFile([{ path: 'a' }, { path: 'b' }], 'b')).toBe('b')
    expect(keepSelectedFile([{ path: 'a' }], 'b')).toBe('a')
    expect(keepSelectedFile([], 'b')).toBeNull()
    expect(totals([{ additions: 3, deletions: 1 }, { additions: 2, deletions: 0 }])).toEqual({ additions: 5, deletions: 1 })
  })
})

const lane = (p: Partial<Lane> = {}): Lane => ({
  id: 'l1',
  workspaceId: 'w',
  profileId: 'p',
  kind: 'acp',
  title: 't',
  status: 'ready',
  createdAt: 1,
  lastActivityAt: 1,
  cols: 80,
  rows: 24,
  ...p,
})

describe('git line and worktree options', () => {
  test('the header shows the branch, ahead/behind and changed files; nothing outside git', () => {
    const wt = { path: '/d/wt', branch: 'switchyard/fix-l1', base: 'main', baseCommit: 'abc', repoPath: '/r' }
    expect(gitSummary(lane())).toBeNull()
    expect(gitSummary(lane({ worktree: wt }))).toEqual({ branch: 'switchyard/fix-l1', ahead: 0, behind: 0, changed: 0, worktree: true })
    expect(gitSummary(lane({ worktree: wt, git: { branch: 'switchyard/fix-l1', ahead: 2, behind: 1, changedFiles: 3, at: 5 } }))).toMatchObject({ ahead: 2, behind: 1, changed: 3 })
    expect(canReview(lane())).toBe(false)
    expect(canReview(lane({ git: { branch: 'main', ahead: 0, behind: 0, changedFiles: 0, at: 1 } }))).toBe(true)
    expect(canReview(lane({ purpose: 'login', worktree: wt }))).toBe(false)
  })

  test('copy-ignored globs: comma or line separated, quotes and blanks and repeats dropped', () => {
    expect(parseGlobs(" .env*, 'config/*.local' ,\n`secrets.json`,, .env* ")).toEqual(['.env*', 'config/*.local', 'secrets.json'])
    expect(parseGlobs('')).toEqual([])
  })

  test('own worktree is on by default for agents, off for terminals; off always outside git', () => {
    expect(defaultOwnWorktree('codex')).toBe(true)
    expect(defaultOwnWorktree('terminal')).toBe(false)
    const form = { enabled: true, base: ' develop ', branch: '', copyIgnored: '.env*' }
    expect(worktreeInput(true, form)).toEqual({ enabled: true, base: 'develop', copyIgnored: ['.env*'] })
    expect(worktreeInput(true, { ...form, base: '', copyIgnored: '', branch: 'feat/x' })).toEqual({ enabled: true, branch: 'feat/x' })
    expect(worktreeInput(true, { ...form, enabled: false })).toEqual({ enabled: false })
    expect(worktreeInput(false, form)).toEqual({ enabled: false })
  })
})

describe('history', () => {
  test('archived lanes leave the columns and are listed most recent first', () => {
    const lanes = [lane({ id: 'a', lastActivityAt: 1 }), lane({ id: 'b', archived: true, lastActivityAt: 5 }), lane({ id: 'c', archived: true, lastActivityAt: 9 })]
    expect(activeLanes(lanes).map((l) => l.id)).toEqual(['a'])
    expect(archivedLanes(lanes).map((l) => l.id)).toEqual(['c', 'b'])
  })

  test('snippets highlight every occurrence of the query, case-insensitively', () => {
    expect(highlightParts('Fix the Retry helper; retry twice', 'retry')).toEqual([
      { text: 'Fix the ', match: false },
      { text: 'Retry', match: true },
      { text: ' helper; ', match: false },
      { text: 'retry', match: true },
      { text: ' twice', match: false },
    ])
  })

  test('a query whose words are apart highlights each word; regex characters are literal', () => {
    const parts = highlightParts('run npm test, then the (retry) suite', 'suite npm')
    expect(parts.filter((p) => p.match).map((p) => p.text)).toEqual(['npm', 'suite'])
    expect(highlightParts('a (retry) b', '(retry)').filter((p) => p.match).map((p) => p.text)).toEqual(['(retry)'])
    expect(highlightParts('nothing here', 'zzz')).toEqual([{ text: 'nothing here', match: false }])
    // The parts put together are the snippet.
    expect(parts.map((p) => p.text).join('')).toBe('run npm test, then the (retry) suite')
  })

  test('times read as people say them; hit kinds name who spoke', () => {
    const now = Date.UTC(2025, 0, 10, 12)
    expect(relativeTime(now - 10_000, now)).toBe('just now')
    expect(relativeTime(now - 5 * 60_000, now)).toBe('5 min ago')
    expect(relativeTime(now - 3 * 3600_000, now)).toBe('3 h ago')
    expect(relativeTime(now - 26 * 3600_000, now)).toBe('yesterday')
    expect(relativeTime(now - 30 * 86400_000, now)).toBe('2024-12-11')
    expect(hitKind('input')).toBe('you')
    expect(hitKind('message')).toBe('agent')
    expect(hitKind('tool.completed')).toBe('tool')
  })
})
