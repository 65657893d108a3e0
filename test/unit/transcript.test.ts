import { appendFileSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { diskWrites } from '../../src/main/core/disk'
import { Transcript } from '../../src/main/core/lanes/transcript'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir } from '../support/core'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })))
function file() {
  const d = tempDir()
  dirs.push(d)
  return path.join(d, 'lanes', 'lane_1.jsonl')
}
const ev = (seq: number, data = `out ${seq}`): LaneEvent => ({ laneId: 'lane_1', seq, at: seq, type: 'terminal.output', data })

describe('transcript', () => {
  it('pages through events after a cursor', async () => {
    const t = new Transcript(file())
    for (let i = 1; i <= 25; i++) t.append(ev(i))
    const first = await t.read(0, 10)
    expect(first.events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    expect(first).toMatchObject({ next: 10, done: false })
    const rest = await t.read(first.next, 100)
    expect(rest.events.map((e) => e.seq)).toEqual(Array.from({ length: 15 }, (_, i) => i + 11))
    expect(rest).toMatchObject({ next: 25, done: true })
    expect(await t.read(25)).toEqual({ events: [], next: 25, done: true })
  })

  it('never lets a page exceed maxBytes of lines (a longer event goes alone), and reads a line longer than the read chunks whole', async () => {
    const t = new Transcript(file())
    const big = 'b'.repeat(400 * 1024) // longer than the 256 KB read chunks; two fit in 1 MiB, three do not
    for (let i = 1; i <= 6; i++) t.append(ev(i, big))
    const seqs: number[][] = []
    for (let after = 0; ; ) {
      const page = await t.read(after, 1000, 1024 * 1024)
      expect(page.events.every((e) => e.type === 'terminal.output' && e.data === big)).toBe(true)
      seqs.push(page.events.map((e) => e.seq))
      after = page.next
      if (page.done) break
    }
    // A page that ends exactly at the end may not know it: an empty last page then says so.
    expect(seqs.filter((p) => p.length > 0)).toEqual([[1, 2], [3, 4], [5, 6]])
    expect((await t.read(0, 1000, 1)).events.map((e) => e.seq)).toEqual([1])
    expect((await t.read(0, 1000, 1024 * 1024 - 1)).events.map((e) => e.seq)).toEqual([1, 2])
    expect((await t.read(0, 1000, 3 * 400 * 1024)).events.map((e) => e.seq)).toEqual([1, 2])
  })

  it('continues its seq after reopening, past a torn line left by a crash', async () => {
    const f = file()
    const t = new Transcript(f)
    t.append(ev(1))
    t.append(ev(2, 'x'.repeat(300_000))) // longer than the first tail window
    t.close()
    appendFileSync(f, '{"laneId":"lane_1","seq":3,"at":3,"type":"termin') // torn write
    const again = new Transcript(f)
    expect(again.lastSeq).toBe(2)
    again.append(ev(3, 'after crash'))
    const { events } = await again.read(0)
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3])
    expect(events[2]).toMatchObject({ data: 'after crash' })
    expect(readFileSync(f, 'utf8').split('\n').filter(Boolean)).toHaveLength(4) // the torn line stays, skipped
  })

  it('keeps U+2028 and multibyte text intact', async () => {
    const t = new Transcript(file())
    t.append(ev(1, 'a\u2028b\u2029c é 😀'))
    expect((await t.read()).events[0]).toMatchObject({ data: 'a\u2028b\u2029c é 😀' })
  })

  it('reads the same events from any cursor, before and after it has learned where lines start', async () => {
    const f = file()
    const writer = new Transcript(f)
    for (let i = 1; i <= 3000; i++) writer.append(ev(i, `é ${i}`)) // multibyte: offsets are bytes, not characters
    writer.close()
    const reader = new Transcript(f) // a reopened transcript knows no offsets yet
    for (const after of [1500, 1535, 512, 1023, 1024, 2999, 0]) {
      const page = await reader.read(after, 10)
      const expected = Array.from({ length: Math.min(10, 3000 - after) }, (_, i) => after + 1 + i)
      expect(page.events.map((e) => e.seq)).toEqual(expected)
      expect(page.events.map((e) => (e as any).data)).toEqual(expected.map((n) => `é ${n}`))
    }
    let after = 0
    const seen: number[] = []
    for (;;) {
      const page = await reader.read(after, 700)
      seen.push(...page.events.map((e) => e.seq))
      after = page.next
      if (page.done) break
    }
    expect(seen).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1))
    reader.append(ev(3001, 'appended after reopening'))
    expect((await reader.read(3000)).events.map((e) => e.seq)).toEqual([3001])
  })

  it('tail: the newest events within a byte budget, oldest first, reading only the end of the file', async () => {
    const f = file()
    const writer = new Transcript(f)
    for (let i = 1; i <= 2000; i++) writer.append(ev(i, `line ${i}\r\n`))
    writer.append(ev(2001, 'y'.repeat(600 * 1024))) // a line longer than the 256 KB read chunks
    for (let i = 2002; i <= 2010; i++) writer.append(ev(i))
    writer.close()
    const t = new Transcript(f)
    const lineBytes = Buffer.byteLength(JSON.stringify(ev(1999, 'line 1999\r\n'))) + 1
    // Budget: the 10 last lines, the long one, and 3 more whole lines (the 4th is cut by the budget: dropped).
    const tailBytes = readFileSync(f).length - readFileSync(f).indexOf('{"laneId":"lane_1","seq":2001')
    const { events, lastSeq } = t.tail(tailBytes + 3 * lineBytes + 10)
    expect(lastSeq).toBe(2010)
    expect(events.map((e) => e.seq)).toEqual([1998, 1999, 2000, ...Array.from({ length: 10 }, (_, i) => 2001 + i)])
    expect(events[3]).toMatchObject({ data: 'y'.repeat(600 * 1024) })
    // `more` stops the walk back: here after two events.
    let seen = 0
    expect(t.tail(1 << 30, () => ++seen < 2).events.map((e) => e.seq)).toEqual([2009, 2010])
    // The whole file when the budget allows, first line included; and reads after the tail go on from there.
    expect(t.tail(1 << 30).events.map((e) => e.seq)).toEqual(Array.from({ length: 2010 }, (_, i) => i + 1))
    t.append(ev(2011, 'new'))
    expect(t.tail(lineBytes).events.map((e) => e.seq)).toEqual([2011])
    expect((await t.read(2010)).events.map((e) => e.seq)).toEqual([2011])
  })

  it('group commit: the events of one turn go to the file in one write, and are published only once they are in it', async () => {
    const t = new Transcript(file())
    const realWrite = diskWrites.writeSync
    let writes = 0
    diskWrites.writeSync = (...args) => (writes++, realWrite(...args))
    const published: number[] = []
    t.onWritten = (events, fault) => {
      expect(fault).toBeUndefined()
      // Whatever a client is handed is already in the file.
      const onDisk = readFileSync(t.file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l).seq)
      for (const e of events) expect(onDisk).toContain(e.seq)
      published.push(...events.map((e) => e.seq))
    }
    try {
      for (let i = 1; i <= 500; i++) t.append(ev(i))
      expect(published).toEqual([]) // nothing shown before the write at the end of the turn
      await new Promise((r) => setImmediate(r))
      expect(published).toEqual(Array.from({ length: 500 }, (_, i) => i + 1))
      expect(writes).toBe(1)
      // A batch past BATCH_BYTES is written at once, without waiting for the turn to end.
      t.append(ev(501, 'x'.repeat(300 * 1024)))
      expect(published.at(-1)).toBe(501)
      expect(writes).toBe(2)
    } finally {
      diskWrites.writeSync = realWrite
    }
  })
})
