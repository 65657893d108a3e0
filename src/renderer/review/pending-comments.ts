import { useCallback, useEffect, useSyncExternalStore } from 'react'
import type { Client } from '../host/client'
import { useApp } from '../app/context'
import type { ReviewCommentInput } from './review-model'

export interface PendingComment extends ReviewCommentInput {
  id: number
}

interface LaneDrafts {
  comments: PendingComment[]
  /**
   * Whether main's saved drafts have been read. Until then nothing is written back (it would
   * replace them); comments added meanwhile are merged in when they arrive.
   */
  loaded: boolean
  loading: boolean
}

/**
 * Review comments written but not sent yet, per lane. Main keeps them (`review.drafts`), so a reload
 * or a restart loses nothing; this is the renderer's copy, read once per lane and written through on
 * every change.
 */
const drafts = new Map<string, LaneDrafts>()
const listeners = new Set<() => void>()
let nextId = 1
const EMPTY: PendingComment[] = []

function stateOf(laneId: string): LaneDrafts {
  let state = drafts.get(laneId)
  if (!state) drafts.set(laneId, (state = { comments: [], loaded: false, loading: false }))
  return state
}

function changed() {
  for (const l of listeners) l()
}

function withIds(comments: readonly ReviewCommentInput[]): PendingComment[] {
  return comments.map((c) => ({ ...c, id: nextId++ }))
}

function save(client: Client, laneId: string, comments: readonly PendingComment[], onError: (e: unknown) => void) {
  client.call('review.saveDrafts', { laneId, comments: comments.map(({ id: _id, ...c }) => c) }).catch(onError)
}

async function load(client: Client, laneId: string, onError: (e: unknown) => void) {
  const state = stateOf(laneId)
  if (state.loaded || state.loading) return
  state.loading = true
  try {
    const saved = await client.call('review.drafts', { laneId })
    const addedMeanwhile = state.comments
    state.comments = [...withIds(saved.comments), ...addedMeanwhile]
    state.loaded = true
    if (addedMeanwhile.length) save(client, laneId, state.comments, onError)
    changed()
  } catch (e) {
    // Not loaded: the next use tries again, and nothing overwrites what main may still hold.
    onError(e)
  } finally {
    state.loading = false
  }
}

function set(client: Client, laneId: string, comments: PendingComment[], onError: (e: unknown) => void) {
  const state = stateOf(laneId)
  state.comments = comments
  if (state.loaded) save(client, laneId, comments, onError)
  changed()
}

export function usePendingComments(laneId: string) {
  const { client, reportError } = useApp()
  useEffect(() => void load(client, laneId, reportError), [client, laneId, reportError])
  const comments = useSyncExternalStore(
    (l) => {
      listeners.add(l)
      return () => listeners.delete(l)
    },
    () => drafts.get(laneId)?.comments ?? EMPTY,
  )
  const update = useCallback(
    (next: (current: PendingComment[]) => PendingComment[]) => set(client, laneId, next(stateOf(laneId).comments), reportError),
    [client, laneId, reportError],
  )
  const add = useCallback((c: ReviewCommentInput) => update((list) => [...list, ...withIds([c])]), [update])
  const remove = useCallback((id: number) => update((list) => list.filter((c) => c.id !== id)), [update])
  const clear = useCallback((ids: readonly number[]) => update((list) => list.filter((c) => !ids.includes(c.id))), [update])
  return { comments, add, remove, clear }
}
