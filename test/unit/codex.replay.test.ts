import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CodexTranslator, decisionChoices, unwrapShell } from '../../src/main/core/agents/codex-protocol'
import type { LaneEventBody } from '../../src/shared/events'
import { ofType, turns } from '../support/lane-events'

/** The recorded real traffic (a copy of the shared protocols/transcripts). */
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/transcripts')

/** The recorded lines: what codex wrote (`<<`) and what the recording client wrote (`>>`). */
function transcript(name: string): { dir: '<<' | '>>'; msg: any }[] {
  return readFileSync(`${DIR}/${name}`, 'utf8')
    .split('\n')
    .map((l) => /^\[\s*\d+ms\] (<<|>>) (.*)$/.exec(l))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ dir: m[1] as '<<' | '>>', msg: JSON.parse(m[2]) }))
}

/**
 * Feeds codex's lines through the translator as the session does; answers its requests the way the
 * recording client did (by the decision it sent), through `approve`, and collects what we answered.
 */
function replay(name: string) {
  const events: LaneEventBody[] = []
  const answers = new Map<string, unknown>()
  const t = new CodexTranslator((e) => events.push(e), 'test')
  const lines = transcript(name)
  lines.forEach(({ dir, msg }, i) => {
    if (dir === '>>') return
    if (msg.method && msg.id !== undefined) {
      void t.serverRequest(msg.id, msg.method, msg.params).then((a) => answers.set(String(msg.id), a))
      const reply = lines.slice(i + 1).find((l) => l.dir === '>>' && l.msg.id === msg.id && l.msg.result)
      const asked = events.findLast((e) => e.type === 'approval.requested')!
      t.approve(asked.type === 'approval.requested' ? asked.requestId : '', reply!.msg.result.decision)
    } else if (msg.method) t.notification(msg.method, msg.params)
  })
  return { events, answers, t }
}

const text = (events: LaneEventBody[]) => events.map((e) => (e.type === 'text.delta' ? e.text : '')).join('')
describe('codex app-server, replayed from the recorded traffic', () => {
  const { events, answers } = replay('codex-app-server-1.io.log')
  const [hello, tool, approved, declined, interrupted] = turns(events)

  it('sees five turns, each ending once with the outcome codex reported', () => {
    expect(turns(events)).toHaveLength(5)
    expect(ofType(events, 'turn.completed').map((e) => e.outcome)).toEqual(['completed', 'completed', 'completed', 'completed', 'interrupted'])
    for (const turn of turns(events)) expect(turn.at(-1)?.type).toBe('turn.completed')
  })

  it('streams the reply as text deltas and then the whole message', () => {
    expect(text(hello)).toBe('MOCK_TEXT_OK: hello from harness')
    expect(ofType(hello, 'message')).toEqual([{ type: 'message', role: 'assistant', messageId: 'msg_mock_1', text: 'MOCK_TEXT_OK: hello from harness' }])
  })

  it('reports token usage: the thread total and what the turn added', () => {
    expect(ofType(hello, 'usage').at(-1)).toEqual({
      type: 'usage',
      total: { inputTokens: 6951, outputTokens: 10, cachedInputTokens: 0 },
      turn: { inputTokens: 6951, outputTokens: 10, cachedInputTokens: 0 },
    })
    // Two model calls in the tool turn: 21129 - 6951 input tokens in all.
    expect(ofType(tool, 'usage').at(-1)).toMatchObject({ total: { inputTokens: 21129 }, turn: { inputTokens: 14178, outputTokens: 20 } })
  })

  it('shows a command as a tool call with its command, output and exit code', () => {
    expect(ofType(tool, 'tool.started')).toEqual([
      { type: 'tool.started', toolCallId: 'call_mock_2', toolKind: 'execute', title: 'echo harness-ok > proof.txt && cat proof.txt', command: 'echo harness-ok > proof.txt && cat proof.txt' },
    ])
    expect(ofType(tool, 'tool.completed')).toEqual([
      expect.objectContaining({ toolCallId: 'call_mock_2', status: 'completed', output: 'harness-ok\n', exitCode: 0, command: 'echo harness-ok > proof.txt && cat proof.txt' }),
    ])
    expect(text(tool)).toContain('harness-ok')
  })

  it('turns an approval request into options from availableDecisions, and answers with the chosen decision', () => {
    const [ask] = ofType(approved, 'approval.requested')
    expect(ask).toMatchObject({ requestId: 'test-0', title: 'Run: echo approved > approved.txt && cat approved.txt', toolCallId: 'call_mock_4', readOnly: false })
    expect(ask.options.map((o) => o.id)).toEqual(['accept', 'acceptWithExecpolicyAmendment', 'decline', 'cancel'])
    expect(answers.get('0')).toEqual({ decision: 'accept' })
    expect(ofType(approved, 'tool.completed')[0]).toMatchObject({ status: 'completed', output: 'approved\n' })
    // Answered by us: codex's serverRequest/resolved that follows is no resolution by the agent.
    expect(ofType(approved, 'approval.resolved')).toEqual([])
  })

  it('a denied command completes as declined and the turn goes on', () => {
    expect(answers.get('1')).toEqual({ decision: 'decline' })
    expect(ofType(declined, 'tool.completed')[0]).toMatchObject({ toolCallId: 'call_mock_6', status: 'declined' })
    expect(text(declined)).toContain('rejected by user')
  })

  it('an interrupted turn keeps what streamed and ends as interrupted', () => {
    expect(text(interrupted)).toBe('MOCK_TEXT_OK: tell me ')
    expect(interrupted.at(-1)).toMatchObject({ type: 'turn.completed', outcome: 'interrupted' })
  })

  it('says nothing about user messages, rate limits or thread status (the lane has those)', () => {
    const types = new Set(events.map((e) => e.type))
    expect([...types].sort()).toEqual(['approval.requested', 'message', 'text.delta', 'tool.completed', 'tool.started', 'turn.completed', 'turn.started', 'usage'])
  })
})

