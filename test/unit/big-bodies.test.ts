import { describe, expect, it } from 'vitest'
import { BodyShaper, DEDUPE_MIN_CHARS, PIECE_CHARS, splitText } from '../../src/main/core/lanes/big-bodies'
import { queryMatcher, TranscriptScanner } from '../../src/main/core/lanes/search'
import { applyEvents, emptyTranscript } from '../../src/renderer/agent/transcript-model'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'

const stamp = (bodies: LaneEventBody[]): LaneEvent[] => bodies.map((b, i) => ({ ...b, laneId: 'lane_a', seq: i + 1, at: i }) as LaneEvent)
const textOf = (bodies: LaneEventBody[]) => bodies.map((b) => (b.type === 'text.delta' ? b.text : '')).join('')

describe('big bodies', () => {
  it('splits long text without cutting a surrogate pair', () => {
    const text = 'a'.repeat(9) + '😀' + 'b'.repeat(5)
    const pieces = splitText(text, 10)
    expect(pieces.join('')).toBe(text)
    expect(pieces.every((p) => p.length <= 10)).toBe(true)
    expect(pieces[0]).toBe('a'.repeat(9))
  })

  it('a huge delta goes in pieces, and the final message repeating it is stored as a reference', () => {
    const shaper = new BodyShaper()
    const text = 'xyz'.repeat(PIECE_CHARS) // 3 pieces
    const deltas = shaper.shape({ type: 'text.delta', messageId: 'm1', text })
    expect(deltas.length).toBe(3)
    expect(textOf(deltas)).toBe(text)
    expect(shaper.shape({ type: 'message', role: 'assistant', messageId: 'm1', text })).toEqual([
      { type: 'message', role: 'assistant', messageId: 'm1', text: '', streamed: true },
    ])
  })

  it('a final message that differs from its deltas, or is small, stays whole', () => {
    const shaper = new BodyShaper()
    const text = 'q'.repeat(DEDUPE_MIN_CHARS)
    shaper.shape({ type: 'text.delta', text })
    expect(shaper.shape({ type: 'message', role: 'assistant', text: text.slice(1) + 'r' })).toEqual([{ type: 'message', role: 'assistant', text: text.slice(1) + 'r' }])
    shaper.shape({ type: 'text.delta', text: 'hi' })
    expect(shaper.shape({ type: 'message', role: 'assistant', text: 'hi' })).toEqual([{ type: 'message', role: 'assistant', text: 'hi' }])
  })

  it('many small deltas that reach the dedupe size are compared whole: the same text is a reference, one changed early character is not', () => {
    const delta = 'abcdefghij'.repeat(100) // 1,000 characters: the stream crosses DEDUPE_MIN_CHARS part way
    const count = Math.ceil((DEDUPE_MIN_CHARS * 1.5) / delta.length)
    const text = delta.repeat(count)
    const same = new BodyShaper()
    for (let i = 0; i < count; i++) same.shape({ type: 'text.delta', messageId: 'm1', text: delta })
    expect(same.shape({ type: 'message', role: 'assistant', messageId: 'm1', text })).toEqual([{ type: 'message', role: 'assistant', messageId: 'm1', text: '', streamed: true }])
    const changed = 'X' + text.slice(1) // differs in the first delta, streamed before the stream was long
    const other = new BodyShaper()
    for (let i = 0; i < count; i++) other.shape({ type: 'text.delta', messageId: 'm1', text: delta })
    expect(other.shape({ type: 'message', role: 'assistant', messageId: 'm1', text: changed })).toEqual([{ type: 'message', role: 'assistant', messageId: 'm1', text: changed }])
  })

  it('a huge message that streamed nothing becomes deltas plus a reference; the UI and search see the same text', () => {
    const text = 'long answer '.repeat(PIECE_CHARS / 4) + 'needle'
    const shaped = new BodyShaper().shape({ type: 'message', role: 'assistant', messageId: 'm2', text })
    expect(shaped.length).toBeGreaterThan(2)
    expect(shaped.at(-1)).toEqual({ type: 'message', role: 'assistant', messageId: 'm2', text: '', streamed: true })
    const events = stamp([{ type: 'turn.started' }, ...shaped, { type: 'turn.completed', outcome: 'completed' }])

    const items = applyEvents(emptyTranscript(), events).items.filter((i) => i.kind === 'message')
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ text, streaming: false })

    const scanner = new TranscriptScanner({ id: 'lane_a', title: 'a', archived: false }, queryMatcher('needle'), 6, 10)
    for (const e of events) scanner.push(e)
    expect(scanner.end()).toHaveLength(1)
  })
})
