import type { Lane } from '../../shared/contract'
import type { LaneEvent } from '../../shared/events'

type ApprovalOption = Extract<LaneEvent, { type: 'approval.requested' }>['options'][number]
import { exitSummary } from '../lanes/lane-state'

/**
 * What needs the user, across every lane and workspace. Driven by the normalized lane events and the
 * lane status, so it is the same for every agent kind. Pure: the window keeps the state.
 */
export type AttentionKind = 'approval' | 'question' | 'turnFailed' | 'laneFailed' | 'backgroundDone'

export interface AttentionItem {
  /** Stable while the thing is open: `lane:request` for a request, `lane:kind` otherwise. */
  id: string
  laneId: string
  kind: AttentionKind
  text: string
  at: number
  /** An approval (not a question) answerable from the inbox: its request and its once-options. */
  answer?: { requestId: string; options: ApprovalOption[] }
}

/** The choices the inbox offers in place: allow once and reject once (the rest need the card). */
function inPlaceOptions(options: readonly ApprovalOption[]): ApprovalOption[] {
  return options.filter((o) => o.kind === 'allow_once' || o.kind === 'reject_once')
}

/** The only event types the attention model reads (the window subscribes to these, for every lane). */
export const ATTENTION_EVENT_TYPES = ['approval.requested', 'approval.resolved', 'turn.started', 'turn.completed'] as const

/** Items learnt from events; requests stay until resolved, a failed or finished turn until the lane is seen. */
export type LiveAttention = readonly AttentionItem[]

export function applyAttentionEvent(live: LiveAttention, event: LaneEvent): LiveAttention {
  const laneId = event.laneId
  switch (event.type) {
    case 'approval.requested': {
      const id = `${laneId}:${event.requestId}`
      const options = event.questions ? [] : inPlaceOptions(event.options)
      const item: AttentionItem = {
        id,
        laneId,
        kind: event.questions ? 'question' : 'approval',
        text: event.title,
        at: event.at,
        ...(options.length > 0 ? { answer: { requestId: event.requestId, options } } : {}),
      }
      return [...live.filter((i) => i.id !== id), item]
    }
    case 'approval.resolved':
      return live.filter((i) => i.id !== `${laneId}:${event.requestId}`)
    case 'turn.started':
      return dropTurnOutcomes(live, laneId)
    case 'turn.completed': {
      const rest = dropTurnOutcomes(live, laneId)
      if (event.outcome === 'failed') {
        return [...rest, { id: `${laneId}:turnFailed`, laneId, kind: 'turnFailed', text: event.message || 'The turn failed', at: event.at }]
      }
      // Kept for every lane; only a background lane's counts (see attentionItems: the lane record says).
      if (event.outcome === 'completed') {
        return [...rest, { id: `${laneId}:backgroundDone`, laneId, kind: 'backgroundDone', text: 'Finished in the background', at: event.at }]
      }
      return rest
    }
    default:
      return live
  }
}

function dropTurnOutcomes(live: LiveAttention, laneId: string): LiveAttention {
  return live.filter((i) => i.laneId !== laneId || (i.kind !== 'turnFailed' && i.kind !== 'backgroundDone'))
}

/** The user looked at the lane: what only informed them (a failed or finished turn) is done. */
export function markSeen(live: LiveAttention, laneId: string): LiveAttention {
  const next = dropTurnOutcomes(live, laneId)
  return next.length === live.length ? live : next
}

/**
 * Every item, newest first. The lane's status is the truth for what is still open: a request counts
 * only while its lane waits (a reload or a missed event cannot leave a stale one), a waiting lane
 * whose request we did not see (it was asked before this window opened) still shows, and a failed
 * lane is an item of its own.
 */
export function attentionItems(lanes: readonly Lane[], live: LiveAttention): AttentionItem[] {
  const byId = new Map(lanes.filter((l) => !l.archived).map((l) => [l.id, l]))
  const out: AttentionItem[] = []
  for (const item of live) {
    const lane = byId.get(item.laneId)
    if (!lane) continue
    const request = item.kind === 'approval' || item.kind === 'question'
    if (request && lane.status !== 'waiting') continue
    if (item.kind === 'backgroundDone' && !lane.background) continue
    out.push(item)
  }
  for (const lane of byId.values()) {
    if (lane.status === 'waiting' && !out.some((i) => i.laneId === lane.id && (i.kind === 'approval' || i.kind === 'question'))) {
      out.push({ id: `${lane.id}:waiting`, laneId: lane.id, kind: 'approval', text: 'Waiting for you', at: lane.lastActivityAt })
    }
    if (lane.status === 'failed') {
      out.push({ id: `${lane.id}:laneFailed`, laneId: lane.id, kind: 'laneFailed', text: exitSummary(lane), at: lane.lastActivityAt })
    }
  }
  return out.sort((a, b) => b.at - a.at || a.id.localeCompare(b.id))
}

/** The next lane after `current` (in column order, wrapping) that has an item; the current one last. */
export function nextAttentionLane(items: readonly AttentionItem[], order: readonly string[], current: string | null): string | null {
  const needing = new Set(items.map((i) => i.laneId))
  if (needing.size === 0) return null
  const start = current ? order.indexOf(current) : -1
  for (let step = 1; step <= order.length; step++) {
    const id = order[(start + step + order.length) % order.length]
    if (needing.has(id)) return id
  }
  return null
}

/** The window's title: the count of what needs the user first, so it shows in the task bar. */
export function windowTitle(count: number, base = 'Switchyard'): string {
  return count > 0 ? `(${count}) ${base}` : base
}

export const KIND_LABEL: Record<AttentionKind, string> = {
  approval: 'Approval',
  question: 'Question',
  turnFailed: 'Turn failed',
  laneFailed: 'Lane failed',
  backgroundDone: 'Done',
}
