import type { LaneEvent } from '../../shared/events'
import { countOutput, outrunsScrollback, type FloodWindow } from '../core/lanes/flood'

/** Held output goes out this long after the lane's last output (the flood ended or paused)… */
export const FLOOD_QUIET_MS = 25
/** …or this long after the first output held, if sooner: how often a view redraws during a flood. */
export const FLOOD_FRAME_MS = 500

type Emit = (event: LaneEvent, encoded?: string) => void

/**
 * For a subscriber that draws terminals from snapshots (`lanes.events` with `skipFloods`). While a lane's
 * output scrolls more lines within a second than a scrollback holds (`outrunsScrollback`: redrawing all of
 * it then costs a view less than parsing them; a program redrawing in place never does), its output events
 * are held back and only the newest goes out: once the flood pauses, or FLOOD_FRAME_MS after the first one
 * held. The subscriber sees a seq gap and redraws from `lanes.terminalSnapshot`, as tmux redraws a client
 * that fell behind. Every other event goes out at once; the transcript keeps every byte.
 */
export class FloodGate {
  private readonly lanes = new Map<string, { window: FloodWindow; held?: { event: LaneEvent; encoded?: string } }>()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** When the first output now held came. */
  private heldSince: number | undefined

  constructor(
    private readonly emit: Emit,
    private readonly now: () => number = Date.now,
  ) {}

  offer(event: LaneEvent, encoded?: string): void {
    let lane = this.lanes.get(event.laneId)
    if (event.type === 'terminal.output') {
      const now = this.now()
      if (lane) lane.window = countOutput(lane.window, event.data, now)
      else this.lanes.set(event.laneId, (lane = { window: countOutput(undefined, event.data, now) }))
      if (outrunsScrollback(lane.window)) {
        lane.held = { event, encoded }
        this.heldSince ??= now
        clearTimeout(this.timer)
        this.timer = setTimeout(() => this.flush(), Math.max(0, Math.min(FLOOD_QUIET_MS, this.heldSince + FLOOD_FRAME_MS - now)))
        return
      }
    }
    // Anything sent supersedes what is held: the gap before it says "redraw".
    if (lane) lane.held = undefined
    this.emit(event, encoded)
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.lanes.clear()
  }

  private flush(): void {
    this.timer = undefined
    this.heldSince = undefined
    for (const lane of this.lanes.values()) {
      const held = lane.held
      lane.held = undefined
      if (held) this.emit(held.event, held.encoded)
    }
  }
}
