import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LaneEvent } from '../../src/shared/events'
import { FLOOD_WINDOW_MS, countOutput, scrolledLines, type FloodWindow } from '../../src/main/core/lanes/flood'
import { TERMINAL_SCROLLBACK } from '../../src/shared/terminal'
import { FLOOD_FRAME_MS, FLOOD_QUIET_MS, FloodGate, SMALL_OUTPUT_LINES } from '../../src/main/rpc/flood-gate'

const output = (laneId: string, seq: number, data: string): LaneEvent => ({ laneId, seq, at: 0, type: 'terminal.output', data })
/** One frame of an Ink-style TUI: erase its 30 lines going up, then write them again. */
const inkFrame = (n: number) => '\x1b[2K\x1b[1A'.repeat(30) + '\x1b[2K\x1b[G' + Array.from({ length: 30 }, (_, i) => `\x1b[32m●\x1b[39m line ${i} of frame ${n}`).join('\n') + '\n'

describe('flood measure', () => {
  it('counts lines scrolled: line feeds less moves up; a TUI redrawing in place scrolls about none', () => {
    expect(scrolledLines('a\r\nb\r\nc')).toBe(2)
    expect(scrolledLines('x\n'.repeat(100) + '\x1b[5A\x1b[A\x1bM\x1b[2F')).toBe(100 - 5 - 1 - 1 - 2)
    let sum = 0
    for (let n = 0; n < 1000; n++) sum += scrolledLines(inkFrame(n))
    expect(Math.abs(sum)).toBeLessThanOrEqual(1000)
    expect(scrolledLines('\x1b[999999999A')).toBe(-1000) // one absurd move counts as a screenful at most
  })
})

/** A gate over lanes measured as main's screens measure them: each output counted before it is offered. */
function meteredGate(emit: (e: LaneEvent) => void, now: () => number) {
  const windows = new Map<string, FloodWindow>()
  const gate = new FloodGate(emit, (id) => windows.get(id), now)
  return {
    offer(e: LaneEvent) {
      if (e.type === 'terminal.output') windows.set(e.laneId, countOutput(windows.get(e.laneId), e.data, now()))
      gate.offer(e)
    },
    dispose: () => gate.dispose(),
  }
}

