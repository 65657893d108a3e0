import { closeSync, createReadStream, existsSync, fstatSync, mkdirSync, openSync, readSync, rmSync, writeSync } from 'node:fs'
import path from 'node:path'
import type { LaneEvent } from '../../../shared/events'

/**
 * A lane's history: one LaneEvent per line, appended synchronously (so a reader always sees every
 * event already emitted, and a crash loses at most the line being written).
 */
export class Transcript {
  private fd: number | undefined
  private seq: number
  private needsNewline = false

  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
    const { seq, endsWithNewline } = readTail(file)
    this.seq = seq
    this.needsNewline = !endsWithNewline
  }

  get lastSeq(): number {
    return this.seq
  }

  nextSeq(): number {
    return this.seq + 1
  }

  append(event: LaneEvent): void {
    this.fd ??= openSync(this.file, 'a', 0o600)
    const line = (this.needsNewline ? '\n' : '') + JSON.stringify(event) + '\n'
    this.needsNewline = false
    writeSync(this.fd, line)
    this.seq = event.seq
  }

  /** Events with seq > `after`, at most `limit` of them, in order. */
  async read(after = 0, limit = 1000): Promise<{ events: LaneEvent[]; next: number; done: boolean }> {
    const events: LaneEvent[] = []
    if (!existsSync(this.file)) return { events, next: after, done: true }
    const stream = createReadStream(this.file, { encoding: 'utf8', highWaterMark: 256 * 1024 })
    let pending = ''
    let done = true
    const take = (line: string): boolean => {
      if (!line) return true
      let event: LaneEvent
      try {
        event = JSON.parse(line)
      } catch {
        return true // a torn last line from a crash: skip it
      }
      if (event.seq <= after) return true
      events.push(event)
      return events.length < limit
    }
    outer: for await (const chunk of stream as AsyncIterable<string>) {
      const lines = (pending + chunk).split('\n')
      pending = lines.pop() ?? ''
      for (const line of lines) {
        if (!take(line)) {
          done = false
          break outer
        }
      }
    }
    stream.destroy()
    if (done && pending && !take(pending)) done = false
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
