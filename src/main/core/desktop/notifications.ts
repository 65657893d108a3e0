import type { ApprovalPolicy, Lane, Settings } from '../../../shared/contract'
import type { LaneEvent } from '../../../shared/events'
import { policyDecision } from '../lanes/approvals'

export interface DesktopNotification {
  kind: 'turnCompleted' | 'approvalNeeded' | 'turnFailed' | 'laneFailed'
  /** The lane a click opens the window on. */
  laneId: string
  title: string
  body: string
}

export interface NotifyContext {
  /** The lane's record as it is now (after the event). */
  lane: Lane | undefined
  /** The lane's profile's approval policy: requests it answers itself need no one. */
  policy: ApprovalPolicy
  settings: Pick<Settings, 'notifications'>
  /** The user is looking at the app, which shows all of this already. */
  windowFocused: boolean
}

const MAX_BODY = 200
const clip = (text: string) => {
  const line = text.trim().split('\n')[0] ?? ''
  return line.length > MAX_BODY ? `${line.slice(0, MAX_BODY - 1)}…` : line
}

/**
 * The OS notification (if any) a lane event deserves: a finished turn, an approval only the user can
 * give, a failed turn or a failed lane. Nothing while the window has focus, for turns the user
 * interrupted, for login lanes, or with notifications turned off.
 */
export function notificationFor(event: LaneEvent, ctx: NotifyContext): DesktopNotification | null {
  const lane = ctx.lane
  if (!ctx.settings.notifications || ctx.windowFocused || !lane || lane.purpose === 'login') return null
  const laneId = lane.id
  switch (event.type) {
    case 'turn.completed':
      if (event.outcome === 'completed') {
        const body = lane.background ? 'Its prompt ran to completion; the lane goes to sleep.' : 'The turn is complete.'
        return { kind: 'turnCompleted', laneId, title: `${lane.title} finished`, body }
      }
      if (event.outcome === 'failed') {
        return { kind: 'turnFailed', laneId, title: `${lane.title}: the turn failed`, body: clip(event.message ?? 'The agent reported a failure.') }
      }
      return null
    case 'approval.requested':
      if (policyDecision(ctx.policy, event)) return null
      // A question says what it asks; an approval what it would do.
      if (event.questions) return { kind: 'approvalNeeded', laneId, title: `${lane.title} asks you`, body: clip(event.questions.map((q) => q.question).join(' · ')) }
      return { kind: 'approvalNeeded', laneId, title: `${lane.title} needs your approval`, body: clip(event.title) }
    case 'status':
      if (event.status !== 'failed') return null
      return { kind: 'laneFailed', laneId, title: `${lane.title} failed`, body: clip(lane.exit?.message || 'The agent stopped unexpectedly.') }
    default:
      return null
  }
}
