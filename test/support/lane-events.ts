import type { LaneEvent } from '../../src/shared/events'

export type EventOf<T extends LaneEvent['type']> = Extract<LaneEvent, { type: T }>

/** The events of one type, in order. */
export function ofType<T extends LaneEvent['type']>(events: readonly LaneEvent[], type: T): EventOf<T>[] {
  return events.filter((e): e is EventOf<T> => e.type === type)
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
