import * as acp from '@agentclientprotocol/sdk/unstable'
import type { ModelChoice } from '../../../shared/contract'
import type { LaneEventBody } from '../../../shared/events'
import { AgentProcess } from '../transport/agent-process'
import { AcpClientServices } from './acp-client-services'
import { acpMcpServers } from './mcp-config'
import { blockText, contentText, contextOfUpdate, READ_ONLY, relativeTo, sessionModels, type SessionModels, toolEventFields, type ToolState, toolKindOf, unifiedDiff, usageOf } from './acp-content'
import type { AcpAgentHooks } from './registry'
import { toModelChoices } from './model-probe'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec, ModelProbeSpec } from './types'

/**
 * Agent Client Protocol (JSON-RPC 2.0 over stdio), spoken through the official SDK. We are the
 * client: we offer `fs` and `terminal`, confined to the lane's workspace, and turn every
 * `session/update` into LaneEvents. Gemini CLI (`gemini --acp`) is the reference agent.
 */

export interface AcpAdapterOptions {
  /** How long the agent gets to exit after stdin closes, before SIGTERM/SIGKILL. */
  graceMs?: number
  /** Longest line accepted from the agent; a longer one fails the lane. */
  maxLineBytes?: number
  /** After `session/cancel`, how long to wait for the agent to end the turn before we do. */
  cancelGraceMs?: number
  /** initialize → session ready, at most. */
  handshakeTimeoutMs?: number
  /** Quirks of particular agents (their presets' hooks), picked by the name the agent gives in `initialize`. */
  agents?: readonly AcpAgentHooks[]
  /** What a profile of this kind with no command runs. */
  defaultCommand?: { command: string; args: string[] }
}

type Outcome = Extract<LaneEventBody, { type: 'turn.completed' }>['outcome']

export function acpAdapter(opts: AcpAdapterOptions = {}): AgentAdapter {
  return {
    kind: 'acp',
    keystrokes: false,
    // ACP has no launcher of its own: the registry names one (a preset's), else a profile must.
    defaultCommand: () => opts.defaultCommand ?? { command: '', args: [] },
    kindEnv: () => ({}),
    start: (spec, cb) => AcpSession.start(spec, cb, opts),
    listModels: (spec) => listAcpModels(spec, opts),
  }
}

/** ACP lists models per session: a session opened in the profile's own dir, then ended, holding nothing. */
async function listAcpModels(spec: ModelProbeSpec, opts: AcpAdapterOptions): Promise<ModelChoice[]> {
  const quiet: AdapterCallbacks = { emit: () => undefined, exited: () => undefined, setResumeToken: () => undefined }
  const session = await AcpSession.start({ ...spec, laneId: 'models', cols: 80, rows: 24 }, quiet, { ...opts, handshakeTimeoutMs: spec.timeoutMs })
  try {
    return toModelChoices((session.models?.availableModels ?? []).map((m) => ({ id: m.modelId, name: m.name, description: m.description })))
  } finally {
    await session.stop()
  }
}

// ---------------------------------------------------------------------------------------------

interface Turn {
  id: string
  cancelled: boolean
  timer?: NodeJS.Timeout
}

interface PendingApproval {
  options: acp.PermissionOption[]
  toolCallId?: string
  settle: (outcome: acp.RequestPermissionOutcome) => void
}

const CLIENT_INFO = { name: 'switchyard', title: 'Switchyard', version: '0.1.0' }

class AcpSession implements AgentSession {
  readonly pid: number | undefined
  private conn!: acp.ClientConnection
  private sessionId = ''
  private started = false
  private exited = false
  private terminalsStopped: Promise<unknown> = Promise.resolve()
  private readonly services: AcpClientServices
  /** The running agent's quirks, once `initialize` said which agent it is. */
  private hooks: AcpAgentHooks | undefined
  private failed = false
  private stopping: Promise<void> | undefined

  private turnSeq = 0
  private turn: Turn | undefined
  private readonly queue: string[] = []
  private segment = { id: '', text: '' }
  private segmentSeq = 0
  private readonly tools = new Map<string, ToolState>()
  private readonly approvals = new Map<string, PendingApproval>()
  private approvalSeq = 0
  /** History replayed by `session/load`: not new activity, so not shown again. */
  private replaying = false
  private lastUpdateAt = 0
  private lastCostUsd: number | undefined
  private modes: acp.SessionModeState | undefined

