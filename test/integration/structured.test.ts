import { afterEach, describe, expect, it } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { spawnInGroup, stopTree } from '../../src/main/core/transport/process-tree'
import type { LaneEvent } from '../../src/shared/events'
import type { ApprovalPolicy } from '../../src/shared/contract'
import { alivePids, laneStatus, testCore, waitFor, type TestCore } from '../support/core'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'

const fakeAdapter = fakeJsonlAdapter('terminal') // stands in the terminal slot in these tests

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

function setup(opts: { maxProcesses?: number; approvalPolicy?: ApprovalPolicy } = {}) {
  core = testCore({ ...opts, adapters: { ...defaultAdapters(), terminal: fakeAdapter } })
  const profile = core.profiles.create({ kind: 'terminal', name: 'fake', idleTimeoutMs: 0, approvalPolicy: opts.approvalPolicy })
  const events: LaneEvent[] = []
  core.lanes.onEvent((e) => events.push(e))
  return { c: core, profile, events }
}

describe('structured lanes (fake JSONL agent)', () => {
  it('turns move the lane ready → busy → ready; input is recorded in the transcript', async () => {
    const { c, profile, events } = setup()
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    await c.lanes.send(lane.id, 'hello')
    await waitFor('reply', () => events.find((e) => e.type === 'text.delta' && e.text === 'echo: hello'))
    await waitFor('ready', () => laneStatus(c, lane.id) === 'ready')
    const statuses = events.filter((e) => e.type === 'status').map((e: any) => e.status)
    expect(statuses).toEqual(['ready', 'busy', 'ready'])
    const { events: history } = await c.lanes.transcript(lane.id)
    expect(history.find((e) => e.type === 'input')).toMatchObject({ text: 'hello' })
  })

  it('an approval request makes the lane waiting until the user answers; the decision is recorded', async () => {
    const { c, profile, events } = setup()
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    await c.lanes.send(lane.id, 'approve')
    await waitFor('waiting', () => laneStatus(c, lane.id) === 'waiting')
    await expect(c.lanes.approve(lane.id, 'a1', 'maybe')).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(c.lanes.approve(lane.id, 'zz', 'yes')).rejects.toMatchObject({ code: 'not_found' })
    await c.lanes.approve(lane.id, 'a1', 'no')
    await waitFor('denied', () => events.find((e) => e.type === 'text.delta' && e.text === 'denied'))
    await waitFor('ready', () => laneStatus(c, lane.id) === 'ready')
    const { events: history } = await c.lanes.transcript(lane.id)
    expect(history.find((e) => e.type === 'approval.resolved')).toMatchObject({ requestId: 'a1', optionId: 'no', by: 'user' })
    await expect(c.lanes.approve(lane.id, 'a1', 'yes')).rejects.toMatchObject({ code: 'not_found' }) // answered once
  })

  it('auto_reads approves read-only requests and asks for the rest; auto_all approves everything', async () => {
    const reads = setup({ approvalPolicy: 'auto_reads' })
    const lane = await reads.c.lanes.create({ workspaceId: reads.c.workspace.id, profileId: reads.profile.id })
    await reads.c.lanes.send(lane.id, 'approve-read')
    await waitFor('auto-approved read', () => reads.events.find((e) => e.type === 'approval.resolved' && e.by === 'policy' && e.optionId === 'yes'))
    await waitFor('ready', () => laneStatus(reads.c, lane.id) === 'ready')
    await reads.c.lanes.send(lane.id, 'approve')
    await waitFor('waiting', () => laneStatus(reads.c, lane.id) === 'waiting')
    await reads.c.close()

    const all = setup({ approvalPolicy: 'auto_all' })
    const lane2 = await all.c.lanes.create({ workspaceId: all.c.workspace.id, profileId: all.profile.id })
    await all.c.lanes.send(lane2.id, 'approve')
    await waitFor('approved', () => all.events.find((e) => e.type === 'text.delta' && e.text === 'approved'))
    expect(all.events.find((e) => e.type === 'approval.resolved')).toMatchObject({ by: 'policy', optionId: 'yes' })
  })

  it('a malformed line fails that lane only and stops its process; the others keep working', async () => {
    const { c, profile, events } = setup()
    const bad = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    const good = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    await c.lanes.send(bad.id, 'garbage')
    await waitFor('failed', () => laneStatus(c, bad.id) === 'failed')
    expect(c.lanes.get(bad.id).record.exit?.message).toMatch(/JSON|parse|Unexpected|Unterminated/i)
    expect(await alivePids([bad.pid!])).toEqual([])
    await c.lanes.send(good.id, 'still fine')
    await waitFor('good reply', () => events.find((e) => e.laneId === good.id && e.type === 'text.delta' && e.text === 'echo: still fine'))
  })

  it('a crash mid-turn fails the lane with its exit code and stderr', async () => {
    const { c, profile } = setup()
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    await c.lanes.send(lane.id, 'crash')
    await waitFor('failed', () => laneStatus(c, lane.id) === 'failed')
    expect(c.lanes.get(lane.id).record.exit).toMatchObject({ exitCode: 3, lastLines: ['fatal: the model went away'] })
  })

  it('an agent that ignores SIGTERM still stops when its stdin closes', async () => {
    const { c, profile } = setup()
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    const stopped = await c.lanes.stop(lane.id)
    expect(stopped.status).toBe('exited')
    expect(await alivePids([lane.pid!])).toEqual([])
  })

  it('at the process limit with every lane busy, a new lane is refused with limit_reached', async () => {
    const { c, profile } = setup({ maxProcesses: 1 })
    const busy = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    await c.lanes.send(busy.id, 'hang')
    await waitFor('busy', () => laneStatus(c, busy.id) === 'busy')
    await expect(c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })).rejects.toMatchObject({
      code: 'limit_reached',
      message: expect.stringMatching(/1 lanes are already running/),
    })
    expect(c.lanes.list()).toHaveLength(1)
    expect(laneStatus(c, busy.id)).toBe('busy')
  })
})

describe('stopTree', () => {
  it('SIGKILLs a process that ignores SIGTERM after the grace period', async () => {
    const child = spawnInGroup(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1000)"], { cwd: process.cwd(), env: { PATH: process.env.PATH! } })
    await new Promise((r) => child.once('spawn', r))
    await new Promise((r) => setTimeout(r, 200)) // let it install its handler
    const killed = await stopTree(child.pid!, { graceMs: 200 })
    expect(killed).toEqual([child.pid])
    expect(await alivePids([child.pid!])).toEqual([])
  })
})
