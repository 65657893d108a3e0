/**
 * A relayed subscription that survives reconnects: after each one it replays what the lanes wrote to
 * their transcripts meanwhile, and passes each event on once (by its per-lane seq). A subscriber that
 * redraws from snapshots (`skipFloods`) gets a gap instead of more than a page of replay.
 */
import { pastTheGap, type LaneEvent } from '../../../shared/events'

export interface RemoteCore {
  call(method: string, input?: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: { message: string } }>
}

async function value<T>(core: RemoteCore, method: string, input?: unknown): Promise<T> {
  const r = await core.call(method, input)
  if (!r.ok) throw new Error(r.error.message)
  return r.value as T
}

/**
 * The seq of a lane's last transcript event, in ~2·log2(n) one-event reads: each read seeks near its
 * cursor, so this is cheap where reading the whole transcript to its end would not be.
 */
export async function lastSeqOf(hasAfter: (seq: number) => Promise<boolean>): Promise<number> {
  if (!(await hasAfter(0))) return 0
  let lo = 1 // hasAfter(lo - 1) holds: an event with seq >= lo exists
  let hi = 1
  while (await hasAfter(hi)) {
    lo = hi + 1
    hi *= 2
  }
  // The last seq is in [lo, hi]: the smallest s with !hasAfter(s).
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2)
    if (await hasAfter(mid)) lo = mid + 1
    else hi = mid
  }
  return lo
}

/** Passes on each lane event once, in seq order per lane, across any number of reconnects. */
export class LaneEventCatchUp {
  private readonly lastSeq = new Map<string, number>()
  private attached = false
  private buffer: LaneEvent[] | null = null

  constructor(
    private readonly emit: (event: LaneEvent) => void,
    private readonly laneId?: string,
    /** The subscriber fills a seq gap itself (`skipFloods`): far behind, it is sent one past the gap. */
    private readonly gaps = false,
  ) {}

  /** For the live subscription: buffered while a catch-up runs. */
  live = (event: LaneEvent) => {
    if (this.buffer) this.buffer.push(event)
    else this.deliver(event)
  }

  private deliver(event: LaneEvent) {
    if (this.laneId && event.laneId !== this.laneId) return
    if (event.seq <= (this.lastSeq.get(event.laneId) ?? 0)) return
    this.lastSeq.set(event.laneId, event.seq)
    this.emit(event)
  }

  /** Call before subscribing on a reconnect: live events wait until the transcript's have been replayed. */
  hold() {
    if (this.attached) this.buffer ??= []
  }

  /**
   * Call right after subscribing on a (new) connection. The first time it notes where each lane's
   * history ends (what came before is the transcript's, not this subscription's); later it replays
   * every event after the last one passed on.
   */
  async attach(core: RemoteCore): Promise<void> {
    const lanes = (await value<Array<{ id: string }>>(core, 'lanes.list')).filter((l) => !this.laneId || l.id === this.laneId)
    if (!this.attached) {
      this.attached = true
      await Promise.all(
        lanes.map(async (l) => {
          const end = await lastSeqOf(async (after) => (await value<{ events: unknown[] }>(core, 'lanes.transcript', { laneId: l.id, after, limit: 1 })).events.length > 0)
          this.lastSeq.set(l.id, Math.max(end, this.lastSeq.get(l.id) ?? 0))
        }),
      )
      return
    }
    this.buffer ??= []
    try {
      for (const l of lanes) {
        for (;;) {
          const read = await value<{ events: LaneEvent[]; done: boolean }>(core, 'lanes.transcript', { laneId: l.id, after: this.lastSeq.get(l.id) ?? 0, limit: 1000 })
          const page = this.gaps ? pastTheGap(read) : read
          for (const e of page.events) this.deliver(e)
          if (page.done || page.events.length === 0) break
        }
      }
    } finally {
      const pending = this.buffer ?? []
      this.buffer = null
      for (const e of pending) this.deliver(e)
    }
  }
}
