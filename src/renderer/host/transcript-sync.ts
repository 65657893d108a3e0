import type { LaneEvent } from '../../shared/events'

export interface TranscriptPage {
  events: LaneEvent[]
  next: number
  done: boolean
}

/**
 * Merges a lane's transcript (paged) with its live events so each event is shown once, in seq order.
 *
 * Subscribe first and feed every live event to `live()`, then `catchUp()`: live events wait in a
 * buffer while the transcript is paged through, and afterwards those newer than the last event shown
 * are flushed. A live event that skips a seq (events lost while disconnected) starts another catch-up,
 * as does calling `catchUp()` again (e.g. on reconnect).
 *
 * With `start` (a terminal's snapshot), the first catch-up begins with it instead of the transcript's
 * start: it shows the state up to a seq and returns that seq, and paging goes on after it. With
 * `farBehind` too, a later catch-up that finds more than one page missed (a long disconnection under a
 * chatty program) calls it instead of replaying them: the owner starts over from a fresh snapshot.
 */
export class TranscriptSync {
  private lastSeq = 0
  private running: Promise<void> | null = null
  private again = false
  private buffer: LaneEvent[] = []
  private disposed = false
  private started = false

  constructor(
    private readonly fetchPage: (after: number) => Promise<TranscriptPage>,
    private readonly emit: (event: LaneEvent) => void,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly start?: () => Promise<number>,
    private readonly farBehind?: () => void,
  ) {}

  get seq(): number {
    return this.lastSeq
  }

  /** Events up to `seq` were shown already (by an earlier subscription): start after them. */
  skipTo(seq: number): void {
    this.lastSeq = Math.max(this.lastSeq, seq)
  }

  live(event: LaneEvent): void {
    if (this.disposed) return
    if (this.running) {
      this.buffer.push(event)
    } else if (event.seq > this.lastSeq + 1) {
      this.buffer.push(event)
      void this.catchUp()
    } else {
      this.show(event)
    }
  }

  /** Replays the transcript after the last event shown; resolves when caught up. */
  catchUp(): Promise<void> {
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = this.run().then((ok) => {
      this.running = null
      // On failure the buffer waits: the next live event finds the gap and tries again.
      if (this.disposed || !ok) return
      const buffered = this.buffer.sort((a, b) => a.seq - b.seq)
      this.buffer = []
      for (const event of buffered) this.show(event)
    })
    return this.running
  }

  dispose(): void {
    this.disposed = true
    this.buffer = []
  }

  private async run(): Promise<boolean> {
    // The gap right after the snapshot is its own and is paged; a later run (a reconnect, even after a
    // first run that failed mid-paging) that finds more than a page missed starts over instead.
    const later = this.started
    do {
      this.again = false
      try {
        if (this.start && !this.started) {
          const seq = await this.start()
          if (this.disposed) return false
          this.started = true
          this.lastSeq = Math.max(this.lastSeq, seq)
        }
        let after = this.lastSeq
        for (let first = true; ; first = false) {
          const page = await this.fetchPage(after)
          if (this.disposed) return false
          if (this.farBehind && later && first && !page.done) {
            this.farBehind()
            return false
          }
          for (const event of page.events) this.show(event)
          if (page.done || page.next <= after) break
          after = page.next
        }
      } catch (error) {
        if (!this.disposed) this.onError(error)
        return false
      }
    } while (this.again && !this.disposed)
    return !this.disposed
  }

  private show(event: LaneEvent): void {
    if (this.disposed || event.seq <= this.lastSeq) return
    this.lastSeq = event.seq
    this.emit(event)
  }
}
