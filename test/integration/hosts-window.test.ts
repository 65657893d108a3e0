/**
 * One window over two machines: the renderer's hosts bridge over this machine's core and a host's
 * core (two real cores with real ptys; `hosts.call`/`hosts.events` handed to the second core's router
 * as main's relay would). Lists merge, a host's ids come out qualified, commands reach the right core,
 * and a host lane's stream is held only while the lane is in view, caught up once when it returns (a
 * terminal far behind gets a gap to redraw over, not the bytes it missed).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { createClient, type Client } from '../../src/renderer/host/client'
import { createHostsBridge, mergeAnswers, routeInput, type HostsBridge } from '../../src/renderer/host/hosts-bridge'
import { byMachine, hostOf, qualify, refOf } from '../../src/renderer/host/lane-ref'
import type { Bridge, Lane, LaneStatusEvent } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { testCore, waitFor, type TestCore } from '../support/core'

const HOST = 'host_b'

function routerOf(core: TestCore): Router {
  return new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
}

describe('lane refs', () => {
  it('qualifies a host\'s ids and splits them back; this machine\'s ids stay plain', () => {
    expect(qualify(undefined, 'lane_1')).toBe('lane_1')
    expect(qualify(HOST, 'lane_1')).toBe('lane_1@host_b')
    expect(refOf('lane_1@host_b')).toEqual({ hostId: HOST, id: 'lane_1' })
    expect(refOf('lane_1')).toEqual({ id: 'lane_1' })
    expect(hostOf('lane_1')).toBeUndefined()
    // Not a qualified id: nothing before or after the separator.
    expect(refOf('@host_b')).toEqual({ id: '@host_b' })
    expect(refOf('lane_1@')).toEqual({ id: 'lane_1@' })
  })

  it('groups records by machine, this machine\'s first, each group in its order', () => {
    const ids = ['w1@h2', 'w2', 'w3@h1', 'w4@h2', 'w5'].map((id) => ({ id }))
    expect(byMachine(ids).map((w) => w.id)).toEqual(['w2', 'w5', 'w1@h2', 'w4@h2', 'w3@h1'])
  })

  it('refuses a call naming records of two machines', () => {
    expect(routeInput({ workspaceId: 'ws_1@host_b', profileId: 'p_1' })).toMatchObject({ error: { code: 'invalid_input' } })
    expect(routeInput({ workspaceId: 'ws_1@host_b', profileId: 'p_1@host_b', title: 't' })).toEqual({ hostId: HOST, input: { workspaceId: 'ws_1', profileId: 'p_1', title: 't' } })
    expect(routeInput({ laneId: 'lane_1', input: 'x@host_b' })).toEqual({ input: { laneId: 'lane_1', input: 'x@host_b' } })
  })

  it('adds up usage ledgers of several machines, day by day', () => {
    const u = (n: number) => ({ inputTokens: n, outputTokens: n, cachedInputTokens: 0, costUsd: n / 100 })
    const merged = mergeAnswers('usage.ledger', [
      { total: u(1), lanes: [{ laneId: 'a' }], workspaces: [], days: [{ day: '2026-12-03', usage: u(1) }] },
      { total: u(2), lanes: [{ laneId: 'b@h' }], workspaces: [], days: [{ day: '2026-12-04', usage: u(1) }, { day: '2026-12-03', usage: u(1) }] },
    ], {}) as { total: unknown; lanes: unknown[]; days: Array<{ day: string; usage: unknown }> }
    expect(merged.total).toEqual(u(3))
    expect(merged.lanes).toEqual([{ laneId: 'a' }, { laneId: 'b@h' }])
    expect(merged.days).toEqual([{ day: '2026-12-04', usage: u(1) }, { day: '2026-12-03', usage: u(2) }])
  })
})

describe('a window over this machine and a host', () => {
  let here: TestCore
  let there: TestCore
  let bridge: HostsBridge
  let client: Client
  /** hosts.events subscriptions open on the host right now. */
  let openOnHost = 0

  beforeAll(() => {
    here = testCore()
    there = testCore()
    here.profile()
    there.profile()
    const local = routerOf(here)
    const remote = routerOf(there)
    const mainSide: Bridge = {
      invoke: (method, input) => {
        if (method !== 'hosts.call') return local.call(method, input)
        const { hostId, method: m, input: i } = input as { hostId: string; method: string; input?: unknown }
        if (hostId !== HOST) return Promise.resolve({ ok: false, error: { code: 'not_found', message: `No host ${hostId}` } })
        return remote.call(m, i)
      },
      subscribe: (stream, input, onEvent) => {
        const r = stream === 'hosts.events'
          ? remote.subscribe((input as { stream: string }).stream, (input as { input?: unknown }).input, onEvent)
          : local.subscribe(stream, input, onEvent)
        if (!r.ok) throw new Error(r.error.message)
        if (stream !== 'hosts.events') return r.value
        openOnHost++
        return () => {
          openOnHost--
          r.value()
        }
      },
    }
    bridge = createHostsBridge(mainSide)
    bridge.setHosts([HOST])
    client = createClient(bridge)
  })

  afterAll(async () => {
    await here?.close()
    await there?.close()
  })

  const shellOn = async (hostId?: string) => {
    const profiles = await client.call('profiles.list', {})
    return profiles.find((p) => p.name === 'test shell' && hostOf(p.id) === hostId)!
  }

  it('lists both machines\' workspaces, and makes a lane on the host from its workspace and profile', async () => {
    const workspaces = await client.call('workspaces.list', {})
    expect(workspaces.map((w) => w.id)).toEqual([here.workspace.id, `${there.workspace.id}@${HOST}`])
    const lane = await client.call('lanes.create', { workspaceId: workspaces[1].id, profileId: (await shellOn(HOST)).id, worktree: { enabled: false } })
    expect(hostOf(lane.id)).toBe(HOST)
    expect(lane.workspaceId).toBe(workspaces[1].id)
    expect(there.lanes.list().map((l) => l.id)).toEqual([refOf(lane.id).id])
    expect(here.lanes.list()).toEqual([])
    // A local profile with the host's workspace names two machines: refused, nothing made anywhere.
    const mixed = await client.call('lanes.create', { workspaceId: workspaces[1].id, profileId: (await shellOn()).id }).catch((e: Error & { code?: string }) => e)
    expect((mixed as { code?: string }).code).toBe('invalid_input')
    expect(there.lanes.list()).toHaveLength(1)
  }, 30_000)

  it('sends to the host\'s lane, and its status and events come back under its qualified id', async () => {
    const status: LaneStatusEvent[] = []
    const closeStatus = client.subscribe('lanes.status', {}, (e) => status.push(e))
    const lanes = await client.call('lanes.list', {})
    const lane = lanes.find((l) => hostOf(l.id) === HOST)!
    const events: LaneEvent[] = []
    const close = client.subscribe('lanes.events', { laneId: lane.id }, (e) => events.push(e))
    await client.call('lanes.send', { laneId: lane.id, input: 'echo "on-$((40+2))-there"\r' })
    await waitFor('the echo', () => events.some((e) => e.type === 'terminal.output' && e.data.includes('on-42-there')), 15_000)
    expect(events.every((e) => e.laneId === lane.id)).toBe(true)
    await client.call('lanes.stop', { laneId: lane.id })
    await waitFor('the stop, as a status upsert', () => status.some((e) => e.type === 'upsert' && e.lane.id === lane.id && e.lane.pid === undefined), 15_000)
    const upsert = status.find((e): e is Extract<LaneStatusEvent, { type: 'upsert' }> => e.type === 'upsert' && e.lane.id === lane.id)!
    expect(upsert.lane.workspaceId).toBe(`${there.workspace.id}@${HOST}`)
    close()
    closeStatus()
  }, 30_000)

  it('holds a host lane\'s stream only in view, and catches up what it missed once', async () => {
    const lane = (await client.call('lanes.list', {})).find((l): l is Lane => hostOf(l.id) === HOST)!
    await client.call('lanes.start', { laneId: lane.id })
    const before = openOnHost
    const events: LaneEvent[] = []
    const close = client.subscribe('lanes.events', { laneId: lane.id }, (e) => events.push(e))
    expect(openOnHost).toBe(before + 1)
    await client.call('lanes.send', { laneId: lane.id, input: 'echo "seen-$((1+1))"\r' })
    await waitFor('the first echo', () => events.some((e) => e.type === 'terminal.output' && e.data.includes('seen-2')), 15_000)

    bridge.setLaneInView(lane.id, false)
    expect(openOnHost).toBe(before)
    const shown = events.length
    await client.call('lanes.send', { laneId: lane.id, input: 'echo "missed-$((3+4))"\r' })
    const plain = refOf(lane.id).id
    await waitFor('the echo on the host', async () => (await there.lanes.transcript(plain, 0, 10_000)).events.some((e) => e.type === 'terminal.output' && e.data.includes('missed-7')), 15_000)
    await new Promise((r) => setTimeout(r, 200))
    expect(events.length).toBe(shown)
    // Someone else reading the transcript meanwhile (history, a poll) is not this view having it.
    expect((await client.call('lanes.transcript', { laneId: lane.id, after: 0, limit: 10_000 })).events.some((e) => e.type === 'terminal.output' && e.data.includes('missed-7'))).toBe(true)

    bridge.setLaneInView(lane.id, true)
    expect(openOnHost).toBe(before + 1)
    await waitFor('the missed echo, caught up', () => events.some((e) => e.type === 'terminal.output' && e.data.includes('missed-7')), 15_000)
    const seqs = events.map((e) => e.seq)
    expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b))
    close()
    expect(openOnHost).toBe(before)
  }, 30_000)

  it('sends a terminal that missed a flood out of view one event past the gap, not the flood, and its snapshot has the end', async () => {
    const lane = (await client.call('lanes.list', {})).find((l): l is Lane => hostOf(l.id) === HOST)!
    const events: LaneEvent[] = []
    const close = client.subscribe('lanes.events', { laneId: lane.id, skipFloods: true }, (e) => events.push(e))
    await client.call('lanes.send', { laneId: lane.id, input: 'echo "in-view-$((2+2))"\r' })
    await waitFor('the echo in view', () => events.some((e) => e.type === 'terminal.output' && e.data.includes('in-view-4')), 15_000)

    bridge.setLaneInView(lane.id, false)
    const shown = events.at(-1)!.seq
    // ~2.6 MB: several transcript pages, then an end line.
    await client.call('lanes.send', { laneId: lane.id, input: 'seq 1 400000; echo "flood-$((5+5))-over"\r' })
    const plain = refOf(lane.id).id
    await waitFor('the flood over on the host', async () => (await there.lanes.terminalSnapshot(plain)).data.includes('flood-10-over'), 30_000)
    await new Promise((r) => setTimeout(r, 300)) // the prompt after it
    expect((await there.lanes.transcript(plain, shown, 1000)).done).toBe(false) // more than a page missed

    events.length = 0
    bridge.setLaneInView(lane.id, true)
    await waitFor('an event past the gap', () => events.length > 0, 15_000)
    await new Promise((r) => setTimeout(r, 300))
    // Past a gap the view redraws over, and no more than a frame: the flood is not replayed.
    expect(events[0].seq).toBeGreaterThan(shown + 1)
    expect(events.reduce((n, e) => n + (e.type === 'terminal.output' ? e.data.length : 0), 0)).toBeLessThan(300_000)
    const snapshot = await client.call('lanes.terminalSnapshot', { laneId: lane.id })
    expect(snapshot.data).toContain('flood-10-over')
    expect(snapshot.seq).toBeGreaterThanOrEqual(events[0].seq)
    close()
  }, 60_000)
})
