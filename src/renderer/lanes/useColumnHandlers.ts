import { useMemo } from 'react'
import type { Lane } from '../../shared/contract'
import type { UiCommand } from '../app/commands'

interface Deps {
  laneCall(method: 'lanes.stop' | 'lanes.start', lane: Lane): Promise<void>
  closeLane(lane: Lane): Promise<void>
  run(command: UiCommand): void
  resize(laneId: string, width: number | null): void
}

/**
 * The lane columns' handlers, the same functions from render to render: a column is memoised, so it
 * renders when its own lane (or the layout) changes, not with every other lane's usage update.
 */
export function useColumnHandlers({ laneCall, closeLane, run, resize }: Deps) {
  return useMemo(
    () => ({
      onStop: (l: Lane) => void laneCall('lanes.stop', l),
      onRestart: (l: Lane) => void laneCall('lanes.start', l),
      onClose: (l: Lane) => void closeLane(l),
      onRename: (l: Lane, title: string) => run({ type: 'renameLane', laneId: l.id, title }),
      onResize: (l: Lane, width: number | null) => resize(l.id, width),
      onToggleMaximize: (l: Lane) => run({ type: 'toggleMaximize', laneId: l.id }),
    }),
    [laneCall, closeLane, run, resize],
  )
}
