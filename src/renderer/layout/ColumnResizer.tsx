import { useRef } from 'react'
import { clampWidth, widthAfterKey } from './layout-model'
import './layout.css'

interface Props {
  laneTitle: string
  /** The column's width now (px). */
  width(): number
  /** The lanes area's width (a column never gets wider). */
  areaWidth(): number
  /** A new width, or null to share the space again. */
  onResize(width: number | null): void
}

/** The handle on a column's right edge: drag, arrow keys, or double-click to reset. */
export function ColumnResizer({ laneTitle, width, areaWidth, onResize }: Props) {
  const drag = useRef<{ x: number; width: number } | null>(null)
  return (
    <div
      className="lane-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label={`Resize lane ${laneTitle}`}
      aria-valuenow={Math.round(width())}
      tabIndex={0}
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
