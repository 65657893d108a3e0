import { useCallback, useSyncExternalStore } from 'react'
import type { ReviewCommentInput } from './review-model'

export interface PendingComment extends ReviewCommentInput {
  id: number
}

/**
 * Review comments written but not sent yet, per lane. Kept outside the panel so closing and
 * reopening it (or switching files) loses nothing; a reload does.
 */
const pending = new Map<string, PendingComment[]>()
const listeners = new Set<() => void>()
let nextId = 1
const EMPTY: PendingComment[] = []

function set(laneId: string, list: PendingComment[]) {
  if (list.length) pending.set(laneId, list)
  else pending.delete(laneId)
  for (const l of listeners) l()
}

export function usePendingComments(laneId: string) {
  const comments = useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => pending.get(laneId) ?? EMPTY,
  )
  const add = useCallback((c: ReviewCommentInput) => set(laneId, [...(pending.get(laneId) ?? []), { ...c, id: nextId++ }]), [laneId])
  const remove = useCallback((id: number) => set(laneId, (pending.get(laneId) ?? []).filter((c) => c.id !== id)), [laneId])
  const clear = useCallback((ids: readonly number[]) => set(laneId, (pending.get(laneId) ?? []).filter((c) => !ids.includes(c.id))), [laneId])
  return { comments, add, remove, clear }
}
