import { useCallback, useRef } from 'react'
import type { Lane } from '../../shared/contract'
import type { Client } from '../host/client'
import type { Overlay } from '../app/commands'
import { unsentDraft } from '../agent/composer-draft'
import { activeLanes } from '../history/history-model'
import type { CloseChoice } from './CloseLaneDialog'
import { closeConcerns } from './close-lane'
import { neighbourAfterClose, upsertLane } from './lane-state'

interface CloseDeps {
  client: Client
  reportError(e: unknown, about?: { laneId?: string }): void
  lanes: Lane[]
  focusedLaneId: string | null
  setLanes(update: (list: Lane[]) => Lane[]): void
  focusLane(laneId: string): void
  setFocusedLaneId(laneId: string | null): void
  setOverlay(overlay: Overlay | null): void
}

/** Closing a lane: ask first when it would lose something, then archive it (or delete it with its worktree). */
export function useCloseLane({ client, reportError, lanes, focusedLaneId, setLanes, focusLane, setFocusedLaneId, setOverlay }: CloseDeps) {
  // Closing archives the lane (reopenable from History → Archived); only deleting its worktree deletes it.
  const finishClose = useCallback(
    async (lane: Lane, choice: CloseChoice = { how: 'archive' }) => {
      const next = neighbourAfterClose(activeLanes(lanes), lane.id)
      try {
        if (choice.how === 'delete') {
          await client.call('lanes.remove', { laneId: lane.id, worktree: 'delete', deleteBranch: choice.deleteBranch })
          setLanes((list) => list.filter((l) => l.id !== lane.id))
        } else {
          const archived = await client.call('lanes.archive', { laneId: lane.id })
          setLanes((list) => upsertLane(list, archived))
        }
        if (focusedLaneId === lane.id || focusedLaneId === null) {
          if (next) focusLane(next)
          else setFocusedLaneId(null)
        }
      } catch (e) {
        reportError(e)
      }
    },
    [client, reportError, lanes, focusedLaneId, setLanes, focusLane],
  )
  // A running process, unsent text or a worktree of its own: ask first. The same function on every
  // render (the lane columns' close button: a new one would render every column).
  const finishLatest = useRef(finishClose)
  finishLatest.current = finishClose
  const closeLane = useCallback(
    async (lane: Lane) => {
      const concerns = closeConcerns(lane, unsentDraft(lane.id))
      if (lane.worktree || concerns.length > 0) setOverlay({ kind: 'closeLane', lane, concerns })
      else await finishLatest.current(lane)
    },
    [setOverlay],
  )
  return { finishClose, closeLane }
}