describe('FloodGate (lanes.events with skipFloods)', () => {
  afterEach(() => vi.useRealTimers())

  it('passes output up to a scrollback of lines a second untouched; a flood goes out as its newest event when it pauses; other events at once', () => {
    vi.useFakeTimers()
    let now = 0
    const sent: string[] = []
    const gate = meteredGate((e) => sent.push(`${e.laneId}${e.seq}`), () => now)
    const piece = 'line\r\n'.repeat(100)
    // Twice a scrollback of lines at half that pace: all of it, in order.
    let seq = 0
    for (let fed = 0; fed < 2 * TERMINAL_SCROLLBACK; fed += 100) {
      gate.offer(output('a', ++seq, piece))
      now += (FLOOD_WINDOW_MS * 100) / (TERMINAL_SCROLLBACK / 2)
    }
    expect(sent).toEqual(Array.from({ length: seq }, (_, i) => `a${i + 1}`))

    // More lines within one window than a scrollback holds: up to that goes out, then nothing until it pauses.
    sent.length = 0
    now += FLOOD_WINDOW_MS
    const first = seq + 1
    for (let fed = 0; fed < 4 * TERMINAL_SCROLLBACK; fed += 100) gate.offer(output('a', ++seq, piece))
    const through = TERMINAL_SCROLLBACK / 100
    expect(sent).toEqual(Array.from({ length: through }, (_, i) => `a${first + i}`))
    gate.offer(output('b', 1, 'another lane, quiet\r\n')) // not held: its own measure
    expect(sent.at(-1)).toBe('b1')
    vi.advanceTimersByTime(FLOOD_QUIET_MS)
    expect(sent.at(-1)).toBe(`a${seq}`) // the newest only: the subscriber redraws on the gap
    expect(sent).toHaveLength(through + 2)

    // A flood that never pauses still goes out every FLOOD_FRAME_MS, and stays held between (even in
    // small pieces: a frame's redraw is no pause).
    now += FLOOD_WINDOW_MS
    const big = 'line\r\n'.repeat(1000)
    for (let fed = 0; fed <= TERMINAL_SCROLLBACK; fed += 1000) gate.offer(output('a', ++seq, big))
    sent.length = 0
    for (let t = 0; t < 2 * FLOOD_FRAME_MS - FLOOD_QUIET_MS; t += FLOOD_QUIET_MS / 2) {
      gate.offer(output('a', ++seq, 'line\r\n'.repeat(SMALL_OUTPUT_LINES)))
      vi.advanceTimersByTime(FLOOD_QUIET_MS / 2)
      now += FLOOD_QUIET_MS / 2
    }
    expect(sent.length).toBeGreaterThanOrEqual(1)
    expect(sent.length).toBeLessThanOrEqual(2)

    // Held output is superseded by any later event sent: one gap, nothing stale after it.
    gate.offer(output('a', ++seq, piece))
    gate.offer({ laneId: 'a', seq: ++seq, at: 0, type: 'process.exited', exitCode: 0, signal: null, requested: false })
    expect(sent.at(-1)).toBe(`a${seq}`)
    const count = sent.length
    vi.advanceTimersByTime(FLOOD_FRAME_MS)
    expect(sent).toHaveLength(count)

    // Disposed (unsubscribed) with output held: nothing more is sent.
    for (let fed = 0; fed < 4 * TERMINAL_SCROLLBACK; fed += 100) gate.offer(output('a', ++seq, piece))
    const held = sent.length
    gate.dispose()
    vi.advanceTimersByTime(10 * FLOOD_FRAME_MS)
    expect(sent).toHaveLength(held)
    expect(sent.at(-1)).not.toBe(`a${seq}`)
  })

  it('once a flood pauses, its lane\'s small output (a prompt, typing) goes out at once; the flood resuming is held again', () => {
    vi.useFakeTimers()
    let now = 0
    const sent: number[] = []
    const gate = meteredGate((e) => sent.push(e.seq), () => now) // one window throughout
    const piece = 'line\r\n'.repeat(1000)
    let seq = 0
    for (let fed = 0; fed < 3 * TERMINAL_SCROLLBACK; fed += 1000) gate.offer(output('a', ++seq, piece))
    vi.advanceTimersByTime(FLOOD_QUIET_MS)
    expect(sent.at(-1)).toBe(seq)
    // Typing after it: each echo at once, no gap, no redraw.
    for (const key of ['l', 's', '\r\n']) {
      gate.offer(output('a', ++seq, key))
      expect(sent.at(-1)).toBe(seq)
    }
    gate.offer(output('a', ++seq, 'x\r\n'.repeat(SMALL_OUTPUT_LINES)))
    expect(sent.at(-1)).toBe(seq)
    // The flood again (or a stalled loop resuming it): held at once, as before the pause.
    const resumed = sent.length
    for (let fed = 0; fed < 3 * TERMINAL_SCROLLBACK; fed += 1000) gate.offer(output('a', ++seq, piece))
    gate.offer(output('a', ++seq, 'ls\r\n'))
    expect(sent).toHaveLength(resumed)
    vi.advanceTimersByTime(FLOOD_QUIET_MS)
    expect(sent.at(-1)).toBe(seq)
    gate.dispose()
  })

  it('a flood going on past its window stays held: no scrollback of it goes out each second; one that stopped is not carried', () => {
    vi.useFakeTimers()
    let now = 0
    const sent: number[] = []
    const gate = meteredGate((e) => sent.push(e.seq), () => now)
    const piece = 'line\r\n'.repeat(200) // 200 lines every 10 ms: 20,000 lines a second
    let seq = 0
    for (; now < 3 * FLOOD_WINDOW_MS; now += 10) {
      gate.offer(output('a', ++seq, piece))
      vi.advanceTimersByTime(10)
    }
    // The first scrollback's worth, then a redraw every FLOOD_FRAME_MS across three windows.
    const through = TERMINAL_SCROLLBACK / 200
    expect(sent.slice(0, through)).toEqual(Array.from({ length: through }, (_, i) => i + 1))
    expect(sent.length - through).toBeLessThanOrEqual((3 * FLOOD_WINDOW_MS) / FLOOD_FRAME_MS)

    // It stops; a second later output at the same pace is a new flood: its first scrollback goes out.
    vi.advanceTimersByTime(FLOOD_WINDOW_MS)
    now += FLOOD_WINDOW_MS
    sent.length = 0
    for (let i = 0; i < 2 * (TERMINAL_SCROLLBACK / 200); i++, now += 10) gate.offer(output('a', ++seq, piece))
    expect(sent.length).toBeGreaterThanOrEqual(TERMINAL_SCROLLBACK / 200)
    gate.dispose()
  })

  it('a TUI redrawing in place at megabytes a second is never held: every frame goes out', () => {
    vi.useFakeTimers()
    const sent: number[] = []
    const gate = meteredGate((e) => sent.push(e.seq), () => 0) // one window throughout
    let chars = 0
    for (let n = 1; n <= 3000; n++) {
      const frame = inkFrame(n)
      chars += frame.length
      gate.offer(output('tui', n, frame))
    }
    expect(chars).toBeGreaterThan(3_000_000)
    expect(sent).toHaveLength(3000)
  })
})
