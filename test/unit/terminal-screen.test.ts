import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { FLOOD_CHARS, FLOOD_LINES, FLOOD_WINDOW_MS } from '../../src/main/core/lanes/flood'
import { BACKLOG_MAX_CHARS, lastLines, serializeWithin, TerminalScreen, TerminalScreens, untilLines, type ScreenSource } from '../../src/main/core/lanes/terminal-screen'
import type { LaneEvent } from '../../src/shared/events'

const require = createRequire(import.meta.url)
const { Terminal } = require('@xterm/headless') as typeof import('@xterm/headless')

const out = (seq: number, data: string, laneId = 'lane_1'): LaneEvent => ({ laneId, seq, at: seq, type: 'terminal.output', data })
const other = (seq: number, laneId = 'lane_1'): LaneEvent => ({ laneId, seq, at: seq, type: 'status', status: 'ready' }) as LaneEvent

/** What a client shows after writing a snapshot into a fresh terminal: its visible rows and all its lines. */
async function replay(snapshot: { data: string; cols: number; rows: number }) {
  const term = new Terminal({ cols: snapshot.cols, rows: snapshot.rows, scrollback: 10_000, allowProposedApi: true })
  await new Promise<void>((r) => term.write(snapshot.data, r))
  const buffer = term.buffer.active
  const all: string[] = []
  for (let i = 0; i < buffer.length; i++) all.push(buffer.getLine(i)!.translateToString(true))
  const screen = all.slice(buffer.baseY, buffer.baseY + snapshot.rows)
  term.dispose()
  return { all, screen, cursor: { x: buffer.cursorX, y: buffer.cursorY } }
}

/** An in-memory lane history with the transcript's tail semantics. */
function memorySource(history: Map<string, LaneEvent[]>, reads: { bytes: number }): ScreenSource {
  return {
    tail(laneId, maxBytes, more) {
      const events = history.get(laneId) ?? []
      const picked: LaneEvent[] = []
      let bytes = 0
      for (let i = events.length - 1; i >= 0; i--) {
        const size = JSON.stringify(events[i]).length + 1
        if (bytes + size > maxBytes) break
        bytes += size
        picked.unshift(events[i])
        if (!more(events[i])) break
      }
      reads.bytes += bytes
      return { events: picked, lastSeq: events.at(-1)?.seq ?? 0 }
    },
    size: () => ({ cols: 40, rows: 5 }),
  }
}

