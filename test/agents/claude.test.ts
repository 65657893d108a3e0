/**
 * The real Claude Code CLI (stream-json mode, pinned in scripts/install-agents.mjs) against the fake LLM,
 * through the LaneManager and the claude adapter. Claude asks before commands that write (can_use_tool
 * over stdio): the `ask` profile lets the test answer, the `auto_all` one lets the lane's policy answer.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { ApprovalPolicy, Profile } from '../../src/shared/contract'
import { alivePids, laneStatus, waitFor } from '../support/core'
import type { FakeLlm } from '../support/fake-llm/server'
import { type AgentHarness, cmdline, expectNoCanaryInShell, expectStopLeavesNothing, eventsOf, interruptDuringApproval, mark, ofType, runTurn, textOf, turnDone, useAgentHarness } from './harness'

/** Claude Code reads its endpoint and key from the environment; the config dir var comes from the preset. */
const profileFields = (llm: FakeLlm, name: string, approvalPolicy: ApprovalPolicy) => ({
  kind: 'claude' as const,
  name,
  command: 'claude',
  env: {
    ANTHROPIC_BASE_URL: llm.url,
    ANTHROPIC_API_KEY: 'sk-ant-fake-not-secret',
    // No telemetry, update checks or other calls the fake LLM would have to answer.
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  },
  idleTimeoutMs: 60_000,
  approvalPolicy,
})

const h: AgentHarness = useAgentHarness('claude', ({ llm, core }) => core.profiles.create(profileFields(llm, 'claude (asks)', 'ask')))

let auto: Profile
beforeAll(() => {
  auto = h.core.profiles.create(profileFields(h.llm, 'claude (auto)', 'auto_all'))
})

async function newLane(profile: Profile = h.profile) {
  const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: profile.id })
  expect(lane.status).toBe('ready')
  return lane
}

const turn = (laneId: string, text: string) => runTurn(h, laneId, text)

const find = ofType

