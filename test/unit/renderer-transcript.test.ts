/**
 * The structured lane view's pure parts: the events → view items fold, diffs, formatting.
 */
import { describe, expect, it as test } from 'vitest'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'
import {
  applyEvents,
  emptyTranscript,
  reduceTranscript,
  type ItemOf,
  type TranscriptItem,
  type TranscriptState,
} from '../../src/renderer/agent/transcript-model'
import { parseDiff, splitRows } from '../../src/renderer/ui/diff'
import { formatCost, formatDuration, formatTokens, joinArgs, splitArgs, usageParts } from '../../src/renderer/ui/format'

/** Stamps bodies as the lane would: seq 1, 2, … and `at` = seq seconds. */
function events(...bodies: LaneEventBody[]): LaneEvent[] {
  return bodies.map((b, i) => ({ ...b, laneId: 'l', seq: i + 1, at: (i + 1) * 1000 }) as LaneEvent)
}
const fold = (...bodies: LaneEventBody[]): TranscriptState => applyEvents(emptyTranscript(), events(...bodies))
/** A compact picture of the items: kind plus what matters for it. */
const shape = (items: TranscriptItem[]) =>
  items.map((i) => {
    switch (i.kind) {
      case 'input':
        return `input:${i.text}`
      case 'message':
        return `${i.role}${i.streaming ? '…' : ''}:${i.text}`
      case 'reasoning':
        return `reasoning${i.streaming ? '…' : ''}:${i.text}`
      case 'tool':
        return `tool:${i.toolCallId}:${i.status}`
      case 'approval':
        return `approval:${i.requestId}:${i.resolution ? `${i.resolution.optionId}/${i.resolution.by}` : i.expired ? 'expired' : 'open'}`
      case 'plan':
        return `plan:${i.entries.map((e) => e.status[0]).join('')}`
      case 'error':
        return `error:${i.message}`
      case 'turn':
        return `turn:${i.outcome}`
      case 'notice':
        return `notice:${i.text}`
    }
  })

const allow = [
  { id: 'allow', label: 'Allow once', kind: 'allow_once' as const },
  { id: 'always', label: 'Always allow', kind: 'allow_always' as const },
  { id: 'deny', label: 'Reject', kind: 'reject_once' as const },
]

