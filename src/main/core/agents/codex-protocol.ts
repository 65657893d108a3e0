import type { Answers, LaneEventBody, Question } from '../../../shared/events'
import { JsonRpcError, RpcErrorCode } from '../transport/jsonrpc'

/**
 * Codex `app-server`: JSON-RPC over stdio, without the "jsonrpc" field (protocols/README.md).
 *   → initialize / initialized, thread/start | thread/resume, turn/start, turn/steer, turn/interrupt,
 *     answers to the server's approval requests.
 *   ← turn/started, item/started|completed (agentMessage, commandExecution, fileChange, reasoning …),
 *     item/agentMessage/delta, thread/tokenUsage/updated, turn/completed, serverRequest/resolved, and
 *     server→client requests item/commandExecution/requestApproval, item/fileChange/requestApproval,
 *     item/tool/requestUserInput …
 *
 * One app-server process per lane, hosting that lane's one thread. A process could host many threads,
 * but the lane is the unit the manager spawns, limits, reaps and kills: sharing would tie lanes'
 * crashes, stops and memory together for ~157 MB saved per extra idle lane, and idle lanes are reaped.
 *
 * Threads always start in an asking mode (approvalPolicy "untrusted": every command not known to be
 * safe asks), so main sees each request; the lane's policy (ask / auto_reads / auto_all) answers for
 * the user where it may. Commands run in codex's workspace-write sandbox.
 */

export type Json = Record<string, any>
type Body = LaneEventBody
type ToolKind = NonNullable<Extract<Body, { type: 'tool.started' }>['toolKind']>
type ToolStatus = Extract<Body, { type: 'tool.completed' }>['status']
type Option = Extract<Body, { type: 'approval.requested' }>['options'][number]
type Usage = NonNullable<Extract<Body, { type: 'usage' }>['total']>
type ToolFields = Omit<Extract<Body, { type: 'tool.started' }>, 'type'>

export const APPROVAL_POLICY = 'untrusted'
export const SANDBOX = 'workspace-write'
export const CLIENT_INFO = { name: 'switchyard', title: 'Switchyard', version: '0.1.0' }
/** Output kept in tool.updated events (the completed event carries codex's own aggregate). */
const LIVE_OUTPUT_CHARS = 64 * 1024

export const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** What codex's collaboration modes do, for the mode picker (codex lists names only). */
export const MODE_NOTES: Record<string, string> = {
  default: 'Works on the task',
  plan: 'Plans with you first, asking questions; changes nothing',
}

/** `/bin/bash -lc 'cmd'` → `cmd`: what the model asked for, as the user would type it. */
export function unwrapShell(command: string): string {
  const m = /^\S*\/(?:ba|z)?sh -l?c '((?:[^']|'\\'')*)'$/s.exec(command)
  return m ? m[1].replace(/'\\''/g, "'") : command
}

function displayCommand(command: string, actions: Json[]): string {
  if (actions.length === 1 && typeof actions[0]?.command === 'string') return actions[0].command
  return unwrapShell(command)
}

