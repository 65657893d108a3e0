import type { ApprovalPolicy } from '../../../shared/contract'
import type { LaneEventBody } from '../../../shared/events'

type ApprovalRequest = Extract<LaneEventBody, { type: 'approval.requested' }>

/** The option main picks on the user's behalf, or undefined to ask the user. */
export function policyDecision(policy: ApprovalPolicy, request: ApprovalRequest): string | undefined {
  if (policy === 'ask' || (policy === 'auto_reads' && !request.readOnly)) return undefined
  const allow = request.options.find((o) => o.kind === 'allow_once') ?? request.options.find((o) => o.kind === 'allow_always')
  return allow?.id
}