describe('transcript fold: messages', () => {
  test('a change of the agent’s mode is a line; the report at each start is not', () => {
    const available = [
      { id: 'default', name: 'Ask' },
      { id: 'plan', name: 'Plan' },
    ]
    const s = fold(
      { type: 'modes', current: 'default', available },
      { type: 'modes', current: 'plan', available },
      { type: 'process.exited', exitCode: 0, signal: null, requested: true },
      { type: 'modes', current: 'plan', available },
      { type: 'modes', current: 'default', available },
    )
    expect(shape(s.items)).toEqual(['system:Mode: Plan', 'system:Mode: Ask'])
  })

  test('input, streamed deltas into one message, turn end closes it', () => {
    const s = fold(
      { type: 'input', text: 'hi there' },
      { type: 'turn.started' },
      { type: 'text.delta', text: 'Hel' },
      { type: 'text.delta', text: 'lo **you**' },
    )
    expect(shape(s.items)).toEqual(['input:hi there', 'assistant…:Hello **you**'])
    const done = reduceTranscript(s, { type: 'turn.completed', outcome: 'completed', laneId: 'l', seq: 5, at: 7000 })
    expect(shape(done.items)).toEqual(['input:hi there', 'assistant:Hello **you**', 'turn:completed'])
    const turn = done.items[2] as ItemOf<'turn'>
    expect(turn.durationMs).toBe(5000)
    // Pure: the state before is untouched, unchanged items are the same objects.
    expect(shape(s.items)[1]).toBe('assistant…:Hello **you**')
    expect(done.items[0]).toBe(s.items[0])
  })

  test('the `message` event completes the streamed message instead of repeating it', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'text.delta', text: 'Hello wor' },
      { type: 'message', role: 'assistant', text: 'Hello world!' },
      { type: 'turn.completed', outcome: 'completed' },
    )
    expect(shape(s.items)).toEqual(['assistant:Hello world!', 'turn:completed'])
  })

  test('messages with ids: deltas of two messages stay apart; each completes its own', () => {
    const s = fold(
      { type: 'text.delta', messageId: 'a', text: 'one' },
      { type: 'text.delta', messageId: 'b', text: 'two' },
      { type: 'message', role: 'assistant', messageId: 'a', text: 'one!' },
      { type: 'text.delta', messageId: 'b', text: ' more' },
    )
    // Completing 'a' leaves 'b' streaming.
    expect(shape(s.items)).toEqual(['assistant:one!', 'assistant…:two more'])
  })

  test('text around a tool call: two blocks; a final message equal to both confirms them', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'text.delta', text: 'Let me look.' },
      { type: 'tool.started', toolCallId: 't1', title: 'Read file', toolKind: 'read' },
      { type: 'tool.completed', toolCallId: 't1', status: 'completed' },
      { type: 'text.delta', text: 'Done.' },
      { type: 'message', role: 'assistant', text: 'Let me look.\n\nDone.' },
    )
    expect(shape(s.items)).toEqual(['assistant:Let me look.', 'tool:t1:completed', 'assistant:Done.'])
  })

  test('a message with no deltas before it is shown as is; an empty one is not', () => {
    const s = fold({ type: 'message', role: 'assistant', text: '# Title' }, { type: 'message', role: 'assistant', text: '' })
    expect(shape(s.items)).toEqual(['assistant:# Title'])
  })

  test('a user message echoing the input is not shown twice; system messages are', () => {
    const s = fold(
      { type: 'input', text: 'fix it' },
      { type: 'message', role: 'user', text: 'fix it' },
      { type: 'message', role: 'system', text: 'Context compacted' },
    )
    expect(shape(s.items)).toEqual(['input:fix it', 'system:Context compacted'])
  })

  test('reasoning streams into its own block, closed by the answer', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'reasoning.delta', text: 'Think' },
      { type: 'reasoning.delta', text: 'ing' },
      { type: 'text.delta', text: 'Answer' },
    )
    expect(shape(s.items)).toEqual(['reasoning:Thinking', 'assistant…:Answer'])
  })

  test('events already folded (same or older seq) are ignored', () => {
    const list = events({ type: 'input', text: 'a' }, { type: 'text.delta', text: 'b' })
    const s = applyEvents(emptyTranscript(), list)
    expect(applyEvents(s, list)).toBe(s)
    expect(shape(applyEvents(s, [list[1]]).items)).toEqual(['input:a', 'assistant…:b'])
  })

  test('a batch folds the same as one event at a time', () => {
    const list = events(
      { type: 'input', text: 'go' },
      { type: 'turn.started' },
      { type: 'text.delta', text: 'x' },
      { type: 'tool.started', toolCallId: 't', command: 'ls' },
      { type: 'tool.updated', toolCallId: 't', output: 'a\nb' },
      { type: 'tool.completed', toolCallId: 't', status: 'completed', exitCode: 0 },
      { type: 'turn.completed', outcome: 'completed' },
    )
    const batch = applyEvents(emptyTranscript(), list)
    const single = list.reduce(reduceTranscript, emptyTranscript())
    expect(single.items).toEqual(batch.items)
  })
})