  /** The models the session offers, if the agent said. */
  models: SessionModels | undefined

  static async start(spec: LaunchSpec, cb: AdapterCallbacks, opts: AcpAdapterOptions): Promise<AcpSession> {
    let session!: AcpSession
    const proc = await AgentProcess.spawn({
      command: spec.command,
      args: spec.args,
      cwd: spec.cwd,
      env: spec.env,
      maxLineBytes: opts.maxLineBytes,
      onValue: (value) => session.receive(value),
      onProtocolError: (err) => session.fatal(`The agent broke the protocol: ${err.message}`),
    })
    session = new AcpSession(spec, cb, opts, proc)
    cb.emit({ type: 'process.started', pid: proc.pid, command: proc.commandLine })
    try {
      await proc.ready(
        session.openSession().catch((err: unknown) => Promise.reject(new Error(describe(err)))),
        opts.handshakeTimeoutMs,
      )
    } catch (err) {
      await session.stop()
      throw err
    }
    session.started = true
    return session
  }

  private readonly controller: ReadableStreamDefaultController<acp.AnyMessage>

  private constructor(
    private readonly spec: LaunchSpec,
    private readonly cb: AdapterCallbacks,
    private readonly opts: AcpAdapterOptions,
    private readonly proc: AgentProcess,
  ) {
    this.pid = proc.pid
    this.services = new AcpClientServices({ cwd: spec.cwd, env: spec.env })
    let controller!: ReadableStreamDefaultController<acp.AnyMessage>
    const readable = new ReadableStream<acp.AnyMessage>({ start: (c) => void (controller = c) })
    this.controller = controller
    const writable = new WritableStream<acp.AnyMessage>({
      write: (message) => {
        if (!proc.write(message)) throw new Error('The agent is no longer reading its input')
      },
    })
    this.conn = this.buildClient().connect({ readable, writable })
    void proc.exited.then((info) => {
      try {
        this.controller.close()
      } catch {}
      this.onExit(info.exitCode, info.signal)
    })
  }

  receive(value: unknown): void {
    if (typeof value !== 'object' || value === null || Array.isArray(value) || !('method' in value || 'id' in value)) {
      this.fatal(`The agent sent something that is not a JSON-RPC message: ${JSON.stringify(value).slice(0, 200)}`)
      return
    }
    if (!this.failed) this.controller.enqueue({ jsonrpc: '2.0', ...(value as object) } as acp.AnyMessage)
  }

  private buildClient(): acp.ClientApp {
    const m = acp.methods.client
    return acp
      .client({ name: 'switchyard' })
      .onNotification(m.session.update, ({ params }) => this.guard(() => this.onUpdate(params)))
      .onRequest(m.session.requestPermission, ({ params, signal }) => this.onPermission(params, signal))
      .onRequest(m.fs.readTextFile, ({ params }) => this.services.readTextFile(params))
      .onRequest(m.fs.writeTextFile, ({ params }) => this.services.writeTextFile(params))
      .onRequest(m.terminal.create, ({ params }) => this.services.createTerminal(params))
      .onRequest(m.terminal.output, ({ params }) => this.services.terminalOutput(params.terminalId))
      .onRequest(m.terminal.waitForExit, ({ params }) => this.services.terminal(params.terminalId).exited)
      .onRequest(m.terminal.kill, async ({ params }) => {
        await this.services.terminal(params.terminalId).kill()
        return {}
      })
      .onRequest(m.terminal.release, async ({ params }) => {
        await this.services.releaseTerminal(params.terminalId)
        return {}
      })
  }

  // --- handshake -------------------------------------------------------------------------------

