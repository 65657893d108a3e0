/**
 * The real pi CLI (`pi --mode rpc`, pinned in scripts/install-agents.mjs) against the fake LLM,
 * through the LaneManager and the pi adapter.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Profile } from '../../src/shared/contract'
import { alivePids, laneStatus, waitFor } from '../support/core'
import { KEY_VAR, writeModels } from './pi-config'
import { type AgentHarness, expectNoCanaryInShell, expectStopLeavesNothing, eventsOf, interruptDuringApproval, interruptMidStream, mark, ofType, runTurn, textOf, turnDone, useAgentHarness } from './harness'

/** pi has no permission system of its own: this extension asks before every bash command, as pi's permission-gate example does. */
const GATE_EXTENSION = `
export default function (pi) {
  pi.on('tool_call', async (event, ctx) => {
    if (event.toolName !== 'bash') return undefined
    const choice = await ctx.ui.select('Allow this command?\\n\\n  ' + event.input.command, ['Allow', 'Block'])
    return choice === 'Allow' ? undefined : { block: true, reason: 'Blocked by the user' }
  })
}
`

/** An extension that asks the user for a line of text before each bash command and hands it to the model instead. */
const NOTE_EXTENSION = `
export default function (pi) {
  pi.on('tool_call', async (event, ctx) => {
    if (event.toolName !== 'bash') return undefined
    const note = await ctx.ui.input('A note for the model instead', 'why not?')
    return { block: true, reason: note === undefined ? 'No note' : 'The user says: ' + note }
  })
}
`

const profileFields = (name: string) => ({
  kind: 'pi' as const,
  name,
  command: 'pi',
  args: ['--provider', 'fake', '--model', 'fake-model'],
  env: { [KEY_VAR]: 'fake-key-not-secret' },
  idleTimeoutMs: 60_000,
  approvalPolicy: 'ask' as const,
})

const h: AgentHarness = useAgentHarness('pi', ({ llm, core, configDir }) => {
  const profile = core.profiles.create(profileFields('pi (fake LLM)'))
  writeModels(configDir(profile.id), llm.url)
  return profile
})

let gated: Profile
let noting: Profile
beforeAll(() => {
  noting = h.core.profiles.create(profileFields('pi with a note extension'))
  writeModels(noting.configDir, h.llm.url)
  mkdirSync(path.join(noting.configDir, 'extensions'), { recursive: true })
  writeFileSync(path.join(noting.configDir, 'extensions', 'note.ts'), NOTE_EXTENSION)
  gated = h.core.profiles.create(profileFields('pi with a permission gate'))
  writeModels(gated.configDir, h.llm.url)
  mkdirSync(path.join(gated.configDir, 'extensions'), { recursive: true })
  writeFileSync(path.join(gated.configDir, 'extensions', 'gate.ts'), GATE_EXTENSION)
})

async function newLane(profile: Profile = h.profile) {
  const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: profile.id })
  expect(lane.status).toBe('ready')
  return lane
}

/** Sends `text` and waits for that turn to end. */
const turn = (laneId: string, text: string) => runTurn(h, laneId, text)

const find = ofType

