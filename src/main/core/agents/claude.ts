import { claudeMcpArgs } from './mcp-config'
import { claudeTurnId, rewindArgs, sessionExists } from './claude-resume'
import type { ModelChoice } from '../../../shared/contract'
import type { Answers, LaneEventBody, LaneModes, Question } from '../../../shared/events'
import { AgentProcess } from '../transport/agent-process'
import { callTokens, contextOf, describeTool, isObject, str, textOf, usageOf } from './claude-content'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec } from './types'

/**
 * Claude Code in stream-json mode (the SDK control protocol): JSONL both ways.
 *   → control_request initialize (its control_response = ready), user messages, control_request interrupt,
 *     control_response answering can_use_tool.
 *   ← system/init (session id, once per turn), stream_event (API SSE events), assistant / user messages
 *     (tool_use / tool_result blocks), control_request can_use_tool, control_cancel_request, result.
 *
 * A user message sent while a turn runs goes straight through: the CLI itself folds it into the running
 * turn (at the next tool boundary) or runs it as a turn of its own afterwards. So turns are delimited by
 * what the CLI reports, not by what we sent: a turn starts at our send (when idle) or at a `system/init`
 * (when idle), and ends at each `result`.
 */

export const PROTOCOL_ARGS = [
  '-p',
  '--input-format', 'stream-json',
  '--output-format', 'stream-json',
  '--verbose',
  '--include-partial-messages',
  '--permission-prompt-tool', 'stdio',
]

type Json = Record<string, any>
type Option = Extract<LaneEventBody, { type: 'approval.requested' }>['options'][number]

const ALLOW = 'allow'
const ALLOW_ALWAYS = 'allow_always'
const DENY = 'deny'
const ANSWER = 'answer'

/** Claude's permission modes a lane offers (bypassPermissions is left out: no approvals at all, and refused for root). */
export const CLAUDE_MODES: LaneModes['available'] = [
  { id: 'default', name: 'Ask', description: 'Asks before edits and commands' },
  { id: 'acceptEdits', name: 'Accept edits', description: 'Edits files without asking; asks before commands' },
  { id: 'plan', name: 'Plan', description: 'Reads and plans; changes nothing until you approve the plan' },
]

interface PendingApproval {
  toolUseId?: string
  input: Json
  suggestions: unknown[]
  /** AskUserQuestion: the question texts, by the ids the lane's questions carry. */
  questions?: Map<string, string>
}

export interface TranslatorSink {
  emit(event: LaneEventBody): void
  setResumeToken(token: string): void
  /** Writes one protocol message to the CLI's stdin. */
  write(message: Json): void
}

/**
 * The protocol, without the process: feed it each JSON value the CLI printed (`onMessage`), call the
 * commands (`userTurn`, `interrupt`, `approve`); it emits LaneEvents and writes protocol messages.
 */
export class ClaudeProtocol {
  private turnOpen = false
  private interrupting = false
  /** The main conversation's latest model call, for the context fill. */
  private lastCall: { model: string; tokens: number } | undefined
  private sessionId: string | undefined
  /** The uuid of the main conversation's latest chain entry: where `--resume-session-at` can cut. */
  private lastEntry: string | undefined
  private nextRequest = 1
  private readonly replies = new Map<string, { resolve: (r: Json) => void; reject: (e: Error) => void }>()
  private readonly approvals = new Map<string, PendingApproval>()
  private readonly declined = new Set<string>()
  private mode = 'default'

  constructor(private readonly sink: TranslatorSink) {}

  /** The mode the CLI was started in (`--permission-mode`): reported as the lane's modes. */
  startedIn(mode: string): void {
    this.mode = mode
    this.sink.emit({ type: 'modes', current: mode, available: CLAUDE_MODES })
  }

  async setMode(mode: string): Promise<void> {
    await this.request({ subtype: 'set_permission_mode', mode })
    this.noteMode(mode)
  }

