import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { codexAdapter, type CodexAdapterOptions } from '../../src/main/core/agents/codex'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import type { ApprovalPolicy } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { alivePids, laneStatus, tempDir, testCore, waitFor, type TestCore } from '../support/core'

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/codex-app-server.mjs')

// A `codex` on disk that runs the fake, so the adapter's own `app-server` argument goes to it as to the real CLI.
const binDir = tempDir('switchyard-fake-codex-')
const CODEX = path.join(binDir, 'codex')
writeFileSync(CODEX, `#!/bin/sh\nexec "${process.execPath}" "${FAKE}" "$@"\n`)
chmodSync(CODEX, 0o755)
afterAll(() => rmSync(binDir, { recursive: true, force: true }))

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

function setup(opts: { approvalPolicy?: ApprovalPolicy; adapter?: CodexAdapterOptions } = {}) {
  core = testCore({ adapters: { ...defaultAdapters(), codex: codexAdapter({ graceMs: 300, ...opts.adapter }) }, loginPath: async () => '/usr/bin:/bin' })
  const c = core
  const profile = c.profiles.create({ kind: 'codex', name: 'fake codex', command: CODEX, idleTimeoutMs: 1000, approvalPolicy: opts.approvalPolicy })
  const events: LaneEvent[] = []
  c.lanes.onEvent((e) => events.push(e))
  const own = (laneId: string, after = 0) => events.filter((e) => e.laneId === laneId && e.seq > after)
  const mark = (laneId: string) => own(laneId).at(-1)?.seq ?? 0
  /** What the fake received, parsed. */
  const received = () =>
    readFileSync(path.join(profile.configDir, 'fake-codex.log'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l))
  const lane = () => c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
  const find = <T extends LaneEvent['type']>(laneId: string, after: number, type: T, match: (e: Extract<LaneEvent, { type: T }>) => boolean = () => true) =>
    waitFor(`${type} in ${laneId}`, () => own(laneId, after).find((e): e is Extract<LaneEvent, { type: T }> => e.type === type && match(e as Extract<LaneEvent, { type: T }>)))
  /** Sends a prompt and waits for its turn to end. */
  const turn = async (laneId: string, text: string) => {
    const after = mark(laneId)
    await c.lanes.send(laneId, text)
    const done = await find(laneId, after, 'turn.completed')
    return { done, events: own(laneId, after), after }
  }
  return { c, profile, events, own, mark, received, lane, find, turn }
}

