// A subscription frame built from an event's JSON at hand is the same text JSON.stringify gives.
import { describe, expect, it } from 'vitest'
import { encodeServerMessage, type ServerMessage } from '../../src/shared/wire'

const events: unknown[] = [
  { type: 'text.delta', text: 'é\u2028\u2029😀 "quoted" \\ back\nslash', laneId: 'lane_1', seq: 7, at: 1733 },
  { type: 'usage', turn: { inputTokens: 1, outputTokens: 2 }, laneId: 'lane_1', seq: 8, at: 1734 },
  { type: 'status', status: 'ready', previous: 'busy', laneId: 'lane_1', seq: 9, at: 1735, missing: undefined },
]

describe('encodeServerMessage', () => {
  it('puts an event JSON into the subscription envelope byte for byte as JSON.stringify would', () => {
    for (const [i, event] of events.entries()) {
      const msg: ServerMessage = { sub: i * 1000 + 3, event }
      expect(encodeServerMessage(msg, JSON.stringify(event))).toBe(JSON.stringify(msg))
      expect(JSON.parse(encodeServerMessage(msg, JSON.stringify(event)))).toEqual(JSON.parse(JSON.stringify(msg)))
    }
  })

  it('encodes answers, and events without JSON at hand, with JSON.stringify', () => {
    const answer: ServerMessage = { id: 4, ok: true, value: { a: [1, 'b'] } }
    expect(encodeServerMessage(answer, '{"ignored":true}')).toBe(JSON.stringify(answer))
    const msg: ServerMessage = { sub: 2, event: events[0] }
    expect(encodeServerMessage(msg)).toBe(JSON.stringify(msg))
  })
})
