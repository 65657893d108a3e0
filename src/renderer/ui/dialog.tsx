import { useLayoutEffect, useRef, type ReactNode } from 'react'
import './dialog.css'

/**
 * What every modal dialog does: Esc closes it wherever the focus is (a click on the backdrop's edge or a
 * late re-render can leave it on the page behind); inner forms that handle their own Esc stop it. The
 * listener and the first focus are both set before paint, so a key pressed the moment the dialog shows
 * reaches it. Returns the ref of the element to focus first (unless the focus is already inside).
 */
export function useDialog<T extends HTMLElement>(onClose: () => void) {
  const first = useRef<T>(null)
  const close = useRef(onClose)
  close.current = onClose
  useLayoutEffect(() => {
    const el = first.current
    if (el && !el.closest('[role="dialog"]')?.contains(document.activeElement)) el.focus()
  }, [])
  useLayoutEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      if (e.key === 'Escape' && !e.defaultPrevented) close.current()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])
  return first
}

/** A wide modal panel (settings, profiles): a head with its title, a line under it and a close button. */
export function PanelDialog(props: { id: string; title: string; sub: ReactNode; className: string; closeLabel: string; onClose(): void; children: ReactNode }) {
  const panel = useDialog<HTMLDivElement>(props.onClose)
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}>
      <div className={`dialog dialog-wide ${props.className}`} role="dialog" aria-modal="true" aria-labelledby={props.id} tabIndex={-1} ref={panel}>
        <div className="dialog-head">
          <h2 id={props.id}>{props.title}</h2>
          <span className="dialog-sub">{props.sub}</span>
          <button className="icon-button" aria-label={props.closeLabel} title="Close (Esc)" onClick={props.onClose}>
            ×
          </button>
        </div>
        {props.children}
      </div>
    </div>
  )
}