/** Reads and searches only: granting them lets the agent merely look. */
function readsOnly(actions: unknown, shown: string): boolean {
  if (!Array.isArray(actions) || actions.length === 0) return false
  if (/[>`]|\$\(/.test(shown)) return false
  return actions.every((a) => isObj(a) && (a.type === 'read' || a.type === 'listFiles' || a.type === 'search'))
}

function commandKind(actions: Json[]): ToolKind {
  if (actions.length > 0 && actions.every((a) => a.type === 'read')) return 'read'
  if (actions.length > 0 && actions.every((a) => a.type === 'read' || a.type === 'listFiles' || a.type === 'search')) return 'search'
  return 'execute'
}

function toolStatus(status: unknown): ToolStatus {
  return status === 'declined' ? 'declined' : status === 'failed' || status === 'inProgress' ? 'failed' : 'completed'
}

function filesOf(changes: unknown): { path: string; diff?: string }[] {
  if (!Array.isArray(changes)) return []
  return changes.filter(isObj).map((c) => {
    const move = isObj(c.kind) && typeof c.kind.move_path === 'string' ? c.kind.move_path : undefined
    return { path: move ? `${str(c.path) ?? ''} → ${move}` : str(c.path) ?? '', ...(typeof c.diff === 'string' ? { diff: c.diff } : {}) }
  })
}

function contentText(content: unknown): string {
  if (!Array.isArray(content)) return typeof content === 'string' ? content : ''
  return content.map((c) => (isObj(c) && typeof c.text === 'string' ? c.text : '')).join('')
}

function usageOf(u: unknown): Usage | undefined {
  if (!isObj(u)) return undefined
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? Math.round(v) : 0)
  return { inputTokens: n(u.inputTokens), outputTokens: n(u.outputTokens), cachedInputTokens: n(u.cachedInputTokens) }
}

const minus = (a: Usage, b: Usage | undefined): Usage => ({
  inputTokens: Math.max(0, (a.inputTokens ?? 0) - (b?.inputTokens ?? 0)),
  outputTokens: Math.max(0, (a.outputTokens ?? 0) - (b?.outputTokens ?? 0)),
  cachedInputTokens: Math.max(0, (a.cachedInputTokens ?? 0) - (b?.cachedInputTokens ?? 0)),
})

/** A decision codex offers, as an option the user can pick; `value` is what we answer. */
interface Choice {
  option: Option
  value: unknown
}

/**
 * Options from the request's `availableDecisions` (or the documented set when it has none).
 * "decline" (deny, let the turn go on) is always offered: codex accepts it even when the list only has
 * "cancel" (recorded in codex-app-server-1.io.log), and a plain deny should not stop the turn.
 */
export function decisionChoices(available: unknown): Choice[] {
  const list: unknown[] = Array.isArray(available) && available.length > 0 ? [...available] : ['accept', 'acceptForSession', 'decline', 'cancel']
  if (!list.includes('decline')) {
    const cancel = list.indexOf('cancel')
    list.splice(cancel < 0 ? list.length : cancel, 0, 'decline')
  }
  const choices: Choice[] = []
  list.forEach((d, i) => {
    if (d === 'accept') choices.push({ option: { id: 'accept', label: 'Allow', kind: 'allow_once' }, value: d })
    else if (d === 'acceptForSession') choices.push({ option: { id: 'acceptForSession', label: 'Allow for this session', kind: 'allow_always' }, value: d })
    else if (d === 'decline') choices.push({ option: { id: 'decline', label: 'Deny', kind: 'reject_once' }, value: d })
    else if (d === 'cancel') choices.push({ option: { id: 'cancel', label: 'Deny and stop the turn', kind: 'reject_once' }, value: d })
    else if (isObj(d) && isObj(d.acceptWithExecpolicyAmendment)) {
      const argv = d.acceptWithExecpolicyAmendment.execpolicy_amendment
      const prefix = Array.isArray(argv) ? argv.join(' ') : ''
      choices.push({ option: { id: 'acceptWithExecpolicyAmendment', label: `Always allow ${prefix}`.trim(), kind: 'allow_always' }, value: d })
    } else if (isObj(d) && isObj(d.applyNetworkPolicyAmendment)) {
      const a = isObj(d.applyNetworkPolicyAmendment.network_policy_amendment) ? d.applyNetworkPolicyAmendment.network_policy_amendment : {}
      const allow = a.action !== 'deny'
      choices.push({
        option: { id: `network:${i}`, label: `${allow ? 'Always allow' : 'Always block'} ${str(a.host) ?? 'this host'}`, kind: allow ? 'allow_always' : 'reject_always' },
        value: d,
      })
    }
  })
  // Allows first, then denials: the order a prompt reads best in.
  const rank = (o: Option) => ['allow_once', 'allow_always', 'reject_once', 'reject_always', 'other'].indexOf(o.kind)
  return choices.sort((a, b) => rank(a.option) - rank(b.option))
}

/** An approval the agent is waiting on: one server request, or one question of it. */
interface Pending {
  rpcId: string
  choices: Map<string, unknown>
  /** Answers the server request with the chosen value (and a question's answers). */
  answer: (value: unknown, answers?: Answers) => void
  /** What to report when the agent settles it on its own. */
  withdrawnOption: string
}

interface ToolState {
  output: string
  files?: { path: string; diff?: string }[]
  deltas: boolean
}

/**
 * The protocol's meaning, minus the process: turns server messages into LaneEvents, and server
 * requests into approvals answered through `approve`. Exported for the replay tests.
 */
export class CodexTranslator {
  threadId: string | undefined
  /** The running turn, from turn/start's answer or turn/started. */
  activeTurnId: string | undefined
  private readonly finishedTurns = new Set<string>()
  private lastTotal: Usage | undefined
  private turnBaseline: Usage | undefined
  private readonly tools = new Map<string, ToolState>()
  /** Items we streamed deltas for (their completed form must not repeat the text as deltas). */
  private readonly streamed = new Set<string>()
  private readonly pending = new Map<string, Pending>()

  constructor(
    private readonly emit: (e: Body) => void,
    /** Prefix that keeps request ids unique across this lane's processes. */
    private readonly requestPrefix = 'r',
  ) {}

  get pendingApprovals(): number {
    return this.pending.size
  }

  /** Our turn/start was accepted: the turn runs from now (turn/started may still be on its way). */
  turnStarted(turnId: string): void {
    if (this.activeTurnId === turnId || this.finishedTurns.has(turnId)) return
    this.activeTurnId = turnId
    this.turnBaseline = this.lastTotal
    this.emit({ type: 'turn.started', turnId })
  }

  /** Ends the running turn; `outcome` for ends codex did not report (exit, stop). */
  endTurn(outcome: 'completed' | 'interrupted' | 'failed', message?: string, turnId = this.activeTurnId): void {
    if (turnId === undefined || this.finishedTurns.has(turnId)) return
    this.finishedTurns.add(turnId)
    if (this.activeTurnId === turnId) this.activeTurnId = undefined
    this.withdrawAll()
    this.emit({ type: 'turn.completed', turnId, outcome, ...(message ? { message } : {}) })
  }

  notification(method: string, params: unknown): void {
    const p = isObj(params) ? params : {}
    // Sub-agents run threads of their own in the same process; the lane shows its own thread.
    if (this.threadId && typeof p.threadId === 'string' && p.threadId !== this.threadId && method !== 'serverRequest/resolved') return
    switch (method) {
      case 'turn/started':
        if (isObj(p.turn) && typeof p.turn.id === 'string') this.turnStarted(p.turn.id)
        return
      case 'turn/completed': {
        const turn = isObj(p.turn) ? p.turn : {}
        const id = str(turn.id) ?? this.activeTurnId
        if (id && !this.finishedTurns.has(id) && this.activeTurnId !== id) this.turnStarted(id)
        const outcome = turn.status === 'interrupted' ? 'interrupted' : turn.status === 'failed' ? 'failed' : 'completed'
        this.endTurn(outcome, isObj(turn.error) ? str(turn.error.message) : undefined, id)
        return
      }
      case 'item/agentMessage/delta':
        if (typeof p.delta === 'string' && p.delta) {
          this.streamed.add(String(p.itemId))
          this.emit({ type: 'text.delta', messageId: str(p.itemId), text: p.delta })
        }
        return
      case 'item/reasoning/summaryTextDelta':
      case 'item/reasoning/textDelta':
        if (typeof p.delta === 'string' && p.delta) {
          this.streamed.add(String(p.itemId))
          this.emit({ type: 'reasoning.delta', messageId: str(p.itemId), text: p.delta })
        }
        return
      case 'item/reasoning/summaryPartAdded':
        if (this.streamed.has(String(p.itemId))) this.emit({ type: 'reasoning.delta', messageId: str(p.itemId), text: '\n\n' })
        return
      case 'item/started':
        if (isObj(p.item)) this.itemStarted(p.item)
        return
      case 'item/completed':
        if (isObj(p.item)) this.itemCompleted(p.item)
        return
      case 'item/commandExecution/outputDelta':
      case 'item/fileChange/outputDelta': {
        const tool = this.tools.get(String(p.itemId))
        if (!tool || typeof p.delta !== 'string') return
        tool.output = (tool.output + p.delta).slice(-LIVE_OUTPUT_CHARS)
        this.emit({ type: 'tool.updated', toolCallId: String(p.itemId), output: tool.output })
        return
      }
      case 'item/fileChange/patchUpdated': {
        const tool = this.tools.get(String(p.itemId))
        if (!tool) return
        tool.files = filesOf(p.changes)
        this.emit({ type: 'tool.updated', toolCallId: String(p.itemId), files: tool.files })
        return
      }
      case 'item/mcpToolCall/progress':
        if (typeof p.message === 'string') this.emit({ type: 'tool.updated', toolCallId: String(p.itemId), output: p.message })
        return
      case 'turn/plan/updated': {
        const plan = Array.isArray(p.plan) ? p.plan.filter(isObj) : []
        const status = (s: unknown) => (s === 'completed' ? 'completed' : s === 'inProgress' ? 'in_progress' : 'pending') as 'pending'
        this.emit({ type: 'plan', entries: plan.map((s) => ({ text: String(s.step ?? ''), status: status(s.status) })) })
        return
      }
      case 'thread/tokenUsage/updated': {
        const usage = isObj(p.tokenUsage) ? p.tokenUsage : {}
        const total = usageOf(usage.total)
        if (!total) return
        this.lastTotal = total
        // The answer to thread/resume replays the thread's total under an old turn id.
        const current = this.activeTurnId !== undefined && p.turnId === this.activeTurnId
        if (!current) this.turnBaseline = total
        this.emit({ type: 'usage', total, ...(current ? { turn: minus(total, this.turnBaseline) } : {}) })
        return
      }
      case 'serverRequest/resolved':
        this.withdraw(String(p.requestId))
        return
      case 'error': {
        const err = isObj(p.error) ? p.error : {}
        const message = [str(err.message) ?? 'Codex reported an error', str(err.additionalDetails)].filter(Boolean).join(': ')
        this.emit({ type: 'error', message: p.willRetry ? `${message} (retrying)` : message, fatal: false })
        return
      }
      case 'warning':
      case 'configWarning':
      case 'guardianWarning': {
        // Worth reading, not failures (a missing sandbox helper, an unknown model): shown as notes.
        const message = str(p.message) ?? str(p.summary)
        if (message) this.emit({ type: 'message', role: 'system', text: `Codex: ${[message, str(p.details)].filter(Boolean).join(' ')}` })
        return
      }
      case 'thread/status/changed':
        if (isObj(p.status) && p.status.type === 'systemError') this.emit({ type: 'error', message: 'Codex: the thread hit a system error', fatal: false })
        return
      default:
        return // many notifications (rate limits, MCP status, diffs …) have nothing for the lane
    }
  }

  private itemStarted(item: Json): void {
    const id = String(item.id)
    const fields = this.toolFields(item)
    if (!fields) return
    this.tools.set(id, { output: '', files: fields.files, deltas: false })
    this.emit({ type: 'tool.started', ...fields })
  }

  private itemCompleted(item: Json): void {
    const id = String(item.id)
    switch (item.type) {
      case 'agentMessage':
        this.streamed.delete(id)
        this.emit({ type: 'message', role: 'assistant', messageId: id, text: String(item.text ?? '') })
        return
      case 'reasoning': {
        if (this.streamed.delete(id)) return
        const text = [...(Array.isArray(item.summary) ? item.summary : []), ...(Array.isArray(item.content) ? item.content : [])].filter((s) => typeof s === 'string').join('\n\n')
        if (text) this.emit({ type: 'reasoning.delta', messageId: id, text })
        return
      }
      case 'contextCompaction':
        this.emit({ type: 'message', role: 'system', messageId: id, text: 'Codex compacted the conversation to fit its context window.' })
        return
    }
    const fields = this.toolFields(item)
    if (!fields) return
    if (!this.tools.has(id)) this.emit({ type: 'tool.started', ...fields })
    this.tools.delete(id)
    const status = item.type === 'mcpToolCall' && item.error ? 'failed' : toolStatus(item.status)
    this.emit({ type: 'tool.completed', ...fields, status })
  }

  /** A tool-like item in the lane's vocabulary, or undefined for items that are not tools. */
  private toolFields(item: Json): ToolFields | undefined {
    const toolCallId = String(item.id)
    switch (item.type) {
      case 'commandExecution': {
        const actions: Json[] = Array.isArray(item.commandActions) ? item.commandActions.filter(isObj) : []
        const command = str(item.command) ?? ''
        const shown = displayCommand(command, actions)
        return {
          toolCallId,
          toolKind: commandKind(actions),
          title: shown,
          command: shown,
          ...(typeof item.aggregatedOutput === 'string' ? { output: item.aggregatedOutput } : {}),
          ...(typeof item.exitCode === 'number' ? { exitCode: item.exitCode } : {}),
        }
      }
      case 'fileChange': {
        const files = filesOf(item.changes)
        return { toolCallId, toolKind: 'edit', title: files.length === 1 ? `Edit ${files[0].path}` : `Edit ${files.length} files`, files }
      }
      case 'mcpToolCall': {
        const output = isObj(item.error) ? str(item.error.message) : isObj(item.result) ? contentText(item.result.content) : undefined
        return { toolCallId, toolKind: item.readOnlyHint ? 'read' : 'other', title: `${item.server}: ${item.tool}`, ...(output !== undefined ? { output } : {}) }
      }
      case 'dynamicToolCall': {
        const output = Array.isArray(item.contentItems) ? contentText(item.contentItems) : undefined
        return { toolCallId, toolKind: 'other', title: String(item.tool ?? 'tool'), ...(output ? { output } : {}) }
      }
      case 'webSearch':
        return { toolCallId, toolKind: 'fetch', title: `Search the web${item.query ? `: ${item.query}` : ''}` }
      case 'imageView':
        return { toolCallId, toolKind: 'read', title: `View ${item.path}` }
      case 'collabAgentToolCall':
        return { toolCallId, toolKind: 'other', title: `Agents: ${item.tool}${item.prompt ? ` (${String(item.prompt).slice(0, 80)})` : ''}` }
      default:
        return undefined
    }
  }

  /**
   * A request from the server. Approvals resolve when `approve` answers them (or never, if the
   * process goes first); anything we do not handle gets a method-not-found error, as the spec wants.
   */
  serverRequest(id: string | number, method: string, params: unknown): Promise<unknown> {
    const p = isObj(params) ? params : {}
    const rpcId = String(id)
    const requestId = `${this.requestPrefix}-${rpcId}`
    const tool = this.tools.get(String(p.itemId))
    switch (method) {
      case 'item/commandExecution/requestApproval': {
        const actions: Json[] = Array.isArray(p.commandActions) ? p.commandActions.filter(isObj) : []
        const shown = displayCommand(str(p.command) ?? '', actions)
        const title =
          p.kind === 'writeStdin' ? `Send input to: ${shown}` : isObj(p.networkApprovalContext) ? `Allow network access to ${p.networkApprovalContext.host}` : `Run: ${shown}`
        const detail = [str(p.reason), p.cwd ? `in ${p.cwd}` : undefined].filter(Boolean).join('\n')
        const readOnly = (p.kind === undefined || p.kind === 'command') && !p.networkApprovalContext && readsOnly(actions, shown)
        return this.ask(requestId, rpcId, { title, detail, toolCallId: str(p.itemId), readOnly }, decisionChoices(p.availableDecisions), (d) => ({ decision: d }))
      }
      case 'item/fileChange/requestApproval': {
        // No diff in the request: it is in the item we saw start.
        const files = tool?.files ?? []
        const title = files.length === 1 ? `Edit ${files[0].path}` : files.length ? `Edit ${files.length} files` : 'Apply file changes'
        const detail = [str(p.reason), p.grantRoot ? `Write access to ${p.grantRoot}` : undefined, ...files.map((f) => f.diff ?? f.path)].filter(Boolean).join('\n')
        return this.ask(requestId, rpcId, { title, detail, toolCallId: str(p.itemId), readOnly: false }, decisionChoices(p.availableDecisions), (d) => ({ decision: d }))
      }
      case 'item/permissions/requestApproval': {
        const permissions = isObj(p.permissions) ? p.permissions : {}
        const grant = (scope: string) => ({ permissions: Object.fromEntries(Object.entries(permissions).filter(([, v]) => v != null)), scope })
        const choices: Choice[] = [
          { option: { id: 'accept', label: 'Allow for this turn', kind: 'allow_once' }, value: grant('turn') },
          { option: { id: 'acceptForSession', label: 'Allow for this session', kind: 'allow_always' }, value: grant('session') },
          { option: { id: 'decline', label: 'Deny', kind: 'reject_once' }, value: { permissions: {}, scope: 'turn' } },
        ]
        const detail = [str(p.reason), JSON.stringify(permissions)].filter(Boolean).join('\n')
        return this.ask(requestId, rpcId, { title: 'Grant Codex extra permissions', detail, toolCallId: str(p.itemId), readOnly: false }, choices, (v) => v)
      }
      case 'mcpServer/elicitation/request': {
        const choices: Choice[] = [
          // Not an allow: a policy must not submit a form on the user's behalf.
          { option: { id: 'accept', label: p.mode === 'url' ? 'Open and continue' : 'Accept', kind: 'other' }, value: 'accept' },
          { option: { id: 'decline', label: 'Decline', kind: 'reject_once' }, value: 'decline' },
          { option: { id: 'cancel', label: 'Cancel', kind: 'reject_once' }, value: 'cancel' },
        ]
        const detail = [str(p.message), str(p.url)].filter(Boolean).join('\n')
        return this.ask(requestId, rpcId, { title: `${p.serverName ?? 'An MCP server'} asks`, detail }, choices, (a) => ({ action: a, content: a === 'accept' ? {} : null, _meta: null }))
      }
      case 'item/tool/requestUserInput':
        return this.questions(requestId, rpcId, p)
      default:
        return Promise.reject(new JsonRpcError(RpcErrorCode.MethodNotFound, `Switchyard does not handle ${method}`))
    }
  }

  private ask(
    requestId: string,
    rpcId: string,
    request: { title: string; detail?: string; toolCallId?: string; readOnly?: boolean },
    choices: Choice[],
    wrap: (value: unknown) => unknown,
  ): Promise<unknown> {
    return new Promise((resolve) => {
      const reject = choices.find((c) => c.option.kind === 'reject_once' && c.option.id === 'cancel') ?? choices.find((c) => c.option.kind.startsWith('reject'))
      this.pending.set(requestId, {
        rpcId,
        choices: new Map(choices.map((c) => [c.option.id, c.value])),
        answer: (v) => resolve(wrap(v)),
        withdrawnOption: reject?.option.id ?? choices[0].option.id,
      })
      this.emit({
        type: 'approval.requested',
        requestId,
        title: request.title,
        ...(request.detail ? { detail: request.detail } : {}),
        ...(request.toolCallId ? { toolCallId: request.toolCallId } : {}),
        ...(request.readOnly !== undefined ? { readOnly: request.readOnly } : {}),
        options: choices.map((c) => c.option),
      })
    })
  }

  /** request_user_input: its questions in one request; Skip answers none of them. */
  private questions(requestId: string, rpcId: string, p: Json): Promise<unknown> {
    const asked: Json[] = Array.isArray(p.questions) ? p.questions.filter(isObj) : []
    if (asked.length === 0) return Promise.resolve({ answers: {} })
    const questions: Question[] = asked.map((q, i) => {
      const options: Json[] = Array.isArray(q.options) ? q.options.filter(isObj) : []
      return {
        id: str(q.id) ?? `q${i + 1}`,
        ...(str(q.header) ? { header: q.header } : {}),
        question: str(q.question) ?? str(q.header) ?? `Question ${i + 1}`,
        options: options.map((o, j) => ({ label: str(o.label) ?? `Option ${j + 1}`, ...(str(o.description) ? { description: o.description } : {}) })),
        ...(q.isOther === true ? { other: true } : {}),
        ...(q.isSecret === true ? { secret: true } : {}),
      }
    })
    return new Promise((resolve) => {
      this.pending.set(requestId, {
        rpcId,
        choices: new Map([['answer', 'answer'], ['skip', 'skip']]),
        answer: (choice, answers) => {
          const out: Record<string, { answers: string[] }> = {}
          if (choice === 'answer') for (const q of questions) out[q.id] = { answers: answers?.[q.id] ?? [] }
          resolve({ answers: out })
        },
        withdrawnOption: 'skip',
      })
      this.emit({
        type: 'approval.requested',
        requestId,
        title: questions.length === 1 ? (questions[0].header ?? 'Codex asks') : `Codex asks ${questions.length} questions`,
        ...(p.itemId ? { toolCallId: String(p.itemId) } : {}),
        readOnly: false,
        options: [
          { id: 'answer', label: 'Answer', kind: 'other' },
          { id: 'skip', label: 'Skip', kind: 'reject_once' },
        ],
        questions,
      })
    })
  }

  /** The user's (or policy's) answer to one of our approval.requested events. */
  approve(requestId: string, optionId: string, answers?: Answers): void {
    const pending = this.pending.get(requestId)
    if (!pending) throw new Error(`Codex is no longer waiting on request ${requestId}`)
    if (!pending.choices.has(optionId)) throw new Error(`Request ${requestId} has no option ${optionId}`)
    this.pending.delete(requestId)
    pending.answer(pending.choices.get(optionId), answers)
  }

  /** The agent settled a request itself (interrupt, timeout, answered elsewhere). */
  private withdraw(rpcId: string): void {
    for (const [requestId, p] of this.pending) {
      if (p.rpcId !== rpcId) continue
      this.pending.delete(requestId)
      this.emit({ type: 'approval.resolved', requestId, optionId: p.withdrawnOption, by: 'agent' })
    }
  }

  private withdrawAll(): void {
    for (const p of [...this.pending.values()]) this.withdraw(p.rpcId)
  }
}
