import { expect } from 'vitest'
import type { Profile } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { waitFor, type TestCore } from './core'

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

/** Drives lanes of `profile` on `core`: its event log, plus a lane that must start ready and a turn that waits for its end. */
export function laneDriver(core: TestCore, profile: Profile) {
  const log = eventLog(core.lanes)
  const lane = async () => {
    const l = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    expect(l.status).toBe('ready')
    return l
  }
  /** Sends and waits for the turn after the lane's newest event to end. */
  const turn = async (laneId: string, input: string) => {
    const after = log.mark(laneId)
    await core.lanes.send(laneId, input)
    const done = await waitFor('turn completed', () => log.find(laneId, 'turn.completed', after)[0])
    return { after, done }
  }
  return { c: core, profile, ...log, lane, turn }
}