describe('claude (real CLI, fake LLM)', () => {
  it('streams a text reply, completes the turn and reports usage and cost', async () => {
    const lane = await newLane()
    const { done, events, text } = await turn(lane.id, 'hello claude')
    expect(done.outcome).toBe('completed')
    expect(find(events, 'text.delta').length).toBeGreaterThan(1)
    expect(text).toContain('ECHO: hello claude')
    expect(find(events, 'message').at(-1)).toMatchObject({ role: 'assistant', text: 'ECHO: hello claude' })
    const usage = find(events, 'usage').at(-1)!
    expect(usage.turn).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    expect(usage.total?.costUsd).toBeGreaterThan(0)
    expect(h.core.lanes.get(lane.id).record.usage).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    expect(laneStatus(h.core, lane.id)).toBe('ready')
    expect(find(eventsOf(h, lane.id), 'error')).toEqual([])
    expect(h.llm.requests.some((r) => r.protocol === 'anthropic' && r.body.tools.some((t: any) => t.name === 'Bash'))).toBe(true)
    await h.core.lanes.stop(lane.id)
  })

  it('runs a shell command through its Bash tool: the file is on disk, the tool call has command and output', async () => {
    const lane = await newLane(auto)
    const { done, events, text } = await turn(lane.id, 'RUN:echo claude-was-here > proof.txt && cat proof.txt')
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'proof.txt'), 'utf8')).toBe('claude-was-here\n')
    const started = find(events, 'tool.started')[0]
    expect(started).toMatchObject({ toolKind: 'execute', command: 'echo claude-was-here > proof.txt && cat proof.txt' })
    expect(find(events, 'approval.resolved')[0]).toMatchObject({ by: 'policy' })
    const completed = find(events, 'tool.completed').find((e) => e.toolCallId === started.toolCallId)
    expect(completed).toMatchObject({ status: 'completed', exitCode: 0, output: 'claude-was-here' })
    expect(text).toContain('TOOL_DONE: claude-was-here')
    await h.core.lanes.stop(lane.id)
  })

  it('asks before a command that writes; approving runs it', async () => {
    const lane = await newLane()
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo allowed > approved.txt')
    const request = await waitFor('approval request', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    expect(laneStatus(h.core, lane.id)).toBe('waiting')
    expect(request.title).toContain('echo allowed > approved.txt')
    expect(request.readOnly).toBe(false)
    expect(request.toolCallId).toBe(find(eventsOf(h, lane.id, after), 'tool.started')[0].toolCallId)
    expect(request.options.map((o) => o.kind)).toContain('allow_always')
    await h.core.lanes.approve(lane.id, request.requestId, request.options.find((o) => o.kind === 'allow_once')!.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'approved.txt'), 'utf8')).toBe('allowed\n')
    expect(find(eventsOf(h, lane.id, after), 'tool.completed')[0]).toMatchObject({ status: 'completed', exitCode: 0 })
    await h.core.lanes.stop(lane.id)
  })

  it('an interrupt while it asks withdraws the request and ends the turn; the command never runs', async () => {
    const lane = await newLane()
    await interruptDuringApproval(h, lane.id)
    await h.core.lanes.stop(lane.id)
  })

  it('denying blocks the command: no file, the tool call is declined, the model hears why', async () => {
    const lane = await newLane()
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo nope > denied.txt')
    const request = await waitFor('approval request', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    await h.core.lanes.approve(lane.id, request.requestId, request.options.find((o) => o.kind === 'reject_once')!.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(existsSync(path.join(h.core.folder, 'denied.txt'))).toBe(false)
    expect(find(eventsOf(h, lane.id, after), 'tool.completed')[0]).toMatchObject({ status: 'declined' })
    expect(textOf(h, lane.id, after)).toContain('TOOL_DONE: The user denied this action.')
    await h.core.lanes.stop(lane.id)
  })

  it('AskUserQuestion asks the user, even under auto-approve all; the typed answer reaches the model', async () => {
    const lane = await newLane(auto)
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'ASK:Which database?|Postgres,SQLite')
    const request = await waitFor('question', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    expect(request.questions).toMatchObject([{ question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }], other: true }])
    expect(laneStatus(h.core, lane.id)).toBe('waiting')
    await h.core.lanes.approve(lane.id, request.requestId, 'answer', { [request.questions![0].id]: ['DuckDB'] })
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    const toolResult = textOf(h, lane.id, after)
    expect(toolResult).toContain('TOOL_DONE:')
    expect(toolResult).toContain('DuckDB')
    await h.core.lanes.stop(lane.id)
  })

  it('in plan mode it changes nothing; the mode is switched live and kept across a wake', async () => {
    const lane = await newLane(auto)
    expect(h.core.lanes.get(lane.id).record.modes).toMatchObject({ current: 'default', available: [{ id: 'default' }, { id: 'acceptEdits' }, { id: 'plan' }] })
    await h.core.lanes.setMode(lane.id, 'plan')
    const planned = await turn(lane.id, 'RUN:echo planned > plan-mode.txt')
    expect(planned.done.outcome).toBe('completed')
    expect(existsSync(path.join(h.core.folder, 'plan-mode.txt'))).toBe(false)
    expect(h.core.lanes.get(lane.id).record.modes?.current).toBe('plan')

    // Reaped and woken: the new process starts in plan mode (--permission-mode plan) and still writes nothing.
    await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)
    const woken = await turn(lane.id, 'RUN:echo woken > plan-mode.txt')
    expect(find(woken.events, 'process.started')[0].command).toContain('--permission-mode plan')
    expect(existsSync(path.join(h.core.folder, 'plan-mode.txt'))).toBe(false)

    await h.core.lanes.setMode(lane.id, 'default')
    const ran = await turn(lane.id, 'RUN:echo ran > plan-mode.txt')
    expect(ran.done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'plan-mode.txt'), 'utf8')).toBe('ran\n')
    await h.core.lanes.stop(lane.id)
  })

  it('an interrupt mid-stream ends the turn as interrupted; the lane is ready and the next prompt works', async () => {
    const lane = await newLane()
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'SLOW:40 count for me')
    await waitFor('first delta', () => find(eventsOf(h, lane.id, after), 'text.delta')[0], 30_000)
    await h.core.lanes.interrupt(lane.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('interrupted')
    expect(textOf(h, lane.id, after)).not.toContain('tick 40') // it stopped, rather than ran to the end
    expect(laneStatus(h.core, lane.id)).toBe('ready')
    const next = await turn(lane.id, 'still there?')
    expect(next.done.outcome).toBe('completed')
    expect(next.text).toContain('ECHO: still there?')
    await h.core.lanes.stop(lane.id)
  })

  it('a prompt sent while a turn runs goes through to the CLI and is answered; every turn ends', async () => {
    const lane = await newLane()
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'SLOW:8 warm up')
    await waitFor('first delta', () => find(eventsOf(h, lane.id, after), 'text.delta')[0], 30_000)
    await h.core.lanes.send(lane.id, 'and then this')
    await waitFor('second answer', () => textOf(h, lane.id, after).includes('ECHO: and then this'), 30_000)
    await waitFor('ready', () => laneStatus(h.core, lane.id) === 'ready')
    const events = eventsOf(h, lane.id, after)
    expect(textOf(h, lane.id, after)).toContain('tick 8')
    expect(find(events, 'turn.completed').length).toBe(find(events, 'turn.started').length)
    await h.core.lanes.stop(lane.id)
  })

  it('reaped and woken, the new process continues the conversation (--resume)', async () => {
    const lane = await newLane()
    const first = await turn(lane.id, 'REMEMBER:pelican please')
    expect(first.done.outcome).toBe('completed')
    const pid = h.core.lanes.get(lane.id).record.pid!
    expect(await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)).toContain(lane.id)
    expect(laneStatus(h.core, lane.id)).toBe('sleeping')
    expect(await alivePids([pid])).toEqual([])
    const second = await turn(lane.id, 'RECALL')
    expect(h.core.lanes.get(lane.id).record.pid).not.toBe(pid)
    expect(second.text).toContain('RECALLED: pelican')
    expect(find(second.events, 'process.started')[0].command).toMatch(/--resume [0-9a-f-]{36}/)
    await h.core.lanes.stop(lane.id)
  })

  it("does not leak Switchyard's environment to the agent's shell", () => expectNoCanaryInShell(h, auto, 'CLAUDE_CONFIG_DIR'))

  // A command still running when the lane stops (Claude refuses a standalone `sleep`).
  it('leaves no process behind after stop', () =>
    expectStopLeavesNothing(h, auto, 'tail -f /dev/null', (pids) => pids.some((p) => cmdline(p).startsWith('tail\0'))))
})