describe('codex adapter (fake app-server)', () => {
  it('starts a thread in an asking mode, streams the reply, reports usage and ends the turn', async () => {
    const t = setup()
    const lane = await t.lane()
    expect(lane.status).toBe('ready')
    const { done, events } = await t.turn(lane.id, 'hello there')
    expect(done.outcome).toBe('completed')
    expect(events.filter((e) => e.type === 'text.delta').map((e: any) => e.text).join('')).toBe('ECHO: hello there')
    expect(events.find((e) => e.type === 'message')).toMatchObject({ role: 'assistant', text: 'ECHO: hello there' })
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ turn: { inputTokens: 120, outputTokens: 30 }, total: { inputTokens: 120 } })
    expect(t.c.lanes.get(lane.id).record.usage).toMatchObject({ inputTokens: 120, outputTokens: 30 })
    await waitFor('ready', () => laneStatus(t.c, lane.id) === 'ready')

    const sent = t.received()
    expect(sent.map((m) => m.method).slice(0, 5)).toEqual(['initialize', 'initialized', 'thread/start', 'collaborationMode/list', 'turn/start'])
    expect(sent[0].params.clientInfo.name).toBe('switchyard')
    expect(sent[2].params).toMatchObject({ cwd: t.c.folder, approvalPolicy: 'untrusted', sandbox: 'workspace-write', approvalsReviewer: 'user' })
    expect(sent.some((m) => 'jsonrpc' in m)).toBe(false)
  })

  it('collaboration modes: the lane gets Default and Plan; each turn/start carries the chosen one, a wake keeps it', async () => {
    const t = setup()
    const lane = await t.lane()
    expect(t.c.lanes.get(lane.id).record.modes).toMatchObject({ current: 'default', available: [{ id: 'default', name: 'Default' }, { id: 'plan', name: 'Plan' }] })
    await t.c.lanes.setMode(lane.id, 'plan')
    await t.turn(lane.id, 'plan it')
    const turnStarts = () => t.received().filter((m) => m.method === 'turn/start')
    expect(turnStarts().at(-1)?.params.collaborationMode).toEqual({ mode: 'plan', settings: { model: 'fake-model', reasoning_effort: 'medium', developer_instructions: null } })
    await t.c.lanes.reapIdle(Date.now() + 10 * 3600_000)
    await t.turn(lane.id, 'still planning')
    expect(turnStarts().at(-1)?.params.collaborationMode).toMatchObject({ mode: 'plan' })
    expect(t.c.lanes.get(lane.id).record.modes?.current).toBe('plan')
    await expect(t.c.lanes.setMode(lane.id, 'yolo')).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('ignores notifications and item types it does not know', async () => {
    const t = setup()
    const lane = await t.lane()
    const { done, events } = await t.turn(lane.id, 'unknown stuff')
    expect(done.outcome).toBe('completed')
    expect(events.find((e) => e.type === 'message')).toMatchObject({ text: 'ECHO: unknown stuff' })
    expect(events.filter((e) => e.type === 'error' || e.type.startsWith('tool.'))).toEqual([])
    await waitFor('ready', () => laneStatus(t.c, lane.id) === 'ready')
  })

  it('takes a large line whole, and fails the lane on one past the limit', async () => {
    const t = setup({ adapter: { maxLineBytes: 1024 * 1024 } })
    const lane = await t.lane()
    const { events } = await t.turn(lane.id, 'huge:600000')
    // A message that repeats its deltas is stored once: as the deltas, with `streamed` on the message.
    const message = events.find((e) => e.type === 'message') as any
    const deltas = events.flatMap((e) => (e.type === 'text.delta' ? [e.text] : [])).join('')
    expect(message.streamed ? deltas : message.text).toHaveLength(600_000)
    await t.c.lanes.send(lane.id, 'huge:2000000')
    await waitFor('failed', () => laneStatus(t.c, lane.id) === 'failed')
    expect(t.c.lanes.get(lane.id).record.exit?.message).toMatch(/line too long/)
    expect(await alivePids([lane.pid!])).toEqual([])
  })

  it('asks before a command: approve runs it, deny does not', async () => {
    const t = setup()
    const lane = await t.lane()
    let after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'approve')
    const ask = await t.find(lane.id, after, 'approval.requested')
    const tool = t.own(lane.id, after).find((e) => e.type === 'tool.started')
    expect(ask).toMatchObject({ title: 'Run: echo approved > approved.txt', readOnly: false, toolCallId: (tool as any).toolCallId })
    expect(ask.options.map((o) => [o.id, o.kind])).toEqual([
      ['accept', 'allow_once'],
      ['acceptWithExecpolicyAmendment', 'allow_always'],
      ['decline', 'reject_once'],
      ['cancel', 'reject_once'],
    ])
    await waitFor('waiting', () => laneStatus(t.c, lane.id) === 'waiting')
    await t.c.lanes.approve(lane.id, ask.requestId, 'accept')
    const done = await t.find(lane.id, after, 'tool.completed')
    expect(done).toMatchObject({ status: 'completed', command: 'echo approved > approved.txt', output: 'approved\n', exitCode: 0 })
    await t.find(lane.id, after, 'turn.completed')
    expect(readFileSync(path.join(t.c.folder, 'approved.txt'), 'utf8')).toBe('approved\n')
    expect(t.received().find((m) => m.id === 0 && m.result)).toEqual({ id: 0, result: { decision: 'accept' } })
    // codex's own serverRequest/resolved for an answered request is not a second resolution.
    expect(t.own(lane.id, after).filter((e) => e.type === 'approval.resolved')).toEqual([expect.objectContaining({ by: 'user', optionId: 'accept' })])

    rmSync(path.join(t.c.folder, 'approved.txt'))
    after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'approve')
    const ask2 = await t.find(lane.id, after, 'approval.requested')
    await t.c.lanes.approve(lane.id, ask2.requestId, 'decline')
    expect(await t.find(lane.id, after, 'tool.completed')).toMatchObject({ status: 'declined' })
    expect((await t.find(lane.id, after, 'turn.completed')).outcome).toBe('completed')
    expect(existsSync(path.join(t.c.folder, 'approved.txt'))).toBe(false)
    expect(ask2.requestId).not.toBe(ask.requestId)
  })

  it('auto_reads lets reads through and still asks before writes', async () => {
    const t = setup({ approvalPolicy: 'auto_reads' })
    const lane = await t.lane()
    const { events } = await t.turn(lane.id, 'read')
    expect(events.find((e) => e.type === 'approval.requested')).toMatchObject({ readOnly: true })
    expect(events.find((e) => e.type === 'approval.resolved')).toMatchObject({ by: 'policy', optionId: 'accept' })
    expect(events.find((e) => e.type === 'tool.completed')).toMatchObject({ toolKind: 'read', output: 'notes\n' })
    await waitFor('ready', () => laneStatus(t.c, lane.id) === 'ready')
    await t.c.lanes.send(lane.id, 'approve')
    await waitFor('waiting', () => laneStatus(t.c, lane.id) === 'waiting')
  })

  it('a request the agent settles itself is resolved by the agent', async () => {
    const t = setup()
    const lane = await t.lane()
    const { events } = await t.turn(lane.id, 'withdraw')
    const ask = events.find((e) => e.type === 'approval.requested') as any
    expect(events.find((e) => e.type === 'approval.resolved')).toMatchObject({ requestId: ask.requestId, by: 'agent' })
    await waitFor('ready', () => laneStatus(t.c, lane.id) === 'ready')
    await expect(t.c.lanes.approve(lane.id, ask.requestId, 'accept')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('an exit while an approval is pending fails the lane without hanging', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'approve-exit')
    await waitFor('failed', () => laneStatus(t.c, lane.id) === 'failed')
    expect(t.c.lanes.get(lane.id).record.exit).toMatchObject({ exitCode: 1, lastLines: expect.arrayContaining(['fatal: lost the sandbox while waiting for approval']) })
    expect(t.own(lane.id, after).find((e) => e.type === 'turn.completed')).toMatchObject({ outcome: 'failed' })
    const ask = t.own(lane.id, after).find((e) => e.type === 'approval.requested') as any
    expect(t.own(lane.id, after).find((e) => e.type === 'approval.resolved')).toMatchObject({ requestId: ask.requestId, by: 'agent' })
  })

  it('a prompt sent while a turn runs steers that turn', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'slow')
    await t.find(lane.id, after, 'text.delta')
    await t.c.lanes.send(lane.id, 'and mention steering')
    await t.find(lane.id, after, 'turn.completed')
    const own = t.own(lane.id, after)
    expect(own.filter((e) => e.type === 'turn.started')).toHaveLength(1)
    expect(own.find((e) => e.type === 'message' && e.text.startsWith('STEERED'))).toMatchObject({ text: 'STEERED: and mention steering' })
    const steer = t.received().find((m) => m.method === 'turn/steer')
    const start = own.find((e) => e.type === 'turn.started') as any
    expect(steer.params).toMatchObject({ expectedTurnId: start.turnId, input: [{ type: 'text', text: 'and mention steering' }] })
  })

  it('a failed turn ends as failed with the reason; the lane stays usable', async () => {
    const t = setup()
    const lane = await t.lane()
    const { done, events } = await t.turn(lane.id, 'fail')
    expect(done).toMatchObject({ outcome: 'failed', message: 'stream disconnected before completion' })
    expect(events.find((e) => e.type === 'error')).toMatchObject({ fatal: false })
    await waitFor('ready', () => laneStatus(t.c, lane.id) === 'ready')
  })

  it('a reaped lane wakes in a new process that resumes the same thread', async () => {
    const t = setup()
    const lane = await t.lane()
    await t.turn(lane.id, 'REMEMBER:heron')
    const threadId = t.c.lanes.get(lane.id).resumeToken
    expect(threadId).toBeTruthy()
    await t.c.lanes.reapIdle(Date.now() + 3600_000)
    expect(laneStatus(t.c, lane.id)).toBe('sleeping')
    expect(await alivePids([lane.pid!])).toEqual([])

    const { events } = await t.turn(lane.id, 'RECALL')
    expect(events.find((e) => e.type === 'message')).toMatchObject({ text: 'RECALLED: heron' })
    expect(t.received().find((m) => m.method === 'thread/resume').params).toMatchObject({ threadId, approvalPolicy: 'untrusted' })
    expect(t.c.lanes.get(lane.id).record.pid).not.toBe(lane.pid)
  })

  it('when the old thread is gone, a woken lane says so and starts a new one', async () => {
    const t = setup()
    const lane = await t.lane()
    await t.turn(lane.id, 'REMEMBER:heron')
    const old = t.c.lanes.get(lane.id).resumeToken
    await t.c.lanes.reapIdle(Date.now() + 3600_000)
    rmSync(path.join(t.profile.configDir, 'fake-threads.json'))
    const after = t.mark(lane.id)
    const { events } = await t.turn(lane.id, 'RECALL')
    expect(t.own(lane.id, after).find((e) => e.type === 'error')).toMatchObject({ fatal: false, message: expect.stringMatching(/Could not resume/) })
    expect(events.find((e) => e.type === 'message')).toMatchObject({ text: 'RECALLED: nothing' })
    expect(t.c.lanes.get(lane.id).resumeToken).not.toBe(old)
  })

  it('stop leaves no process behind, even when the agent ignores EOF and SIGTERM', async () => {
    const t = setup()
    const lane = await t.lane()
    const { events } = await t.turn(lane.id, 'stubborn')
    const grandchild = Number(/STUBBORN: (\d+)/.exec((events.find((e) => e.type === 'message') as any).text)![1])
    expect(await alivePids([lane.pid!, grandchild])).toHaveLength(2)
    const stopped = await t.c.lanes.stop(lane.id)
    expect(stopped.status).toBe('exited')
    expect(await alivePids([lane.pid!, grandchild])).toEqual([])
  })

  it('a command that is not there fails the lane start with the reason', async () => {
    const t = setup()
    const profile = t.c.profiles.create({ kind: 'codex', name: 'broken', command: path.join(binDir, 'no-such-codex') })
    const lane = await t.c.lanes.create({ workspaceId: t.c.workspace.id, profileId: profile.id })
    expect(lane.status).toBe('failed')
    expect(lane.exit?.message).toMatch(/not found|ENOENT/)
  })
})
