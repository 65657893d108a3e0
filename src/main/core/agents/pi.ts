import type { ModelChoice } from '../../../shared/contract'
import type { Answers, ContextFill, LaneEventBody, Question } from '../../../shared/events'
import { AgentProcess } from '../transport/agent-process'
import { askAgentOnce, toModelChoices } from './model-probe'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec, ModelProbeSpec } from './types'

/**
 * pi (`@mariozechner/pi-coding-agent`) in `--mode rpc`: JSONL commands on stdin (`prompt`, `abort`,
 * `get_state`, `extension_ui_response`), events and `response`s on stdout.
 *
 * A Switchyard turn is one pi *agent run* (`agent_start` … `agent_end`); pi's own `turn_start/end`
 * mark single model responses inside it. Text sent while a run is under way is steered into it
 * (`prompt` with `streamingBehavior:"steer"`), delivered before pi's next model call.
 * pi has no permission system; extensions may ask through `extension_ui_request` dialogs, which
 * become approval requests.
 */

type Obj = Record<string, any>
type Sink = {
  emit(event: LaneEventBody): void
  /** Writes a command to pi's stdin. */
  write(command: Obj): void
  /** A lane turn ended (the session file may have changed during it). */
  turnEnded?(): void
}
type ToolKind = 'read' | 'search' | 'edit' | 'execute' | 'other'
type Option = { id: string; label: string; kind: 'allow_once' | 'allow_always' | 'reject_once' | 'reject_always' | 'other' }
type Dialog = { method: 'confirm' | 'select' | 'input' | 'editor'; options: Option[]; toolCallId?: string; timer?: NodeJS.Timeout }
type Outcome = 'completed' | 'interrupted' | 'failed'

/** The option that submits a text dialog's answer, and the id of its one question. */
const ANSWER = 'answer'
const TEXT = 'text'

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : 0)

