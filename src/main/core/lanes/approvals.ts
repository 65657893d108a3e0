import type { ApprovalPolicy } from '../../../shared/contract'
import type { Answers, LaneEventBody } from '../../../shared/events'

export type ApprovalRequest = Extract<LaneEventBody, { type: 'approval.requested' }>

/** The option main picks on the user's behalf, or undefined to ask the user. Questions are never answered for them. */
export function policyDecision(policy: ApprovalPolicy, request: ApprovalRequest): string | undefined {
  if (policy === 'ask' || request.questions || (policy === 'auto_reads' && !request.readOnly)) return undefined
  const allow = request.options.find((o) => o.kind === 'allow_once') ?? request.options.find((o) => o.kind === 'allow_always')
  return allow?.id
}

/**
 * Checks the answers sent with `optionId`: the option of kind `other` on a request with questions submits
 * them, and then every question needs an answer it can take; any other option takes none.
 * Returns the answers to hand the agent, or why they are refused.
 */
export function checkAnswers(request: ApprovalRequest, optionId: string, answers: Answers | undefined): { ok: true; answers?: Answers } | { ok: false; message: string } {
  const option = request.options.find((o) => o.id === optionId)
  if (!request.questions || option?.kind !== 'other') {
    return answers && Object.keys(answers).length > 0 ? { ok: false, message: `Option ${optionId} takes no answers` } : { ok: true }
  }
  // Question ids are the agent's strings: a Map, so `constructor` is just another id.
  const given = new Map(Object.entries(answers ?? {}))
  const unknown = [...given.keys()].filter((id) => !request.questions!.some((q) => q.id === id))
  if (unknown.length) return { ok: false, message: `No question ${unknown.join(', ')} in request ${request.requestId}` }
  const out: Answers = Object.create(null)
  for (const q of request.questions) {
    const values = (given.get(q.id) ?? []).filter((v) => v.trim() !== '')
    if (values.length === 0) return { ok: false, message: `“${q.question}” needs an answer` }
    if (values.length > 1 && !q.multiSelect) return { ok: false, message: `“${q.question}” takes one answer` }
    const typed = values.filter((v) => !q.options.some((o) => o.label === v))
    if (typed.length > 0 && q.options.length > 0 && !q.other) return { ok: false, message: `“${q.question}” has no option ${JSON.stringify(typed[0])}` }
    out[q.id] = values
  }
  return { ok: true, answers: out }
}

/** The answers as the transcript keeps them: a secret question's typed answer masked. */
export function recordedAnswers(request: ApprovalRequest, answers: Answers): Answers {
  const out: Answers = {}
  for (const [id, values] of Object.entries(answers)) out[id] = request.questions?.find((q) => q.id === id)?.secret ? ['•••'] : values
  return out
}
