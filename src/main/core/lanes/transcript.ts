import { closeSync, createReadStream, existsSync, fstatSync, ftruncateSync, mkdirSync, openSync, readSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import type { LaneEvent } from '../../../shared/events'
import { DiskWriteError, diskWrites, writeAll } from '../disk'

/** Every this many seqs the byte offset of the line is remembered, so a page read seeks near its cursor. */
const INDEX_EVERY = 512
/**
 * A page holds at most this many bytes of lines (a longer single event, ≤ PIECE_CHARS by BodyShaper, goes
 * alone), so one reply is one modest WebSocket frame whatever the history holds.
 */
export const PAGE_BYTES = 1024 * 1024
/** A batch is written at the end of the event-loop turn, or at once when its lines reach this size. */
export const BATCH_BYTES = 256 * 1024

/** From this size a batch's buffer is freed as soon as it is written (small ones are left to the GC). */
const FREE_AT_ONCE_BYTES = 64 * 1024

/**
 * Called once a batch is on disk (`fault` undefined) or held in memory because the disk refused it, with
 * each event's JSON (`lines[i]` encodes `events[i]`), so publishing it need not encode it again.
 */
export type WrittenListener = (events: readonly LaneEvent[], fault: DiskWriteError | undefined, lines: readonly string[]) => void

/**
 * A lane's history: one LaneEvent per line, written by group commit: the events of one event-loop turn
 * (or of BATCH_BYTES) go to the file in one write, and only then to `onWritten`, which publishes them. So
 * what a client has seen is in the file. Fsync policy: none per batch; a write reaches the OS page cache,
 * which survives a crash of Switchyard (not of the machine): the cost of an fsync per turn is a disk
 * flush per agent chunk, and a lost last second of a transcript on power loss is the accepted trade.
 *
 * When the disk refuses a write, the event and every later one are held in memory, in order (`unsaved`),
 * readers still get them, and `retry()` writes them once there is room: nothing shown is lost silently.
 */
export class Transcript {
  private fd: number | undefined
  /** Events not yet on disk because a write failed; while any are here, new ones queue behind them. */
  private readonly pending: LaneEvent[] = []
  /** The write failure that started the queue, until `retry()` empties it. */
  private failure: DiskWriteError | undefined
  private seq: number
  private needsNewline = false
  /** Bytes in the file. */
  private size: number
  /** Sparse, sorted [seq, byte offset of its line]: without it, paging through a long transcript rereads it from the start for every page. */
  private readonly index: Array<[number, number]> = []
  /** Events appended but not yet written, with their lines already encoded. */
  private batch: LaneEvent[] = []
  private batchLines: string[] = []
  private batchBytes = 0
  private flushScheduled = false
  /** Where a written (or held) batch goes next: the lane publishes it. */
  onWritten: WrittenListener | undefined

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    const { seq, offset, endsWithNewline } = readTail(file)
    this.seq = seq
    this.needsNewline = !endsWithNewline
    this.size = existsSync(file) ? statSync(file).size : 0
    // Reading after the last seq (a client following a long history) then starts at its line, not at byte 0.
    if (seq > 0) this.remember(seq, offset, true)
  }

  get lastSeq(): number {
    return this.seq
  }

  nextSeq(): number {
    return this.seq + 1
  }

  /** Why events are waiting in memory, if they are. */
  get fault(): DiskWriteError | undefined {
    return this.failure
  }

  /** Events appended and waiting for the group write. */
  get batched(): number {
    return this.batch.length
  }

  /** Events shown but not yet on disk. */
  get unsaved(): number {
    return this.pending.length
  }

  /**
   * Queues the event for the next group write (at the end of this event-loop turn, or now when the batch is
   * big). Returns the failure that holds events in memory, if there is one; never throws for a disk error.
   */
  append(event: LaneEvent): DiskWriteError | undefined {
    this.seq = event.seq
    const line = JSON.stringify(event)
    this.batch.push(event)
    this.batchLines.push(line)
    // Characters, not bytes: a cheap bound, within 3× of the bytes.
    this.batchBytes += line.length + 1
    if (this.batchBytes >= BATCH_BYTES) this.flush()
    else if (!this.flushScheduled) {
      this.flushScheduled = true
      setImmediate(() => this.flush())
    }
    return this.failure
  }

  /**
   * Writes the batch in one write and hands it to `onWritten`. When the disk refuses it (or earlier events
   * still wait), the batch is held in memory behind them and handed on with the failure, which is returned.
   */
  flush(): DiskWriteError | undefined {
    this.flushScheduled = false
    if (this.batch.length === 0) return this.failure
    const events = this.batch
    const lines = this.batchLines
    this.batch = []
    this.batchLines = []
    this.batchBytes = 0
    if (this.pending.length === 0) {
      try {
        this.write(events, lines)
      } catch (err) {
        this.failure = err instanceof DiskWriteError ? err : new DiskWriteError(this.file, err)
      }
    }
    if (this.failure) this.pending.push(...events)
    this.onWritten?.(events, this.failure, lines)
    return this.failure
  }

  /** Writes the events held in memory; returns the failure if the disk still refuses. */
  retry(): DiskWriteError | undefined {
    this.flush()
    while (this.pending.length > 0) {
      try {
        this.write([this.pending[0]], [JSON.stringify(this.pending[0])])
      } catch (err) {
        this.failure = err instanceof DiskWriteError ? err : new DiskWriteError(this.file, err)
        return this.failure
      }
      this.pending.shift()
    }
    this.failure = undefined
    return undefined
  }

  /** One write of all `lines` (the encoding of `events`), or none: a torn tail is cut off again. */
  private write(events: readonly LaneEvent[], lines: readonly string[]): void {
    // Encoded straight into one buffer: no concatenated copy of a long line on the heap.
    const lead = this.needsNewline ? 1 : 0
    const offsets: number[] = []
    let total = lead
    for (const line of lines) {
      offsets.push(this.size + total)
      total += Buffer.byteLength(line) + 1
    }
    // A buffer of its own (never the shared pool), freed right after the write: a long body's encoded copy
    // does not wait for a GC next to the event and the frames sent to clients.
    const freeAtOnce = total >= FREE_AT_ONCE_BYTES
    const buf = freeAtOnce ? Buffer.allocUnsafeSlow(total) : Buffer.allocUnsafe(total)
    if (lead) buf[0] = 0x0a
    let at = lead
    for (const line of lines) {
      at += buf.write(line, at)
      buf[at++] = 0x0a
    }
    try {
      this.fd ??= diskWrites.openSync(this.file, 'a', 0o600)
      writeAll(this.fd, buf)
    } catch (err) {
      this.undoPartialWrite()
      throw new DiskWriteError(this.file, err)
    } finally {
      if (freeAtOnce) (buf.buffer as ArrayBuffer & { transfer?: (n: number) => ArrayBuffer }).transfer?.(0)
    }
    this.needsNewline = false
    this.size += total
    for (let i = 0; i < events.length; i++) this.remember(events[i].seq, offsets[i])
  }

  /** A write cut short by a full disk leaves part of a line: cut it off, or at least start the next line fresh. */
  private undoPartialWrite(): void {
    if (this.fd === undefined) return
    try {
      if (fstatSync(this.fd).size === this.size) return
      ftruncateSync(this.fd, this.size)
    } catch {
      // The torn piece stays; the reader skips it, and the next line must not be glued to it.
      try {
        this.size = fstatSync(this.fd).size
      } catch {}
      this.needsNewline = true
    }
  }

  /** `anchor`: keep it whatever its seq (a line a reader is known to start near). */
  private remember(seq: number, offset: number, anchor = false): void {
    if (!anchor && seq % INDEX_EVERY !== 0) return
    // Binary search for the insertion point; the index stays sorted and free of repeats.
    let lo = 0
    let hi = this.index.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (this.index[mid][0] < seq) lo = mid + 1
      else hi = mid
    }
    if (this.index[lo]?.[0] !== seq) this.index.splice(lo, 0, [seq, offset])
  }

  /** Where to start reading for events after `after`: the nearest remembered line at or before it. */
  private startFor(after: number): number {
    let best = 0
    for (const [seq, offset] of this.index) {
      if (seq > after + 1) break
      best = offset
    }
    return best
  }

  /** Events with seq > `after`, at most `limit` of them and about `maxBytes` of them, in order. */
  async read(after = 0, limit = 1000, maxBytes = PAGE_BYTES): Promise<{ events: LaneEvent[]; next: number; done: boolean }> {
    // What was emitted before the read is written (and published) first: a reader sees all of it.
    this.flush()
    // Taken before reading: a retry() during the read moves them to the file, maybe past where it read.
    const waiting = this.pending.slice()
    const page = await this.readFile(after, limit, maxBytes)
    if (!page.done || waiting.length === 0) return page
    // Then the events still waiting for the disk: the reader sees everything that was shown.
    const events = page.events
    for (const event of waiting) {
      if (event.seq <= page.next) continue
      if (events.length === limit) return { events, next: events[events.length - 1].seq, done: false }
      events.push(event)
    }
    return { events, next: events.length ? events[events.length - 1].seq : after, done: true }
  }

  private async readFile(after: number, limit: number, maxBytes: number): Promise<{ events: LaneEvent[]; next: number; done: boolean }> {
    let bytes = 0
    const events: LaneEvent[] = []
    if (!existsSync(this.file)) return { events, next: after, done: true }
    let pos = this.startFor(after)
    // Bytes, split on 0x0a: a newline byte never occurs inside a multi-byte UTF-8 character, and byte
    // positions are what the index needs.
    const stream = createReadStream(this.file, { start: pos, highWaterMark: 256 * 1024 })
    /** The start of a line longer than the chunks so far: joined once, when its end arrives. */
    let parts: Buffer[] = []
    let done = true
    const take = (line: Buffer, offset: number): boolean => {
      if (line.length === 0) return true
      let event: LaneEvent
      try {
        event = JSON.parse(line.toString('utf8'))
      } catch {
        return true // a torn last line from a crash: skip it
      }
      this.remember(event.seq, offset)
      if (event.seq <= after) return true
      // The budget is a ceiling: the event that would cross it starts the next page (unless it is the first).
      if (events.length > 0 && bytes + line.length > maxBytes) return false
      events.push(event)
      bytes += line.length
      return events.length < limit && bytes < maxBytes
    }
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      let from = 0
      for (let nl = chunk.indexOf(0x0a, from); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
        const line = parts.length ? Buffer.concat([...parts, chunk.subarray(from, nl)]) : chunk.subarray(from, nl)
        parts = []
        const keepGoing = take(line, pos)
        pos += line.length + 1
        from = nl + 1
        if (!keepGoing) {
          done = false
          break outer
        }
      }
      if (from < chunk.length) parts.push(chunk.subarray(from))
    }
    stream.destroy()
    if (done && parts.length && !take(Buffer.concat(parts), pos)) done = false
    if (done && (events.length === limit || bytes >= maxBytes)) done = false
    return { events, next: events.length ? events[events.length - 1].seq : after, done }
  }

  /**
   * The newest events, newest first into `more`, reading the file backwards: at most `maxBytes` of lines,
   * and no further once `more` says enough. Synchronous (it reads the tail of the file at once), so the
   * answer is exactly everything appended so far, events held in memory by a disk fault included.
   * Returned oldest first, with the last seq they reach. A 500 MB history costs a read of its tail only.
   */
  tail(maxBytes: number, more: (event: LaneEvent) => boolean = () => true): { events: LaneEvent[]; lastSeq: number } {
    this.flush()
    const newestFirst: LaneEvent[] = []
    let wanting = true
    for (let i = this.pending.length - 1; i >= 0 && wanting; i--) {
      newestFirst.push(this.pending[i])
      wanting = more(this.pending[i])
    }
    if (wanting && existsSync(this.file)) {
      const fd = openSync(this.file, 'r')
      try {
        const size = fstatSync(fd).size
        const floor = Math.max(0, size - maxBytes)
        let end = size
        let carry: Buffer = Buffer.alloc(0)
        read: while (end > floor) {
          const start = Math.max(floor, end - 256 * 1024)
          const chunk = Buffer.allocUnsafe(end - start)
          readSync(fd, chunk, 0, chunk.length, start)
          const buf = carry.length ? Buffer.concat([chunk, carry]) : chunk
          end = start
          // Every line after the buffer's first newline is whole; the piece before it waits for the next chunk
          // (or is the file's first line, or is cut by the byte budget and dropped).
          let to = buf.length
          for (;;) {
            const nl = to > 0 ? buf.lastIndexOf(0x0a, to - 1) : -1
            if (nl === -1 && start > 0) break
            const from = nl + 1
            const event = parseLine(buf.subarray(from, to))
            if (event) {
              this.remember(event.seq, start + from, true)
              newestFirst.push(event)
              if (!more(event)) break read
            }
            to = Math.max(0, nl)
            if (nl === -1) break
          }
          carry = Buffer.from(buf.subarray(0, Math.max(0, to)))
        }
      } finally {
        closeSync(fd)
      }
    }
    const events = newestFirst.reverse()
    return { events, lastSeq: this.seq }
  }

  close(): void {
    this.flush()
    if (this.fd !== undefined) {
      try {
        closeSync(this.fd)
      } catch {} // EIO on close: the data is as safe as it will get
    }
    this.fd = undefined
  }

  delete(): void {
    this.batch = []
    this.batchLines = []
    this.batchBytes = 0
    this.close()
    rmSync(this.file, { force: true })
  }
}

