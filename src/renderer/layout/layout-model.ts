/** Pure decisions of the column layout: widths the user set, and what a key does to one. */

export const MIN_COLUMN = 280
export const DEFAULT_COLUMN = 360

export interface Layout {
  /** laneId → width in px the user dragged it to; absent: the column shares the space (≥ 360 px). */
  widths: Record<string, number>
  /** The lane that takes the whole lanes area, if any. */
  maximized: string | null
  /** Lane ids in the order the user put them (lanes not in it follow, oldest first). */
  order?: string[]
  /** Pinned lanes come first. */
  pinned?: string[]
}

export const EMPTY_LAYOUT: Layout = { widths: {}, maximized: null }

/** The lanes in column order: pinned first, then the user's order, then the rest as they came. */
export function orderLanes<T extends { id: string }>(lanes: readonly T[], layout: Pick<Layout, 'order' | 'pinned'>): T[] {
  const pinned = new Set(layout.pinned ?? [])
  const rank = new Map((layout.order ?? []).map((id, i) => [id, i]))
  const at = new Map(lanes.map((l, i) => [l.id, i]))
  const key = (l: T) => rank.get(l.id) ?? Number.MAX_SAFE_INTEGER
  return [...lanes].sort(
    (a, b) => Number(pinned.has(b.id)) - Number(pinned.has(a.id)) || key(a) - key(b) || at.get(a.id)! - at.get(b.id)!,
  )
}

/** `laneId` moved to just before `beforeId` (null: to the end) in the current column order `ids`. */
export function moveInOrder(ids: readonly string[], laneId: string, beforeId: string | null): string[] {
  const rest = ids.filter((id) => id !== laneId)
  const i = beforeId === null ? rest.length : rest.indexOf(beforeId)
  if (i < 0) return [...ids]
  return [...rest.slice(0, i), laneId, ...rest.slice(i)]
}

export function togglePinned(layout: Layout, laneId: string): Layout {
  const pinned = layout.pinned ?? []
  return { ...layout, pinned: pinned.includes(laneId) ? pinned.filter((id) => id !== laneId) : [...pinned, laneId] }
}

export function clampWidth(width: number, areaWidth: number): number {
  const max = Math.max(MIN_COLUMN, areaWidth)
  return Math.round(Math.min(max, Math.max(MIN_COLUMN, Number.isFinite(width) ? width : DEFAULT_COLUMN)))
}

/** Arrow keys on a column's resize handle: 32 px a press, 128 with Shift; Home/End the narrowest/widest. */
export function widthAfterKey(key: string, shift: boolean, width: number, areaWidth: number): number | null {
  const step = shift ? 128 : 32
  if (key === 'ArrowLeft') return clampWidth(width - step, areaWidth)
  if (key === 'ArrowRight') return clampWidth(width + step, areaWidth)
  if (key === 'Home') return MIN_COLUMN
  if (key === 'End') return clampWidth(areaWidth, areaWidth)
  return null
}

export function withWidth(layout: Layout, laneId: string, width: number | null): Layout {
  const widths = { ...layout.widths }
  if (width === null) delete widths[laneId]
  else widths[laneId] = width
  return { ...layout, widths }
}

/** Forgets lanes that are gone, so the stored layout does not grow forever. */
export function pruneLayout(layout: Layout, laneIds: readonly string[]): Layout {
  const keep = new Set(laneIds)
  const widths = Object.fromEntries(Object.entries(layout.widths).filter(([id]) => keep.has(id)))
  const maximized = layout.maximized && keep.has(layout.maximized) ? layout.maximized : null
  const order = layout.order?.filter((id) => keep.has(id))
  const pinned = layout.pinned?.filter((id) => keep.has(id))
  const same =
    Object.keys(widths).length === Object.keys(layout.widths).length &&
    maximized === layout.maximized &&
    order?.length === layout.order?.length &&
    pinned?.length === layout.pinned?.length
  if (same) return layout
  return { widths, maximized, ...(order ? { order } : {}), ...(pinned ? { pinned } : {}) }
}
