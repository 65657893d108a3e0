import { useCallback, useRef, useState } from 'react'
import type { Lane } from '../../shared/contract'

interface FocusDeps {
  /** Every active lane, in layout order. */
  lanes: Lane[]
  /** The lanes the workspace filter shows. */
  columns: Lane[]
  markSeen(laneId: string): void
  /** Scrolls the layout to follow a lane. */
  follow(laneId: string): void
  setLaneFilter(workspaceId: string | null): void
}

/**
 * Which lane has the focus, and moving it there. Each terminal registers how to focus it; a lane
 * created here is focused once it mounts.
 */
export function useLaneFocus({ lanes, columns, markSeen, follow, setLaneFilter }: FocusDeps) {
  const [focusedLaneChoice, setFocusedLaneId] = useState<string | null>(null)
  const followRef = useRef(follow)
  followRef.current = follow
  const focusers = useRef(new Map<string, () => void>())
  const pendingFocus = useRef<string | null>(null)
  const registerFocus = useCallback((laneId: string, focus: (() => void) | null) => {
    if (!focus) {
      focusers.current.delete(laneId)
      return
    }
    focusers.current.set(laneId, focus)
    if (pendingFocus.current === laneId) {
      pendingFocus.current = null
      requestAnimationFrame(focus)
    }
  }, [])
  // A lane outside the workspace filter is shown by clearing the filter; it mounts, then takes the focus.
  const columnsRef = useRef(columns)
  columnsRef.current = columns
  const focusLane = useCallback(
    (laneId: string) => {
      setFocusedLaneId(laneId)
      markSeen(laneId)
      followRef.current(laneId)
      if (!columnsRef.current.some((l) => l.id === laneId)) setLaneFilter(null)
      const focus = focusers.current.get(laneId)
      if (focus) focus()
      else pendingFocus.current = laneId
      const reveal = () => document.querySelector(`.lane[data-lane-id="${CSS.escape(laneId)}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
      reveal()
      requestAnimationFrame(reveal)
    },
    [markSeen, setLaneFilter],
  )
  // The focused lane, if it still exists.
  const focusedLaneId = lanes.some((l) => l.id === focusedLaneChoice) ? focusedLaneChoice : null
  return { focusedLaneId, setFocusedLaneId, registerFocus, focusLane }
}