describe('pi (real CLI, fake LLM)', () => {
  it("lists the models pi has credentials for (get_available_models), as provider/id for --model", async () => {
    const models = await h.core.models.list(h.profile.id, true)
    expect(models.map((m) => m.id)).toContain('fake/fake-model')
  })

  it('streams a text reply, completes the turn and reports usage', async () => {
    const lane = await newLane()
    const { done, events, text } = await turn(lane.id, 'hello pi')
    expect(done.outcome).toBe('completed')
    expect(find(events, 'text.delta').length).toBeGreaterThan(1) // streamed, not one blob
    expect(text).toContain('ECHO: hello pi')
    expect(find(events, 'message').at(-1)).toMatchObject({ role: 'assistant', text: 'ECHO: hello pi' })
    const usage = find(events, 'usage').filter((u) => u.turn).at(-1)
    expect(usage?.turn).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    expect(usage?.turn?.costUsd).toBeGreaterThan(0)
    expect(h.core.lanes.get(lane.id).record.usage).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    // The context fill, from get_session_stats after the turn: the last reply's tokens against models.json's window.
    const context = await waitFor('the context fill', () => h.core.lanes.get(lane.id).record.context)
    expect(context.windowTokens).toBe(128000)
    expect(context.usedTokens).toBeGreaterThan(0)
    expect(laneStatus(h.core, lane.id)).toBe('ready')
    expect(find(eventsOf(h, lane.id), 'error')).toEqual([])
    // It went through the fake LLM's chat completions route with pi's own tools offered.
    expect(h.llm.requests.some((r) => r.protocol === 'openai-chat' && r.body.tools.some((t: any) => t.function.name === 'bash'))).toBe(true)
    await h.core.lanes.stop(lane.id)
  })

  it('runs a shell command through its bash tool: the file is on disk, the tool call has command and output', async () => {
    const lane = await newLane()
    const { done, events, text } = await turn(lane.id, 'RUN:echo pi-was-here > proof.txt && cat proof.txt')
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'proof.txt'), 'utf8')).toBe('pi-was-here\n')
    const started = find(events, 'tool.started')[0]
    expect(started).toMatchObject({ toolKind: 'execute', command: 'echo pi-was-here > proof.txt && cat proof.txt' })
    const completed = find(events, 'tool.completed').find((e) => e.toolCallId === started.toolCallId)
    expect(completed).toMatchObject({ status: 'completed', exitCode: 0, output: 'pi-was-here\n' })
    expect(text).toContain('TOOL_DONE: pi-was-here')
    await h.core.lanes.stop(lane.id)
  })

  it('with a permission-gate extension, approving runs the command', async () => {
    const lane = await newLane(gated)
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo allowed > approved.txt')
    const request = await waitFor('approval request', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    expect(laneStatus(h.core, lane.id)).toBe('waiting')
    expect(request.title).toContain('echo allowed > approved.txt')
    const started = find(eventsOf(h, lane.id, after), 'tool.started')[0]
    expect(request.toolCallId).toBe(started.toolCallId)
    const allow = request.options.find((o) => o.kind === 'allow_once')!
    expect(allow.label).toBe('Allow')
    await h.core.lanes.approve(lane.id, request.requestId, allow.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'approved.txt'), 'utf8')).toBe('allowed\n')
    expect(find(eventsOf(h, lane.id, after), 'tool.completed')[0]).toMatchObject({ status: 'completed', exitCode: 0 })
    await h.core.lanes.stop(lane.id)
  })

  it('with a permission-gate extension, an interrupt while it asks withdraws the request and ends the turn', async () => {
    const lane = await newLane(gated)
    await interruptDuringApproval(h, lane.id)
    await h.core.lanes.stop(lane.id)
  })

  it('an extension asking for text gets the typed answer', async () => {
    const lane = await newLane(noting)
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo hi')
    const request = await waitFor('question', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    expect(request.questions).toMatchObject([{ question: 'A note for the model instead', options: [], other: true }])
    await h.core.lanes.approve(lane.id, request.requestId, 'answer', { [request.questions![0].id]: ['use printf'] })
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(textOf(h, lane.id, after)).toContain('TOOL_DONE: The user says: use printf')
    await h.core.lanes.stop(lane.id)
  })

  it('with a permission-gate extension, denying blocks the command: no file, the tool call is declined', async () => {
    const lane = await newLane(gated)
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'RUN:echo nope > denied.txt')
    const request = await waitFor('approval request', () => find(eventsOf(h, lane.id, after), 'approval.requested')[0], 30_000)
    const reject = request.options.find((o) => o.kind === 'reject_once')!
    expect(reject.label).toBe('Block')
    await h.core.lanes.approve(lane.id, request.requestId, reject.id)
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    expect(existsSync(path.join(h.core.folder, 'denied.txt'))).toBe(false)
    const completed = find(eventsOf(h, lane.id, after), 'tool.completed')[0]
    expect(completed).toMatchObject({ status: 'declined', output: expect.stringContaining('Blocked by the user') })
    expect(textOf(h, lane.id, after)).toContain('TOOL_DONE: Blocked by the user')
    await h.core.lanes.stop(lane.id)
  })

  it('an interrupt mid-stream ends the turn as interrupted; the lane is ready and the next prompt works', async () => {
    await interruptMidStream(h, (await newLane()).id)
  })

  it('a prompt sent while a turn runs is steered into that turn', async () => {
    const lane = await newLane()
    const after = mark(h, lane.id)
    await h.core.lanes.send(lane.id, 'SLOW:8 first')
    await waitFor('first delta', () => find(eventsOf(h, lane.id, after), 'text.delta')[0], 30_000)
    await h.core.lanes.send(lane.id, 'and one more thing')
    const done = await turnDone(h, lane.id, after)
    expect(done.outcome).toBe('completed')
    const events = eventsOf(h, lane.id, after)
    expect(find(events, 'message').map((m) => m.text)).toEqual([expect.stringContaining('tick 8'), 'ECHO: and one more thing'])
    expect(find(events, 'turn.started')).toHaveLength(1)
    await h.core.lanes.stop(lane.id)
  })

  it('reaped and woken, the new process continues the conversation (--session)', async () => {
    const lane = await newLane()
    const first = await turn(lane.id, 'REMEMBER:pelican please')
    expect(first.done.outcome).toBe('completed')
    const pid = h.core.lanes.get(lane.id).record.pid!
    const reaped = await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)
    expect(reaped).toContain(lane.id)
    expect(laneStatus(h.core, lane.id)).toBe('sleeping')
    expect(await alivePids([pid])).toEqual([])
    const second = await turn(lane.id, 'RECALL')
    expect(h.core.lanes.get(lane.id).record.pid).not.toBe(pid)
    expect(second.text).toContain('RECALLED: pelican')
    const started = find(second.events, 'process.started')[0]
    expect(started.command).toMatch(/--session \S+\.jsonl/)
    await h.core.lanes.stop(lane.id)
  })

  it("does not leak Switchyard's environment to the agent's shell", () => expectNoCanaryInShell(h, h.profile, 'PI_CODING_AGENT_DIR'))

  // A command still running when the lane stops, in a process group of its own (pi's bash tool).
  it('leaves no process behind after stop', () => expectStopLeavesNothing(h, h.profile, 'sleep 30', (pids) => pids.length > 1))
})
