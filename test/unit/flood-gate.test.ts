import { afterEach, describe, expect, it, vi } from 'vitest'
import type { LaneEvent } from '../../src/shared/events'
import { FLOOD_CHARS, FLOOD_WINDOW_MS } from '../../src/main/core/lanes/terminal-screen'
import { FLOOD_FRAME_MS, FloodGate } from '../../src/main/rpc/flood-gate'

const output = (laneId: string, seq: number, data: string): LaneEvent => ({ laneId, seq, at: 0, type: 'terminal.output', data })

describe('FloodGate (lanes.events with skipFloods)', () => {
  afterEach(() => vi.useRealTimers())

  it('passes output at a readable rate untouched; a flood goes out as its newest event once per frame; other events at once', () => {
    vi.useFakeTimers()
    let now = 0
    const sent: string[] = []
    const gate = new FloodGate((e) => sent.push(`${e.laneId}${e.seq}`), () => now)
    const piece = 'x'.repeat(64 * 1024)
    // FLOOD_CHARS spread over two windows: all of it, in order.
    let seq = 0
    for (let fed = 0; fed < 2 * FLOOD_CHARS; fed += piece.length) {
      gate.offer(output('a', ++seq, piece))
      now += (2 * FLOOD_WINDOW_MS * piece.length) / (2 * FLOOD_CHARS) + 1
    }
    expect(sent).toEqual(Array.from({ length: seq }, (_, i) => `a${i + 1}`))

    // A flood in one window: what fits FLOOD_CHARS goes out, then nothing until the frame ends.
    sent.length = 0
    now += FLOOD_WINDOW_MS
    const first = seq + 1
    for (let fed = 0; fed < 4 * FLOOD_CHARS; fed += piece.length) gate.offer(output('a', ++seq, piece))
    const through = FLOOD_CHARS / piece.length
    expect(sent).toEqual(Array.from({ length: through }, (_, i) => `a${first + i}`))
    gate.offer(output('b', 1, 'another lane, quiet')) // not held: its own meter
    expect(sent.at(-1)).toBe('b1')
    vi.advanceTimersByTime(FLOOD_FRAME_MS)
    expect(sent.at(-1)).toBe(`a${seq}`) // the newest only: the subscriber redraws on the gap
    expect(sent).toHaveLength(through + 2)

    // Held output is superseded by any later event sent: one gap, nothing stale after it.
    gate.offer(output('a', ++seq, piece))
    gate.offer({ laneId: 'a', seq: ++seq, at: 0, type: 'process.exited', exitCode: 0, signal: null, requested: false })
    expect(sent.at(-1)).toBe(`a${seq}`)
    vi.advanceTimersByTime(FLOOD_FRAME_MS)
    expect(sent.at(-1)).toBe(`a${seq}`)

    // Disposed (unsubscribed) with output held: nothing more is sent.
    gate.offer(output('a', ++seq, piece))
    const count = sent.length
    gate.dispose()
    vi.advanceTimersByTime(10 * FLOOD_FRAME_MS)
    expect(sent).toHaveLength(count)
  })
})