/** Text blocks of a pi message / tool result `content` array. */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((b) => (isObj(b) && b.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('')
}

// Looked up by the agent's own tool names: no prototype, so `constructor` is just an unknown tool.
const TOOL_KINDS: Record<string, ToolKind> = Object.assign(Object.create(null), {
  bash: 'execute',
  read: 'read',
  edit: 'edit',
  write: 'edit',
  grep: 'search',
  find: 'search',
  ls: 'search',
})

function toolInfo(name: string, args: Obj) {
  const kind: ToolKind = TOOL_KINDS[name] ?? 'other'
  const path = str(args.path) ?? str(args.file_path)
  const command = name === 'bash' ? str(args.command) : undefined
  const title = command ?? (path ? `${name} ${path}` : str(args.pattern) ? `${name} ${args.pattern}` : name)
  return { toolKind: kind, title, command, path }
}

/** Guesses what choosing a dialog option means, from its label. */
function optionKind(label: string): Option['kind'] {
  const l = label.trim().toLowerCase()
  if (/\balways\b/.test(l)) return /^(never|block|deny|reject|don)/.test(l) ? 'reject_always' : 'allow_always'
  if (/^(yes|y|allow|approve|accept|ok|okay|run|proceed|continue|confirm)\b/.test(l)) return 'allow_once'
  if (/^(no|n|block|deny|reject|cancel|abort|skip|stop|don'?t)\b/.test(l)) return 'reject_once'
  return 'other'
}

/**
 * The protocol state machine: turns pi's stdout values into LaneEvents and knows which commands to
 * write back. It has no process: the replay tests drive it with recorded lines.
 */
export class PiProtocol {
  private turnOpen = false
  private running = false
  /** A turn opened only because a dialog arrived outside any run (the lane must not stay busy). */
  private dialogTurn = false
  /** pi accepted a prompt whose run has not announced itself yet: an interrupt must still reach it. */
  private accepted = false
  private interruptRequested = false
  /** A failed run's end waits for the rest of its stdout chunk: an `auto_retry_start` may follow. */
  private pendingEnd: { outcome: Outcome; message?: string } | undefined
  private usage = { input: 0, output: 0, cached: 0, cost: 0, seen: false }
  private messageSeq = 0
  private messageId: string | undefined
  private readonly tools = new Map<string, { name: string; kind: ToolKind; path?: string; ended?: boolean }>()
  private lastTool: string | undefined
  private readonly declined = new Set<string>()
  private readonly dialogs = new Map<string, Dialog>()
  private readonly waiting = new Map<string, { command: string; resolve: (response: Obj | undefined) => void }>()
  private nextId = 0

  constructor(private readonly sink: Sink) {}

  /** Sends a command and resolves with its `response` (undefined if pi goes away first). */
  request(command: Obj): Promise<Obj | undefined> {
    const id = `sy-${++this.nextId}`
    return new Promise((resolve) => {
      this.waiting.set(id, { command: String(command.type), resolve })
      this.sink.write({ ...command, id })
    })
  }

  /** pi is gone: nobody will answer. */
  /** pi is gone: a turn still open ends, as interrupted if we stopped it, failed otherwise; nothing waits for an answer. */
  close(exit?: { stopping: boolean; message: string }): void {
    this.accepted = false
    if (exit && this.turnOpen) this.endTurn(exit.stopping ? 'interrupted' : 'failed', exit.stopping ? undefined : exit.message)
    for (const { resolve } of this.waiting.values()) resolve(undefined)
    this.waiting.clear()
    for (const d of this.dialogs.values()) clearTimeout(d.timer)
    this.dialogs.clear()
  }

  /** Call after each stdout chunk has been fed through `receive`. */
  flush(): void {
    const end = this.pendingEnd
    this.pendingEnd = undefined
    if (end) this.endTurn(end.outcome, end.message)
  }

  interrupt(): void {
    if (!this.turnOpen && !this.accepted) return
    this.interruptRequested = true
    // An extension dialog blocks pi's run until answered: withdraw them so the abort can finish.
    for (const [id, dialog] of [...this.dialogs]) {
      this.settleDialog(id, { cancelled: true })
      this.sink.emit({ type: 'approval.resolved', requestId: id, optionId: rejectOf(dialog).id, by: 'agent' })
    }
    this.sink.write({ type: 'abort', id: `sy-${++this.nextId}` })
  }

  approve(requestId: string, optionId: string, answers?: Answers): void {
    const dialog = this.dialogs.get(requestId)
    if (!dialog) return // timed out or withdrawn meanwhile
    if (dialog.method === 'input' || dialog.method === 'editor') {
      const text = answers?.[TEXT]?.[0]
      this.settleDialog(requestId, optionId === ANSWER && text !== undefined ? { value: text } : { cancelled: true })
      return
    }
    const option = dialog.options.find((o) => o.id === optionId)
    const allowed = option?.kind === 'allow_once' || option?.kind === 'allow_always'
    if (!allowed && dialog.toolCallId) this.declined.add(dialog.toolCallId)
    if (dialog.method === 'confirm') this.settleDialog(requestId, { confirmed: allowed })
    else if (!option || optionId === 'cancel') this.settleDialog(requestId, { cancelled: true })
    else this.settleDialog(requestId, { value: option.label })
  }

  receive(value: unknown): void {
    if (!isObj(value) || typeof value.type !== 'string') {
      this.sink.emit({ type: 'error', fatal: true, message: `pi sent something that is not an event: ${JSON.stringify(value)?.slice(0, 200)}` })
      return
    }
    const v = value
    switch (v.type) {
      case 'response':
        return this.onResponse(v)
      case 'agent_start':
        this.running = true
        this.accepted = false
        this.dialogTurn = false
        this.pendingEnd = undefined // a retry continues the turn
        if (!this.turnOpen) {
          this.turnOpen = true
          this.sink.emit({ type: 'turn.started' })
        }
        return
      case 'message_start':
        if (isObj(v.message) && v.message.role === 'assistant') this.messageId = `pi-${++this.messageSeq}`
        return
      case 'message_update':
        return this.onDelta(v.assistantMessageEvent)
      case 'message_end':
        return this.onMessageEnd(v.message)
      case 'tool_execution_start':
        return this.onToolStart(v)
      case 'tool_execution_update': {
        const id = str(v.toolCallId)
        if (id) this.sink.emit({ type: 'tool.updated', toolCallId: id, output: textOf(v.partialResult?.content) })
        return
      }
      case 'tool_execution_end':
        return this.onToolEnd(v)
      case 'agent_end':
        return this.onAgentEnd(v)
      case 'auto_retry_start':
        this.pendingEnd = undefined
        this.sink.emit({
          type: 'error',
          message: str(v.errorMessage) ?? 'pi reported an error',
          retry: { attempt: int(v.attempt), maxAttempts: int(v.maxAttempts) },
        })
        return
      case 'auto_retry_end':
        if (v.success === false && this.turnOpen && !this.running) {
          this.endTurn(this.interruptRequested ? 'interrupted' : 'failed', str(v.finalError))
        }
        return
      case 'extension_ui_request':
        return this.onDialog(v)
      case 'extension_error':
        this.sink.emit({ type: 'error', message: `pi extension ${str(v.extensionPath) ?? ''} failed: ${str(v.error) ?? 'unknown error'}` })
        return
      case 'compaction_end':
        if (str(v.errorMessage)) this.sink.emit({ type: 'error', message: `pi could not compact the conversation: ${v.errorMessage}` })
        return
      default:
        // turn_start/turn_end (one model call), queue_update, compaction_start, session events …
        return
    }
  }

  private onResponse(v: Obj): void {
    const id = str(v.id)
    const waiting = id ? this.waiting.get(id) : undefined
    if (waiting && id) {
      this.waiting.delete(id)
      if (waiting.command === 'prompt' && v.success === true && !this.turnOpen) this.accepted = true
      waiting.resolve(v)
      return
    }
    if (v.success === false) this.sink.emit({ type: 'error', message: `pi: ${str(v.command) ?? 'command'} failed: ${str(v.error) ?? 'unknown error'}` })
  }

  private onDelta(e: unknown): void {
    if (!isObj(e)) return
    const text = str(e.delta)
    if (!text) return
    if (e.type === 'text_delta') this.sink.emit({ type: 'text.delta', messageId: this.messageId, text })
    else if (e.type === 'thinking_delta') this.sink.emit({ type: 'reasoning.delta', messageId: this.messageId, text })
  }

  private onMessageEnd(m: unknown): void {
    if (!isObj(m) || m.role !== 'assistant') return
    const text = textOf(m.content)
    if (text) this.sink.emit({ type: 'message', role: 'assistant', messageId: this.messageId, text })
    const u = m.usage
    if (isObj(u)) {
      this.usage.input += num(u.input)
      this.usage.output += num(u.output)
      this.usage.cached += num(u.cacheRead)
      this.usage.cost += num(u.cost?.total)
      this.usage.seen ||= num(u.input) + num(u.output) + num(u.cacheRead) + num(u.cost?.total) > 0
    }
  }

  private onToolStart(v: Obj): void {
    const id = str(v.toolCallId)
    if (!id) return
    const name = str(v.toolName) ?? 'tool'
    const info = toolInfo(name, isObj(v.args) ? v.args : {})
    this.tools.set(id, { name, kind: info.toolKind, path: info.path })
    this.lastTool = id
    this.sink.emit({
      type: 'tool.started',
      toolCallId: id,
      toolKind: info.toolKind,
      title: info.title,
      ...(info.command !== undefined ? { command: info.command } : {}),
      ...(info.path && info.toolKind === 'edit' ? { files: [{ path: info.path }] } : {}),
    })
  }

  private onToolEnd(v: Obj): void {
    const id = str(v.toolCallId)
    if (!id) return
    const tool = this.tools.get(id) ?? { name: str(v.toolName) ?? 'tool', kind: TOOL_KINDS[str(v.toolName) ?? ''] ?? 'other' }
    tool.ended = true
    const output = textOf(v.result?.content)
    const failed = v.isError === true
    let exitCode: number | null | undefined
    if (tool.name === 'bash') {
      // pi's bash tool reports a non-zero exit as an error ending in this line; aborts and timeouts have none.
      const m = failed ? /Command exited with code (\d+)\s*$/.exec(output) : null
      exitCode = failed ? (m ? Number(m[1]) : null) : 0
    }
    const diff = str(v.result?.details?.diff)
    this.sink.emit({
      type: 'tool.completed',
      toolCallId: id,
      toolKind: tool.kind,
      output,
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(tool.path && tool.kind === 'edit' ? { files: [{ path: tool.path, ...(diff ? { diff } : {}) }] } : {}),
      status: failed ? (this.declined.has(id) ? 'declined' : 'failed') : 'completed',
    })
  }

  private onAgentEnd(v: Obj): void {
    this.running = false
    this.accepted = false
    const messages: unknown[] = Array.isArray(v.messages) ? v.messages : []
    const last = [...messages].reverse().find((m): m is Obj => isObj(m) && m.role === 'assistant')
    const reason = str(last?.stopReason)
    const error = str(last?.errorMessage)
    // Asked to stop, the run ended: interrupted, even if its last reply beat the abort to pi.
    if (reason === 'aborted' || this.interruptRequested) this.endTurn('interrupted')
    else if (reason === 'error') this.pendingEnd = { outcome: 'failed', message: error }
    else this.endTurn('completed')
  }

  private endTurn(outcome: Outcome, message?: string): void {
    for (const d of this.dialogs.values()) clearTimeout(d.timer)
    this.dialogs.clear()
    this.tools.clear()
    this.declined.clear()
    this.lastTool = undefined
    this.interruptRequested = false
    if (this.usage.seen) {
      const { input, output, cached, cost } = this.usage
      this.sink.emit({ type: 'usage', turn: { inputTokens: input, outputTokens: output, cachedInputTokens: cached, costUsd: cost } })
    }
    this.usage = { input: 0, output: 0, cached: 0, cost: 0, seen: false }
    if (outcome === 'failed' && message) this.sink.emit({ type: 'error', message })
    this.turnOpen = false
    this.dialogTurn = false
    this.sink.emit({ type: 'turn.completed', outcome, ...(message ? { message } : {}) })
    this.sink.turnEnded?.()
  }

  /** Ends a turn that only a dialog opened, once nothing is left to answer. */
  private dialogSettled(): void {
    if (this.dialogTurn && this.dialogs.size === 0 && !this.running) this.endTurn(this.interruptRequested ? 'interrupted' : 'completed')
  }

  private onDialog(v: Obj): void {
    const id = str(v.id)
    const method = str(v.method)
    if (!id || !method) return
    const title = str(v.title) ?? 'pi asks'
    if (method === 'notify') {
      const text = str(v.message)
      if (text) this.sink.emit(v.notifyType === 'error' || v.notifyType === 'warning' ? { type: 'error', message: text } : { type: 'message', role: 'system', text })
      return
    }
    if (method !== 'confirm' && method !== 'select' && method !== 'input' && method !== 'editor') return // setStatus, setWidget, setTitle, set_editor_text
    let options: Option[]
    let questions: Question[] | undefined
    if (method === 'input' || method === 'editor') {
      // A text to type: one question without options.
      options = [
        { id: ANSWER, label: 'Send', kind: 'other' },
        { id: 'cancel', label: 'Cancel', kind: 'reject_once' },
      ]
      const question: Question = { id: TEXT, question: title, options: [], other: true }
      if (method === 'editor') Object.assign(question, { multiline: true }, str(v.prefill) ? { initial: v.prefill } : {})
      questions = [question]
    } else if (method === 'confirm') {
      options = [
        { id: 'yes', label: 'Yes', kind: 'allow_once' },
        { id: 'no', label: 'No', kind: 'reject_once' },
      ]
    } else {
      const labels: string[] = Array.isArray(v.options) ? v.options.filter((o: unknown): o is string => typeof o === 'string') : []
      options = labels.map((label, i) => ({ id: String(i), label, kind: optionKind(label) }))
      if (!options.some((o) => o.kind === 'reject_once' || o.kind === 'reject_always')) options.push({ id: 'cancel', label: 'Cancel', kind: 'reject_once' })
    }
    // The dialog is about the tool being prepared, if any: pi announces a tool before its hooks run.
    const tool = this.lastTool && this.turnOpen ? this.tools.get(this.lastTool) : undefined
    const toolCallId = tool && !tool.ended ? this.lastTool : undefined
    const dialog: Dialog = { method, options, toolCallId }
    this.dialogs.set(id, dialog)
    if (!this.turnOpen) {
      this.turnOpen = true
      this.dialogTurn = true
      this.sink.emit({ type: 'turn.started' })
    }
    const timeout = num(v.timeout)
    if (timeout) {
      // pi answers it itself when the timeout expires.
      dialog.timer = setTimeout(() => {
        if (!this.dialogs.delete(id)) return
        this.sink.emit({ type: 'approval.resolved', requestId: id, optionId: rejectOf(dialog).id, by: 'agent' })
        this.dialogSettled()
      }, timeout)
      dialog.timer.unref?.()
    }
    this.sink.emit({
      type: 'approval.requested',
      requestId: id,
      title: questions ? 'pi asks' : title,
      ...(str(v.message) ? { detail: v.message } : {}),
      ...(toolCallId ? { toolCallId } : {}),
      readOnly: tool ? tool.kind === 'read' || tool.kind === 'search' : false,
      options,
      ...(questions ? { questions } : {}),
    })
  }

  private settleDialog(id: string, answer: Obj): void {
    const dialog = this.dialogs.get(id)
    if (!dialog) return
    clearTimeout(dialog.timer)
    this.dialogs.delete(id)
    this.sink.write({ type: 'extension_ui_response', id, ...answer })
    this.dialogSettled()
  }
}

function rejectOf(dialog: Dialog): Option {
  return dialog.options.find((o) => o.kind === 'reject_once' || o.kind === 'reject_always') ?? dialog.options[dialog.options.length - 1]
}

/** Replays pi's stdout values (one chunk each) and returns the LaneEvents a lane would get. */
export function translatePi(values: unknown[]): LaneEventBody[] {
  const events: LaneEventBody[] = []
  const protocol = new PiProtocol({ emit: (e) => events.push(e), write: () => {} })
  for (const v of values) {
    protocol.receive(v)
    protocol.flush()
  }
  protocol.close()
  return events
}

export interface PiAdapterOptions {
  /** How long stop() waits after closing stdin, and then after SIGTERM. */
  graceMs?: number
  /** Longest accepted stdout line; pi repeats the whole partial message in every delta line. */
  maxLineBytes?: number
  /** How long start() waits for pi's first `get_state` answer (its readiness) before the start fails. */
  readyTimeoutMs?: number
}

export function piAdapter(opts: PiAdapterOptions = {}): AgentAdapter {
  return {
    kind: 'pi',
    keystrokes: false,
    defaultCommand: () => ({ command: 'pi', args: [] }),
    // Skips pi's startup version and package checks: a lane must not wait on the network to start.
    kindEnv: () => ({ PI_OFFLINE: '1' }),
    start: (spec, cb) => startPi(spec, cb, opts),
    listModels: listPiModels,
  }
}

/** `get_available_models`: the models pi has credentials for, named `provider/id` as `--model` takes them. */
async function listPiModels(spec: ModelProbeSpec): Promise<ModelChoice[]> {
  let protocol: PiProtocol | undefined
  return askAgentOnce(
    spec,
    [...spec.args, '--mode', 'rpc', '--no-session'],
    async (proc) => {
      protocol = new PiProtocol({ emit: () => undefined, write: (command: Obj) => void proc.write(command), turnEnded: () => undefined })
      const res = await protocol.request({ type: 'get_available_models' })
      const models: unknown[] = Array.isArray(res?.data?.models) ? res.data.models : []
      return toModelChoices(
        models.flatMap((m) => {
          if (!m || typeof m !== 'object') return []
          const { id, provider, name } = m as Obj
          return typeof id === 'string' && typeof provider === 'string' ? [{ id: `${provider}/${id}`, name: typeof name === 'string' ? `${name} (${provider})` : undefined }] : []
        }),
      )
    },
    (value) => protocol?.receive(value),
  )
}

async function startPi(spec: LaunchSpec, cb: AdapterCallbacks, opts: PiAdapterOptions): Promise<AgentSession> {
  const graceMs = opts.graceMs ?? 1500
  // The profile's args first (they may name a script for `node`), then the protocol's flags, which win.
  const args = [...spec.args, '--mode', 'rpc', ...(spec.model ? ['--model', spec.model] : []), ...(spec.resume ? ['--session', spec.resume] : [])]
  let resumeToken = spec.resume
  let ready = false
  let proc!: AgentProcess
  // A run may switch session files (an extension's /new): the token is re-read after every turn.
  const protocol = new PiProtocol({ emit: (e) => cb.emit(e), write: (command: Obj) => void proc.write(command), turnEnded: () => void afterTurn() })
  proc = await AgentProcess.spawn({
    command: spec.command,
    args,
    cwd: spec.cwd,
    env: spec.env,
    maxLineBytes: opts.maxLineBytes,
    onValue: (value) => protocol.receive(value),
    onProtocolError: (err) => cb.emit({ type: 'error', fatal: true, message: `pi: ${err.message}`, details: err.details }),
    // pi repeats the whole partial message in every delta: one delta per chunk is enough.
    onChunk: () => protocol.flush(),
  })
  let stopping = false
  void proc.exited.then((info) => {
    const how = info.signal ? `was killed by ${info.signal}` : `exited with code ${info.exitCode}`
    protocol.close({ stopping, message: `pi ${how} during the turn` })
    if (ready) cb.exited({ exitCode: info.signal ? null : info.exitCode, signal: info.signal, lastLines: proc.lastLines() })
  })

  const refreshResumeToken = async () => {
    const res = await protocol.request({ type: 'get_state' })
    const file = str(res?.data?.sessionFile)
    if (file && file !== resumeToken) {
      resumeToken = file
      cb.setResumeToken(file)
    }
    return res
  }

  /** After each turn: the session file (it may have switched) and how full the context window is. */
  const afterTurn = async () => {
    await refreshResumeToken()
    const stats = await protocol.request({ type: 'get_session_stats' })
    const context = contextFromStats(stats?.data)
    if (context) cb.emit({ type: 'usage', context })
  }

  cb.emit({ type: 'process.started', pid: proc.pid, command: proc.commandLine })
  // pi answers its first command once it has loaded: that is the ready signal, and it names the session file.
  try {
    await proc.ready(refreshResumeToken(), opts.readyTimeoutMs)
  } catch (err) {
    await proc.stop({ graceMs: 500 })
    throw err
  }
  ready = true

  return {
    pid: proc.pid,
    async send(input) {
      if (proc.gone) throw new Error('pi is not running')
      // "steer" only matters while a run is under way; otherwise the prompt starts a new one.
      const res = await protocol.request({ type: 'prompt', message: input, streamingBehavior: 'steer' })
      if (res?.success === false) cb.emit({ type: 'error', message: `pi refused the prompt: ${str(res.error) ?? 'unknown error'}` })
    },
    interrupt: () => protocol.interrupt(),
    approve: (requestId, optionId, answers) => protocol.approve(requestId, optionId, answers),
    resize: () => {},
    // A run under way ends cleanly (and is saved) rather than being cut off; then pi's shutdown is EOF.
    stop() {
      stopping = true
      return proc.stop({ goodbye: () => protocol.interrupt(), graceMs })
    },
  }
}

/** `get_session_stats`'s `contextUsage` (tokens against the window) as a fill; absent or null right after a compaction. */
export function contextFromStats(data: unknown): ContextFill | undefined {
  const usage = isObj(data) ? data.contextUsage : undefined
  if (!isObj(usage)) return undefined
  const { tokens, contextWindow } = usage
  if (typeof tokens !== 'number' || typeof contextWindow !== 'number' || !(contextWindow > 0) || !(tokens >= 0) || !Number.isFinite(tokens + contextWindow)) return undefined
  return { usedTokens: Math.round(tokens), windowTokens: Math.round(contextWindow) }
}

/** A whole number from the wire, or undefined. */
function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isInteger(v) ? v : undefined
}
