import { existsSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { acpAdapter } from '../../src/main/core/agents/acp'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import type { ApprovalPolicy } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { alivePids, laneStatus, tempDir, testCore, waitFor, type TestCore } from '../support/core'

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/acp-agent.mjs')
const CANARY = 'acp-canary-7f3d'

let core: TestCore | undefined
const scratch: string[] = []
const scratchDir = (prefix: string) => {
  const dir = tempDir(prefix)
  scratch.push(dir)
  return dir
}
afterEach(async () => {
  await core?.close()
  core = undefined
  delete process.env.SWITCHYARD_CANARY_SECRET
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

type Ev<T extends LaneEvent['type']> = Extract<LaneEvent, { type: T }>

function setup(opts: { approvalPolicy?: ApprovalPolicy; env?: Record<string, string> } = {}) {
  const sessions = scratchDir('switchyard-fake-acp-')
  core = testCore({ adapters: { ...defaultAdapters(), acp: acpAdapter({ maxLineBytes: 1 << 20, graceMs: 500, cancelGraceMs: 2000 }) } })
  const profile = core.profiles.create({
    kind: 'acp',
    name: 'fake acp',
    command: process.execPath,
    // Flags it does not know, as a real agent's profile would carry.
    args: [FAKE, '--acp', '--skip-trust'],
    env: { FAKE_ACP_HOME: sessions, ...opts.env },
    // Reaped only when a test calls reapIdle (the reaper's timer is off).
    idleTimeoutMs: 60_000,
    approvalPolicy: opts.approvalPolicy ?? 'ask',
  })
  const events: LaneEvent[] = []
  core.lanes.onEvent((e) => events.push(e))
  const c = core
  const of = (laneId: string, after = 0) => events.filter((e) => e.laneId === laneId && e.seq > after)
  const mark = (laneId: string) => of(laneId).at(-1)?.seq ?? 0
  const find = <T extends LaneEvent['type']>(laneId: string, type: T, after = 0, pred: (e: Ev<T>) => boolean = () => true) =>
    of(laneId, after).find((e): e is Ev<T> => e.type === type && pred(e as Ev<T>))
  const wait = <T extends LaneEvent['type']>(laneId: string, type: T, after = 0, pred?: (e: Ev<T>) => boolean, timeoutMs = 10_000) =>
    waitFor(`${type} in ${laneId}`, () => find(laneId, type, after, pred), timeoutMs)
  const text = (laneId: string, after = 0) =>
    of(laneId, after)
      .map((e) => (e.type === 'text.delta' ? e.text : ''))
      .join('')
  /** Sends a prompt and waits for its turn to end. */
  const turn = async (laneId: string, prompt: string) => {
    const after = mark(laneId)
    await c.lanes.send(laneId, prompt)
    const done = await wait(laneId, 'turn.completed', after)
    return { after, done, text: text(laneId, after) }
  }
  const lane = () => c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
  return { c, sessions, events, of, mark, find, wait, text, turn, lane }
}

describe('ACP lanes (fake ACP agent on the SDK)', () => {
  it('streams a reply, ends the turn with usage, and passes unknown flags through to the agent', async () => {
    const t = setup()
    const lane = await t.lane()
    expect(lane.status).toBe('ready')
    const r = await t.turn(lane.id, 'PLAN THINK hello there')
    expect(r.done.outcome).toBe('completed')
    expect(r.text).toBe('ECHO: PLAN THINK hello there')
    expect(t.find(lane.id, 'message', r.after)?.text).toBe('ECHO: PLAN THINK hello there')
    expect(t.find(lane.id, 'reasoning.delta', r.after)?.text).toBe('pondering…')
    expect(t.find(lane.id, 'plan', r.after)?.entries).toEqual([
      { text: 'look around', status: 'completed' },
      { text: 'answer', status: 'in_progress' },
    ])
    expect(t.find(lane.id, 'usage', r.after, (e) => !!e.turn?.inputTokens)?.turn).toMatchObject({ inputTokens: 12, outputTokens: 4 })
    expect(t.c.lanes.get(lane.id).record.usage).toMatchObject({ inputTokens: 12, outputTokens: 4, costUsd: 0.01 })
    // usage_update's used/size: the lane's context fill.
    expect(t.c.lanes.get(lane.id).record.context).toEqual({ usedTokens: 100, windowTokens: 1000 })
    expect(laneStatus(t.c, lane.id)).toBe('ready')
  })

  it('asks with the agent’s own options; approving runs the tool and reports its command and output', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'RUN:make build')
    const ask = await t.wait(lane.id, 'approval.requested', after)
    expect(ask.title).toBe('make build')
    expect(ask.readOnly).toBe(false)
    expect(ask.options).toEqual([
      { id: 'proceed_always', label: 'Allow for this session', kind: 'allow_always' },
      { id: 'proceed_once', label: 'Allow', kind: 'allow_once' },
      { id: 'cancel', label: 'Reject', kind: 'reject_once' },
    ])
    expect(laneStatus(t.c, lane.id)).toBe('waiting')
    expect(t.find(lane.id, 'tool.started', after)).toMatchObject({ toolCallId: ask.toolCallId, toolKind: 'execute', command: 'make build' })
    await t.c.lanes.approve(lane.id, ask.requestId, 'proceed_once')
    const done = await t.wait(lane.id, 'turn.completed', after)
    expect(done.outcome).toBe('completed')
    expect(t.find(lane.id, 'tool.completed', after)).toMatchObject({ command: 'make build', output: 'ran: make build', exitCode: 0, status: 'completed' })
    expect(t.text(lane.id, after)).toBe('TOOL_DONE: ran: make build')
    expect(laneStatus(t.c, lane.id)).toBe('ready')
  })

  it('denying reports the tool call as declined and the agent carries on', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'RUN:rm -rf /')
    const ask = await t.wait(lane.id, 'approval.requested', after)
    await t.c.lanes.approve(lane.id, ask.requestId, 'cancel')
    await t.wait(lane.id, 'turn.completed', after)
    expect(t.find(lane.id, 'tool.completed', after)).toMatchObject({ toolCallId: ask.toolCallId, status: 'declined' })
    expect(t.text(lane.id, after)).toBe('DENIED: rm -rf /')
  })

  it('an auto_all profile approves on the user’s behalf', async () => {
    const t = setup({ approvalPolicy: 'auto_all' })
    const lane = await t.lane()
    const r = await t.turn(lane.id, 'RUN:ls')
    expect(r.text).toBe('TOOL_DONE: ran: ls')
    expect(t.find(lane.id, 'approval.resolved', r.after)).toMatchObject({ optionId: 'proceed_once', by: 'policy' })
  })

  it('a prompt sent during a turn waits for it (queued, not lost)', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'SLOW:3')
    await t.c.lanes.send(lane.id, 'second')
    await waitFor('two turns', () => t.of(lane.id, after).filter((e) => e.type === 'turn.completed').length === 2)
    expect(t.of(lane.id, after).filter((e) => e.type === 'message').map((e) => (e as Ev<'message'>).text)).toEqual(['tick 1 tick 2 tick 3 ', 'ECHO: second'])
  })

  it('a line over the size limit fails the lane without buffering it', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, `HUGE:${2 << 20}`)
    await waitFor('failed', () => laneStatus(t.c, lane.id) === 'failed')
    expect(t.find(lane.id, 'error', after, (e) => !!e.fatal)?.message).toMatch(/line too long/)
  })

  it('ignores notifications and update kinds it does not know', async () => {
    const t = setup()
    const lane = await t.lane()
    const r = await t.turn(lane.id, 'UNKNOWN')
    expect(r.done.outcome).toBe('completed')
    expect(r.text).toBe('ECHO: UNKNOWN')
    expect(t.find(lane.id, 'error', r.after)).toBeUndefined()
    expect(laneStatus(t.c, lane.id)).toBe('ready')
  })

  it('the agent exiting while an approval is open fails the lane cleanly', async () => {
    const t = setup()
    const lane = await t.lane()
    const after = t.mark(lane.id)
    await t.c.lanes.send(lane.id, 'EXIT_IN_APPROVAL')
    const ask = await t.wait(lane.id, 'approval.requested', after)
    await waitFor('failed', () => laneStatus(t.c, lane.id) === 'failed')
    expect(t.c.lanes.get(lane.id).record.exit?.exitCode).toBe(2)
    expect(t.find(lane.id, 'turn.completed', after)?.outcome).toBe('failed')
    await expect(t.c.lanes.approve(lane.id, ask.requestId, 'proceed_once')).rejects.toThrow()
  })

  it('wakes a reaped lane into the same conversation, without showing the history again', async () => {
    const t = setup()
    const lane = await t.lane()
    expect((await t.turn(lane.id, 'REMEMBER:kiwi')).text).toBe('ECHO: REMEMBER:kiwi')
    const pid = t.c.lanes.get(lane.id).record.pid!
    expect(await t.c.lanes.reapIdle(Date.now() + 10 * 3600_000)).toEqual([lane.id])
    expect(laneStatus(t.c, lane.id)).toBe('sleeping')
    expect(await alivePids([pid])).toEqual([])
    const woke = await t.turn(lane.id, 'RECALL')
    expect(woke.text).toBe('RECALLED: kiwi')
    expect(t.c.lanes.get(lane.id).record.pid).not.toBe(pid)
    // The replayed history is not new activity: no old text (woke.text has all text since) and no second copy of the input.
    const since = t.of(lane.id, woke.after)
    expect(since.filter((e) => e.type === 'message').map((e) => (e as Ev<'message'>).text)).toEqual(['RECALLED: kiwi'])
    expect(since.filter((e) => e.type === 'input').map((e) => (e as Ev<'input'>).text)).toEqual(['RECALL'])
    expect(readdirSync(t.sessions)).toHaveLength(1)
  })

  it('the agent’s modes reach the lane; switching one takes effect, survives a wake, and bad ids are refused', async () => {
    const t = setup()
    const lane = await t.lane()
    expect(t.c.lanes.get(lane.id).record.modes).toMatchObject({ current: 'default', available: [{ id: 'default' }, { id: 'autoEdit' }, { id: 'yolo' }, { id: 'plan', name: 'Plan', description: 'Read-only mode' }] })
    const switched = await t.c.lanes.setMode(lane.id, 'plan')
    expect(switched.modes?.current).toBe('plan')
    expect((await t.turn(lane.id, 'MODE')).text).toBe('MODE: plan')
    await expect(t.c.lanes.setMode(lane.id, 'turbo')).rejects.toMatchObject({ code: 'invalid_input' })

    // Reaped, the choice is kept; woken, the new process is put back in it.
    await t.c.lanes.reapIdle(Date.now() + 10 * 3600_000)
    expect(laneStatus(t.c, lane.id)).toBe('sleeping')
    expect(t.c.lanes.get(lane.id).record.modes?.current).toBe('plan')
    expect((await t.turn(lane.id, 'MODE')).text).toBe('MODE: plan')

    // Chosen while asleep: the wake starts in it.
    await t.c.lanes.reapIdle(Date.now() + 20 * 3600_000)
    await t.c.lanes.setMode(lane.id, 'autoEdit')
    expect(laneStatus(t.c, lane.id)).toBe('sleeping')
    expect((await t.turn(lane.id, 'MODE')).text).toBe('MODE: autoEdit')

    // The agent changing mode on its own is reported too.
    const { after } = await t.turn(lane.id, 'GO_PLAN')
    expect(t.find(lane.id, 'modes', after)).toMatchObject({ current: 'plan' })
    expect(t.c.lanes.get(lane.id).record.modes?.current).toBe('plan')
  })

  it('a lane whose agent has no modes refuses a mode switch', async () => {
    core = testCore()
    const shell = core.profile()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: shell.id })
    await expect(core.lanes.setMode(lane.id, 'plan')).rejects.toMatchObject({ code: 'unsupported' })
  })

  it('a resume token the agent no longer knows starts a new conversation and says so', async () => {
    const t = setup()
    const lane = await t.lane()
    await t.turn(lane.id, 'hello')
    await t.c.lanes.reapIdle(Date.now() + 10 * 3600_000)
    for (const f of readdirSync(t.sessions)) writeFileSync(path.join(t.sessions, f), 'gone')
    const r = await t.turn(lane.id, 'RECALL')
    expect(r.text).toBe('RECALLED: nothing')
    expect(t.find(lane.id, 'error', r.after)?.message).toMatch(/Could not continue the earlier conversation/)
  })

  it('serves fs requests inside the workspace and refuses paths outside it, symlinks included', async () => {
    const t = setup()
    const lane = await t.lane()
    const ws = t.c.folder
    const outside = scratchDir('switchyard-outside-')
    writeFileSync(path.join(ws, 'notes.txt'), 'inside text')
    writeFileSync(path.join(outside, 'secret.txt'), 'outside text')
    symlinkSync(outside, path.join(ws, 'escape'))

    expect((await t.turn(lane.id, `READ:${path.join(ws, 'notes.txt')}`)).text).toBe('READ_OK: inside text')
    const refused = await t.turn(lane.id, `READ:${path.join(ws, 'escape', 'secret.txt')}`)
    expect(refused.text).toMatch(/^READ_ERR: .*outside this lane's workspace/)
    expect(refused.text).not.toContain('outside text')
    expect(t.find(lane.id, 'tool.completed', refused.after)).toMatchObject({ toolKind: 'read', status: 'failed' })

    const target = path.join(ws, 'sub', 'new.txt')
    const wrote = await t.turn(lane.id, `WRITE:${target} hello\nworld`)
    expect(wrote.text).toBe('WRITE_OK')
    expect(readFileSync(target, 'utf8')).toBe('hello\nworld')
    const edit = t.find(lane.id, 'tool.completed', wrote.after)
    expect(edit).toMatchObject({ toolKind: 'edit', status: 'completed', files: [{ path: target }] })
    expect(edit?.files?.[0].diff).toContain('+++ b/sub/new.txt\n@@ -0,0 +1,2 @@\n+hello\n+world')

    const escaped = await t.turn(lane.id, `WRITE:${path.join(ws, 'escape', 'planted.txt')} boo`)
    expect(escaped.text).toMatch(/^WRITE_ERR: .*outside this lane's workspace/)
    expect(existsSync(path.join(outside, 'planted.txt'))).toBe(false)
    expect((await t.turn(lane.id, 'READ:relative/path.txt')).text).toMatch(/not an absolute path/)
  })

  it('runs terminal commands in the workspace with the lane’s scrubbed env', async () => {
    process.env.SWITCHYARD_CANARY_SECRET = CANARY
    const t = setup({ env: { LANE_VAR: 'from-profile' } })
    const lane = await t.lane()
    const r = await t.turn(lane.id, 'TERM:pwd; echo "var=$LANE_VAR"; env')
    expect(r.text).toContain(`TERM_DONE: ${t.c.folder}\nvar=from-profile`)
    expect(r.text).not.toContain(CANARY)
    const tool = t.find(lane.id, 'tool.completed', r.after)
    expect(tool).toMatchObject({ toolKind: 'execute', status: 'completed', exitCode: 0 })
    expect(tool?.output).toContain('var=from-profile')
    expect((await t.turn(lane.id, 'TERM:false')).done.outcome).toBe('completed')
    expect(t.c.lanes.get(lane.id).record.status).toBe('ready')
  })

  it('a command still running in a terminal the agent asked for stops with the lane', async () => {
    const t = setup()
    const lane = await t.lane()
    await t.c.lanes.send(lane.id, 'TERM:echo $$ > term.pid; exec sleep 30')
    const pidFile = path.join(t.c.folder, 'term.pid')
    const pid = Number(await waitFor('term.pid', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim()))
    expect(await alivePids([pid])).toEqual([pid])
    await t.c.lanes.stop(lane.id)
    expect(await alivePids([pid])).toEqual([])
  })

  it('an agent that dies while starting fails the lane with what it printed', async () => {
    const t = setup()
    t.c.profiles.update(t.c.profiles.list().find((p) => p.name === 'fake acp')!.id, {
      args: ['-e', 'console.error("no credentials found"); process.exit(4)'],
    })
    const lane = await t.lane()
    expect(lane.status).toBe('failed')
    expect(lane.exit?.message).toMatch(/exited \(code 4\) before it was ready\n.*no credentials found/)
  })

  it('authenticates with a method the profile’s env satisfies, and explains when none does', async () => {
    const ok = setup({ env: { FAKE_ACP_NEEDS_AUTH: '1', FAKE_ACP_KEY: 'k' } })
    const lane = await ok.lane()
    expect(lane.status).toBe('ready')
    expect((await ok.turn(lane.id, 'hi')).text).toBe('ECHO: hi')
    await core?.close()
    const no = setup({ env: { FAKE_ACP_NEEDS_AUTH: '1' } })
    const failed = await no.lane()
    expect(failed.status).toBe('failed')
    expect(failed.exit?.message).toMatch(/log in/)
  })

})