  /** The CLI changes mode on its own too (approving a plan leaves plan mode): each turn's init says which. */
  private noteMode(mode: unknown): void {
    if (typeof mode !== 'string' || mode === this.mode || !CLAUDE_MODES.some((m) => m.id === mode)) return
    this.mode = mode
    this.sink.emit({ type: 'modes', current: mode, available: CLAUDE_MODES })
  }

  get busy(): boolean {
    return this.turnOpen
  }

  /** The CLI's session id, once it said it. */
  get session(): string | undefined {
    return this.sessionId
  }

  /** Sends a control request; resolves with its response payload. */
  request(body: Json): Promise<Json> {
    const request_id = `sy-${this.nextRequest++}`
    return new Promise((resolve, reject) => {
      this.replies.set(request_id, { resolve, reject })
      this.sink.write({ type: 'control_request', request_id, request: body })
    })
  }

  initialize(): Promise<Json> {
    return this.request({ subtype: 'initialize' })
  }

  userTurn(text: string): void {
    this.openTurn()
    this.sink.write({ type: 'user', session_id: '', parent_tool_use_id: null, message: { role: 'user', content: [{ type: 'text', text }] } })
  }

  interrupt(): void {
    if (!this.turnOpen || this.interrupting) return
    this.interrupting = true
    this.request({ subtype: 'interrupt' }).catch((err) => this.sink.emit({ type: 'error', message: `Interrupt failed: ${err.message}` }))
  }

  approve(requestId: string, optionId: string, answers?: Answers): void {
    const pending = this.approvals.get(requestId)
    if (!pending) return // withdrawn by the CLI meanwhile
    this.approvals.delete(requestId)
    let response: Json
    if (optionId === DENY) {
      if (pending.toolUseId) this.declined.add(pending.toolUseId)
      response = { behavior: 'deny', message: pending.questions ? 'The user declined to answer.' : 'The user denied this action.' }
    } else if (optionId === ANSWER && pending.questions) {
      // As Claude's own dialog answers: by question text, several choices joined by ", ".
      const byText: Record<string, string> = {}
      for (const [id, text] of pending.questions) byText[text] = (answers?.[id] ?? []).join(', ')
      response = { behavior: 'allow', updatedInput: { ...pending.input, answers: byText } }
    } else {
      response = { behavior: 'allow', updatedInput: pending.input }
      if (optionId === ALLOW_ALWAYS) response.updatedPermissions = pending.suggestions
    }
    this.sink.write({ type: 'control_response', response: { subtype: 'success', request_id: requestId, response } })
  }

  /** The process is gone: end an open turn and fail whatever waited for an answer. */
  ended(requested: boolean, why: string): void {
    for (const { reject } of this.replies.values()) reject(new Error(why))
    this.replies.clear()
    this.approvals.clear()
    if (this.turnOpen) this.closeTurn(requested ? 'interrupted' : 'failed', requested ? undefined : why)
  }

  onMessage(msg: unknown): void {
    if (!msg || typeof msg !== 'object' || Array.isArray(msg)) {
      this.sink.emit({ type: 'error', fatal: true, message: `Protocol violation: expected a JSON object, got ${JSON.stringify(msg)?.slice(0, 100)}` })
      return
    }
    const m = msg as Json
    switch (m.type) {
      case 'control_response':
        return this.onControlResponse(m.response ?? {})
      case 'control_request':
        return this.onControlRequest(m)
      case 'control_cancel_request':
        return this.onCancel(String(m.request_id))
      case 'system':
        if (m.subtype === 'init') {
          this.noteSession(m.session_id)
          this.noteMode(m.permissionMode)
          // A turn the CLI starts on its own: a message we sent mid-turn that it queued as a new turn.
          if (!this.turnOpen) this.openTurn()
        }
        return
      case 'stream_event':
        return this.onStreamEvent(m)
      case 'assistant':
        return this.onAssistant(m)
      case 'user':
        return this.onUser(m)
      case 'result':
        return this.onResult(m)
      default:
        return // keep_alive, tool_progress, and whatever newer versions add
    }
  }

