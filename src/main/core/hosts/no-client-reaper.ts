/**
 * A host's headless core left with no client (the laptop closed, the user gone home) for N hours puts
 * its idle lanes to sleep as the idle reaper does, and exits once nothing runs: the next `--stdio`
 * connection starts it again and its lanes come back asleep, ready to wake.
 */
import type { LaneStatus } from '../../../shared/events'

const HOUR_MS = 60 * 60 * 1000
/** The longest the watch waits between looks: a setting shortened meanwhile is noticed within this. */
const MAX_LOOK_MS = 60_000

export interface NoClientInput {
  /** Client connections open now. */
  clients: number
  /** When the last client left (or the core started, if none ever came). */
  lastClientAt: number
  now: number
  /** The setting, in hours; 0: never. */
  afterHours: number
  lanes: readonly { id: string; status: LaneStatus }[]
  /** Enabled schedule triggers: a core that exits would not run them. */
  schedules: number
}

export interface NoClientDecision {
  /** `ready` lanes to put to sleep: busy and waiting ones finish their turn first. */
  sleep: string[]
  /** Nothing will run after `sleep`: the process may end. */
  exit: boolean
}

/** Whether the no-client period has run out, and what to do then. Pure. */
export function noClientDecision(input: NoClientInput): NoClientDecision {
  const afterMs = input.afterHours * HOUR_MS
  if (afterMs <= 0 || input.clients > 0 || input.now - input.lastClientAt < afterMs) return { sleep: [], exit: false }
  const sleep = input.lanes.filter((l) => l.status === 'ready').map((l) => l.id)
  const stillRunning = input.lanes.some((l) => l.status === 'starting' || l.status === 'busy' || l.status === 'waiting')
  return { sleep, exit: !stillRunning && input.schedules === 0 }
}

/**
 * Milliseconds to the next look: when the period would run out (at least 50 ms); once it has, every
 * period again (1 s to a minute) for turns that were still running to end. Never more than a minute.
 */
export function nextLookIn(input: Pick<NoClientInput, 'lastClientAt' | 'now' | 'afterHours'>): number {
  const afterMs = input.afterHours * HOUR_MS
  if (afterMs <= 0) return MAX_LOOK_MS
  const left = input.lastClientAt + afterMs - input.now
  return left > 0 ? Math.max(50, Math.min(MAX_LOOK_MS, left)) : Math.max(1000, Math.min(MAX_LOOK_MS, afterMs))
}

export interface NoClientWatchOptions {
  afterHours: () => number
  lanes: () => readonly { id: string; status: LaneStatus }[]
  schedules: () => number
  sleep: (laneIds: string[]) => Promise<unknown>
  exit: () => void
  now?: () => number
}

/** Counts client connections and acts on `noClientDecision` when the period runs out. */
export class NoClientWatch {
  private clients = 0
  private lastClientAt: number
  private timer: NodeJS.Timeout | undefined
  private stopped = false
  private readonly now: () => number

  constructor(private readonly opts: NoClientWatchOptions) {
    this.now = opts.now ?? Date.now
    this.lastClientAt = this.now()
    this.schedule()
  }

  /** A client connected; the returned function is called when it leaves (`asClient: false`: it turned out to be a lane's, not a user's). */
  open(): (asClient?: boolean) => void {
    this.clients++
    let open = true
    return (asClient = true) => {
      if (!open) return
      open = false
      this.clients--
      if (asClient) this.lastClientAt = this.now()
      this.schedule()
    }
  }

  private input(): NoClientInput {
    return { clients: this.clients, lastClientAt: this.lastClientAt, now: this.now(), afterHours: this.opts.afterHours(), lanes: this.opts.lanes(), schedules: this.opts.schedules() }
  }

  private schedule() {
    if (this.stopped) return
    clearTimeout(this.timer)
    this.timer = setTimeout(() => void this.look(), nextLookIn(this.input()))
    this.timer.unref()
  }

  /** One look (the timer's; tests may call it). */
  async look(): Promise<NoClientDecision> {
    const decision = noClientDecision(this.input())
    if (decision.sleep.length) await this.opts.sleep(decision.sleep).catch(() => undefined)
    // Re-checked after the await: a client may have come meanwhile.
    if (decision.exit && this.clients === 0 && !this.stopped) {
      this.stop()
      this.opts.exit()
    } else this.schedule()
    return decision
  }

  stop() {
    this.stopped = true
    clearTimeout(this.timer)
  }
}
