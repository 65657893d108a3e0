import type { ModelChoice } from '../../../shared/contract'
import type { Answers } from '../../../shared/events'
import { AgentProcess } from '../transport/agent-process'
import { JsonRpcPeer } from '../transport/jsonrpc'
import { codexMcpArgs } from './mcp-config'
import { CLIENT_INFO, CodexTranslator, isObj, MODE_NOTES, str, APPROVAL_POLICY, SANDBOX, type Json } from './codex-protocol'
import { askAgentOnce, MAX_MODELS, toModelChoices } from './model-probe'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec, ModelProbeSpec } from './types'

/**
 * Codex `app-server` as a lane: one process per lane (see codex-protocol.ts for the protocol and why),
 * run by AgentProcess; this file is the thin session that drives the translator.
 */

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
    listModels: listCodexModels,
  }
}

/** app-server's `model/list` (paged), without its hidden models: the list codex's own /model picker shows. */
async function listCodexModels(spec: ModelProbeSpec): Promise<ModelChoice[]> {
  let peer!: JsonRpcPeer
  return askAgentOnce(
    spec,
    ['app-server', ...spec.args],
    async (proc) => {
      peer = new JsonRpcPeer({ jsonrpcField: false, send: (m) => void proc.write(m), onRequest: () => Promise.reject(new Error('not now')) })
      await peer.request('initialize', { clientInfo: CLIENT_INFO })
      peer.notify('initialized')
      const entries: Json[] = []
      let cursor: string | undefined
      do {
        const page = await peer.request<Json>('model/list', cursor ? { cursor } : {})
        for (const m of Array.isArray(page?.data) ? page.data : []) if (isObj(m) && m.hidden !== true) entries.push(m)
        cursor = str(page?.nextCursor)
      } while (cursor && entries.length < MAX_MODELS)
      return toModelChoices(entries.map((m) => ({ id: m.model ?? m.id, name: m.displayName, description: m.description })))
    },
    (value) => peer?.handle(value),
  )
}

let processes = 0

class CodexSession implements AgentSession {
  private readonly peer: JsonRpcPeer
  private readonly translator: CodexTranslator
  private opened = false
  /** Why start failed, when it fails before the session is handed over. */
  private startFailure: ((err: Error) => void) | undefined
  private exitInfo: { exitCode: number | null; signal: string | null } | undefined
  private stopping: Promise<void> | undefined
  /** The fatal error that made the lane stop us. */
  private failure: string | undefined
  /** A turn/start on its way: sends and interrupts in the meantime wait for its turn id. */
  private starting: Promise<string | undefined> | undefined
  /** Codex's collaboration modes (collaborationMode/list) and the thread's model: each turn/start names both. */
  private collaboration: { masks: Json[]; mode: string; model: string } | undefined

  static async start(spec: LaunchSpec, cb: AdapterCallbacks, opts: CodexAdapterOptions): Promise<CodexSession> {
    let session!: CodexSession
    const proc = await AgentProcess.spawn({
      command: spec.command,
      args: ['app-server', ...codexMcpArgs(spec.mcp), ...spec.args],
      cwd: spec.cwd,
      env: spec.env,
      maxLineBytes: opts.maxLineBytes,
      onValue: (value) => session.peer.handle(value),
      onProtocolError: (err) => session.fatal(`Codex sent an unreadable line: ${err.message}`),
    })
    session = new CodexSession(proc, cb, opts)
    cb.emit({ type: 'process.started', pid: proc.pid, command: proc.commandLine })
    try {
      await proc.ready(session.handshake(spec, opts.handshakeTimeoutMs ?? 60_000), opts.handshakeTimeoutMs)
    } catch (err) {
      await session.stop()
      throw err
    }
    session.startFailure = undefined
    session.opened = true
    return session
  }

  private constructor(
    private readonly proc: AgentProcess,
    private readonly cb: AdapterCallbacks,
    private readonly opts: CodexAdapterOptions,
  ) {
    this.translator = new CodexTranslator((e) => this.cb.emit(e), `${proc.pid}.${++processes}`)
    this.peer = new JsonRpcPeer({
      jsonrpcField: false,
      send: (message) => {
        if (!this.proc.write(message)) throw new Error('Codex is not running')
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
    void proc.exited.then((info) => {
      this.exitInfo = info
      const how = info.signal ? `killed by ${info.signal}` : `exited with code ${info.exitCode}`
      this.peer.close(new Error(`Codex ${how}`))
      this.startFailure?.(new Error(`Codex ${how} while starting`))
      if (this.opened) this.reportExit()
    })
  }

  get pid(): number | undefined {
    return this.proc.pid
  }

  private reportExit(): void {
    const info = this.exitInfo!
    if (this.failure || !this.stopping) this.translator.endTurn('failed', this.failure ?? 'Codex exited during the turn')
    else this.translator.endTurn('interrupted')
    this.cb.exited({ ...info, lastLines: this.proc.lastLines() })
  }

  /** A broken stream fails the lane (the lane stops us); while starting it fails the start. */
  fatal(message: string): void {
    if (this.startFailure) this.startFailure(new Error(message))
    else if (this.opened && !this.failure) {
      this.failure = message
      this.cb.emit({ type: 'error', message, fatal: true })
    }
  }

  async handshake(spec: LaunchSpec, timeoutMs: number): Promise<void> {
    const failed = new Promise<never>((_, reject) => (this.startFailure = reject))
    const steps = (async () => {
      // Collaboration modes (Plan) are behind codex's experimental API.
      await this.peer.request('initialize', { clientInfo: CLIENT_INFO, capabilities: { experimentalApi: true } }, { timeoutMs })
      this.peer.notify('initialized')
      // Approvals go to us (not codex's auto-reviewer), whatever the profile's config.toml says.
      const settings = { cwd: spec.cwd, approvalPolicy: APPROVAL_POLICY, approvalsReviewer: 'user', sandbox: SANDBOX, ...(spec.model ? { model: spec.model } : {}) }
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

  /** Drops turn `beforeTurnId` and every later one from the thread's history (files are the lane's business). */
  async rewind(beforeTurnId: string): Promise<void> {
    await this.peer.request('thread/revert', { threadId: this.translator.threadId, beforeTurnId })
  }

  approve(requestId: string, optionId: string, answers?: Answers): void {
    this.translator.approve(requestId, optionId, answers)
  }

  resize(): void {}

  stop(): Promise<void> {
    // The protocol's goodbye is the end of input: app-server exits on EOF.
    this.stopping ??= this.proc.stop({ graceMs: this.opts.graceMs ?? 1500 })
    return this.stopping
  }
}
