/** What the flow-controlled writer needs of xterm: `write` with its "parsed" callback. */
export interface WritableTerminal {
  write(data: string, callback?: () => void): void
}

/** Characters handed to xterm and not yet parsed, at most (xterm discards past 50 MB pending). */
export const IN_FLIGHT_CHARS = 1 << 20
/** One write into xterm at most: small pieces are joined up to it, a big one is cut to it. */
export const WRITE_CHARS = 256 * 1024

/**
 * Writes into xterm with its flow control: at most IN_FLIGHT_CHARS unparsed, the rest waits here, in
 * order, until xterm's write callbacks say it caught up. A 100 MB history is then never one giant
 * write (which xterm would drop: "write data discarded, use flow control"), and the page stays responsive.
 * Cutting a string may split a surrogate pair; xterm's decoder joins it across writes.
 */
export class FlowWriter {
  /** Waiting pieces from `head` on (an index, not shift(): shift is linear in the queue's length). */
  private queue: string[] = []
  private head = 0
  private queued = 0
  private inFlight = 0
  private disposed = false

  constructor(private readonly term: WritableTerminal) {}

  /** Characters waiting here (not yet handed to xterm). */
  get backlog(): number {
    return this.queued
  }

  write(data: string): void {
    if (this.disposed || data.length === 0) return
    this.queue.push(data)
    this.queued += data.length
    this.pump()
  }

  /** Forgets what waits here (what xterm holds already is parsed): its owner draws a snapshot instead. */
  drop(): void {
    this.queue = []
    this.head = 0
    this.queued = 0
  }

  dispose(): void {
    this.disposed = true
    this.drop()
  }

  private pump(): void {
    while (!this.disposed && this.head < this.queue.length && this.inFlight < IN_FLIGHT_CHARS) {
      let piece = this.queue[this.head]
      if (piece.length > WRITE_CHARS) {
        this.queue[this.head] = piece.slice(WRITE_CHARS)
        piece = piece.slice(0, WRITE_CHARS)
      } else {
        this.head++
        let end = this.head
        let size = piece.length
        while (end < this.queue.length && size + this.queue[end].length <= WRITE_CHARS) size += this.queue[end++].length
        if (end > this.head) piece = this.queue.slice(this.head - 1, end).join('')
        this.head = end
      }
      if (this.head === this.queue.length) {
        this.queue = []
        this.head = 0
      } else if (this.head > 4096 && this.head * 2 > this.queue.length) {
        this.queue = this.queue.slice(this.head)
        this.head = 0
      }
      this.queued -= piece.length
      this.inFlight += piece.length
      const size = piece.length
      this.term.write(piece, () => {
        this.inFlight -= size
        this.pump()
      })
    }
  }
}
