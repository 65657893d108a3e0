/** `switchyard wait`'s decision over a lane's events. */
import { describe, expect, it } from 'vitest'
import { turnOutcome } from '../../src/main/cli/wait'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'

const events = (...bodies: LaneEventBody[]): LaneEvent[] => bodies.map((b, i) => ({ ...b, laneId: 'l', seq: i + 1, at: 0 }) as LaneEvent)

describe('turnOutcome', () => {
  it('waits while the latest input has no completed turn after it, even if an older turn completed', () => {
    const e = events(
      { type: 'input', text: 'one' },
      { type: 'message', role: 'assistant', text: 'first' },
      { type: 'turn.completed', outcome: 'completed' },
      { type: 'input', text: 'two' },
    )
    expect(turnOutcome(e)).toEqual({ done: false })
  })

  it('returns the last assistant message of the latest turn (or its deltas, or the turn’s own message)', () => {
    const e = events(
      { type: 'input', text: 'q' },
      { type: 'message', role: 'assistant', text: 'thinking aloud' },
      { type: 'message', role: 'assistant', text: 'the answer' },
      { type: 'turn.completed', outcome: 'completed' },
    )
    expect(turnOutcome(e)).toEqual({ done: true, outcome: 'completed', message: 'the answer' })
    expect(turnOutcome(events({ type: 'input', text: 'q' }, { type: 'text.delta', text: 'a' }, { type: 'text.delta', text: 'b' }, { type: 'turn.completed', outcome: 'failed' }))).toEqual({
      done: true,
      outcome: 'failed',
      message: 'ab',
    })
    expect(turnOutcome(events({ type: 'input', text: 'q' }, { type: 'turn.completed', outcome: 'completed', message: 'own' }))).toMatchObject({ message: 'own' })
  })

  it('a lane that fails before its turn completes is gone, not waited on forever', () => {
    const e = events({ type: 'input', text: 'q' }, { type: 'status', status: 'failed', previous: 'busy' })
    expect(turnOutcome(e)).toMatchObject({ done: false, gone: expect.stringContaining('failed') })
  })

  it('a lane never sent anything waits for its first turn', () => {
    expect(turnOutcome(events({ type: 'status', status: 'ready' }))).toEqual({ done: false })
  })
})