  private openTurn(): void {
    if (this.turnOpen) return
    this.turnOpen = true
    // The turn id names where the conversation stood before it: rewinding to before this turn resumes there.
    this.sink.emit({ type: 'turn.started', turnId: claudeTurnId(this.lastEntry) })
  }

  private closeTurn(outcome: 'completed' | 'interrupted' | 'failed', message?: string): void {
    // Requests still open when the turn ends were settled by the CLI, not the user.
    for (const id of this.approvals.keys()) this.sink.emit({ type: 'approval.resolved', requestId: id, optionId: DENY, by: 'agent' })
    this.approvals.clear()
    this.declined.clear()
    this.turnOpen = false
    this.interrupting = false
    this.sink.emit(message ? { type: 'turn.completed', outcome, message } : { type: 'turn.completed', outcome })
  }

  private noteSession(id: unknown): void {
    if (typeof id !== 'string' || !id || id === this.sessionId) return
    this.sessionId = id
    this.sink.setResumeToken(id)
  }

  private onControlResponse(r: Json): void {
    const waiter = this.replies.get(String(r.request_id))
    if (!waiter) return
    this.replies.delete(String(r.request_id))
    if (r.subtype === 'error') waiter.reject(new Error(String(r.error ?? 'control request failed')))
    else waiter.resolve(r.response ?? {})
  }

  private onControlRequest(m: Json): void {
    const id = String(m.request_id)
    const req: Json = m.request ?? {}
    if (req.subtype !== 'can_use_tool') {
      // Hooks, MCP over stdio …: we registered none; answer so the CLI does not wait forever.
      this.sink.write({ type: 'control_response', response: { subtype: 'error', request_id: id, error: `Switchyard does not handle ${req.subtype}` } })
      return
    }
    const name = String(req.tool_name ?? 'tool')
    const input: Json = req.input && typeof req.input === 'object' ? req.input : {}
    const suggestions: unknown[] = Array.isArray(req.permission_suggestions) ? req.permission_suggestions : []
    const toolUseId = str(req.tool_use_id)
    if (name === 'AskUserQuestion' && Array.isArray(input.questions) && input.questions.length > 0) {
      this.askQuestions(id, toolUseId, input)
      return
    }
    this.approvals.set(id, { toolUseId, input, suggestions })
    const info = describeTool(name, input)
    // ExitPlanMode asks to approve the plan it carries, not to run a tool.
    const plan = name === 'ExitPlanMode'
    const options: Option[] = [{ id: ALLOW, label: plan ? 'Approve plan' : 'Allow once', kind: 'allow_once' }]
    if (suggestions.length > 0) options.push({ id: ALLOW_ALWAYS, label: alwaysLabel(suggestions), kind: 'allow_always' })
    options.push({ id: DENY, label: plan ? 'Keep planning' : 'Deny', kind: 'reject_once' })
    const title = plan ? 'Claude’s plan is ready: start on it?' : info.command !== undefined ? `Run ${info.command}` : info.title
    const reason = plan ? str(input.plan) : (str(req.description) ?? str(req.decision_reason))
    const detail = [reason, str(req.blocked_path) && `Path: ${req.blocked_path}`].filter(Boolean).join('\n')
    this.sink.emit({
      type: 'approval.requested',
      requestId: id,
      title,
      ...(detail ? { detail } : {}),
      ...(toolUseId ? { toolCallId: toolUseId } : {}),
      readOnly: info.toolKind === 'read' || info.toolKind === 'search',
      options,
    })
  }

