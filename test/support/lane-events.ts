import type { LaneEvent } from '../../src/shared/events'

export type EventOf<T extends LaneEvent['type']> = Extract<LaneEvent, { type: T }>

/** The events (or adapters' event bodies) of one type, in order. */
export function ofType<E extends { type: string }, T extends E['type']>(events: readonly E[], type: T): Extract<E, { type: T }>[] {
  return events.filter((e): e is Extract<E, { type: T }> => e.type === type)
}

/** Events split by turn: each from a turn.started on (what comes before the first is dropped). */
export function turns<E extends { type: string }>(events: readonly E[]): E[][] {
  const out: E[][] = []
  for (const e of events) {
    if (e.type === 'turn.started') out.push([])
    out.at(-1)?.push(e)
  }
  return out
}

/** Records every LaneEvent a core emits, with the questions tests ask of them. */
export function eventLog(lanes: { onEvent(listener: (e: LaneEvent) => void): unknown }) {
  const events: LaneEvent[] = []
  lanes.onEvent((e) => events.push(e))
  /** A lane's events after seq `after`. */
  const of = (laneId: string, after = 0) => events.filter((e) => e.laneId === laneId && e.seq > after)
  return {
    events,
    of,
    /** The seq of the lane's newest event: pass it as `after` before acting. */
    mark: (laneId: string) => of(laneId).at(-1)?.seq ?? 0,
    find: <T extends LaneEvent['type']>(laneId: string, type: T, after = 0) => ofType(of(laneId, after), type),
    /** The text the lane streamed after `after`. */
    text: (laneId: string, after = 0) => ofType(of(laneId, after), 'text.delta').map((e) => e.text).join(''),
  }
}

