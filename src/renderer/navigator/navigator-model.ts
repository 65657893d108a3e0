import type { Lane } from '../../shared/contract'

/** Pure decisions of the lane navigator: which lanes show as columns, and which lane is next. */

/** The columns: every lane, or only the lanes of the workspace the user picked. */
export function visibleLanes(lanes: readonly Lane[], workspaceFilter: string | null): Lane[] {
  return workspaceFilter ? lanes.filter((l) => l.workspaceId === workspaceFilter) : [...lanes]
}

/** The lane `step` places from `current` in `order`, wrapping; the first (or last) when none is current. */
export function laneAfter(order: readonly string[], current: string | null, step: 1 | -1): string | null {
  if (order.length === 0) return null
  const i = current ? order.indexOf(current) : -1
  if (i < 0) return step > 0 ? order[0] : order[order.length - 1]
  return order[(i + step + order.length) % order.length]
}

/** Compact usage for a list row: `12.3k · $0.07`, or '' when the agent reports none. */
export function usageBrief(usage: Lane['usage']): string {
  if (!usage) return ''
  const tokens = (usage.inputTokens ?? 0) + (usage.outputTokens ?? 0)
  const parts: string[] = []
  if (tokens > 0) parts.push(compact(tokens))
  if (usage.costUsd !== undefined && usage.costUsd > 0) parts.push(`$${usage.costUsd < 10 ? usage.costUsd.toFixed(2) : usage.costUsd.toFixed(0)}`)
  return parts.join(' · ')
}

function compact(n: number): string {
  if (n < 1000) return String(n)
  if (n < 1_000_000) return `${(n / 1000).toFixed(n < 10_000 ? 1 : 0)}k`
  return `${(n / 1_000_000).toFixed(1)}M`
}

/** A lane's row in the navigator: how deep it sits under the lanes that created it, and its parent. */
export interface NavRow {
  lane: Lane
  /** 0 for a top-level lane; a child lane is one deeper than the row it sits under. */
  depth: number
  /** The lane whose agent created this one, when it still exists (in any workspace). */
  parent?: Lane
}

/**
 * The rows in navigator order: each lane created by an agent right under its parent (children in their
 * own column order), so a fan-out reads as one group. A child whose parent is not among `lanes` (another
 * workspace, closed) stays at the top level and still names its parent; a parent cycle cannot hide lanes.
 */
export function navRows(lanes: readonly Lane[], all: readonly Lane[] = lanes): NavRow[] {
  const byId = new Map(all.map((l) => [l.id, l]))
  const shown = new Set(lanes.map((l) => l.id))
  const children = new Map<string, Lane[]>()
  const roots: Lane[] = []
  for (const lane of lanes) {
    const p = lane.parentLaneId
    if (p && p !== lane.id && shown.has(p)) children.set(p, [...(children.get(p) ?? []), lane])
    else roots.push(lane)
  }
  const rows: NavRow[] = []
  const placed = new Set<string>()
  const place = (lane: Lane, depth: number) => {
    if (placed.has(lane.id)) return
    placed.add(lane.id)
    const parent = lane.parentLaneId && lane.parentLaneId !== lane.id ? byId.get(lane.parentLaneId) : undefined
    rows.push({ lane, depth, ...(parent ? { parent } : {}) })
    for (const child of children.get(lane.id) ?? []) place(child, depth + 1)
  }
  for (const lane of roots) place(lane, 0)
  // Lanes in a parent cycle have no root: show them rather than lose them.
  for (const lane of lanes) place(lane, 0)
  return rows
}
