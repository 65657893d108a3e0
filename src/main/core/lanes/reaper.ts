import type { LaneStatus } from '../../../shared/events'

/** What the idle policy looks at for one lane. */
export interface IdleCandidate {
  id: string
  status: LaneStatus
  lastActivityAt: number
  /** 0 means never reap. */
  idleTimeoutMs: number
}

/** Statuses in which a lane has a process. */
export const RUNNING: readonly LaneStatus[] = ['starting', 'ready', 'busy', 'waiting']

/** Lanes idle past their profile's timeout. Only `ready` lanes: a busy or waiting agent is working. */
export function idleLanes(lanes: readonly IdleCandidate[], now: number): string[] {
  return lanes
    .filter((l) => l.status === 'ready' && l.idleTimeoutMs > 0 && now - l.lastActivityAt >= l.idleTimeoutMs)
    .map((l) => l.id)
}

/** The lane to put to sleep to make room for another: the least recently active `ready` one. */
export function evictionCandidate(lanes: readonly IdleCandidate[]): string | undefined {
  let best: IdleCandidate | undefined
  for (const l of lanes) if (l.status === 'ready' && (!best || l.lastActivityAt < best.lastActivityAt)) best = l
  return best?.id
}

/**
 * Lanes to put to sleep so the lane trees' total RSS fits `budgetBytes` (0: no budget): `ready` lanes,
 * least recently active first, until what is left fits. Busy and waiting lanes are never chosen.
 */
export function overBudget(lanes: readonly (IdleCandidate & { rssBytes: number })[], budgetBytes: number): string[] {
  if (budgetBytes <= 0) return []
  let total = lanes.reduce((sum, l) => sum + l.rssBytes, 0)
  const out: string[] = []
  for (const l of lanes.filter((c) => c.status === 'ready').sort((a, b) => a.lastActivityAt - b.lastActivityAt)) {
    if (total <= budgetBytes) break
    out.push(l.id)
    total -= l.rssBytes
  }
  return out
}

/** Milliseconds until the next `ready` lane is idle past its timeout (0 if one already is); undefined if none will be. */
export function nextDueIn(lanes: readonly IdleCandidate[], now: number): number | undefined {
  let due: number | undefined
  for (const l of lanes) {
    if (l.status !== 'ready' || l.idleTimeoutMs <= 0) continue
    const wait = Math.max(0, l.lastActivityAt + l.idleTimeoutMs - now)
    if (due === undefined || wait < due) due = wait
  }
  return due
}

/**
 * A timer that fires when the next lane is due (`dueIn()`), not on a fixed tick, and at least every
 * `maxWaitMs` (a profile's timeout may have been shortened meanwhile). `poke()` after a lane becomes
 * idle-able moves it earlier. Never keeps the process alive.
 */
export function startReaper(tick: () => Promise<unknown> | void, dueIn: () => number | undefined, maxWaitMs: number): { poke: () => void; stop: () => void } {
  let timer: NodeJS.Timeout | undefined
  let firesAt = Infinity
  let stopped = false
  const schedule = () => {
    if (stopped) return
    // At least 50 ms: a lane that is due but would not stop must not spin this timer.
    const wait = Math.max(50, Math.min(dueIn() ?? maxWaitMs, maxWaitMs))
    const at = Date.now() + wait
    if (timer && at >= firesAt) return
    clearTimeout(timer)
    firesAt = at
    timer = setTimeout(fire, wait)
    timer.unref()
  }
  const fire = async () => {
    timer = undefined
    firesAt = Infinity
    try {
      await tick()
    } catch {
      // A lane that would not stop says so itself; the next look tries again.
    }
    schedule()
  }
  schedule()
  return {
    poke: schedule,
    stop: () => {
      stopped = true
      clearTimeout(timer)
    },
  }
}