describe('transcript fold: tools, approvals, plans', () => {
  test('tool calls merge started → updated → completed by id, keeping what later events leave out', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'tool.started', toolCallId: 't1', toolKind: 'execute', title: 'Run tests', command: 'npm test' },
      { type: 'tool.updated', toolCallId: 't1', output: 'running…' },
      { type: 'tool.completed', toolCallId: 't1', status: 'failed', output: '1 failed', exitCode: 1 },
    )
    expect(s.items).toHaveLength(1)
    expect(s.items[0]).toMatchObject({
      kind: 'tool',
      toolKind: 'execute',
      title: 'Run tests',
      command: 'npm test',
      output: '1 failed',
      exitCode: 1,
      status: 'failed',
    })
  })

  test('a completion with no start still shows; file changes come along', () => {
    const s = fold({
      type: 'tool.completed',
      toolCallId: 'e',
      status: 'completed',
      toolKind: 'edit',
      files: [{ path: 'a.ts', diff: '@@ -1 +1 @@\n-a\n+b' }],
    })
    expect(s.items[0]).toMatchObject({ kind: 'tool', status: 'completed', files: [{ path: 'a.ts' }] })
  })

  test('an approval card waits, then shows what was chosen and by whom; its tool call knows', () => {
    let s = fold(
      { type: 'turn.started' },
      { type: 'tool.started', toolCallId: 't1', command: 'rm -rf build' },
      { type: 'approval.requested', requestId: 'r1', title: 'Run rm -rf build?', toolCallId: 't1', options: allow },
    )
    expect(shape(s.items)).toEqual(['tool:t1:running', 'approval:r1:open'])
    expect((s.items[0] as ItemOf<'tool'>).awaitingApproval).toBe('r1')
    s = reduceTranscript(s, { type: 'approval.resolved', requestId: 'r1', optionId: 'always', by: 'user', laneId: 'l', seq: 4, at: 4 })
    expect(shape(s.items)).toEqual(['tool:t1:running', 'approval:r1:always/user'])
    expect((s.items[1] as ItemOf<'approval'>).resolution?.label).toBe('Always allow')
    expect((s.items[0] as ItemOf<'tool'>).awaitingApproval).toBeUndefined()
  })

  test('approvals resolved by policy or by the agent say so', () => {
    const s = fold(
      { type: 'approval.requested', requestId: 'r1', title: 'Read a.ts', readOnly: true, options: allow },
      { type: 'approval.resolved', requestId: 'r1', optionId: 'allow', by: 'policy' },
      { type: 'approval.requested', requestId: 'r2', title: 'Write b.ts', options: allow },
      { type: 'approval.resolved', requestId: 'r2', optionId: 'cancelled', by: 'agent' },
    )
    expect(shape(s.items)).toEqual(['approval:r1:allow/policy', 'approval:r2:cancelled/agent'])
    expect((s.items[1] as ItemOf<'approval'>).resolution?.label).toBeUndefined()
  })

  test('a request with questions carries them; its resolution carries the answers given', () => {
    const questions = [
      { id: 'q1', header: 'Auth', question: 'Which auth?', options: [{ label: 'OAuth', description: 'Via the browser' }, { label: 'Token' }], other: true },
      { id: 'q2', question: 'API key?', options: [], secret: true },
    ]
    const options = [
      { id: 'answer', label: 'Answer', kind: 'other' as const },
      { id: 'decline', label: 'Decline', kind: 'reject_once' as const },
    ]
    let s = fold({ type: 'approval.requested', requestId: 'r1', title: 'Claude asks', options, questions })
    expect(s.items[0]).toMatchObject({ kind: 'approval', questions })
    expect((s.items[0] as ItemOf<'approval'>).resolution).toBeUndefined()
    s = reduceTranscript(s, {
      type: 'approval.resolved',
      requestId: 'r1',
      optionId: 'answer',
      by: 'user',
      answers: { q1: ['OAuth'], q2: ['•••'] },
      laneId: 'l',
      seq: 2,
      at: 2,
    })
    expect((s.items[0] as ItemOf<'approval'>).resolution).toEqual({ optionId: 'answer', by: 'user', label: 'Answer', answers: { q1: ['OAuth'], q2: ['•••'] } })
    expect((s.items[0] as ItemOf<'approval'>).questions).toEqual(questions)

    // Declined: resolved, with no answers.
    s = reduceTranscript(s, { type: 'approval.requested', requestId: 'r2', title: 'pi asks', options, questions: [questions[1]], laneId: 'l', seq: 3, at: 3 })
    s = reduceTranscript(s, { type: 'approval.resolved', requestId: 'r2', optionId: 'decline', by: 'user', laneId: 'l', seq: 4, at: 4 })
    expect(shape(s.items)).toEqual(['approval:r1:answer/user', 'approval:r2:decline/user'])
    expect((s.items[1] as ItemOf<'approval'>).resolution?.answers).toBeUndefined()
  })

  test('an interrupted turn: running tools stop, open approvals expire, the boundary says interrupted', () => {
    const s = fold(
      { type: 'input', text: 'SLOW:50' },
      { type: 'turn.started' },
      { type: 'text.delta', text: 'tick' },
      { type: 'tool.started', toolCallId: 't1', command: 'sleep 9' },
      { type: 'approval.requested', requestId: 'r1', title: 'Allow?', options: allow },
      { type: 'turn.completed', outcome: 'interrupted' },
    )
    expect(shape(s.items)).toEqual(['input:SLOW:50', 'assistant:tick', 'tool:t1:stopped', 'approval:r1:expired', 'turn:interrupted'])
    expect(s.turn).toBeNull()
  })

  test('the process ending mid-turn ends the turn; a crash says how it ended', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'text.delta', text: 'a' },
      { type: 'process.exited', exitCode: 3, signal: null, requested: false },
    )
    expect(shape(s.items)).toEqual(['assistant:a', 'turn:interrupted', 'notice:The agent exited with code 3'])
  })

  test('sleeping and waking are noted', () => {
    const s = fold(
      { type: 'process.exited', exitCode: null, signal: 'SIGTERM', requested: true },
      { type: 'status', status: 'sleeping', previous: 'ready' },
      { type: 'status', status: 'starting', previous: 'sleeping' },
      { type: 'status', status: 'ready', previous: 'starting' },
    )
    expect(shape(s.items)).toEqual(['notice:Asleep — the next message wakes the agent', 'notice:Waking up…'])
  })

  test('a plan updates in place within a turn; a new turn gets its own', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'plan', entries: [{ text: 'a', status: 'in_progress' }, { text: 'b', status: 'pending' }] },
      { type: 'text.delta', text: 'working' },
      { type: 'plan', entries: [{ text: 'a', status: 'completed' }, { text: 'b', status: 'in_progress' }] },
      { type: 'turn.completed', outcome: 'completed' },
      { type: 'turn.started' },
      { type: 'plan', entries: [{ text: 'c', status: 'pending' }] },
    )
    expect(shape(s.items)).toEqual(['plan:ci', 'assistant:working', 'turn:completed', 'plan:p'])
  })

  test('errors show; turn usage is summed onto its boundary', () => {
    const s = fold(
      { type: 'turn.started' },
      { type: 'usage', turn: { inputTokens: 100, outputTokens: 10 } },
      { type: 'usage', turn: { inputTokens: 50, outputTokens: 5, costUsd: 0.01 } },
      { type: 'error', message: 'rate limited' },
      { type: 'turn.completed', outcome: 'failed', message: 'model error' },
    )
    expect(shape(s.items)).toEqual(['error:rate limited', 'turn:failed'])
    expect(s.items[1]).toMatchObject({ usage: { inputTokens: 150, outputTokens: 15, costUsd: 0.01 }, message: 'model error' })
  })

  test('item ids are stable: the id of the event that created the item', () => {
    const s = fold({ type: 'input', text: 'a' }, { type: 'text.delta', text: 'b' }, { type: 'text.delta', text: 'c' })
    expect(s.items.map((i) => i.id)).toEqual(['e1', 'e2'])
  })
})

