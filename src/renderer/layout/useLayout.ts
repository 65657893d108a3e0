import { useCallback, useEffect } from 'react'
import { useStoredState } from '../ui/stored-state'
import { EMPTY_LAYOUT, moveInOrder, pruneLayout, togglePinned, withWidth, type Layout } from './layout-model'

/** The columns' widths and the maximised lane, kept across reloads and restarts (localStorage). */
export function useLayout(laneIds: readonly string[], listed: boolean) {
  const [layout, setLayout] = useStoredState<Layout>('switchyard.layout', EMPTY_LAYOUT)
  const key = laneIds.join(' ')
  // Lanes that are gone leave the stored layout (only once the lanes are known).
  useEffect(() => {
    if (listed) setLayout(pruneLayout(layout, laneIds))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, listed])
  const resize = useCallback((laneId: string, width: number | null) => setLayout(withWidth(layout, laneId, width)), [layout, setLayout])
  const toggleMaximize = useCallback(
    (laneId: string) => setLayout({ ...layout, maximized: layout.maximized === laneId ? null : laneId }),
    [layout, setLayout],
  )
  /** A maximised view follows the focus to another lane. */
  const follow = useCallback(
    (laneId: string) => {
      if (layout.maximized && layout.maximized !== laneId) setLayout({ ...layout, maximized: laneId })
    },
    [layout, setLayout],
  )
  /** Moves a lane before another in the column order (`ids`: that order now). */
  const move = useCallback(
    (ids: readonly string[], laneId: string, beforeId: string | null) => setLayout({ ...layout, order: moveInOrder(ids, laneId, beforeId) }),
    [layout, setLayout],
  )
  const pin = useCallback((laneId: string) => setLayout(togglePinned(layout, laneId)), [layout, setLayout])
  return { layout, resize, toggleMaximize, follow, move, pin }
}