  async openSession(): Promise<void> {
    const agent = this.conn.agent
    const init: acp.InitializeResponse = await agent.request(acp.methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
      clientInfo: CLIENT_INFO,
    })
    this.hooks = this.opts.agents?.find((h) => h.agentName === init.agentInfo?.name)
    const method = this.authMethod(init.authMethods ?? [])
    if (method) await agent.request(acp.methods.agent.authenticate, { methodId: method })
    const cwd = this.spec.cwd
    // A session with nothing in it yet (a lane that slept before its first prompt) has nothing to continue.
    const resume = this.spec.resume && !(await this.hooks?.nothingToResume?.({ env: this.spec.env, sessionId: this.spec.resume })) ? this.spec.resume : undefined
    const caps = init.agentCapabilities ?? {}
    if (resume && (caps.sessionCapabilities?.resume || caps.loadSession)) {
      try {
        if (caps.sessionCapabilities?.resume) {
          const resumed = await agent.request(acp.methods.agent.session.resume, { sessionId: resume, cwd, mcpServers: acpMcpServers(this.spec.mcp) })
          this.sessionId = resume
          await this.adoptModel(resumed)
          await this.adoptModes(resumed?.modes)
        } else {
          this.hooks?.beforeLoad?.({ env: this.spec.env, sessionId: resume })
          this.sessionId = resume
          this.replaying = true
          const loaded = await agent.request(acp.methods.agent.session.load, { sessionId: resume, cwd, mcpServers: acpMcpServers(this.spec.mcp) })
          await this.replayDrained()
          await this.adoptModel(loaded)
          await this.adoptModes(loaded?.modes)
        }
        return
      } catch (err) {
        this.replaying = false
        if (this.exited) throw err
        this.cb.emit({ type: 'error', message: `Could not continue the earlier conversation (${describe(err)}); starting a new one` })
      }
    } else if (resume) {
      this.cb.emit({ type: 'error', message: 'This agent cannot continue an earlier conversation; starting a new one' })
    }
    try {
      const created = await agent.request(acp.methods.agent.session.new, { cwd, mcpServers: acpMcpServers(this.spec.mcp) })
      this.sessionId = created.sessionId
      await this.adoptModel(created)
      await this.adoptModes(created.modes)
    } catch (err) {
      if (err instanceof acp.RequestError && err.code === -32000) {
        throw new Error(`The agent needs you to log in (${describe(err)}): use the profile's login, or set its API key in the profile's env`)
      }
      throw err
    }
    this.cb.setResumeToken(this.sessionId)
  }

  /** The session's models; the lane's model is asked for with `session/set_model` when it is not already the one. */
  private async adoptModel(result: unknown): Promise<void> {
    this.models = sessionModels(result)
    const wanted = this.spec.model
    if (!wanted || this.models?.currentModelId === wanted) return
    if (!this.models) {
      this.cb.emit({ type: 'error', message: `This agent offers no choice of model; ${wanted} is not used` })
      return
    }
    try {
      await this.conn.agent.request('session/set_model' as never, { sessionId: this.sessionId, modelId: wanted } as never)
      this.models = { ...this.models, currentModelId: wanted }
    } catch (err) {
      this.cb.emit({ type: 'error', message: `The agent did not switch to model ${wanted}: ${describe(err)}` })
    }
  }

  /** The session's modes, as the agent reports them; a woken lane goes back to the mode it was in. */
  private async adoptModes(state: acp.SessionModeState | null | undefined): Promise<void> {
    if (!state?.availableModes?.length) return
    this.modes = state
    const wanted = this.spec.mode
    if (wanted && wanted !== state.currentModeId && state.availableModes.some((m) => m.id === wanted)) {
      try {
        await this.setMode(wanted)
        return
      } catch (err) {
        this.cb.emit({ type: 'error', message: `Could not switch the agent back to mode ${wanted}: ${describe(err)}` })
      }
    }
    this.emitModes()
  }

  async setMode(modeId: string): Promise<void> {
    try {
      await this.conn.agent.request(acp.methods.agent.session.setMode, { sessionId: this.sessionId, modeId })
    } catch (err) {
      // The agent's reason ("Cannot enable privileged approval modes in an untrusted folder"), not just "Internal error".
      throw new Error(describe(err))
    }
    if (this.modes) this.modes = { ...this.modes, currentModeId: modeId }
    this.emitModes()
  }

  private emitModes(): void {
    const m = this.modes
    if (!m) return
    const available = m.availableModes.map((a) => ({ id: a.id, name: a.name, ...(a.description ? { description: a.description } : {}) }))
    this.cb.emit({ type: 'modes', current: m.currentModeId, available })
  }

  /** An auth method the profile can satisfy from its env: the agent's own rule first (its preset's hook), then `_meta.env`. */
  private authMethod(methods: acp.AuthMethod[]): string | undefined {
    const env = this.spec.env
    const has = (name: string) => Boolean(env[name])
    const usable = methods.filter((m) => (m as { type?: string }).type !== 'terminal')
    const chosen = this.hooks?.authMethod?.(usable, env)
    if (chosen) return chosen
    for (const m of usable) {
      const meta = (m._meta ?? {}) as Record<string, unknown>
      const vars = (meta['env'] ?? meta['envVars']) as unknown
      if (Array.isArray(vars) && vars.length && vars.every((v) => typeof v === 'string' && has(v))) return m.id
    }
    return undefined
  }

  /** `session/load` may stream its history after answering: wait for it to go quiet. */
  private async replayDrained(): Promise<void> {
    const quietMs = 60
    const deadline = Date.now() + 2000
    this.lastUpdateAt = Date.now()
    while (Date.now() < deadline && Date.now() - this.lastUpdateAt < quietMs) await sleep(quietMs / 3)
    this.replaying = false
  }

  // --- turns -----------------------------------------------------------------------------------

  send(input: string): void {
    if (this.exited) return
    // ACP runs one prompt at a time per session: a prompt sent during a turn waits for it.
    if (this.turn) this.queue.push(input)
    else this.startTurn(input)
  }

  private startTurn(text: string): void {
    const turn: Turn = { id: `turn-${++this.turnSeq}`, cancelled: false }
    this.turn = turn
    this.segment = { id: '', text: '' }
    this.cb.emit({ type: 'turn.started', turnId: turn.id })
    this.conn.agent.request(acp.methods.agent.session.prompt, { sessionId: this.sessionId, prompt: [{ type: 'text', text }] }).then(
      (result) => {
        const outcome: Outcome = result.stopReason === 'cancelled' ? 'interrupted' : result.stopReason === 'refusal' ? 'failed' : 'completed'
        const note: Record<string, string> = {
          refusal: 'The agent refused to continue',
          max_tokens: 'Stopped: the reply reached the token limit',
          max_turn_requests: 'Stopped: too many model requests in one turn',
        }
        const usage = usageOf(result)
        if (usage) this.cb.emit({ type: 'usage', turn: usage })
        this.finishTurn(turn, outcome, note[result.stopReason])
      },
      (err) => {
        if (this.exited || this.turn !== turn) return
        if (turn.cancelled) return this.finishTurn(turn, 'interrupted')
        const message = describe(err)
        this.cb.emit({ type: 'error', message: `The turn failed: ${message}` })
        this.finishTurn(turn, 'failed', message)
      },
    )
  }

  private finishTurn(turn: Turn, outcome: Outcome, message?: string): void {
    if (this.turn !== turn) return
    clearTimeout(turn.timer)
    this.flushMessage()
    for (const requestId of [...this.approvals.keys()]) this.withdraw(requestId)
    for (const tool of this.tools.values()) {
      if (!tool.done) this.completeTool(tool, tool.declined ? 'declined' : 'failed')
    }
    this.tools.clear()
    this.turn = undefined
    this.cb.emit({ type: 'turn.completed', turnId: turn.id, outcome, ...(message ? { message } : {}) })
    const next = this.queue.shift()
    if (next !== undefined && !this.exited && !this.stopping) this.startTurn(next)
  }

  interrupt(): void {
    const turn = this.turn
    if (!turn || turn.cancelled || this.exited) return
    turn.cancelled = true
    void this.conn.agent.notify(acp.methods.agent.session.cancel, { sessionId: this.sessionId }).catch(() => {})
    // The protocol says the client answers its open permission requests with `cancelled`.
    for (const requestId of [...this.approvals.keys()]) this.withdraw(requestId)
    turn.timer = setTimeout(() => this.finishTurn(turn, 'interrupted', 'The agent did not confirm the interrupt'), this.opts.cancelGraceMs ?? 5000)
  }

  approve(requestId: string, optionId: string): void {
    const pending = this.approvals.get(requestId)
    if (!pending) return
    this.approvals.delete(requestId)
    const option = pending.options.find((o) => o.optionId === optionId)
    if (option?.kind.startsWith('reject') && pending.toolCallId) {
      const tool = this.tools.get(pending.toolCallId)
      if (tool) tool.declined = true
    }
    pending.settle({ outcome: 'selected', optionId })
  }

  /** Settles a request as `cancelled` on the agent's side of things (turn over, request withdrawn). */
  private withdraw(requestId: string): void {
    const pending = this.approvals.get(requestId)
    if (!pending) return
    this.approvals.delete(requestId)
    pending.settle({ outcome: 'cancelled' })
    const reject = pending.options.find((o) => o.kind.startsWith('reject'))
    this.cb.emit({ type: 'approval.resolved', requestId, optionId: reject?.optionId ?? 'cancelled', by: 'agent' })
  }

  private onPermission(params: acp.RequestPermissionRequest, signal: AbortSignal): Promise<acp.RequestPermissionResponse> {
    if (params.sessionId !== this.sessionId || this.turn?.cancelled || this.exited) return Promise.resolve({ outcome: { outcome: 'cancelled' } })
    const call = params.toolCall
    const tool = this.toolUpdate(call, true)
    const requestId = `perm-${++this.approvalSeq}`
    const kind = toolKindOf(tool.kind)
    const detail = [contentText(call.content), ...(call.content ?? []).filter((c) => c.type === 'diff').map((d) => unifiedDiff(relativeTo(this.spec.cwd, d.path), d.oldText, d.newText))]
      .filter(Boolean)
      .join('\n')
    return new Promise((resolve) => {
      const settle = (outcome: acp.RequestPermissionOutcome) => resolve({ outcome })
      this.approvals.set(requestId, { options: params.options, toolCallId: call.toolCallId, settle })
      signal.addEventListener('abort', () => this.withdraw(requestId), { once: true })
      this.cb.emit({
        type: 'approval.requested',
        requestId,
        title: tool.title || 'The agent asks for permission',
        ...(detail ? { detail } : {}),
        toolCallId: call.toolCallId,
        readOnly: kind ? READ_ONLY.has(kind) : false,
        options: params.options.map((o) => ({
          id: o.optionId,
          label: o.name,
          kind: (['allow_once', 'allow_always', 'reject_once', 'reject_always'] as const).find((k) => k === o.kind) ?? 'other',
        })),
      })
    })
  }

  // --- session/update → LaneEvents -------------------------------------------------------------

  private onUpdate(n: acp.SessionNotification): void {
    this.lastUpdateAt = Date.now()
    if (n.sessionId !== this.sessionId || this.replaying) return
    const u = n.update
    switch (u.sessionUpdate) {
      case 'agent_message_chunk': {
        const text = blockText(u.content)
        if (!text) return
        if (!this.segment.id) this.segment.id = `${this.turn?.id ?? 'msg'}-${++this.segmentSeq}`
        this.segment.text += text
        this.cb.emit({ type: 'text.delta', messageId: this.segment.id, text })
        return
      }
      case 'agent_thought_chunk': {
        const text = blockText(u.content)
        if (text) this.cb.emit({ type: 'reasoning.delta', text })
        return
      }
      case 'tool_call':
      case 'tool_call_update':
        this.toolUpdate(u, false)
        return
      case 'plan':
        this.cb.emit({ type: 'plan', entries: u.entries.map((e) => ({ text: e.content, status: e.status })) })
        return
      case 'usage_update': {
        // The context in use against its size, and a running cost for the session: report what this turn added.
        const context = contextOfUpdate(u)
        const cost = u.cost && u.cost.currency.toUpperCase() === 'USD' ? u.cost.amount : undefined
        const delta = cost === undefined ? 0 : cost - (this.lastCostUsd ?? (this.spec.resume ? cost : 0))
        if (cost !== undefined) this.lastCostUsd = cost
        if (delta > 0 || context) this.cb.emit({ type: 'usage', ...(delta > 0 ? { turn: { costUsd: delta } } : {}), ...(context ? { context } : {}) })
        return
      }
      case 'current_mode_update':
        if (this.modes && u.currentModeId !== this.modes.currentModeId) {
          this.modes = { ...this.modes, currentModeId: u.currentModeId }
          this.emitModes()
        }
        return
      case 'notice':
        if (u.severity === 'error' || u.severity === 'warning') {
          this.cb.emit({ type: 'error', message: [u.title, u.description].filter(Boolean).join(': ') })
        }
        return
      default:
        // user_message_chunk (our own prompt echoed), commands, config, session info: nothing new to show.
        return
    }
  }

  private toolUpdate(u: acp.ToolCallUpdate | acp.ToolCall, fromPermission: boolean): ToolState {
    const known = this.tools.get(u.toolCallId)
    const tool: ToolState = known ?? { toolCallId: u.toolCallId }
    if (u.kind != null) tool.kind = u.kind
    if (u.title != null) tool.title = u.title
    if (u.status != null) tool.status = u.status
    // An update's content replaces the earlier content.
    if (u.content != null) tool.content = u.content
    if (u.rawInput !== undefined) tool.rawInput = u.rawInput
    if (u.rawOutput !== undefined) tool.rawOutput = u.rawOutput
    // A permission request shows the call before it runs (Gemini sends no `tool_call` first).
    if (fromPermission) tool.status ??= 'pending'
    const ended = tool.status === 'completed' || tool.status === 'failed'
    if (!known) {
      this.tools.set(u.toolCallId, tool)
      // Text before a tool call is a message of its own.
      this.flushMessage()
      this.cb.emit({ type: 'tool.started', ...toolEventFields(tool, this.spec.cwd, (id) => this.services.find(id)) })
    } else if (!tool.done && !ended && !fromPermission) {
      this.cb.emit({ type: 'tool.updated', ...toolEventFields(tool, this.spec.cwd, (id) => this.services.find(id)) })
    }
    if (!tool.done && ended && !fromPermission) this.completeTool(tool, tool.status as 'completed' | 'failed')
    return tool
  }

  private completeTool(tool: ToolState, status: 'completed' | 'failed' | 'declined'): void {
    tool.done = true
    this.cb.emit({ type: 'tool.completed', ...toolEventFields(tool, this.spec.cwd, (id) => this.services.find(id)), status })
  }

  private flushMessage(): void {
    if (this.segment.text) this.cb.emit({ type: 'message', role: 'assistant', messageId: this.segment.id, text: this.segment.text })
    this.segment = { id: '', text: '' }
  }

  // --- lifecycle -------------------------------------------------------------------------------

  private guard(fn: () => void): void {
    try {
      fn()
    } catch (err) {
      this.cb.emit({ type: 'error', message: `Could not handle an update from the agent: ${describe(err)}` })
    }
  }

  fatal(message: string): void {
    if (this.failed) return
    this.failed = true
    // Before the lane holds the session it cannot stop us: the failed handshake reports it instead.
    if (this.started) this.cb.emit({ type: 'error', message, fatal: true })
    else this.conn.close(new Error(message))
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true
    // Terminals we ran for the agent are our children, not its: they go with it.
    this.terminalsStopped = this.services.stopAll()
    this.queue.length = 0
    if (this.turn) {
      const turn = this.turn
      const stopped = this.stopping !== undefined
      this.finishTurn(turn, stopped ? 'interrupted' : 'failed', stopped ? 'The agent was stopped' : 'The agent exited during the turn')
    }
    this.conn.close()
    if (this.started) this.cb.exited({ exitCode: code, signal, lastLines: this.proc.lastLines() })
  }

  resize(): void {}

  stop(): Promise<void> {
    // ACP's goodbye is the end of input (AgentProcess closes it), then the kill ladder.
    this.stopping ??= this.proc.stop({ graceMs: this.opts.graceMs ?? 2000 }).then(async () => {
      await Promise.all([this.terminalsStopped, this.services.stopAll()])
    })
    return this.stopping
  }
}

function describe(err: unknown): string {
  if (err instanceof acp.RequestError) {
    const details = (err.data as { details?: unknown } | undefined)?.details
    return typeof details === 'string' ? `${err.message}: ${details.split('\n')[0]}` : err.message
  }
  return err instanceof Error ? err.message : String(err)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
