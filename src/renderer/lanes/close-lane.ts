/** What closing a lane would lose, so the close asks first. Pure, no DOM. */
import type { Lane } from '../../shared/contract'

/**
 * Reasons to ask before closing: a process that is still running (a shell, an agent mid-turn or
 * waiting for an answer) or text typed and not sent. Empty: close without asking.
 */
export function closeConcerns(lane: Pick<Lane, 'kind' | 'status'>, unsentDraft: string): string[] {
  const concerns: string[] = []
  const live = lane.status === 'starting' || lane.status === 'ready' || lane.status === 'busy' || lane.status === 'waiting'
  if (lane.kind === 'terminal') {
    if (live) concerns.push('Its shell is still running; closing ends it and whatever runs in it.')
  } else if (lane.status === 'busy' || lane.status === 'starting') {
    concerns.push('The agent is working on a turn; closing stops it midway.')
  } else if (lane.status === 'waiting') {
    concerns.push('The agent is waiting for your answer.')
  }
  if (unsentDraft.trim()) concerns.push('Its composer has text you have not sent (kept for when you reopen it).')
  return concerns
}
