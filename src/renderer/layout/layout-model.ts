/** Pure decisions of the column layout: widths the user set, and what a key does to one. */

export const MIN_COLUMN = 280
export const DEFAULT_COLUMN = 360

export interface Layout {
  /** laneId → width in px the user dragged it to; absent: the column shares the space (≥ 360 px). */
  widths: Record<string, number>
  /** The lane that takes the whole lanes area, if any. */
  maximized: string | null
}

export const EMPTY_LAYOUT: Layout = { widths: {}, maximized: null }

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
  if (Object.keys(widths).length === Object.keys(layout.widths).length && maximized === layout.maximized) return layout
  return { widths, maximized }
}
