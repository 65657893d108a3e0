import { codexMcpArgs } from './mcp-config'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import type { Answers, LaneEventBody, Question } from '../../../shared/events'
import { encodeJsonl, JsonlReader } from '../transport/jsonl'
import { JsonRpcError, JsonRpcPeer, RpcErrorCode } from '../transport/jsonrpc'
import { listProcesses, spawnInGroup, stopTree, treeMembers } from '../transport/process-tree'
import { lastLines } from './terminal'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec } from './types'

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

type Json = Record<string, any>
type Body = LaneEventBody
type ToolKind = NonNullable<Extract<Body, { type: 'tool.started' }>['toolKind']>
type ToolStatus = Extract<Body, { type: 'tool.completed' }>['status']
type Option = Extract<Body, { type: 'approval.requested' }>['options'][number]
type Usage = NonNullable<Extract<Body, { type: 'usage' }>['total']>
type ToolFields = Omit<Extract<Body, { type: 'tool.started' }>, 'type'>

export const APPROVAL_POLICY = 'untrusted'
export const SANDBOX = 'workspace-write'
const CLIENT_INFO = { name: 'switchyard', title: 'Switchyard', version: '0.1.0' }
/** Output kept in tool.updated events (the completed event carries codex's own aggregate). */
const LIVE_OUTPUT_CHARS = 64 * 1024

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)