  /** AskUserQuestion arrives as a permission request; the user's answers go back in its input. */
  private askQuestions(id: string, toolUseId: string | undefined, input: Json): void {
    const questions: Question[] = input.questions.filter(isObject).map((q: Json, i: number) => ({
      id: `q${i + 1}`,
      ...(str(q.header) ? { header: q.header } : {}),
      question: str(q.question) ?? `Question ${i + 1}`,
      options: (Array.isArray(q.options) ? q.options.filter(isObject) : []).map((o: Json) => ({
        label: String(o.label ?? ''),
        ...(str(o.description) ? { description: o.description } : {}),
      })),
      ...(q.multiSelect === true ? { multiSelect: true } : {}),
      other: true, // Claude always lets the user type an answer of their own
    }))
    this.approvals.set(id, { toolUseId, input, suggestions: [], questions: new Map(questions.map((q) => [q.id, q.question])) })
    this.sink.emit({
      type: 'approval.requested',
      requestId: id,
      title: questions.length === 1 ? 'Claude asks' : `Claude asks ${questions.length} questions`,
      ...(toolUseId ? { toolCallId: toolUseId } : {}),
      options: [
        { id: ANSWER, label: 'Answer', kind: 'other' },
        { id: DENY, label: 'Decline', kind: 'reject_once' },
      ],
      questions,
    })
  }

  private onCancel(id: string): void {
    const pending = this.approvals.get(id)
    if (!pending) return
    this.approvals.delete(id)
    if (pending.toolUseId) this.declined.add(pending.toolUseId)
    this.sink.emit({ type: 'approval.resolved', requestId: id, optionId: DENY, by: 'agent' })
  }

  private onStreamEvent(m: Json): void {
    if (m.parent_tool_use_id) return // a subagent's stream: its tool calls still show up below
    const e: Json = m.event ?? {}
    if (e.type !== 'content_block_delta') return
    const messageId = str(m.api_message_id) ?? undefined
    const d: Json = e.delta ?? {}
    const ids = messageId ? { messageId } : {}
    if (d.type === 'text_delta' && typeof d.text === 'string') this.sink.emit({ type: 'text.delta', ...ids, text: d.text })
    else if (d.type === 'thinking_delta' && typeof d.thinking === 'string') this.sink.emit({ type: 'reasoning.delta', ...ids, text: d.thinking })
  }

  private noteEntry(m: Json): void {
    if (!m.parent_tool_use_id && typeof m.uuid === 'string' && m.uuid) this.lastEntry = m.uuid
  }

  private onAssistant(m: Json): void {
    this.noteSession(m.session_id)
    this.noteEntry(m)
    const message: Json = m.message ?? {}
    // The main conversation's latest call fills the context window (a subagent's has its own).
    if (!m.parent_tool_use_id && message.usage && typeof message.model === 'string') this.lastCall = { model: message.model, tokens: callTokens(message.usage) }
    const content: Json[] = Array.isArray(message.content) ? message.content : []
    const ids = str(message.id) ? { messageId: message.id as string } : {}
    for (const block of content) {
      if (block?.type === 'text' && typeof block.text === 'string' && !m.parent_tool_use_id) {
        this.sink.emit({ type: 'message', role: 'assistant', ...ids, text: block.text })
      } else if (block?.type === 'tool_use') {
        const input: Json = block.input && typeof block.input === 'object' ? block.input : {}
        const info = describeTool(String(block.name), input)
        this.sink.emit({ type: 'tool.started', toolCallId: String(block.id), ...info })
        if (block.name === 'TodoWrite' && Array.isArray(input.todos)) {
          const status = (s: unknown) => (s === 'completed' || s === 'in_progress' ? s : 'pending')
          this.sink.emit({ type: 'plan', entries: input.todos.map((t: Json) => ({ text: String(t.content ?? ''), status: status(t.status) })) })
        }
      }
    }
  }

