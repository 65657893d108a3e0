import type { LaneEvent } from '../../shared/events'
import { outrunsScrollback, scrolledLines, type FloodWindow } from '../core/lanes/flood'

/** Held output goes out this long after the lane's last output (the flood ended or paused)… */
export const FLOOD_QUIET_MS = 25
/** …or this long after the first output held, if sooner: how often a view redraws during a flood. */
export const FLOOD_FRAME_MS = 500
/**
 * Once a flood paused, a lane's output of at most this many lines (a prompt, typing) goes out at once.
 * A flood's frames are bigger (8 ms of 10,000 lines a second is 80); a stalled loop resuming one is too.
 */
export const SMALL_OUTPUT_LINES = 50

type Emit = (event: LaneEvent, encoded?: string) => void

/**
 * For a subscriber that draws terminals from snapshots (`lanes.events` with `skipFloods`). While a lane's
 * output scrolls more lines within a second than a scrollback holds (`outrunsScrollback`: redrawing all of
 * it then costs a view less than parsing them; a program redrawing in place never does), its output events
 * are held back and only the newest goes out: once the flood pauses, or FLOOD_FRAME_MS after the first one
 * held. The subscriber sees a seq gap and redraws from `lanes.terminalSnapshot`, as tmux redraws a client
 * that fell behind. Every other event goes out at once; the transcript keeps every byte. The lane's output
 * is measured once, by main's screens (`windowOf`), not again per subscriber. Once a flood has paused, its
 * lane's small output (SMALL_OUTPUT_LINES: a prompt, typing) goes out at once, until a big one comes.
 */
export class FloodGate {
  /** Per lane: its newest output held back. */
  private readonly held = new Map<string, { event: LaneEvent; encoded?: string }>()
  /** Lanes whose flood paused (and no big output came since). */
  private readonly paused = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | undefined
  /** When the first output now held came. */
  private heldSince: number | undefined

  constructor(
    private readonly emit: Emit,
    /** The lane's output in the current flood window, counted up to and with this event. */
    private readonly windowOf: (laneId: string) => FloodWindow | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  offer(event: LaneEvent, encoded?: string): void {
    if (event.type === 'terminal.output' && this.holds(event.laneId, event.data)) {
      const now = this.now()
      this.held.set(event.laneId, { event, encoded })
      this.heldSince ??= now
      clearTimeout(this.timer)
      const frameDue = this.heldSince + FLOOD_FRAME_MS - now
      // Whichever comes first: a pause (no output for FLOOD_QUIET_MS), or the frame's redraw of a running flood.
      const onPause = FLOOD_QUIET_MS <= frameDue
      this.timer = setTimeout(() => this.flush(onPause), Math.max(0, onPause ? FLOOD_QUIET_MS : frameDue))
      return
    }
    // Anything sent supersedes what is held: the gap before it says "redraw".
    this.held.delete(event.laneId)
    this.emit(event, encoded)
  }

  dispose(): void {
    clearTimeout(this.timer)
    this.timer = undefined
    this.held.clear()
    this.paused.clear()
  }

  /** Whether this output of the lane is held: it floods, and is not small output after a pause. */
  private holds(laneId: string, data: string): boolean {
    const window = this.windowOf(laneId)
    if (!window || !outrunsScrollback(window)) return false
    if (this.paused.has(laneId)) {
      if (scrolledLines(data) <= SMALL_OUTPUT_LINES) return false
      this.paused.delete(laneId)
    }
    return true
  }

  private flush(onPause: boolean): void {
    this.timer = undefined
    this.heldSince = undefined
    const held = [...this.held.values()]
    this.held.clear()
    for (const { event, encoded } of held) {
      if (onPause) this.paused.add(event.laneId)
      this.emit(event, encoded)
    }
  }
}