describe('codex app-server resume, replayed', () => {
  const { events } = replay('codex-app-server-2-resume.io.log')

  it('the resumed thread answers in a normal turn', () => {
    const [turn] = turns(events)
    expect(text(turn)).toBe('MOCK_TEXT_OK: after resume')
    expect(turn.at(-1)).toMatchObject({ type: 'turn.completed', outcome: 'completed' })
  })

  it('the old total replayed on resume is no usage of the new turn', () => {
    const usage = ofType(events, 'usage')
    expect(usage[0]).toEqual({ type: 'usage', total: { inputTokens: 51314, outputTokens: 70, cachedInputTokens: 0 } })
    expect(usage.at(-1)).toMatchObject({ total: { inputTokens: 59360 }, turn: { inputTokens: 8046, outputTokens: 10 } })
  })
})

describe('codex protocol pieces', () => {
  it('unwraps the shell codex runs commands in', () => {
    expect(unwrapShell("/bin/bash -lc 'echo hi > f.txt'")).toBe('echo hi > f.txt')
    expect(unwrapShell("/bin/bash -lc 'echo '\\''quoted'\\'''")).toBe("echo 'quoted'")
    expect(unwrapShell('ls -la')).toBe('ls -la')
  })

  it('offers a plain deny even when codex lists only cancel, and the documented set when it lists nothing', () => {
    expect(decisionChoices(['accept', 'cancel']).map((c) => [c.option.id, c.value])).toEqual([
      ['accept', 'accept'],
      ['decline', 'decline'],
      ['cancel', 'cancel'],
    ])
    expect(decisionChoices(undefined).map((c) => c.option.kind)).toEqual(['allow_once', 'allow_always', 'reject_once', 'reject_once'])
    const network = decisionChoices([{ applyNetworkPolicyAmendment: { network_policy_amendment: { host: 'example.com', action: 'deny' } } }])
    expect(network[network.length - 1].option).toMatchObject({ label: 'Always block example.com', kind: 'reject_always' })
  })

  it('a file change carries its diff, also into the approval that asks for it', async () => {
    const events: LaneEventBody[] = []
    const t = new CodexTranslator((e) => events.push(e), 'x')
    const item = { type: 'fileChange', id: 'call_9', status: 'inProgress', changes: [{ path: '/w/a.txt', kind: { type: 'add' }, diff: '+hello\n' }] }
    t.notification('item/started', { item, threadId: 't', turnId: 'u' })
    const answer = t.serverRequest(3, 'item/fileChange/requestApproval', { threadId: 't', turnId: 'u', itemId: 'call_9', reason: null })
    const ask = ofType(events, 'approval.requested')[0]
    expect(ask).toMatchObject({ title: 'Edit /w/a.txt', toolCallId: 'call_9', detail: expect.stringContaining('+hello') })
    t.approve(ask.requestId, 'acceptForSession')
    await expect(answer).resolves.toEqual({ decision: 'acceptForSession' })
    t.notification('item/completed', { item: { ...item, status: 'completed' }, threadId: 't', turnId: 'u' })
    expect(ofType(events, 'tool.completed')[0]).toMatchObject({ toolKind: 'edit', status: 'completed', files: [{ path: '/w/a.txt', diff: '+hello\n' }] })
  })

  it('asks the questions of a user-input request together: answered with labels or typed text, or skipped', async () => {
    const events: LaneEventBody[] = []
    const t = new CodexTranslator((e) => events.push(e), 'x')
    const params = {
      threadId: 't', turnId: 'u', itemId: 'i', isBlocking: true, autoResolutionMs: null,
      questions: [
        { id: 'lang', header: 'Language', question: 'Which one?', isOther: true, isSecret: false, options: [{ label: 'Rust', description: 'fast' }, { label: 'Go', description: '' }] },
        { id: 'token', header: 'Token', question: 'Your token?', isOther: false, isSecret: true, options: null },
      ],
    }
    const answer = t.serverRequest(5, 'item/tool/requestUserInput', params)
    const ask = ofType(events, 'approval.requested')[0]
    expect(ask).toMatchObject({
      title: 'Codex asks 2 questions',
      toolCallId: 'i',
      options: [{ id: 'answer', kind: 'other' }, { id: 'skip', kind: 'reject_once' }],
      questions: [
        { id: 'lang', header: 'Language', question: 'Which one?', options: [{ label: 'Rust', description: 'fast' }, { label: 'Go' }], other: true },
        { id: 'token', header: 'Token', question: 'Your token?', options: [], secret: true },
      ],
    })
    t.approve(ask.requestId, 'answer', { lang: ['Zig'], token: ['s3cret'] })
    await expect(answer).resolves.toEqual({ answers: { lang: { answers: ['Zig'] }, token: { answers: ['s3cret'] } } })

    const skipped = t.serverRequest(6, 'item/tool/requestUserInput', params)
    t.approve(ofType(events, 'approval.requested')[1].requestId, 'skip')
    await expect(skipped).resolves.toEqual({ answers: {} })
  })

  it('reasoning and plans reach the lane; requests it does not handle are refused', async () => {
    const events: LaneEventBody[] = []
    const t = new CodexTranslator((e) => events.push(e), 'x')
    t.notification('item/reasoning/summaryTextDelta', { itemId: 'r1', delta: 'Thinking about it', summaryIndex: 0 })
    t.notification('item/completed', { item: { type: 'reasoning', id: 'r1', summary: ['Thinking about it'], content: [] } })
    t.notification('turn/plan/updated', { explanation: null, plan: [{ step: 'Read', status: 'completed' }, { step: 'Write', status: 'inProgress' }] })
    expect(events).toEqual([
      { type: 'reasoning.delta', messageId: 'r1', text: 'Thinking about it' },
      { type: 'plan', entries: [{ text: 'Read', status: 'completed' }, { text: 'Write', status: 'in_progress' }] },
    ])
    await expect(t.serverRequest(1, 'account/chatgptAuthTokens/refresh', {})).rejects.toMatchObject({ code: -32601 })
  })
})
