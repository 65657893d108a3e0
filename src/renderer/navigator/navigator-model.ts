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
