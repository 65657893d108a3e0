import { useCallback, useEffect, useRef, useState } from 'react'
import type { Lane } from '../../shared/contract'

export interface Toast {
  id: number
  message: string
  kind: 'error' | 'info'
  /** A button that does what the message is about (e.g. go to the lane that needs the user). */
  action?: { label: string; run(): void }
  /** The lane the error is about: it goes when that lane recovers or goes away. */
  laneId?: string
}

export type LaneHealth = Pick<Lane, 'id' | 'status' | 'archived'>

/**
 * Error toasts that no longer hold: their lane is gone or archived, or it has since moved into a healthy
 * state (`before` → `now` status changed to ready or busy: restarted, resumed, answered).
 */
export function staleToastIds(toasts: readonly Toast[], before: ReadonlyMap<string, Lane['status']>, now: readonly LaneHealth[]): number[] {
  const byId = new Map(now.map((l) => [l.id, l]))
  return toasts
    .filter((t) => {
      if (t.kind !== 'error' || !t.laneId) return false
      const lane = byId.get(t.laneId)
      if (!lane || lane.archived) return true
      const was = before.get(t.laneId)
      return was !== undefined && was !== lane.status && (lane.status === 'ready' || lane.status === 'busy')
    })
    .map((t) => t.id)
}

let nextToastId = 1

/** A list of dismissable messages; the same message shown twice is not stacked. */
export function useToasts() {
  const [toasts, setToasts] = useState<Toast[]>([])
  const push = useCallback((message: string, kind: Toast['kind'] = 'error', action?: Toast['action'], laneId?: string) => {
    setToasts((list) => {
      if (list.some((t) => t.message === message && t.kind === kind)) return list
      return [...list.slice(-4), { id: nextToastId++, message, kind, ...(action ? { action } : {}), ...(laneId ? { laneId } : {}) }]
    })
  }, [])
  const dismiss = useCallback((id: number) => setToasts((list) => list.filter((t) => t.id !== id)), [])
  const dismissAll = useCallback((ids: readonly number[]) => ids.length > 0 && setToasts((list) => list.filter((t) => !ids.includes(t.id))), [])
  return { toasts, push, dismiss, dismissAll }
}

/** Drops error toasts about a lane once it recovers or goes (after the first lane list: before it, every lane looks gone). */
export function useStaleToastSweep(toasts: readonly Toast[], lanes: readonly LaneHealth[], listed: boolean, dismissAll: (ids: readonly number[]) => void): void {
  const before = useRef(new Map<string, Lane['status']>())
  useEffect(() => {
    if (!listed) return
    dismissAll(staleToastIds(toasts, before.current, lanes))
  }, [toasts, lanes, listed, dismissAll])
  useEffect(() => {
    // Statuses as of the last toast check; updated after it so a transition is seen once.
    if (listed) before.current = new Map(lanes.map((l) => [l.id, l.status]))
  }, [lanes, listed])
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