  private onUser(m: Json): void {
    this.noteEntry(m)
    const content: Json[] = Array.isArray(m.message?.content) ? m.message.content : []
    const meta: Json[] = Array.isArray(m.tool_result_meta) ? m.tool_result_meta : []
    for (const block of content) {
      if (block?.type !== 'tool_result') continue
      const id = String(block.tool_use_id)
      const rejected = this.declined.has(id) || meta.some((x) => x?.id === id && x?.permission_decision?.decision === 'reject')
      let output = textOf(block.content)
      let exitCode: number | undefined
      // Bash reports a failing command as "Exit code N\n<output>"; success has the structured stdout/stderr.
      const exit = block.is_error ? /^Exit code (\d+)\n?/.exec(output) : null
      if (exit) {
        exitCode = Number(exit[1])
        output = output.slice(exit[0].length)
      } else if (!block.is_error && m.tool_use_result && typeof m.tool_use_result.stdout === 'string') {
        const r = m.tool_use_result
        output = [r.stdout, r.stderr].filter((s) => typeof s === 'string' && s.length > 0).join('\n')
        exitCode = 0
      }
      const status = rejected ? 'declined' : block.is_error ? 'failed' : 'completed'
      this.sink.emit({ type: 'tool.completed', toolCallId: id, status, output, ...(exitCode !== undefined ? { exitCode } : {}) })
    }
  }

  private onResult(r: Json): void {
    this.noteSession(r.session_id)
    const context = contextOf(r.modelUsage, this.lastCall)
    this.sink.emit({ ...usageOf(r), ...(context ? { context } : {}) })
    if (!this.turnOpen) return
    const aborted = typeof r.terminal_reason === 'string' && r.terminal_reason.startsWith('aborted')
    if (this.interrupting || (r.subtype === 'error_during_execution' && aborted)) return this.closeTurn('interrupted')
    if (r.is_error || (r.subtype && r.subtype !== 'success')) {
      const errors = Array.isArray(r.errors) ? r.errors.join('\n') : ''
      const message = str(r.result) ?? (errors || `Claude ended the turn with ${r.subtype ?? 'an error'}`)
      this.sink.emit({ type: 'error', message })
      return this.closeTurn('failed', message)
    }
    this.closeTurn('completed')
  }
}

function alwaysLabel(suggestions: unknown[]): string {
  const rules = suggestions.flatMap((s: any) =>
    s?.type === 'addRules' && Array.isArray(s.rules) ? s.rules.map((r: Json) => (r.ruleContent ? `${r.toolName}(${r.ruleContent})` : String(r.toolName))) : [],
  )
  return rules.length ? `Always allow ${rules.join(', ')}` : 'Always allow'
}

export interface ClaudeAdapterOptions {
  /** How long stop() waits after closing stdin before signalling the tree. */
  graceMs?: number
  /** How long start() waits for the initialize response. */
  readyTimeoutMs?: number
  /** Longest accepted stdout line (JsonlReader's default: 64 MiB). */
  maxLineBytes?: number
}

/**
 * Claude Code lists no models over stream-json; these are the aliases its `--help` names (2.1.329),
 * each the latest of its family. Any full model name can still be typed as a custom model.
 */
export const CLAUDE_MODELS: readonly ModelChoice[] = [
  { id: 'sonnet', name: 'Sonnet', description: 'The latest Sonnet' },
  { id: 'opus', name: 'Opus', description: 'The latest Opus' },
  { id: 'fable', name: 'Fable', description: 'The latest Fable' },
]