/** What codex's collaboration modes do, for the mode picker (codex lists names only). */
const MODE_NOTES: Record<string, string> = {
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

export interface CodexAdapterOptions {
  /** After stdin closes, how long codex may take to exit before its tree is signalled. */
  graceMs?: number
  /** Longest line accepted from the agent. */
  maxLineBytes?: number
  /** How long initialize and thread/start|resume may take. */
  handshakeTimeoutMs?: number
}

export function codexAdapter(opts: CodexAdapterOptions = {}): AgentAdapter {
  return {
    kind: 'codex',
    keystrokes: false,
    defaultCommand: () => ({ command: 'codex', args: [] }),
    kindEnv: () => ({}),
    start: (spec, cb) => CodexSession.start(spec, cb, opts),
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
let processes = 0

class CodexSession implements AgentSession {
  private readonly peer: JsonRpcPeer
  private readonly translator: CodexTranslator
  private readonly reader: JsonlReader
  private stderrTail = ''
  private opened = false
  /** Why start failed, when it fails before the session is handed over. */
  private startFailure: ((err: Error) => void) | undefined
  private exitInfo: { exitCode: number | null; signal: string | null } | undefined
  private readonly exited: Promise<void>
  private stopping: Promise<void> | undefined
  /** The fatal error that made the lane stop us. */
  private failure: string | undefined
  /** A turn/start on its way: sends and interrupts in the meantime wait for its turn id. */
  private starting: Promise<string | undefined> | undefined
  /** Codex's collaboration modes (collaborationMode/list) and the thread's model: each turn/start names both. */
  private collaboration: { masks: Json[]; mode: string; model: string } | undefined

  static async start(spec: LaunchSpec, cb: AdapterCallbacks, opts: CodexAdapterOptions): Promise<CodexSession> {
    const argv = ['app-server', ...codexMcpArgs(spec.mcp), ...spec.args]
    const child = spawnInGroup(spec.command, argv, { cwd: spec.cwd, env: spec.env })
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', reject)
    })
    const session = new CodexSession(child, cb, opts)
    try {
      await session.handshake(spec, opts.handshakeTimeoutMs ?? 60_000)
    } catch (err) {
      await session.stop()
      const lines = session.tail()
      const reason = err instanceof Error ? err.message : String(err)
      throw new Error(lines.length ? `${reason}\n${lines.join('\n')}` : reason)
    }
    session.startFailure = undefined
    session.opened = true
    cb.emit({ type: 'process.started', pid: child.pid, command: [spec.command, ...argv].join(' ') })
    return session
  }

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    private readonly cb: AdapterCallbacks,
    private readonly opts: CodexAdapterOptions,
  ) {
    this.translator = new CodexTranslator((e) => this.cb.emit(e), `${child.pid ?? 'p'}.${++processes}`)
    this.peer = new JsonRpcPeer({
      jsonrpcField: false,
      send: (message) => {
        if (!this.child.stdin.writable) throw new Error('Codex is not running')
        this.child.stdin.write(encodeJsonl(message))
      },
      // serverRequest/resolved names requests by JSON-RPC id, so approvals must know theirs.
      onRequest: (method, params, id) => this.translator.serverRequest(id ?? '', method, params),
      onNotification: (method, params) => {
        try {
          this.translator.notification(method, params)
        } catch (err) {
          this.cb.emit({ type: 'error', message: `Codex adapter: ${(err as Error).message}`, fatal: false })
        }
      },
      // Not while going away: an answer that finds stdin closed is no fault of the agent's.
      onProtocolError: (err) => {
        if (!this.stopping && !this.exitInfo) this.fatal(`Codex broke the protocol: ${err.message}`)
      },
    })
    this.reader = new JsonlReader(
      (value) => this.peer.handle(value),
      (err) => this.fatal(`Codex sent an unreadable line: ${err.message}`),
      opts.maxLineBytes ? { maxLineBytes: opts.maxLineBytes } : undefined,
    )
    child.stdout.on('data', (d: Buffer) => this.reader.push(d))
    child.stderr.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-16 * 1024)))
    child.stdin.on('error', () => {}) // EPIPE after the agent died: the exit handler reports it
    child.on('error', () => {}) // e.g. a failed kill: exit (or stopTree) settles things
    let stdoutEnded = false
    const ended = new Promise<void>((r) => child.stdout.once('end', () => ((stdoutEnded = true), r())))
    this.exited = new Promise<void>((resolve) => {
      child.once('exit', async (exitCode, signal) => {
        // The last lines may still be in the pipe; a descendant holding it open must not stall us.
        if (!stdoutEnded) await Promise.race([ended, sleep(1000)])
        this.reader.end()
        this.exitInfo = { exitCode, signal }
        const how = signal ? `killed by ${signal}` : `exited with code ${exitCode}`
        this.peer.close(new Error(`Codex ${how}`))
        this.startFailure?.(new Error(`Codex ${how} while starting`))
        if (this.opened) this.reportExit()
        resolve()
      })
    })
  }

  get pid(): number | undefined {
    return this.child.pid
  }

  private tail(): string[] {
    return lastLines(this.stderrTail, 20)
  }

  private reportExit(): void {
    const info = this.exitInfo!
    if (this.failure || !this.stopping) this.translator.endTurn('failed', this.failure ?? 'Codex exited during the turn')
    else this.translator.endTurn('interrupted')
    this.cb.exited({ ...info, lastLines: this.tail() })
  }

  /** A broken stream fails the lane (the lane stops us); while starting it fails the start. */
  private fatal(message: string): void {
    if (this.startFailure) this.startFailure(new Error(message))
    else if (this.opened && !this.failure) {
      this.failure = message
      this.cb.emit({ type: 'error', message, fatal: true })
    }
  }

  private async handshake(spec: LaunchSpec, timeoutMs: number): Promise<void> {
    const failed = new Promise<never>((_, reject) => (this.startFailure = reject))
    const steps = (async () => {
      // Collaboration modes (Plan) are behind codex's experimental API.
      await this.peer.request('initialize', { clientInfo: CLIENT_INFO, capabilities: { experimentalApi: true } }, { timeoutMs })
      this.peer.notify('initialized')
      // Approvals go to us (not codex's auto-reviewer), whatever the profile's config.toml says.
      const settings = { cwd: spec.cwd, approvalPolicy: APPROVAL_POLICY, approvalsReviewer: 'user', sandbox: SANDBOX }
      let threadId: string | undefined
      let model: string | undefined
      if (spec.resume) {
        try {
          const resumed = await this.peer.request<Json>('thread/resume', { threadId: spec.resume, ...settings, excludeTurns: true }, { timeoutMs })
          threadId = str(resumed?.thread?.id)
          model = str(resumed?.thread?.model) ?? str(resumed?.model)
        } catch (err) {
          if (this.exitInfo) throw err
          this.cb.emit({ type: 'error', message: `Could not resume the earlier Codex conversation (${(err as Error).message}); starting a new one`, fatal: false })
        }
      }
      if (!threadId) {
        const started = await this.peer.request<Json>('thread/start', settings, { timeoutMs })
        threadId = str(started?.thread?.id)
        model = str(started?.thread?.model) ?? str(started?.model)
      }
      if (!threadId) throw new Error('Codex did not say which thread it opened')
      this.translator.threadId = threadId
      this.cb.setResumeToken(threadId)
      if (model) await this.loadModes(model, spec.mode, timeoutMs)
    })()
    await Promise.race([steps, failed])
    if (this.exitInfo) throw new Error('Codex exited right after starting')
  }

  /** Codex's collaboration modes, if it lists them (an older codex does not: then the lane has no modes). */
  private async loadModes(model: string, wanted: string | undefined, timeoutMs: number): Promise<void> {
    let masks: Json[]
    try {
      const listed = await this.peer.request<Json>('collaborationMode/list', {}, { timeoutMs })
      masks = Array.isArray(listed?.data) ? listed.data.filter((m: unknown) => isObj(m) && str((m as Json).mode)) : []
    } catch {
      return
    }
    if (masks.length < 2) return
    // Default first, as in codex's own picker.
    masks.sort((a, b) => Number(b.mode === 'default') - Number(a.mode === 'default'))
    const mode = masks.some((m) => m.mode === wanted) ? wanted! : masks.some((m) => m.mode === 'default') ? 'default' : String(masks[0].mode)
    this.collaboration = { masks, mode, model }
    this.emitModes()
  }

  private emitModes(): void {
    const c = this.collaboration
    if (!c) return
    const available = c.masks.map((m) => ({ id: String(m.mode), name: str(m.name) ?? String(m.mode), ...(MODE_NOTES[String(m.mode)] ? { description: MODE_NOTES[String(m.mode)] } : {}) }))
    this.cb.emit({ type: 'modes', current: c.mode, available })
  }

  /** Codex takes the mode with each turn: a switch applies from the next one. */
  async setMode(modeId: string): Promise<void> {
    const c = this.collaboration
    if (!c || !c.masks.some((m) => m.mode === modeId)) throw new Error(`Codex has no mode ${modeId}`)
    c.mode = modeId
    this.emitModes()
  }

  /** turn/start's collaborationMode: the chosen mode's preset on the thread's model. */
  private collaborationMode(): Json | undefined {
    const c = this.collaboration
    const mask = c?.masks.find((m) => m.mode === c.mode)
    if (!c || !mask) return undefined
    return { mode: c.mode, settings: { model: str(mask.model) ?? c.model, reasoning_effort: mask.reasoning_effort ?? null, developer_instructions: null } }
  }

  /** The running turn's id, waiting for a turn/start on its way. */
  private async runningTurn(): Promise<string | undefined> {
    if (!this.translator.activeTurnId && this.starting) await this.starting
    return this.translator.activeTurnId
  }

  async send(input: string): Promise<void> {
    const items = [{ type: 'text', text: input, text_elements: [] }]
    const threadId = this.translator.threadId
    const running = await this.runningTurn()
    if (running) {
      // Steer: the input joins the running turn (codex reads it at its next step).
      try {
        await this.peer.request('turn/steer', { threadId, expectedTurnId: running, input: items })
        return
      } catch (err) {
        // Unless the turn ended meanwhile: then the input starts the next one.
        if (this.exitInfo || this.translator.activeTurnId === running) throw err
      }
    }
    const collaborationMode = this.collaborationMode()
    const request = this.peer.request<Json>('turn/start', { threadId, input: items, ...(collaborationMode ? { collaborationMode } : {}) }).then((r) => {
      const id = str(r?.turn?.id)
      if (id) this.translator.turnStarted(id)
      return id
    })
    const settled = request.catch(() => undefined)
    this.starting = settled
    try {
      await request
    } finally {
      if (this.starting === settled) this.starting = undefined
    }
  }

  async interrupt(): Promise<void> {
    const turnId = await this.runningTurn()
    if (!turnId) return
    try {
      await this.peer.request('turn/interrupt', { threadId: this.translator.threadId, turnId })
    } catch (err) {
      if (this.translator.activeTurnId === turnId && !this.exitInfo) throw err
    }
  }

  approve(requestId: string, optionId: string, answers?: Answers): void {
    this.translator.approve(requestId, optionId, answers)
  }

  resize(): void {}

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const pid = this.child.pid
      if (pid === undefined) return
      // Snapshot the tree first: once codex is gone its commands would be orphans nobody tracks.
      const known = treeMembers(pid, await listProcesses())
      const grace = this.opts.graceMs ?? 1500
      this.child.stdin.end() // the protocol's goodbye: app-server exits on EOF
      if (!this.exitInfo) await Promise.race([this.exited, sleep(grace)])
      await stopTree(pid, { graceMs: grace, known })
      await Promise.race([this.exited, sleep(grace)])
    })()
    return this.stopping
  }
}
