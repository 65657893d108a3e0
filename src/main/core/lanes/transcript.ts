import { closeSync, createReadStream, existsSync, fstatSync, mkdirSync, openSync, readSync, rmSync, statSync, writeSync } from 'node:fs'
import path from 'node:path'
import type { LaneEvent } from '../../../shared/events'

/** Every this many seqs the byte offset of the line is remembered, so a page read seeks near its cursor. */
const INDEX_EVERY = 512

/**
 * A lane's history: one LaneEvent per line, appended synchronously (so a reader always sees every
 * event already emitted, and a crash loses at most the line being written).
 */
export class Transcript {
  private fd: number | undefined
  private seq: number
  private needsNewline = false
  /** Bytes in the file. */
  private size: number
  /** Sparse, sorted [seq, byte offset of its line]: without it, paging through a long transcript rereads it from the start for every page. */
  private readonly index: Array<[number, number]> = []

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    const { seq, endsWithNewline } = readTail(file)
    this.seq = seq
    this.needsNewline = !endsWithNewline
    this.size = existsSync(file) ? statSync(file).size : 0
  }

  get lastSeq(): number {
    return this.seq
  }

  nextSeq(): number {
    return this.seq + 1
  }

  append(event: LaneEvent): void {
    this.fd ??= openSync(this.file, 'a', 0o600)
    const line = Buffer.from((this.needsNewline ? '\n' : '') + JSON.stringify(event) + '\n')
    const offset = this.size + (this.needsNewline ? 1 : 0)
    this.needsNewline = false
    writeSync(this.fd, line)
    this.size += line.length
    this.seq = event.seq
    this.remember(event.seq, offset)
  }

  private remember(seq: number, offset: number): void {
    if (seq % INDEX_EVERY !== 0) return
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

  /** Events with seq > `after`, at most `limit` of them, in order. */
  async read(after = 0, limit = 1000): Promise<{ events: LaneEvent[]; next: number; done: boolean }> {
    const events: LaneEvent[] = []
    if (!existsSync(this.file)) return { events, next: after, done: true }
    let pos = this.startFor(after)
    // Bytes, split on 0x0a: a newline byte never occurs inside a multi-byte UTF-8 character, and byte
    // positions are what the index needs.
    const stream = createReadStream(this.file, { start: pos, highWaterMark: 256 * 1024 })
    let pending: Buffer = Buffer.alloc(0)
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
      events.push(event)
      return events.length < limit
    }
    outer: for await (const chunk of stream as AsyncIterable<Buffer>) {
      const buf = pending.length ? Buffer.concat([pending, chunk]) : chunk
      let from = 0
      for (let nl = buf.indexOf(0x0a, from); nl !== -1; nl = buf.indexOf(0x0a, from)) {
        const keepGoing = take(buf.subarray(from, nl), pos)
        pos += nl - from + 1
        from = nl + 1
        if (!keepGoing) {
          done = false
          break outer
        }
      }
      pending = buf.subarray(from)
    }
    stream.destroy()
    if (done && pending.length && !take(pending, pos)) done = false
    if (done && events.length === limit) done = false
    return { events, next: events.length ? events[events.length - 1].seq : after, done }
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
  }

  delete(): void {
    this.close()
    rmSync(this.file, { force: true })
  }
}

/** The last complete event's seq, reading backwards only as far as needed. */
function readTail(file: string): { seq: number; endsWithNewline: boolean } {
  if (!existsSync(file)) return { seq: 0, endsWithNewline: true }
  const fd = openSync(file, 'r')
  try {
    const size = fstatSync(fd).size
    if (size === 0) return { seq: 0, endsWithNewline: true }
    let window = 64 * 1024
    for (;;) {
      const start = Math.max(0, size - window)
      const buf = Buffer.alloc(size - start)
      readSync(fd, buf, 0, buf.length, start)
      const lines = buf.toString('utf8').split('\n')
      const endsWithNewline = buf[buf.length - 1] === 0x0a
      // The first line may be cut by the window unless the window reaches the start of the file.
      for (let i = lines.length - 1; i >= (start === 0 ? 0 : 1); i--) {
        try {
          const seq = JSON.parse(lines[i]).seq
          if (typeof seq === 'number') return { seq, endsWithNewline }
        } catch {}
      }
      if (start === 0) return { seq: 0, endsWithNewline }
      window *= 4
    }
  } finally {
    closeSync(fd)
  }
}
