/** A request the agent retries shows as one error card with its count, and a failed turn offers Retry. */
import { describe, expect, test } from 'vitest'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'
import { applyEvents, emptyTranscript, type ItemOf } from '../../src/renderer/agent/transcript-model'

const fold = (...bodies: LaneEventBody[]) =>
  applyEvents(
    emptyTranscript(),
    bodies.map((b, i) => ({ ...b, laneId: 'l', seq: i + 1, at: (i + 1) * 1000 }) as LaneEvent),
  ).items

describe('retries', () => {
  test('pi: every auto-retry folds into one card that counts them; the failed turn offers the prompt again', () => {
    const items = fold(
      { type: 'input', text: 'fix the build' },
      { type: 'turn.started' },
      { type: 'error', message: '429 rate limited', retry: { attempt: 1, maxAttempts: 3 } },
      { type: 'error', message: '429 rate limited', retry: { attempt: 2, maxAttempts: 3 } },
      { type: 'error', message: '503 overloaded', retry: { attempt: 3, maxAttempts: 3 } },
      { type: 'turn.completed', outcome: 'failed', message: '503 overloaded' },
    )
    expect(items.map((i) => i.kind)).toEqual(['input', 'error', 'turn'])
    const card = items[1] as ItemOf<'error'>
    expect(card).toMatchObject({ message: '503 overloaded', retries: 3, retrying: false, retryPrompt: 'fix the build' })
  })

  test('Codex: "willRetry" errors and then the final error are one card, in order before the one turn line', () => {
    const items = fold(
      { type: 'input', text: 'hello' },
      { type: 'turn.started' },
      { type: 'error', message: 'stream disconnected', fatal: false, retry: {} },
      { type: 'error', message: 'stream disconnected', fatal: false, retry: {} },
      { type: 'error', message: 'stream disconnected: gave up', fatal: false },
      { type: 'turn.completed', outcome: 'failed' },
    )
    expect(items.map((i) => i.kind)).toEqual(['input', 'error', 'turn'])
    expect(items[1]).toMatchObject({ message: 'stream disconnected: gave up', retries: 2, retrying: false, retryPrompt: 'hello' })
  })

  test('while retrying the card says so; unrelated errors stay separate cards without Retry', () => {
    const retrying = fold({ type: 'input', text: 'x' }, { type: 'turn.started' }, { type: 'error', message: 'busy', retry: { attempt: 1 } })
    expect(retrying[1]).toMatchObject({ retries: 1, retrying: true })
    expect((retrying[1] as ItemOf<'error'>).retryPrompt).toBeUndefined()
    const plain = fold({ type: 'error', message: 'a' }, { type: 'error', message: 'b' })
    expect(plain.map((i) => (i as ItemOf<'error'>).message)).toEqual(['a', 'b'])
    expect(plain.every((i) => (i as ItemOf<'error'>).retries === undefined)).toBe(true)
  })
})
