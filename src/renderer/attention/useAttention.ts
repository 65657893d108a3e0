import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { Lane } from '../../shared/contract'
import type { Client } from '../host/client'
import { applyAttentionEvent, attentionItems, ATTENTION_EVENT_TYPES, markSeen, windowTitle, type AttentionItem, type LiveAttention } from './attention-model'

/**
 * What needs the user, for the whole window: one subscription to every lane's events, of the few
 * types that matter (no deltas), plus the lanes' status.
 */
export function useAttention(
  client: Client,
  lanes: readonly Lane[],
  epoch: number,
  reportError: (e: unknown) => void,
): { items: AttentionItem[]; markSeen(laneId: string): void } {
  const [live, setLive] = useState<LiveAttention>([])
  useEffect(
    () =>
      client.subscribe(
        'lanes.events',
        { types: [...ATTENTION_EVENT_TYPES] },
        (event) => setLive((list) => applyAttentionEvent(list, event)),
        reportError,
      ),
    [client, epoch, reportError],
  )
  // A lane that waits on a request this window never saw (asked before a reload or before the window
  // opened): its open requests come from the lane, so they are answered in place like any other.
  const asked = useRef(new Set<string>())
  useEffect(() => {
    for (const lane of lanes) {
      const key = `${epoch}:${lane.id}`
      if (lane.archived || lane.status !== 'waiting') {
        asked.current.delete(key)
        continue
      }
      if (asked.current.has(key) || live.some((i) => i.laneId === lane.id && (i.kind === 'approval' || i.kind === 'question'))) continue
      asked.current.add(key)
      client.call('lanes.pending', { laneId: lane.id }).then(
        (events) => setLive((list) => events.reduce((l, e) => (l.some((i) => i.id === `${e.laneId}:${(e as { requestId?: string }).requestId}`) ? l : applyAttentionEvent(l, e)), list)),
        () => asked.current.delete(key),
      )
    }
  }, [client, epoch, lanes, live])
  const items = useMemo(() => attentionItems(lanes, live), [lanes, live])
  const seen = useCallback((laneId: string) => setLive((list) => markSeen(list, laneId)), [])
  return { items, markSeen: seen }
}

/** The favicon carries the count (a browser tab, the task bar): the brand mark with a red badge. */
export function useAttentionBadge(count: number, client: Client): void {
  useEffect(() => {
    // The dock/taskbar badge (Electron) counts the same items; a host without one just answers ok.
    client.call('app.attention', { count }).catch(() => undefined)
  }, [client, count])
  useEffect(() => {
    document.title = windowTitle(count)
    const link = document.querySelector<HTMLLinkElement>('link[rel="icon"]')
    if (!link) return
    link.href = count > 0 ? badgeIcon(count) : 'data:,'
  }, [count])
}

function badgeIcon(count: number): string {
  const canvas = document.createElement('canvas')
  canvas.width = canvas.height = 32
  const g = canvas.getContext('2d')
  if (!g) return 'data:,'
  g.fillStyle = '#4c8dff'
  for (const x of [4, 12, 20]) g.fillRect(x, 4, 5, 24)
  g.fillStyle = '#e5534b'
  g.beginPath()
  g.arc(22, 10, 10, 0, Math.PI * 2)
  g.fill()
  g.fillStyle = '#fff'
  g.font = 'bold 14px sans-serif'
  g.textAlign = 'center'
  g.textBaseline = 'middle'
  g.fillText(count > 9 ? '9+' : String(count), 22, 11)
  return canvas.toDataURL('image/png')
}

/**
 * Calls `notify` for a lane that starts needing the user while it is not on screen: once per lane
 * until it needs nothing any more, and not for what already waited when the lanes were first listed.
 */
export function useAttentionNotices(
  items: readonly AttentionItem[],
  listed: boolean,
  onScreen: (laneId: string) => boolean,
  notify: (item: AttentionItem) => void,
): void {
  const before = useRef<Set<string> | null>(null)
  const latest = useRef({ onScreen, notify })
  latest.current = { onScreen, notify }
  useEffect(() => {
    const needing = new Set(items.map((i) => i.laneId))
    const previous = before.current
    before.current = listed ? needing : null
    if (!previous) return
    for (const item of items) {
      if (previous.has(item.laneId) || latest.current.onScreen(item.laneId)) continue
      previous.add(item.laneId)
      latest.current.notify(item)
    }
  }, [items, listed])
}
