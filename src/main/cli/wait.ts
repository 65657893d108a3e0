/**
 * `switchyard wait LANE`: returns when the lane's latest turn has completed, with its final message.
 * The decision is pure over the lane's events; `waitForTurn` only feeds it the transcript and the stream.
 */
import type { LaneEvent } from '../../shared/events'
import type { RpcError } from '../../shared/contract'

export type WaitOutcome =
  | { done: true; outcome: 'completed' | 'interrupted' | 'failed'; message: string }
  | { done: false; gone?: string }

/**
 * The latest input's turn, judged from every event so far (in seq order): done once a `turn.completed`
 * follows the last input (or, with no input ever, the last turn); gone when the process ended first.
 */
export function turnOutcome(events: readonly LaneEvent[]): WaitOutcome {
  let lastInput = 0
  for (const e of events) if (e.type === 'input') lastInput = e.seq
  const after = events.filter((e) => e.seq > lastInput)
  const completed = after.find((e) => e.type === 'turn.completed')
  if (completed && completed.type === 'turn.completed') {
    const inTurn = after.filter((e) => e.seq <= completed.seq)
    const messages = inTurn.filter((e) => e.type === 'message' && e.role === 'assistant')
    const last = messages[messages.length - 1]
    const message =
      completed.message ?? (last?.type === 'message' ? last.text : inTurn.map((e) => (e.type === 'text.delta' ? e.text : '')).join(''))
    return { done: true, outcome: completed.outcome, message }
  }
  if (lastInput === 0) {
    // Nothing was ever sent: the last completed turn (a prompt given at creation counts as input).
    const turns = events.filter((e) => e.type === 'turn.completed')
    if (turns.length === 0) return { done: false }
  }
  const ended = after.find((e) => e.type === 'status' && (e.status === 'failed' || e.status === 'exited'))
  if (ended && ended.type === 'status') return { done: false, gone: `Lane ${ended.laneId} ${ended.status} before its turn completed` }
  return { done: false }
}

export interface WaitClient {
  call(method: string, input?: unknown): Promise<{ ok: true; value: unknown } | { ok: false; error: RpcError }>
  subscribe(stream: string, input: unknown, onEvent: (e: unknown) => void): Promise<{ ok: true; value: () => void } | { ok: false; error: RpcError }>
}

export class WaitError extends Error {
  constructor(readonly error: RpcError) {
    super(error.message)
  }
}

/** Subscribes first, then reads the transcript, so no event falls between the two. */
export async function waitForTurn(client: WaitClient, laneId: string, timeoutMs?: number): Promise<Extract<WaitOutcome, { done: true }>> {
  const seen = new Map<number, LaneEvent>()
  let wake: () => void = () => {}
  const sub = await client.subscribe('lanes.events', { laneId }, (e) => {
    const event = e as LaneEvent
    seen.set(event.seq, event)
    wake()
  })
  if (!sub.ok) throw new WaitError(sub.error)
  try {
    for (let after = 0; ; ) {
      const page = await client.call('lanes.transcript', { laneId, after, limit: 10_000 })
      if (!page.ok) throw new WaitError(page.error)
      const { events, next, done } = page.value as { events: LaneEvent[]; next: number; done: boolean }
      for (const e of events) seen.set(e.seq, e)
      if (done || events.length === 0) break
      after = next
    }
    const deadline = timeoutMs === undefined ? undefined : Date.now() + timeoutMs
    for (;;) {
      const state = turnOutcome([...seen.values()].sort((a, b) => a.seq - b.seq))
      if (state.done) return state
      if (state.gone) throw new WaitError({ code: 'not_running', message: state.gone })
      const left = deadline === undefined ? undefined : deadline - Date.now()
      if (left !== undefined && left <= 0) throw new WaitError({ code: 'limit_reached', message: `Lane ${laneId} did not finish its turn within ${timeoutMs} ms` })
      await new Promise<void>((resolve) => {
        const timer = left === undefined ? undefined : setTimeout(resolve, left)
        wake = () => (clearTimeout(timer), resolve())
      })
    }
  } finally {
    sub.value()
  }
}
