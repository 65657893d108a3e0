import { afterEach, describe, expect, it } from 'vitest'
import { evictionCandidate, idleLanes, nextDueIn, overBudget } from '../../src/main/core/lanes/reaper'
import { alivePids, laneStatus, outputOf, testCore, waitFor, waitForOutput, type TestCore } from '../support/core'

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

describe('idle policy', () => {
  const lane = (id: string, status: any, lastActivityAt: number, idleTimeoutMs = 1000) => ({ id, status, lastActivityAt, idleTimeoutMs })

  it('knows when the next lane is due: the soonest ready lane with a timeout, 0 if one is overdue', () => {
    expect(nextDueIn([lane('a', 'ready', 9_000, 3_000), lane('b', 'ready', 9_500, 1_000), lane('busy', 'busy', 0), lane('never', 'ready', 0, 0)], 10_000)).toBe(500)
    expect(nextDueIn([lane('late', 'ready', 0, 1_000)], 10_000)).toBe(0)
    expect(nextDueIn([lane('asleep', 'sleeping', 0), lane('never', 'ready', 0, 0)], 10_000)).toBeUndefined()
  })

  it('over the memory budget, sleeps ready lanes least recently active first until the rest fits; never busy ones', () => {
    const m = (id: string, status: any, lastActivityAt: number, mb: number) => ({ ...lane(id, status, lastActivityAt, 0), rssBytes: mb * 2 ** 20 })
    const lanes = [m('new', 'ready', 300, 100), m('busy', 'busy', 0, 500), m('old', 'ready', 100, 50), m('mid', 'ready', 200, 80)]
    expect(overBudget(lanes, 0)).toEqual([]) // no budget
    expect(overBudget(lanes, 1000 * 2 ** 20)).toEqual([])
    expect(overBudget(lanes, 700 * 2 ** 20)).toEqual(['old']) // 730 → 680
    expect(overBudget(lanes, 600 * 2 ** 20)).toEqual(['old', 'mid']) // 730 → 680 → 600
    expect(overBudget(lanes, 1)).toEqual(['old', 'mid', 'new']) // the busy lane keeps running over budget
  })

  it('reaps only ready lanes idle past their own timeout; 0 means never', () => {
    const now = 10_000
    expect(
      idleLanes(
        [
          lane('idle', 'ready', 8_000),
          lane('exactly', 'ready', 9_000),
          lane('recent', 'ready', 9_500),
          lane('busy', 'busy', 0),
          lane('waiting', 'waiting', 0),
          lane('starting', 'starting', 0),
          lane('asleep', 'sleeping', 0),
          lane('never', 'ready', 0, 0),
          lane('patient', 'ready', 5_000, 60_000),
        ],
        now,
      ),
    ).toEqual(['idle', 'exactly'])
  })

  it('evicts the least recently active ready lane, never a busy one', () => {
    expect(evictionCandidate([lane('a', 'ready', 50), lane('b', 'busy', 10), lane('c', 'ready', 20)])).toBe('c')
    expect(evictionCandidate([lane('b', 'busy', 10), lane('w', 'waiting', 5)])).toBeUndefined()
  })
})

describe('idle reaper', () => {
  it('with a fake clock: sleeps an idle lane, keeps its transcript, and the next send wakes it', async () => {
    let clock = 1_000_000
    core = testCore({ now: () => clock })
    const p = core.profile({ idleTimeoutMs: 60_000 })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    await core.lanes.send(lane.id, 'echo before-sleep\r')
    await waitForOutput(core, lane.id, /^before-sleep/m)
    const firstPid = lane.pid!

    clock += 59_000
    expect(await core.lanes.reapIdle()).toEqual([])
    expect(laneStatus(core, lane.id)).toBe('ready')

    clock += 2_000
    expect(await core.lanes.reapIdle()).toEqual([lane.id])
    const asleep = core.lanes.get(lane.id).record
    expect(asleep.status).toBe('sleeping')
    expect(asleep.pid).toBeUndefined()
    expect(await alivePids([firstPid])).toEqual([])
    expect(await outputOf(core, lane.id)).toContain('before-sleep')

    // Typed key by key while the lane wakes: every key arrives, in order.
    await Promise.all([...'echo after-wake\r'].map((key) => core!.lanes.send(lane.id, key)))
    await waitForOutput(core, lane.id, /^after-wake/m)
    const awake = core.lanes.get(lane.id).record
    expect(awake.status).toBe('ready')
    expect(awake.pid).not.toBe(firstPid)
  })

  it('activity resets the idle clock', async () => {
    let clock = 0
    core = testCore({ now: () => clock })
    const p = core.profile({ idleTimeoutMs: 1000 })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    clock += 900
    await core.lanes.send(lane.id, 'echo still-here\r')
    await waitForOutput(core, lane.id, /^still-here/m)
    clock += 900
    expect(await core.lanes.reapIdle()).toEqual([])
  })

  it('with real time and real processes: the reaper runs by itself', async () => {
    core = testCore({ reaperIntervalMs: 100 })
    const p = core.profile({ idleTimeoutMs: 400 })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    const pid = lane.pid!
    await waitFor('lane asleep', () => laneStatus(core!, lane.id) === 'sleeping', 5000)
    expect(await alivePids([pid])).toEqual([])
    const woken = await core.lanes.start(lane.id)
    expect(woken.status).toBe('ready')
  })

  it('the reaper wakes when the next lane is due, not on its 15 s tick', async () => {
    core = testCore({ reaperIntervalMs: 15_000 })
    const p = core.profile({ idleTimeoutMs: 500 })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    await waitFor('ready', () => laneStatus(core!, lane.id) === 'ready', 5000)
    // The old fixed tick would first look after 15 s; a timer set for the due time sleeps it within about 0.5 s.
    await waitFor('lane asleep', () => laneStatus(core!, lane.id) === 'sleeping', 5000)
    const slept = core.lanes.get(lane.id).record
    expect(slept.status).toBe('sleeping')
  })

  it('measures each running lane tree and, over the memory budget, puts the least recently active to sleep', async () => {
    core = testCore({ reaperIntervalMs: 0 })
    const p = core.profile({ command: '/bin/sh', args: ['-c', 'sleep 600 & echo up; wait'] })
    const older = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    await waitFor('older ready', () => laneStatus(core!, older.id) === 'ready', 5000)
    await waitForOutput(core, older.id, /up/)
    const newer = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    await waitFor('newer ready', () => laneStatus(core!, newer.id) === 'ready', 5000)
    await waitForOutput(core, newer.id, /up/)
    const m = await core.lanes.memory()
    expect(m.lanes.map((l) => l.laneId).sort()).toEqual([older.id, newer.id].sort())
    for (const l of m.lanes) expect(l.rssBytes).toBeGreaterThan(0)
    expect(m.totalBytes).toBe(m.lanes.reduce((s, l) => s + l.rssBytes, 0))

    core.lanes.setMemoryBudget(m.totalBytes - 1) // one lane too many
    expect(await core.lanes.reapIdle()).toEqual([older.id])
    expect(laneStatus(core, older.id)).toBe('sleeping')
    expect(laneStatus(core, newer.id)).toBe('ready')
    expect((await core.lanes.memory()).lanes.map((l) => l.laneId)).toEqual([newer.id])
  })
})
