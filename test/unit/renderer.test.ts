/**
 * The renderer's pure decisions, run in plain Node by Vitest (no browser needed):
 * shortcuts, lane list bookkeeping, transcript/live merging and the WebSocket bridge's protocol.
 */
import { beforeEach, describe, expect, it as test } from 'vitest'
import type { Lane } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { shortcutFor, type KeyLike } from '../../src/renderer/app/shortcuts'
import { applyStatusEvent, estimateTerminalSize, neighbourAfterClose, sortLanes } from '../../src/renderer/lanes/lane-state'
import { TranscriptSync, type TranscriptPage } from '../../src/renderer/host/transcript-sync'
import { createWsBridge, DISCONNECTED, wsUrlFor } from '../../src/renderer/host/ws-bridge'
import { createClient, ClientError } from '../../src/renderer/host/client'

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k,
  ctrlKey: false,
  metaKey: false,
  altKey: false,
  shiftKey: false,
  ...mods,
})

describe('shortcutFor', () => {
  test('Ctrl elsewhere, Cmd on macOS', () => {
    expect(shortcutFor(key('t', { ctrlKey: true }), false)).toEqual({ type: 'newLane' })
    expect(shortcutFor(key('w', { ctrlKey: true }), false)).toEqual({ type: 'closeLane' })
    expect(shortcutFor(key('3', { ctrlKey: true }), false)).toEqual({ type: 'focusLaneAt', index: 2 })
    expect(shortcutFor(key('t', { metaKey: true }), true)).toEqual({ type: 'newLane' })
    // On macOS Ctrl stays the terminal's (Ctrl+W deletes a word in the shell).
    expect(shortcutFor(key('w', { ctrlKey: true }), true)).toBeNull()
    expect(shortcutFor(key('w', { metaKey: true }), false)).toBeNull()
  })
  test('no Alt, no plain keys, no 0; Ctrl+Shift+T/W/K are the lane keys a terminal leaves alone', () => {
    expect(shortcutFor(key('t'), false)).toBeNull()
    expect(shortcutFor(key('T', { ctrlKey: true, shiftKey: true }), false, 'terminal')).toEqual({ type: 'newLane' })
    expect(shortcutFor(key('w', { ctrlKey: true }), false, 'terminal')).toBeNull() // the shell's delete-word
    expect(shortcutFor(key('T', { metaKey: true, shiftKey: true }), true)).toBeNull()
    expect(shortcutFor(key('t', { ctrlKey: true, altKey: true }), false)).toBeNull()
    expect(shortcutFor(key('0', { ctrlKey: true }), false)).toBeNull()
    expect(shortcutFor(key('c', { ctrlKey: true }), false)).toBeNull()
    expect(shortcutFor(key('T', { ctrlKey: true }), false)).toEqual({ type: 'newLane' }) // caps lock
  })
  test('digits by physical key on layouts where the key is not a digit', () => {
    expect(shortcutFor(key('&', { ctrlKey: true, code: 'Digit1' }), false)).toEqual({ type: 'focusLaneAt', index: 0 })
  })
})

const lane = (id: string, createdAt: number, status: Lane['status'] = 'ready'): Lane => ({
  id,
  workspaceId: 'w',
  profileId: 'p',
  kind: 'terminal',
  title: id,
  status,
  createdAt,
  lastActivityAt: createdAt,
  cols: 80,
  rows: 24,
})

describe('lane list', () => {
  test('upserts keep column order by creation; removals drop', () => {
    let lanes = sortLanes([lane('b', 2), lane('a', 1)])
    expect(lanes.map((l) => l.id)).toEqual(['a', 'b'])
    lanes = applyStatusEvent(lanes, { type: 'upsert', lane: lane('c', 3) })
    lanes = applyStatusEvent(lanes, { type: 'upsert', lane: lane('a', 1, 'busy') })
    expect(lanes.map((l) => `${l.id}:${l.status}`)).toEqual(['a:busy', 'b:ready', 'c:ready'])
    lanes = applyStatusEvent(lanes, { type: 'removed', laneId: 'b' })
    expect(lanes.map((l) => l.id)).toEqual(['a', 'c'])
  })
  test('closing a lane hands focus to its neighbour', () => {
    const lanes = [lane('a', 1), lane('b', 2), lane('c', 3)]
    expect(neighbourAfterClose(lanes, 'b')).toBe('c')
    expect(neighbourAfterClose(lanes, 'c')).toBe('b')
    expect(neighbourAfterClose([lane('a', 1)], 'a')).toBeNull()
  })
  test('size estimate stays in the contract bounds', () => {
    const size = estimateTerminalSize({ width: 1200, height: 800 }, 2)
    expect(size.cols).toBeGreaterThan(40)
    expect(size.rows).toBeGreaterThan(20)
    expect(estimateTerminalSize({ width: 0, height: 0 }, 0)).toEqual({ cols: 44, rows: 5 })
  })
})

