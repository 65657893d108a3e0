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
 * With `start` (a terminal's snapshot), catching up begins with it instead of the transcript's start:
 * it shows the state up to a seq and returns that seq (null: this host has no snapshots, replay the
 * transcript), and the live events after it follow. A fresh `start()` then replaces replaying whenever
 * the view is behind by more than it should parse: on a gap in live events (the server skipped a flood
 * for it, or events were lost while disconnected) and on a catch-up that finds more than a page missed.
 */
export class TranscriptSync {
  private lastSeq = 0
  private running: Promise<void> | null = null
  private again = false
  private buffer: LaneEvent[] = []
  private disposed = false
  private started = false
  private snapshots: boolean

  constructor(
    private readonly fetchPage: (after: number) => Promise<TranscriptPage>,
    private readonly emit: (event: LaneEvent) => void,
    private readonly onError: (error: unknown) => void = () => {},
    private readonly start?: () => Promise<number | null>,
  ) {
    this.snapshots = start !== undefined
  }

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
    } else if (event.seq > this.lastSeq + 1 || (this.snapshots && !this.started)) {
      this.buffer.push(event)
      if (this.snapshots) this.restart()
      else void this.catchUp()
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
      for (let i = 0; i < buffered.length; i++) {
        if (this.snapshots && buffered[i].seq > this.lastSeq + 1) {
          this.buffer = buffered.slice(i)
          return this.restart()
        }
        this.show(buffered[i])
      }
    })
    return this.running
  }

  dispose(): void {
    this.disposed = true
    this.buffer = []
  }

  private async run(): Promise<boolean> {
    do {
      this.again = false
      try {
        if (this.snapshots && !this.started) {
          const seq = await this.start!()
          if (this.disposed) return false
          if (seq !== null) {
            this.started = true
            // Exactly its seq, even below the last event shown: the snapshot replaced what was shown.
            // What follows comes live (subscribed before the snapshot was asked for); a gap restarts.
            this.lastSeq = seq
            continue
          }
          this.snapshots = false
        }
        let after = this.lastSeq
        for (let first = true; ; first = false) {
          const page = await this.fetchPage(after)
          if (this.disposed) return false
          // Paging after a snapshot is a reconnect's: more than a page missed takes a fresh start instead.
          if (this.snapshots && first && !page.done) {
            this.started = false
            this.again = true
            break
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

  /** Shows a fresh `start()` and what follows its seq, whatever was shown before. */
  private restart(): void {
    if (!this.snapshots || this.disposed) return
    this.started = false
    void this.catchUp()
  }

  private show(event: LaneEvent): void {
    if (this.disposed || event.seq <= this.lastSeq) return
    this.lastSeq = event.seq
    this.emit(event)
  }
}
