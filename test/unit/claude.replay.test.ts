import { readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { ClaudeProtocol } from '../../src/main/core/agents/claude'
import { rewindArgs } from '../../src/main/core/agents/claude-resume'
import type { LaneEventBody } from '../../src/shared/events'
import { ofType } from '../support/lane-events'

/** The recorded real traffic (a copy of the shared protocols/transcripts). */
const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/transcripts')

/**
 * Replays a recorded real session: what the CLI printed (`<<`) goes into the protocol; what the recording
 * harness wrote (`>>`) is turned into the same user actions (prompt, approve/deny, interrupt).
 */
function replay(file: string) {
  const events: LaneEventBody[] = []
  const writes: any[] = []
  const tokens: string[] = []
  const p = new ClaudeProtocol({ emit: (e) => events.push(e), setResumeToken: (t) => tokens.push(t), write: (m) => writes.push(m) })
  for (const line of readFileSync(`${DIR}/${file}`, 'utf8').split('\n')) {
    const m = /^\[\s*\d+ms\] (<<|>>) (.*)$/.exec(line)
    if (!m) continue
    const msg = JSON.parse(m[2])
    if (m[1] === '<<') p.onMessage(msg)
    else if (msg.type === 'user') p.userTurn(msg.message.content[0].text)
    else if (msg.type === 'control_request' && msg.request.subtype === 'interrupt') p.interrupt()
    else if (msg.type === 'control_response') p.approve(msg.response.request_id, msg.response.response.behavior === 'allow' ? 'allow' : 'deny')
  }
  return { events, writes, tokens }
}

/** The events between the n-th turn.started and its turn.completed (inclusive). */
function turn(events: LaneEventBody[], n: number): LaneEventBody[] {
  const starts = events.flatMap((e, i) => (e.type === 'turn.started' ? [i] : []))
  const from = starts[n]
  const to = events.findIndex((e, i) => i > from && e.type === 'turn.completed')
  return events.slice(from, to + 1)
}
const text = (evs: LaneEventBody[]) => evs.map((e) => (e.type === 'text.delta' ? e.text : '')).join('')
const of = ofType

describe('claude stream-json, replayed from the real CLI', () => {
  const { events, writes, tokens } = replay('claude-sdk-1.io.log')

  it('a text turn: streamed text, the completed message, usage and cost, turn end', () => {
    const t = turn(events, 0)
    expect(text(t)).toBe('MOCK_TEXT_OK: hello from harness')
    expect(of(t, 'message')).toEqual([{ type: 'message', role: 'assistant', messageId: 'msg_mock_1', text: 'MOCK_TEXT_OK: hello from harness' }])
    expect(of(t, 'usage')[0]).toMatchObject({ turn: { inputTokens: 2548, outputTokens: 10, costUsd: 0.010392 }, total: { costUsd: 0.010392 } })
    expect(t.at(-1)).toEqual({ type: 'turn.completed', outcome: 'completed' })
  })

  it('reports the context fill: the last call against its model\'s window from modelUsage', () => {
    expect(of(turn(events, 0), 'usage')[0].context).toEqual({ usedTokens: 2549, windowTokens: 1000000 }) // the assistant message's usage counts 1 output token so far
  })

  it('the session id becomes the resume token', () => {
    expect(tokens).toEqual(['1fe4c77a-8e32-4110-bfbd-eca754f68769'])
  })

  it('a Bash call: approval with allow once / always / deny; allowing runs it and reports command, output, exit code', () => {
    const t = turn(events, 1)
    expect(of(t, 'tool.started')[0]).toMatchObject({ toolCallId: 'toolu_mock_2', toolKind: 'execute', command: 'echo harness-ok > proof.txt && cat proof.txt' })
    const ask = of(t, 'approval.requested')[0]
    expect(ask).toMatchObject({ requestId: '6a751207-72ef-441a-82ce-fb4ae6bd1aad', toolCallId: 'toolu_mock_2', readOnly: false })
    expect(ask.title).toContain('echo harness-ok > proof.txt')
    expect(ask.options.map((o) => o.kind)).toEqual(['allow_once', 'allow_always', 'reject_once'])
    expect(ask.options[1].label).toContain('Bash(echo harness-ok *)')
    expect(writes).toContainEqual({
      type: 'control_response',
      response: { subtype: 'success', request_id: ask.requestId, response: { behavior: 'allow', updatedInput: { command: 'echo harness-ok > proof.txt && cat proof.txt', description: 'mock-llm scripted command' } } },
    })
    expect(of(t, 'tool.completed')).toEqual([{ type: 'tool.completed', toolCallId: 'toolu_mock_2', status: 'completed', output: 'harness-ok', exitCode: 0 }])
    expect(text(t)).toBe('MOCK_TOOL_DONE (1 tool results)\nharness-ok')
    expect(of(t, 'usage')[0].turn).toMatchObject({ inputTokens: 5259, outputTokens: 20 })
    expect(t.at(-1)).toMatchObject({ type: 'turn.completed', outcome: 'completed' })
  })

  it('denying answers deny and the tool call ends declined', () => {
    const t = turn(events, 2)
    const ask = of(t, 'approval.requested')[0]
    expect(writes).toContainEqual({ type: 'control_response', response: { subtype: 'success', request_id: ask.requestId, response: { behavior: 'deny', message: expect.any(String) } } })
    expect(of(t, 'tool.completed')[0]).toMatchObject({ toolCallId: 'toolu_mock_4', status: 'declined' })
    expect(t.at(-1)).toMatchObject({ type: 'turn.completed', outcome: 'completed' })
  })

  it('an interrupt sends the interrupt control request; the error_during_execution result ends the turn interrupted', () => {
    const t = turn(events, 3)
    expect(writes).toContainEqual({ type: 'control_request', request_id: expect.any(String), request: { subtype: 'interrupt' } })
    expect(text(t)).toBe('MOCK_TEXT_OK: tell me ')
    expect(t.at(-1)).toEqual({ type: 'turn.completed', outcome: 'interrupted' })
    // the next prompt is a normal turn again
    expect(turn(events, 4).at(-1)).toEqual({ type: 'turn.completed', outcome: 'completed' })
    expect(of(events, 'turn.started')).toHaveLength(5)
    expect(of(events, 'turn.completed')).toHaveLength(5)
  })

  it('the session total grows with each turn', () => {
    const totals = of(events, 'usage').map((u) => u.total?.costUsd)
    expect(totals.at(-1)).toBeCloseTo(0.077496, 6)
    expect(totals).toEqual([...totals].sort((a, b) => a! - b!))
  })

  it('a resumed process reports the same session and a session total that includes the earlier process', () => {
    const r = replay('claude-sdk-2-resume.io.log')
    expect(r.tokens).toEqual(['1fe4c77a-8e32-4110-bfbd-eca754f68769'])
    expect(text(r.events)).toBe('MOCK_TEXT_OK: after resume')
    expect(of(r.events, 'usage')[0].total?.costUsd).toBeCloseTo(0.089416, 6)
    expect(r.events.at(-1)).toEqual({ type: 'turn.completed', outcome: 'completed' })
  })

  it('a turn the CLI starts on its own (no prompt from us) still opens and closes', () => {
    const r = replay('claude-oneshot.io.log')
    expect(r.events[0]).toEqual({ type: 'turn.started', turnId: 'after:' })
    expect(of(r.events, 'tool.completed')[0]).toMatchObject({ toolCallId: 'toolu_mock_9', output: 'oneshot-ok', exitCode: 0, status: 'completed' })
    expect(r.events.at(-1)).toEqual({ type: 'turn.completed', outcome: 'completed' })
  })
})

describe('claude protocol details', () => {
  const setup = () => {
    const events: LaneEventBody[] = []
    const writes: any[] = []
    const p = new ClaudeProtocol({ emit: (e) => events.push(e), setResumeToken: () => {}, write: (m) => writes.push(m) })
    return { p, events, writes }
  }

  it('a failing command reports its exit code and output without the prefix', () => {
    const { p, events } = setup()
    p.userTurn('RUN:ls /nope')
    p.onMessage({ type: 'assistant', message: { id: 'm1', content: [{ type: 'tool_use', id: 't1', name: 'Bash', input: { command: 'ls /nope' } }] } })
    p.onMessage({ type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 't1', is_error: true, content: "Exit code 2\nls: cannot access '/nope'" }] } })
    expect(of(events, 'tool.completed')[0]).toMatchObject({ status: 'failed', exitCode: 2, output: "ls: cannot access '/nope'" })
  })

  it('a request the CLI withdraws (interrupt while asking) resolves by the agent', () => {
    const { p, events } = setup()
    p.userTurn('RUN:echo x > a')
    p.onMessage({ type: 'control_request', request_id: 'q1', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: { command: 'echo x > a' }, permission_suggestions: [], tool_use_id: 't1' } })
    expect(of(events, 'approval.requested')[0].options.map((o) => o.kind)).toEqual(['allow_once', 'reject_once'])
    p.interrupt()
    p.onMessage({ type: 'control_cancel_request', request_id: 'q1' })
    expect(of(events, 'approval.resolved')).toEqual([{ type: 'approval.resolved', requestId: 'q1', optionId: 'deny', by: 'agent' }])
  })

  it('allow always passes the suggested permission rules back', () => {
    const { p, writes } = setup()
    const suggestions = [{ type: 'addRules', rules: [{ toolName: 'Bash', ruleContent: 'npm test' }], behavior: 'allow', destination: 'localSettings' }]
    p.onMessage({ type: 'control_request', request_id: 'q2', request: { subtype: 'can_use_tool', tool_name: 'Bash', input: { command: 'npm test' }, permission_suggestions: suggestions } })
    p.approve('q2', 'allow_always')
    expect(writes.at(-1).response.response).toEqual({ behavior: 'allow', updatedInput: { command: 'npm test' }, updatedPermissions: suggestions })
  })

  it('AskUserQuestion becomes questions; the answers go back in its input, keyed by question text as Claude expects', () => {
    const { p, events, writes } = setup()
    const input = {
      questions: [
        { question: 'Which database?', header: 'Database', multiSelect: false, options: [{ label: 'Postgres', description: 'relational' }, { label: 'SQLite', description: 'a file' }] },
        { question: 'Which extras?', header: 'Extras', multiSelect: true, options: [{ label: 'Auth', description: '' }, { label: 'Admin', description: '' }] },
      ],
    }
    p.onMessage({ type: 'control_request', request_id: 'a1', request: { subtype: 'can_use_tool', tool_name: 'AskUserQuestion', input, permission_suggestions: [], tool_use_id: 't9' } })
    const ask = of(events, 'approval.requested')[0]
    expect(ask).toMatchObject({
      title: 'Claude asks 2 questions',
      toolCallId: 't9',
      options: [{ id: 'answer', kind: 'other' }, { id: 'deny', kind: 'reject_once' }],
      questions: [
        { id: 'q1', header: 'Database', question: 'Which database?', options: [{ label: 'Postgres', description: 'relational' }, { label: 'SQLite', description: 'a file' }], other: true },
        { id: 'q2', header: 'Extras', question: 'Which extras?', multiSelect: true, other: true },
      ],
    })
    p.approve('a1', 'answer', { q1: ['DuckDB'], q2: ['Auth', 'Admin'] })
    expect(writes.at(-1).response.response).toEqual({
      behavior: 'allow',
      updatedInput: { ...input, answers: { 'Which database?': 'DuckDB', 'Which extras?': 'Auth, Admin' } },
    })

    p.onMessage({ type: 'control_request', request_id: 'a2', request: { subtype: 'can_use_tool', tool_name: 'AskUserQuestion', input, permission_suggestions: [] } })
    p.approve('a2', 'deny')
    expect(writes.at(-1).response.response).toEqual({ behavior: 'deny', message: 'The user declined to answer.' })
  })

  it('reports its permission modes; a switch is a set_permission_mode request, and the CLI’s own switches are followed', async () => {
    const { p, events, writes } = setup()
    p.startedIn('plan')
    expect(of(events, 'modes')).toEqual([{ type: 'modes', current: 'plan', available: expect.arrayContaining([expect.objectContaining({ id: 'acceptEdits' })]) }])
    const switched = p.setMode('acceptEdits')
    expect(writes.at(-1)).toEqual({ type: 'control_request', request_id: expect.any(String), request: { subtype: 'set_permission_mode', mode: 'acceptEdits' } })
    p.onMessage({ type: 'control_response', response: { subtype: 'success', request_id: writes.at(-1).request_id, response: {} } })
    await switched
    expect(of(events, 'modes').at(-1)).toMatchObject({ current: 'acceptEdits' })
    // Approving a plan takes the CLI out of plan mode by itself: the next turn's init says so.
    p.onMessage({ type: 'system', subtype: 'init', session_id: 's1', permissionMode: 'default' })
    expect(of(events, 'modes').at(-1)).toMatchObject({ current: 'default' })
    p.onMessage({ type: 'system', subtype: 'init', session_id: 's1', permissionMode: 'default' })
    expect(of(events, 'modes')).toHaveLength(3)
  })

  it('ExitPlanMode asks to approve the plan, showing it', () => {
    const { p, events } = setup()
    p.onMessage({ type: 'control_request', request_id: 'x1', request: { subtype: 'can_use_tool', tool_name: 'ExitPlanMode', input: { plan: '1. Read\n2. Write' }, permission_suggestions: [] } })
    expect(of(events, 'approval.requested')[0]).toMatchObject({
      title: 'Claude’s plan is ready: start on it?',
      detail: '1. Read\n2. Write',
      options: [{ id: 'allow', label: 'Approve plan' }, { id: 'deny', label: 'Keep planning' }],
    })
  })

  it('control requests it does not handle get an error answer instead of silence; unknown messages are ignored', () => {
    const { p, events, writes } = setup()
    p.onMessage({ type: 'control_request', request_id: 'h1', request: { subtype: 'hook_callback' } })
    p.onMessage({ type: 'brand_new_thing', x: 1 })
    p.onMessage({ type: 'system', subtype: 'status', status: 'requesting' })
    expect(writes).toEqual([{ type: 'control_response', response: { subtype: 'error', request_id: 'h1', error: expect.any(String) } }])
    expect(events).toEqual([])
  })

  it('a result that is an error fails the turn with its message', () => {
    const { p, events } = setup()
    p.userTurn('hi')
    p.onMessage({ type: 'result', subtype: 'success', is_error: true, result: 'Invalid API key', usage: {} })
    expect(events.at(-1)).toEqual({ type: 'turn.completed', outcome: 'failed', message: 'Invalid API key' })
  })

  it('interrupt with no turn running sends nothing', () => {
    const { p, writes } = setup()
    p.interrupt()
    expect(writes).toEqual([])
  })

  it('a non-object line is a protocol violation', () => {
    const { p, events } = setup()
    p.onMessage(42)
    expect(events[0]).toMatchObject({ type: 'error', fatal: true })
  })

  it('each turn names the chain entry before it, so a rewind resumes the session cut there', () => {
    const r = replay('claude-sdk-1.io.log')
    const log = readFileSync(`${DIR}/claude-sdk-1.io.log`, 'utf8')
    const starts = ofType(r.events, 'turn.started')
    expect(starts[0].turnId).toBe('after:')
    const entry = starts[1].turnId!.slice('after:'.length)
    // The last main-chain entry the CLI printed before turn 2: an assistant or tool-result line of turn 1.
    expect(entry).toMatch(/^[0-9a-f-]{36}$/)
    expect(log.indexOf(entry)).toBeLessThan(log.indexOf('"subtype":"init"', log.indexOf('"type":"result"')))
    expect(rewindArgs('s-1', starts[1].turnId!)).toEqual(['--resume', 's-1', '--resume-session-at', entry])
    // Rewinding before the first turn is a new conversation.
    expect(rewindArgs('s-1', starts[0].turnId!)).toEqual([])
    expect(() => rewindArgs('s-1', 'turn-7')).toThrow(/Not a Claude turn id/)
  })
})