const output = (seq: number, data = `#${seq}`): LaneEvent => ({ laneId: 'l', seq, at: 0, type: 'terminal.output', data })

describe('TranscriptSync', () => {
  test('transcript pages, then buffered live events newer than the last shown, each once and in order', async () => {
    const shown: number[] = []
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    const pages: Record<number, TranscriptPage> = {
      0: { events: [output(1), output(2)], next: 2, done: false },
      2: { events: [output(3), output(4)], next: 4, done: true },
    }
    const sync = new TranscriptSync(
      async (after) => {
        await gate
        return pages[after]
      },
      (e) => shown.push(e.seq),
    )
    const done = sync.catchUp()
    sync.live(output(4)) // also in the transcript
    sync.live(output(6))
    sync.live(output(5))
    release()
    await done
    expect(shown).toEqual([1, 2, 3, 4, 5, 6])
    sync.live(output(7))
    sync.live(output(7))
    expect(shown).toEqual([1, 2, 3, 4, 5, 6, 7])
  })
  test('a gap in live events (lost while disconnected) fetches the missing ones', async () => {
    const shown: number[] = []
    const asked: number[] = []
    const sync = new TranscriptSync(
      async (after) => {
        asked.push(after)
        if (after === 0) return { events: [output(1)], next: 1, done: true }
        if (after === 1) return { events: [output(2), output(3)], next: 3, done: true }
        return { events: [], next: after, done: true }
      },
      (e) => shown.push(e.seq),
    )
    await sync.catchUp()
    sync.live(output(4))
    // Asking again while one runs (e.g. on reconnect) runs once more right after it.
    await sync.catchUp()
    expect(asked).toEqual([0, 1, 3])
    expect(shown).toEqual([1, 2, 3, 4])
  })
  /** A terminal lane's view of its main: events published so far, and snapshots of the latest. */
  function terminalLane() {
    const lane = {
      published: 0,
      snapshots: 0,
      asked: [] as number[],
      shown: [] as string[],
      fail: false,
      sync: null as unknown as TranscriptSync,
    }
    lane.sync = new TranscriptSync(
      async (after) => {
        lane.asked.push(after)
        const events = []
        for (let seq = after + 1; seq <= Math.min(after + 5, lane.published); seq++) events.push(output(seq))
        return { events, next: after + events.length, done: after + events.length >= lane.published }
      },
      (e) => lane.shown.push(String(e.seq)),
      () => {},
      async () => {
        await Promise.resolve()
        if (lane.fail) throw new Error('busy')
        lane.snapshots++
        lane.shown.push(`snapshot@${lane.published}`)
        return lane.published
      },
    )
    /** Main prints `n` events; `deliver`: they reach the view live (else the server skipped them). */
    const print = (n: number, deliver = true) => {
      for (let i = 0; i < n; i++) {
        lane.published++
        if (deliver) lane.sync.live(output(lane.published))
      }
    }
    return { lane, print }
  }

  test('with a start (a terminal snapshot), live events follow its seq; no transcript is read; older ones are dropped', async () => {
    const { lane, print } = terminalLane()
    lane.published = 500
    const done = lane.sync.catchUp()
    lane.sync.live(output(499)) // already in the snapshot
    print(2) // while the snapshot is taken: they wait
    await done
    expect(lane.shown).toEqual(['snapshot@502'])
    lane.shown.length = 0
    print(2)
    expect(lane.shown).toEqual(['503', '504'])
    expect(lane.asked).toEqual([])
    // A reconnect that missed less than a page replays it, without a second snapshot.
    print(3, false)
    await lane.sync.catchUp()
    expect(lane.asked).toEqual([504])
    expect(lane.shown).toEqual(['503', '504', '505', '506', '507'])
    expect(lane.snapshots).toBe(1)
  })
  test('a gap in live events (a flood the server skipped) and a reconnect more than a page behind redraw from a fresh snapshot', async () => {
    const { lane, print } = terminalLane()
    await lane.sync.catchUp()
    print(3)
    print(1000, false) // held back by the server: more than anyone reads
    print(1) // the newest comes: a gap
    await new Promise((r) => setTimeout(r, 0))
    expect(lane.shown).toEqual(['snapshot@0', '1', '2', '3', 'snapshot@1004'])
    expect(lane.asked).toEqual([])
    print(20, false) // missed while disconnected: more than a page
    lane.shown.length = 0
    await lane.sync.catchUp()
    expect(lane.asked).toEqual([1004])
    expect(lane.shown).toEqual(['snapshot@1024'])
    print(1)
    expect(lane.shown.at(-1)).toBe('1025')
  })
  test('a redraw whose snapshot fails is not written over: the next event asks again', async () => {
    const { lane, print } = terminalLane()
    await lane.sync.catchUp()
    print(2)
    lane.fail = true
    print(5, false)
    print(1) // a gap: redraw, which fails
    await new Promise((r) => setTimeout(r, 0))
    lane.shown.length = 0
    print(1) // not shown over the gap: it asks again
    expect(lane.shown).toEqual([])
    await new Promise((r) => setTimeout(r, 0))
    lane.fail = false
    print(1)
    await new Promise((r) => setTimeout(r, 0))
    expect(lane.shown).toEqual(['snapshot@10'])
    print(1)
    expect(lane.shown).toEqual(['snapshot@10', '11'])
    expect(lane.snapshots).toBe(2)
  })
  test('a host without snapshots (start gives null) replays the transcript from its start, as before', async () => {
    const shown: number[] = []
    const sync = new TranscriptSync(
      async (after) => (after === 0 ? { events: [output(1), output(2)], next: 2, done: false } : { events: [output(3)], next: 3, done: true }),
      (e) => shown.push(e.seq),
      () => {},
      async () => null,
    )
    await sync.catchUp()
    sync.live(output(5))
    await sync.catchUp()
    expect(shown).toEqual([1, 2, 3, 5])
  })
  test('a failed fetch keeps the buffer for the next try and reports the error', async () => {
    const shown: number[] = []
    const errors: unknown[] = []
    let fail = true
    const sync = new TranscriptSync(
      async () => {
        if (fail) throw new Error('disconnected')
        return { events: [output(1), output(2)], next: 2, done: true }
      },
      (e) => shown.push(e.seq),
      (e) => errors.push(e),
    )
    const first = sync.catchUp()
    sync.live(output(3))
    await first
    expect(shown).toEqual([])
    expect(errors).toHaveLength(1)
    fail = false
    await sync.catchUp()
    expect(shown).toEqual([1, 2, 3])
  })
})

