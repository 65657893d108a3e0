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

/** Calls `tick` every `intervalMs` without keeping the process alive. */
export function startReaper(tick: () => void, intervalMs: number): () => void {
  const timer = setInterval(tick, intervalMs)
  timer.unref()
  return () => clearInterval(timer)
}
