import type { Lane, LaneStatusEvent } from '../../shared/contract'
import type { LaneStatus } from '../../shared/events'

/** Lanes in column order: oldest first. */
export function sortLanes(lanes: readonly Lane[]): Lane[] {
  return [...lanes].sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))
}

export function upsertLane(lanes: readonly Lane[], lane: Lane): Lane[] {
  const i = lanes.findIndex((l) => l.id === lane.id)
  if (i < 0) return sortLanes([...lanes, lane])
  const next = [...lanes]
  next[i] = lane
  return next
}

export function applyStatusEvent(lanes: readonly Lane[], event: LaneStatusEvent): Lane[] {
  if (event.type === 'upsert') return upsertLane(lanes, event.lane)
  return lanes.filter((l) => l.id !== event.laneId)
}

/** Whether the lane has a process that Stop would end. */
export function isRunning(status: LaneStatus): boolean {
  return status === 'starting' || status === 'ready' || status === 'busy' || status === 'waiting'
}

/** Whether the lane is over and Restart makes sense. */
export function isEnded(status: LaneStatus): boolean {
  return status === 'exited' || status === 'failed'
}

/** After closing the lane at `index`, which lane should take the focus. */
export function neighbourAfterClose(lanes: readonly Lane[], laneId: string): string | null {
  const i = lanes.findIndex((l) => l.id === laneId)
  if (i < 0) return null
  const rest = lanes.filter((l) => l.id !== laneId)
  if (rest.length === 0) return null
  return rest[Math.min(i, rest.length - 1)].id
}

export function exitSummary(lane: Lane): string {
  const exit = lane.exit
  if (!exit) return lane.status === 'failed' ? 'The lane failed.' : 'The process exited.'
  if (exit.message) return exit.message
  if (exit.signal) return `Killed by ${exit.signal}.`
  if (exit.exitCode !== null) return `Exited with code ${exit.exitCode}.`
  return 'The process exited.'
}

const CELL_WIDTH = 7.8
const CELL_HEIGHT = 17

/**
 * A first guess at a new lane's terminal size (the terminal fits and resizes once shown):
 * the lanes area shared by one more column, each at least `minColumn` wide.
 */
export function estimateTerminalSize(
  area: { width: number; height: number },
  columns: number,
  minColumn = 360,
): { cols: number; rows: number } {
  const width = Math.max(minColumn, area.width / Math.max(1, columns)) - 16
  const height = area.height - 64
  return {
    cols: clamp(Math.floor(width / CELL_WIDTH), 20, 1000),
    rows: clamp(Math.floor(height / CELL_HEIGHT), 5, 500),
  }
}

function clamp(n: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Number.isFinite(n) ? n : min))
}