function parseLine(line: Buffer): LaneEvent | undefined {
  if (line.length === 0) return undefined
  try {
    const event = JSON.parse(line.toString('utf8'))
    return typeof event?.seq === 'number' ? event : undefined
  } catch {
    return undefined // a torn line from a crash
  }
}

/** The last complete event's seq and the byte offset of its line, reading backwards only as far as needed. */
function readTail(file: string): { seq: number; offset: number; endsWithNewline: boolean } {
  if (!existsSync(file)) return { seq: 0, offset: 0, endsWithNewline: true }
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    if (size === 0) return { seq: 0, offset: 0, endsWithNewline: true }
    let window = 64 * 1024
    for (;;) {
      const start = Math.max(0, size - window)
      const buf = Buffer.alloc(size - start)
      readSync(fd, buf, 0, buf.length, start)
      const endsWithNewline = buf[buf.length - 1] === 0x0a
      // Lines by bytes (offsets must be byte positions); the first may be cut by the window unless it starts the file.
      for (let to = buf.length; ; ) {
        const nl = to > 0 ? buf.lastIndexOf(0x0a, to - 1) : -1
        if (nl === -1 && start > 0) break
        const event = parseLine(buf.subarray(nl + 1, to))
        if (event) return { seq: event.seq, offset: start + nl + 1, endsWithNewline }
        if (nl === -1) break
        to = nl
      }
      if (start === 0) return { seq: 0, offset: 0, endsWithNewline }
      window *= 4
    }
  } finally {
    closeSync(fd)
  }
}