/** A scripted stand-in for the browser's WebSocket. */
class FakeSocket {
  static all: FakeSocket[] = []
  readyState = 0
  sent: Record<string, unknown>[] = []
  onopen: (() => void) | null = null
  onclose: (() => void) | null = null
  onerror: (() => void) | null = null
  onmessage: ((m: { data: string }) => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(text: string) {
    this.sent.push(JSON.parse(text))
  }
  close() {
    this.drop()
  }
  open() {
    this.readyState = 1
    this.onopen?.()
  }
  drop() {
    this.readyState = 3
    this.onclose?.()
  }
  answer(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms))

describe('ws-bridge', () => {
  beforeEach(() => {
    FakeSocket.all = []
  })

  test('the URL carries the page token', () => {
    expect(wsUrlFor({ protocol: 'http:', host: '127.0.0.1:5000', search: '?token=a+b/c' })).toBe('ws://127.0.0.1:5000/ws?token=a%20b%2Fc')
    expect(wsUrlFor({ protocol: 'https:', host: 'h', search: '' })).toBe('wss://h/ws?token=')
  })

  test('a refused token ends in `unauthorized` with no more attempts; a server that is down keeps being retried', async () => {
    let refused = true
    const states: string[] = []
    const bridge = createWsBridge({ url: 'ws://x/ws?token=old', WebSocket: FakeSocket as never, backoff: () => 5, tokenRefused: async () => refused })
    bridge.onState((s) => states.push(s))
    FakeSocket.all[0].drop()
    await tick(30)
    expect(bridge.state).toBe('unauthorized')
    expect(states.at(-1)).toBe('unauthorized')
    const attempts = FakeSocket.all.length
    await tick(30)
    expect(FakeSocket.all.length).toBe(attempts)
    expect(await bridge.invoke('lanes.list', {})).toEqual({ ok: false, error: DISCONNECTED })

    refused = false
    FakeSocket.all = []
    const down = createWsBridge({ url: 'ws://x/ws?token=t', WebSocket: FakeSocket as never, backoff: () => 5, tokenRefused: async () => refused })
    FakeSocket.all[0].drop()
    await tick(30)
    expect(down.state).toBe('reconnecting')
    expect(FakeSocket.all.length).toBeGreaterThan(1)
    down.close()
  })

  test('queues until open; answers resolve calls; errors reject with code, message, details', async () => {
    const bridge = createWsBridge({ url: 'ws://x/ws?token=t', WebSocket: FakeSocket as never, backoff: () => 1 })
    const client = createClient(bridge)
    const ok = client.call('lanes.list', {})
    const bad = client.call('workspaces.add', { path: '/nope' })
    const socket = FakeSocket.all[0]
    expect(socket.sent).toEqual([])
    socket.open()
    expect(socket.sent).toEqual([
      { id: 1, method: 'lanes.list', input: {} },
      { id: 2, method: 'workspaces.add', input: { path: '/nope' } },
    ])
    socket.answer({ id: 2, ok: false, error: { code: 'not_found', message: 'No such folder', details: { path: '/nope' } } })
    socket.answer({ id: 1, ok: true, value: [] })
    expect(await ok).toEqual([])
    const error = await bad.catch((e) => e)
    expect(error).toBeInstanceOf(ClientError)
    expect(error).toMatchObject({ code: 'not_found', message: 'No such folder', details: { path: '/nope' } })
    bridge.close()
  })

  test('a call too large for one frame is refused here, and the connection (with its other calls) stays', async () => {
    const bridge = createWsBridge({ url: 'ws://x/ws', WebSocket: FakeSocket as never, backoff: () => 1 })
    const client = createClient(bridge)
    const socket = FakeSocket.all[0]
    socket.open()
    const other = client.call('lanes.list', {})
    const big = await client
      .call('lanes.send', { laneId: 'l', input: 'x', attachments: Array.from({ length: 5 }, (_, i) => ({ name: `${i}`, content: 'a'.repeat(1 << 20) })) })
      .catch((e) => e)
    expect(big).toMatchObject({ code: 'invalid_input', message: expect.stringMatching(/over 4 MiB/) })
    expect(socket.sent.map((m) => m.method)).toEqual(['lanes.list'])
    socket.answer({ id: 1, ok: true, value: [] })
    expect(await other).toEqual([])
    bridge.close()
  })

  test('subscriptions get their events, end with unsubscribe, and come back after a reconnect', async () => {
    const bridge = createWsBridge({ url: 'ws://x/ws', WebSocket: FakeSocket as never, backoff: () => 1 })
    const states: string[] = []
    bridge.onState((s) => states.push(s))
    const events: unknown[] = []
    const stop = bridge.subscribe('lanes.events', { laneId: 'l1' }, (e) => events.push(e))
    const s1 = FakeSocket.all[0]
    s1.open()
    expect(s1.sent).toEqual([{ id: 1, subscribe: 'lanes.events', input: { laneId: 'l1' } }])
    s1.answer({ id: 1, ok: true, value: null })
    s1.answer({ sub: 1, event: { n: 1 } })
    s1.answer({ sub: 99, event: { n: 'other' } })
    expect(events).toEqual([{ n: 1 }])

    const inFlight = bridge.invoke('lanes.list', {})
    s1.drop()
    expect(await inFlight).toEqual({ ok: false, error: { code: 'internal', message: 'disconnected' } })
    // While reconnecting, calls fail fast.
    expect(await bridge.invoke('lanes.list', {})).toMatchObject({ ok: false, error: { message: 'disconnected' } })

    await tick(5)
    const s2 = FakeSocket.all[1]
    s2.open()
    expect(states).toEqual(['open', 'reconnecting', 'open'])
    const resub = s2.sent[0] as { id: number; subscribe: string }
    expect(resub).toMatchObject({ subscribe: 'lanes.events', input: { laneId: 'l1' } })
    s2.answer({ id: resub.id, ok: true, value: null })
    s2.answer({ sub: resub.id, event: { n: 2 } })
    expect(events).toEqual([{ n: 1 }, { n: 2 }])

    stop()
    expect(s2.sent[1]).toMatchObject({ unsubscribe: resub.id })
    s2.answer({ sub: resub.id, event: { n: 3 } })
    expect(events).toHaveLength(2)
    bridge.close()
  })

  test('a refused subscription reports its error and is not re-sent', async () => {
    const bridge = createWsBridge({ url: 'ws://x/ws', WebSocket: FakeSocket as never, backoff: () => 1 })
    const errors: unknown[] = []
    bridge.subscribe('nope', {}, () => {}, (e) => errors.push(e))
    const s1 = FakeSocket.all[0]
    s1.open()
    s1.answer({ id: 1, ok: false, error: { code: 'unknown_method', message: 'Unknown stream nope' } })
    expect(errors).toEqual([{ code: 'unknown_method', message: 'Unknown stream nope' }])
    s1.drop()
    await tick(5)
    FakeSocket.all[1].open()
    expect(FakeSocket.all[1].sent).toEqual([])
    bridge.close()
  })
})
