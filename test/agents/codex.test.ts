/**
 * The real Codex CLI (`codex app-server`, pinned in scripts/install-agents.mjs) against the fake LLM,
 * through the LaneManager and the codex adapter.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Profile } from '../../src/shared/contract'
import { alivePids, laneStatus, waitFor } from '../support/core'
import { type AgentHarness, cmdline, expectNoCanaryInShell, expectStopLeavesNothing, eventsOf, interruptDuringApproval, interruptMidStream, mark, ofType, runTurn, textOf, turnDone, useAgentHarness } from './harness'

import { KEY_VAR, writeConfig } from './codex-config'

const profileFields = (name: string, approvalPolicy: 'ask' | 'auto_all') => ({
  kind: 'codex' as const,
  name,
  command: 'codex',
  env: { [KEY_VAR]: 'fake-key-not-secret' },
  idleTimeoutMs: 60_000,
  approvalPolicy,
})

// Codex asks before every command (the adapter starts threads in "untrusted" mode); the lane's
// auto_all policy answers for the user here, the `asking` profile leaves it to the test.
const h: AgentHarness = useAgentHarness('codex', ({ llm, core }) => {
  const profile = core.profiles.create(profileFields('Codex (fake LLM)', 'auto_all'))
  writeConfig(profile.configDir, llm.url)
  return profile
})

let asking: Profile
beforeAll(() => {
  asking = h.core.profiles.create(profileFields('Codex that asks', 'ask'))
  writeConfig(asking.configDir, h.llm.url)
})

async function newLane(profile: Profile = h.profile) {
  const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: profile.id })
  expect(lane.status).toBe('ready')
  return lane
}

/** Sends `text` and waits for that turn to end. */
const turn = (laneId: string, text: string) => runTurn(h, laneId, text)

const find = ofType