describe('terminal screen', () => {
  it('untilLines wants output until it holds that many line feeds; other events do not count', () => {
    const more = untilLines(3)
    expect(more(out(1, 'a\nb'))).toBe(true)
    expect(more(other(2))).toBe(true)
    expect(more(out(3, 'no newline'))).toBe(true)
    expect(more(out(4, 'c\nd\n'))).toBe(false)
  })

  it('serializeWithin halves the scrollback until the JSON fits, and always gives the screen itself', () => {
    const asked: number[] = []
    const data = serializeWithin(1000, 100, (n) => (asked.push(n), '\x1b'.repeat(n))) // 6 bytes each as JSON
    expect(asked).toEqual([1000, 500, 250, 125, 62, 31, 15])
    expect(data).toHaveLength(15)
    expect(serializeWithin(8, 1, (n) => 'x'.repeat(n + 10))).toBe('x'.repeat(10))
  })

  it('a snapshot written into a fresh terminal shows the same screen, scrollback, colours and cursor, at the seq it reflects', async () => {
    const screen = new TerminalScreen(40, 5, 0)
    for (let i = 1; i <= 50; i++) screen.feed(out(i, `\x1b[3${i % 8}mrow ${i}\x1b[0m\r\n`))
    screen.feed(other(51))
    screen.feed(out(52, 'prompt$ half'))
    screen.feed(out(40, 'an old seq: ignored'))
    const snap = await screen.snapshot()
    expect(snap).toMatchObject({ seq: 52, cols: 40, rows: 5 })
    expect(snap.data).toContain('\x1b[') // colours travel as SGR sequences
    const shown = await replay(snap)
    expect(shown.screen.slice(0, 5)).toEqual(['row 47', 'row 48', 'row 49', 'row 50', 'prompt$ half'])
    expect(shown.all.filter((l) => l.startsWith('row '))).toHaveLength(50)
    expect(shown.cursor).toEqual({ x: 12, y: 4 })
    screen.resize(20, 3)
    const narrow = await screen.snapshot()
    expect(narrow).toMatchObject({ cols: 20, rows: 3 })
    expect((await replay(narrow)).screen.at(-1)).toBe('prompt$ half')
    screen.dispose()
  })

  it('a snapshot taken while output is still being parsed reflects exactly the events parsed', async () => {
    const screen = new TerminalScreen(80, 10, 0)
    const line = 'x'.repeat(79) + '\r\n'
    for (let i = 1; i <= 200; i++) screen.feed(out(i, `${i} ${line.repeat(50)}`))
    const pending = screen.snapshot()
    screen.feed(out(201, 'after the snapshot was asked\r\n'))
    const snap = await pending
    expect(snap.seq).toBe(200)
    expect(snap.data).not.toContain('after the snapshot')
    expect((await screen.snapshot()).seq).toBe(201)
    screen.dispose()
  })

  it('screens: built from the tail on first output, fed live after, capped in number, dropped ones rebuilt only when asked', async () => {
    const history = new Map<string, LaneEvent[]>()
    const reads = { bytes: 0 }
    for (const laneId of ['a', 'b', 'c']) {
      history.set(laneId, Array.from({ length: 30_000 }, (_, i) => out(i + 1, `${laneId} line ${i + 1}\r\n`, laneId)))
    }
    const screens = new TerminalScreens(memorySource(history, reads), 2)
    const emit = (laneId: string, data: string) => {
      const events = history.get(laneId)!
      const event = out(events.length + 1, data, laneId)
      events.push(event)
      screens.feed(event)
    }
    emit('a', 'a live\r\n')
    expect(screens.size).toBe(1)
    // Only what fills scrollback + rows (10,005 lines) was read, not the 30,000 lines of history.
    const lineBytes = JSON.stringify(out(29_999, 'a line 29999\r\n', 'a')).length + 1
    expect(reads.bytes).toBeLessThanOrEqual(10_006 * lineBytes)
    const snap = await screens.snapshot('a')
    expect(snap.seq).toBe(30_001)
    const lines = (await replay(snap)).all.filter((l) => l.length > 0)
    expect(lines.at(-1)).toBe('a live')
    expect(lines.at(-2)).toBe('a line 30000')

    emit('b', 'b live\r\n')
    emit('c', 'c live\r\n') // a third screen: the least recently used (a) is dropped
    expect(screens.size).toBe(2)
    const before = reads.bytes
    emit('a', 'a again\r\n') // a dropped screen is not rebuilt by output…
    expect(reads.bytes).toBe(before)
    expect(screens.size).toBe(2)
    const again = await screens.snapshot('a') // …only when a client asks
    expect(again.seq).toBe(30_002)
    expect((await replay(again)).all.filter((l) => l.length > 0).slice(-2)).toEqual(['a live', 'a again'])
    screens.dispose()
    expect(screens.size).toBe(0)
  })

  it('screens: a flood past the backlog drops the screen instead of queueing it in main; a snapshot then rebuilds it', async () => {
    const history = new Map<string, LaneEvent[]>([['a', [out(1, 'start\r\n', 'a')]]])
    const screens = new TerminalScreens(memorySource(history, { bytes: 0 }))
    const flood = 'f'.repeat(1 << 20)
    let seq = 1
    for (let i = 0; i * flood.length <= BACKLOG_MAX_CHARS; i++) {
      const event = out(++seq, flood, 'a')
      history.get('a')!.push(event)
      screens.feed(event)
    }
    expect(screens.size).toBe(0)
    const end = out(++seq, '\r\nflood over\r\n', 'a')
    history.get('a')!.push(end)
    screens.feed(end)
    expect(screens.size).toBe(0)
    const snap = await screens.snapshot('a')
    expect(snap.seq).toBe(seq)
    expect((await replay(snap)).screen).toContain('flood over')
    screens.dispose()
  })

  it('lastLines keeps the end of output that holds its last n line feeds', () => {
    expect(lastLines('a\nb\nc\n$ ', 2)).toBe('b\nc\n$ ')
    expect(lastLines('a\nb\nc\n', 2)).toBe('b\nc\n')
    expect(lastLines('a\nb', 5)).toBe('a\nb')
    expect(lastLines('\n\n', 1)).toBe('\n')
  })

  it('screens: output scrolling past FLOOD_LINES, or FLOOD_CHARS of anything, within a window drops the screen (main parses none of the rest); the same spread out does not', async () => {
    const history = new Map<string, LaneEvent[]>(['fast', 'slow', 'redraw'].map((id) => [id, [out(1, 'start\r\n', id)]]))
    let now = 0
    const screens = new TerminalScreens(memorySource(history, { bytes: 0 }), 16, () => now)
    const emit = (laneId: string, data: string) => {
      const events = history.get(laneId)!
      const event = out(events.at(-1)!.seq + 1, data, laneId)
      events.push(event)
      screens.feed(event)
    }
    const piece = 'line of output\r\n'.repeat(256)
    // Twice FLOOD_LINES at half that rate: the screen stays.
    for (let fed = 0; fed < 2 * FLOOD_LINES; fed += 256) {
      emit('slow', piece)
      now += (FLOOD_WINDOW_MS * 256) / (FLOOD_LINES / 2)
    }
    expect(screens.size).toBe(1)
    // A program redrawing 40 lines in place, 90% of FLOOD_CHARS within a window: it scrolls nothing, the screen stays…
    const frame = '\x1b[2J\x1b[H' + ('x'.repeat(100) + '\r\n').repeat(40) + '\x1b[40A'
    now += FLOOD_WINDOW_MS
    for (let fed = 0; fed < 0.9 * FLOOD_CHARS; fed += frame.length) emit('redraw', frame)
    expect(screens.size).toBe(2)
    // …past FLOOD_CHARS it is dropped all the same.
    for (let fed = 0; fed < 0.2 * FLOOD_CHARS; fed += frame.length) emit('redraw', frame)
    expect(screens.size).toBe(1)
    // Past FLOOD_LINES within one window: dropped; later output is not parsed until a client asks.
    for (let fed = 0; fed <= FLOOD_LINES; fed += 256) emit('fast', piece)
    emit('fast', 'flood over\r\n')
    expect(screens.size).toBe(1)
    // Asked mid-flood: the tail's output as it is, no screen rebuilt (the flood would drop it again).
    const snap = await screens.snapshot('fast')
    expect(snap.seq).toBe(history.get('fast')!.at(-1)!.seq)
    expect((await replay(snap)).screen).toContain('flood over')
    expect(snap.data.endsWith('line of output\r\nflood over\r\n')).toBe(true)
    expect(screens.size).toBe(1)
    // Once the flood is over, a snapshot rebuilds the screen, which follows the lane again.
    now += FLOOD_WINDOW_MS
    const after = await screens.snapshot('fast')
    expect(after.seq).toBe(snap.seq)
    expect((await replay(after)).screen).toEqual((await replay(snap)).screen)
    expect(screens.size).toBe(2)
    screens.dispose()
  })

  it('screens: a client asking for a snapshot during a flood gets it (the screen is not dropped under it)', async () => {
    // Long lines: a tail that fills the scrollback is ~6 MB, so a snapshot waits for the parser a while.
    const long = ('x'.repeat(510) + '\r\n').repeat(128)
    const history = new Map<string, LaneEvent[]>([['a', Array.from({ length: 100 }, (_, i) => out(i + 1, long, 'a'))]])
    const screens = new TerminalScreens(memorySource(history, { bytes: 0 }), 16, () => 0) // one window throughout
    const emit = (data: string) => {
      const events = history.get('a')!
      const event = out(events.at(-1)!.seq + 1, data, 'a')
      events.push(event)
      screens.feed(event)
    }
    const asked = screens.snapshot('a')
    // Two bursts of more than FLOOD_CHARS while the parser works toward the snapshot (a retry from the
    // tail in between would be dropped by the second).
    for (let burst = 0; burst < 2; burst++) {
      for (let fed = 0; fed <= FLOOD_CHARS; fed += long.length) emit(long)
      for (let i = 0; i < 10; i++) await Promise.resolve()
    }
    await expect(asked).resolves.toMatchObject({ seq: expect.any(Number) })
    screens.dispose()
  })
})

describe('terminal screens under faults', () => {
  it('a tail that cannot be read costs the screen, not the lane publishing; the snapshot request reports it', async () => {
    let broken = true
    const history = [out(1, 'hello\r\n')]
    const screens = new TerminalScreens({
      tail: () => {
        if (broken) throw new Error('EIO: i/o error, read')
        return { events: history, lastSeq: 1 }
      },
      size: () => ({ cols: 20, rows: 3 }),
    })
    expect(() => screens.feed(history[0])).not.toThrow()
    expect(screens.size).toBe(0)
    await expect(screens.snapshot('lane_1')).rejects.toThrow(/EIO/)
    broken = false
    expect((await screens.snapshot('lane_1')).seq).toBe(1)
    screens.dispose()
  })
})
