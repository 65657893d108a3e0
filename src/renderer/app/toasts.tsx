import { useCallback, useEffect, useState } from 'react'

export interface Toast {
  id: number
  message: string
  kind: 'error' | 'info'
  /** A button that does what the message is about (e.g. go to the lane that needs the user). */
  action?: { label: string; run(): void }
}

let nextToastId = 1

/** A list of dismissable messages; the same message shown twice is not stacked. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([])
  const push = useCallback((message: string, kind: Toast['kind'] = 'error', action?: Toast['action']) => {
    setToasts((list) => {
      if (list.some((t) => t.message === message && t.kind === kind)) return list
      return [...list.slice(-4), { id: nextToastId++, message, kind, ...(action ? { action } : {}) }]
    })
  }, [])
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), [])
  return { toasts, push, dismiss }
}

export function Toasts({ toasts, onDismiss }: { toasts: Toast[]; onDismiss: (id: number) => void }) {
  if (toasts.length === 0) return null
  return (
    <div className="toasts" role="region" aria-label="Notifications">
      {toasts.map((t) => (
        <ToastItem key={t.id} toast={t} onDismiss={onDismiss} />
      ))}
    </div>
  )
}

/** Info goes away by itself (it would otherwise cover what is under it); errors stay until dismissed. */
const INFO_MS = 6000

function ToastItem({ toast: t, onDismiss }: { toast: Toast; onDismiss: (id: number) => void }) {
  useEffect(() => {
    if (t.kind !== 'info') return
    const timer = setTimeout(() => onDismiss(t.id), INFO_MS)
    return () => clearTimeout(timer)
  }, [t.id, t.kind, onDismiss])
  return (
    <div className={`toast toast-${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'}>
      <span className="toast-message">{t.message}</span>
      {t.action && (
        <button
          className="button button-small toast-action"
          onClick={() => {
            onDismiss(t.id)
            t.action!.run()
          }}
        >
          {t.action.label}
        </button>
      )}
      <button className="icon-button" aria-label="Dismiss" title="Dismiss" onClick={() => onDismiss(t.id)}>
        ×
      </button>
    </div>
  )
}