describe('diff', () => {
  const diff = [
    'diff --git a/src/a.ts b/src/a.ts',
    '--- a/src/a.ts',
    '+++ b/src/a.ts',
    '@@ -1,4 +1,4 @@',
    ' const a = 1',
    '-const b = 2',
    '+const b = 3',
    '+const c = 4',
    ' const d = 5',
    '-// gone',
    '\\ No newline at end of file',
  ].join('\n')

  test('unified: kinds, line numbers, counts; --- and +++ headers are not changes', () => {
    const { lines, added, removed } = parseDiff(diff)
    expect(added).toBe(2)
    expect(removed).toBe(2)
    expect(lines.map((l) => l.kind)).toEqual(['meta', 'meta', 'meta', 'hunk', 'ctx', 'del', 'add', 'add', 'ctx', 'del', 'meta'])
    expect(lines[5]).toEqual({ kind: 'del', text: 'const b = 2', oldNo: 2 })
    expect(lines[7]).toEqual({ kind: 'add', text: 'const c = 4', newNo: 3 })
    expect(lines[8]).toMatchObject({ oldNo: 3, newNo: 4 })
  })

  test('a removed line that starts with "--" inside a hunk is a removal', () => {
    const { lines } = parseDiff('@@ -1,2 +1,1 @@\n--- not a header\n keep')
    expect(lines.map((l) => l.kind)).toEqual(['hunk', 'del', 'ctx'])
  })

  test('text without hunks is read by first character', () => {
    const { lines, added } = parseDiff('+new\n-old\nsame')
    expect(lines.map((l) => l.kind)).toEqual(['add', 'del', 'ctx'])
    expect(added).toBe(1)
  })

  test('split rows pair removals with the additions after them', () => {
    const rows = splitRows(parseDiff(diff).lines)
    const pairs = rows.filter((r) => r.kind === 'pair').map((r) => (r.kind === 'pair' ? [r.left?.text ?? null, r.right?.text ?? null] : null))
    expect(pairs).toEqual([
      ['const a = 1', 'const a = 1'],
      ['const b = 2', 'const b = 3'],
      [null, 'const c = 4'],
      ['const d = 5', 'const d = 5'],
      ['// gone', null],
    ])
  })
})

describe('format', () => {
  test('tokens, cost, durations', () => {
    expect(formatTokens(950)).toBe('950')
    expect(formatTokens(12_345)).toBe('12.3k')
    expect(formatTokens(2000)).toBe('2k')
    expect(formatTokens(1_234_567)).toBe('1.23M')
    expect(formatCost(1.234)).toBe('$1.23')
    expect(formatCost(0.0123)).toBe('$0.012')
    expect(formatDuration(1300)).toBe('1.3s')
    expect(formatDuration(184_000)).toBe('3m 4s')
    expect(usageParts({ inputTokens: 1500, outputTokens: 20, costUsd: 0.5 })).toEqual(['1.5k in', '20 out', '$0.50'])
    expect(usageParts(undefined)).toEqual([])
  })

  test('args split like a shell and join back', () => {
    expect(splitArgs(`--acp  --model "gpt 5" 'a b' c\\ d ""`)).toEqual(['--acp', '--model', 'gpt 5', 'a b', 'c d', ''])
    expect(splitArgs('   ')).toEqual([])
    const args = ['/opt/my agent/run.mjs', "it's", '--x=1', '']
    expect(splitArgs(joinArgs(args))).toEqual(args)
  })
})