describe('codex (real CLI, fake LLM)', () => {
  it('streams a text reply, completes the turn and reports usage', async () => {
    const lane = await newLane()
    const { done, events, text } = await turn(lane.id, 'hello codex, how are you')
    expect(done.outcome).toBe('completed')
    expect(find(events, 'text.delta').length).toBeGreaterThan(1) // streamed, not one blob
    expect(text).toContain('ECHO: hello codex, how are you')
    expect(find(events, 'message').at(-1)).toMatchObject({ role: 'assistant', text: 'ECHO: hello codex, how are you' })
    expect(find(events, 'usage').at(-1)?.turn).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    expect(h.core.lanes.get(lane.id).record.usage).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    expect(laneStatus(h.core, lane.id)).toBe('ready')
    // The catalog entry is taken: no unknown-model warning, and nothing went wrong.
    expect(find(eventsOf(h, lane.id), 'message').filter((m) => /Model metadata/.test(m.text))).toEqual([])
    expect(find(eventsOf(h, lane.id), 'error')).toEqual([])
    const request = h.llm.requests.find((r) => r.protocol === 'openai-responses' && JSON.stringify(r.body.input).includes('hello codex'))
    expect(request?.body.tools.map((t: any) => t.name)).toContain('exec_command')
    await h.core.lanes.stop(lane.id)
  })

  it("lists codex's own models (app-server model/list) for the profile's model picker", async () => {
    const models = await h.core.models.list(h.profile.id, true)
    expect(models.length).toBeGreaterThan(0)
    for (const m of models) expect(m.id).toMatch(/^[^\s-]\S*$/)
    expect(new Set(models.map((m) => m.id)).size).toBe(models.length)
  })

  it("the lane's model reaches the model server: thread/start's model, not config.toml's", async () => {
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id, model: 'fake-model-for-this-lane' })
    expect(lane.status).toBe('ready')
    const { done } = await turn(lane.id, 'hello from a lane with its own model')
    expect(done.outcome).toBe('completed')
    const request = h.llm.requests.find((r) => r.protocol === 'openai-responses' && JSON.stringify(r.body.input).includes('a lane with its own model'))
    expect(request?.body.model).toBe('fake-model-for-this-lane')
    await h.core.lanes.stop(lane.id)
  })

  it('runs a shell command: the file is on disk, the tool call has command, output and exit code', async () => {
    const lane = await newLane()
    const { done, events, text } = await turn(lane.id, 'RUN:echo codex-was-here > proof.txt && cat proof.txt')
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'proof.txt'), 'utf8')).toBe('codex-was-here\n')
    const started = find(events, 'tool.started')[0]
    expect(started).toMatchObject({ toolKind: 'execute', command: 'echo codex-was-here > proof.txt && cat proof.txt' })
    const completed = find(events, 'tool.completed').find((e) => e.toolCallId === started.toolCallId)
    expect(completed).toMatchObject({ status: 'completed', exitCode: 0, output: expect.stringContaining('codex-was-here\n') })
    // auto_all answered codex's request for the user.
    expect(find(events, 'approval.resolved')[0]).toMatchObject({ by: 'policy' })
    expect(text).toContain('TOOL_DONE:')
    expect(text).toContain('codex-was-here')
    await h.core.lanes.stop(lane.id)
  })

  it('in Plan mode it asks the user through request_user_input, even under auto-approve all; the answer reaches the model', async () => {
    const lane = await newLane()
    expect(h.core.lanes.get(lane.id).record.modes).toMatchObject({ current: 'default', available: [{ id: 'default' }, { id: 'plan', name: 'Plan' }] })
    await h.core.lanes.setMode(lane.id, 'plan')
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'ASK:Which database?|Postgres,SQLite')
    const request = await waitFor('question', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    expect(request.questions).toMatchObject([{ id: 'choice', header: 'Choice', question: 'Which database?', options: [{ label: 'Postgres' }, { label: 'SQLite' }] }])
    expect(laneStatus(h.core, lane.id)).toBe('waiting')
    await h.core.lanes.approve(lane.id, request.requestId, 'answer', { choice: ['SQLite'] })
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(textOf(h, lane.id, after)).toContain('TOOL_DONE:')
    expect(textOf(h, lane.id, after)).toContain('SQLite')

    // Back in Default mode the tool is gone again, and the lane says so by the model's reply.
    await h.core.lanes.setMode(lane.id, 'default')
    const { text } = await turn(lane.id, 'ASK:Again?|Yes,No')
    expect(text).toContain('unavailable in Default mode')
    await h.core.lanes.stop(lane.id)
  })

  it('asks before running a command; approving runs it', async () => {
    const lane = await newLane(asking)
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo allowed > approved.txt')
    const request = await waitFor('approval request', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    expect(laneStatus(h.core, lane.id)).toBe('waiting')
    expect(request).toMatchObject({ title: 'Run: echo allowed > approved.txt', readOnly: false })
    expect(request.toolCallId).toBe(find(eventsOf(h, lane.id, after), 'tool.started')[0].toolCallId)
    expect(existsSync(path.join(h.core.folder, 'approved.txt'))).toBe(false)
    const allow = request.options.find((o) => o.kind === 'allow_once')!
    await h.core.lanes.approve(lane.id, request.requestId, allow.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'approved.txt'), 'utf8')).toBe('allowed\n')
    expect(find(eventsOf(h, lane.id, after), 'tool.completed')[0]).toMatchObject({ status: 'completed', exitCode: 0 })
    await h.core.lanes.stop(lane.id)
  })

  it('an interrupt while it asks withdraws the request and ends the turn; the command never runs', async () => {
    const lane = await newLane(asking)
    await interruptDuringApproval(h, lane.id)
    await h.core.lanes.stop(lane.id)
  })

  it('denying blocks the command: no file, the tool call is declined, the turn goes on', async () => {
    const lane = await newLane(asking)
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo nope > denied.txt')
    const request = await waitFor('approval request', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    const reject = request.options.find((o) => o.kind === 'reject_once')!
    expect(reject.label).toBe('Deny')
    await h.core.lanes.approve(lane.id, request.requestId, reject.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(existsSync(path.join(h.core.folder, 'denied.txt'))).toBe(false)
    expect(find(eventsOf(h, lane.id, after), 'tool.completed')[0]).toMatchObject({ status: 'declined' })
    expect(textOf(h, lane.id, after)).toContain('rejected by user')
    await h.core.lanes.stop(lane.id)
  })

  it('an interrupt mid-stream ends the turn as interrupted; the lane is ready and the next prompt works', async () => {
    await interruptMidStream(h, (await newLane()).id)
  })

  it('a prompt sent while a turn runs is steered into that turn', async () => {
    const lane = await newLane()
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'SLOW:12 first')
    await waitFor('first delta', () => find(eventsOf(h, lane.id, after), 'text.delta')[0], 30_000)
    await h.core.lanes.send(lane.id, 'and one more thing')
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    const events = eventsOf(h, lane.id, after)
    expect(find(events, 'turn.started')).toHaveLength(1)
    // Codex drops the reply it was streaming and answers again with the new input in view.
    expect(find(events, 'message').at(-1)?.text).toBe('ECHO: and one more thing')
    expect(textOf(h, lane.id, after)).not.toContain('tick 12')
    await h.core.lanes.stop(lane.id)
  })

  it('reaped and woken, the new process resumes the thread with the earlier turn in context', async () => {
    const lane = await newLane()
    const first = await turn(lane.id, 'REMEMBER:pelican please')
    expect(first.done.outcome).toBe('completed')
    const pid = h.core.lanes.get(lane.id).record.pid!
    const thread = h.core.lanes.get(lane.id).resumeToken
    const reaped = await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)
    expect(reaped).toContain(lane.id)
    expect(laneStatus(h.core, lane.id)).toBe('sleeping')
    expect(await alivePids([pid])).toEqual([])
    const second = await turn(lane.id, 'RECALL')
    expect(h.core.lanes.get(lane.id).record.pid).not.toBe(pid)
    expect(second.text).toContain('RECALLED: pelican')
    expect(h.core.lanes.get(lane.id).resumeToken).toBe(thread)
    expect(find(second.events, 'error')).toEqual([])
    await h.core.lanes.stop(lane.id)
  })

  it("does not leak Switchyard's environment to the agent's shell", () => expectNoCanaryInShell(h, h.profile, 'CODEX_HOME'))

  // A command still running when the lane stops.
  it('leaves no process behind after stop', () =>
    expectStopLeavesNothing(h, h.profile, 'sleep 30', (pids) => pids.some((p) => cmdline(p).startsWith('sleep\0'))))
})