export function claudeAdapter(opts: ClaudeAdapterOptions = {}): AgentAdapter {
  const graceMs = opts.graceMs ?? 1500
  const readyTimeoutMs = opts.readyTimeoutMs ?? 60_000
  return {
    kind: 'claude',
    keystrokes: false,
    defaultCommand: () => ({ command: 'claude', args: [] }),
    kindEnv: () => ({}),
    knownModels: CLAUDE_MODELS,
    async start(spec, cb) {
      const args = [...spec.args, ...PROTOCOL_ARGS, ...claudeMcpArgs(spec.mcp)]
      const mode = CLAUDE_MODES.some((m) => m.id === spec.mode) ? spec.mode! : 'default'
      if (mode !== 'default') args.push('--permission-mode', mode)
      if (spec.model) args.push('--model', spec.model)
      let resume: string[] = []
      if (spec.resume) {
        // A session that is gone (config dir wiped) would make the CLI exit at once, on every wake.
        if (sessionExists(spec.env.CLAUDE_CONFIG_DIR ?? spec.configDir, spec.resume)) resume = ['--resume', spec.resume]
        else cb.emit({ type: 'error', message: `The earlier Claude session ${spec.resume} is gone; starting a new conversation.` })
      }
      const launch = (extra: string[]) => launchClaude({ ...spec, args: [...args, ...extra] }, cb, mode, { graceMs, readyTimeoutMs, maxLineBytes: opts.maxLineBytes })
      let current = await launch(resume)
      let stopping = false
      const session: AgentSession = {
        get pid() {
          return current.pid
        },
        send: (input) => current.protocol.userTurn(input),
        interrupt: () => current.protocol.interrupt(),
        approve: (requestId, optionId, answers) => current.protocol.approve(requestId, optionId, answers),
        resize: () => {},
        setMode: (modeId) => current.protocol.setMode(modeId),
        // The CLI rewinds only when it starts: a new process resumes the session cut before that turn.
        async rewind(beforeTurnId) {
          if (current.protocol.busy) throw new Error('Claude is in a turn; interrupt it before rewinding')
          const cut = rewindArgs(current.protocol.session, beforeTurnId)
          await current.stop(true)
          if (stopping) return
          current = await launch(cut)
          if (cut.length === 0) cb.setResumeToken('')
        },
        stop() {
          stopping = true
          return current.stop(false)
        },
      }
      return session
    },
  }
}

interface RunningClaude {
  pid: number | undefined
  protocol: ClaudeProtocol
  /** Stops the process; `replaced`: a new one takes over, so its exit is not the session's. */
  stop(replaced: boolean): Promise<void>
}

async function launchClaude(
  spec: LaunchSpec,
  cb: AdapterCallbacks,
  mode: string,
  opts: { graceMs: number; readyTimeoutMs: number; maxLineBytes?: number },
): Promise<RunningClaude> {
  let ready = false
  let failStart: (err: Error) => void = () => {}
  let stopping = false
  let replaced = false
  let proc!: AgentProcess
  const protocol = new ClaudeProtocol({
    emit: (e) => {
      if (!ready && e.type === 'error' && e.fatal) return failStart(new Error(e.message))
      cb.emit(e)
    },
    setResumeToken: (t) => cb.setResumeToken(t),
    write: (v) => void proc.write(v),
  })
  // Profile args first, so a wrapper command (`npx -y @anthropic-ai/claude-code`, `node cli.js`) still works.
  proc = await AgentProcess.spawn({
    command: spec.command,
    args: spec.args,
    cwd: spec.cwd,
    env: spec.env,
    maxLineBytes: opts.maxLineBytes,
    onValue: (v) => protocol.onMessage(v),
    onProtocolError: (err) => (ready ? cb.emit({ type: 'error', fatal: true, message: `Claude sent ${err.message}` }) : failStart(err)),
  })
  void proc.exited.then((info) => {
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.exitCode}`
    if (replaced) return
    protocol.ended(stopping, `Claude ${how}`)
    if (ready) cb.exited({ ...info, lastLines: proc.lastLines() })
  })
  const pid = proc.pid
  cb.emit({ type: 'process.started', pid, command: proc.commandLine })
  try {
    const initialized = new Promise<void>((resolve, reject) => {
      failStart = reject
      protocol.initialize().then(() => resolve(), reject)
    })
    await proc.ready(initialized, opts.readyTimeoutMs)
    ready = true
    protocol.startedIn(mode)
  } catch (err) {
    await proc.stop({ graceMs: 500 })
    throw err
  }
  return {
    pid,
    protocol,
    stop(isReplaced) {
      stopping = true
      replaced = isReplaced
      // The CLI finishes a running turn before it honours EOF: interrupt it first (that also ends its tools).
      return proc.stop({ goodbye: () => protocol.interrupt(), graceMs: opts.graceMs })
    },
  }
}

