/**
 * Lane views hand their pending work (a batch of events to fold in) to one scheduler per window, so
 * every lane in view renders in the same animation frame, in one React commit: with 32 lanes
 * streaming, 32 separate flushes would mean 32 renders and as many layouts a frame. Lanes out of view
 * (and every lane while the window gets no frames) flush on one slow shared timer instead.
 */
export interface FrameClock {
  requestFrame(run: () => void): unknown
  setTimer(run: () => void, ms: number): unknown
}

/** How often lanes out of view (or a window without frames) show what came. */
export const SLOW_FLUSH_MS = 250

export class FrameBatch {
  private readonly nextFrame = new Set<() => void>()
  private readonly slow = new Set<() => void>()
  private frame = false
  private timer = false

  /** `commit` runs the flushes of one round together (e.g. React's `flushSync`, for one commit). */
  constructor(
    private readonly clock: FrameClock,
    private readonly commit: (run: () => void) => void = (run) => run(),
  ) {}

  /** Runs `flush` at the next frame if `inView`, else within SLOW_FLUSH_MS; once, however often asked. */
  schedule(flush: () => void, inView: boolean): void {
    // The slow timer backs up the frame too: a hidden window gets no frames at all.
    this.slow.add(flush)
    if (!this.timer) {
      this.timer = true
      this.clock.setTimer(() => this.runSlow(), SLOW_FLUSH_MS)
    }
    if (!inView) return
    this.nextFrame.add(flush)
    if (!this.frame) {
      this.frame = true
      this.clock.requestFrame(() => this.runFrame())
    }
  }

  /** Forgets `flush` (it ran by other means, or its lane is gone). */
  cancel(flush: () => void): void {
    this.nextFrame.delete(flush)
    this.slow.delete(flush)
  }

  private runFrame(): void {
    this.frame = false
    const due = [...this.nextFrame]
    this.nextFrame.clear()
    for (const flush of due) this.slow.delete(flush)
    if (due.length > 0) this.commit(() => due.forEach((flush) => flush()))
  }

  private runSlow(): void {
    this.timer = false
    const due = [...this.slow]
    this.slow.clear()
    for (const flush of due) this.nextFrame.delete(flush)
    if (due.length > 0) this.commit(() => due.forEach((flush) => flush()))
  }
}
