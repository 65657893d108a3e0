import { bench, describe } from 'vitest'
import { LaneEventCatchUp, type RemoteCore } from '../src/main/core/hosts/catch-up'
import { LaneEvent } from '../src/shared/events'

/**
 * What relaying a host costs main: `npx vitest bench --run bench/hosts.bench.ts`.
 * - every relayed event is checked against the contract's LaneEvent schema;
 * - the first attach of a relayed lanes.events finds where each lane's transcript ends
 *   (20 lanes of 10 000 events: one host's share of "5 hosts × 20 lanes"), in one-event reads;
 * - a reconnect replays what 20 lanes wrote while away (100 events each).
 */
const delta: LaneEvent = { laneId: 'lane_abc', seq: 42, at: 1, type: 'text.delta', text: 'a chunk of streamed text, as agents send them' }

function core(lanes: number, events: number): RemoteCore & { reads: number } {
  const c = {
    reads: 0,
    async call(method: string, input?: unknown) {
      if (method === 'lanes.list') return { ok: true as const, value: Array.from({ length: lanes }, (_, i) => ({ id: `lane_${i}` })) }
      c.reads++
      const { laneId, after = 0, limit = 1000 } = input as { laneId: string; after?: number; limit?: number }
      const n = Math.max(0, Math.min(limit, events - after))
      const list = Array.from({ length: n }, (_, i) => ({ ...delta, laneId, seq: after + i + 1 }))
      return { ok: true as const, value: { events: list, next: after + n, done: after + n >= events } }
    },
  }
  return c
}

describe('host relay', () => {
  bench('validate one relayed event (LaneEvent schema)', () => {
    LaneEvent.parse(delta)
  })

  bench('first attach: find the end of 20 transcripts of 10 000 events', async () => {
    const c = core(20, 10_000)
    await new LaneEventCatchUp(() => undefined).attach(c)
    if (c.reads > 20 * 32) throw new Error(`${c.reads} reads`)
  })

  bench('reconnect: replay 100 missed events on each of 20 lanes', async () => {
    const catchUp = new LaneEventCatchUp(() => undefined)
    await catchUp.attach(core(20, 10_000))
    catchUp.hold()
    await catchUp.attach(core(20, 10_100))
  })
})
