import { useRef, useState } from 'react'
import { clampWidth, widthAfterKey } from './layout-model'
import './layout.css'

interface Props {
  laneTitle: string
  /** The column's width now (px): reads layout, so only on the user's action. */
  width(): number
  /** The width the user set (px), if any: what the handle reports without reading layout. */
  setWidth?: number
  /** The lanes area's width (a column never gets wider). */
  areaWidth(): number
  /** A new width, or null to share the space again. */
  onResize(width: number | null): void
}

/** The handle on a column's right edge: drag, arrow keys, or double-click to reset. */
export function ColumnResizer({ laneTitle, width, setWidth, areaWidth, onResize }: Props) {
  const drag = useRef<{ x: number; width: number } | null>(null)
  // A shared column's width is measured when the handle gets focus, never while rendering: lane
  // columns re-render with every status change, and a layout read there costs a layout per column.
  const [measured, setMeasured] = useState<number | undefined>(undefined)
  const valueNow = setWidth ?? measured
  return (
    <div
      className="lane-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize lane ${laneTitle}`}
      aria-valuenow={valueNow === undefined ? undefined : Math.round(valueNow)}
      tabIndex={0}
      onFocus={() => setMeasured(width())}
      title="Drag to resize · double-click to reset"
      onPointerDown={(e) => {
        if (e.button !== 0) return
        e.preventDefault()
        e.currentTarget.setPointerCapture(e.pointerId)
        drag.current = { x: e.clientX, width: width() }
      }}
      onPointerMove={(e) => {
        if (!drag.current) return
        onResize(clampWidth(drag.current.width + e.clientX - drag.current.x, areaWidth()))
      }}
      onPointerUp={(e) => {
        drag.current = null
        e.currentTarget.releasePointerCapture(e.pointerId)
      }}
      onDoubleClick={() => onResize(null)}
      onKeyDown={(e) => {
        const next = widthAfterKey(e.key, e.shiftKey, width(), areaWidth())
        if (next === null) return
        e.preventDefault()
        e.stopPropagation()
        onResize(next)
      }}
      onMouseDown={(e) => e.stopPropagation()}
    />
  )
}
