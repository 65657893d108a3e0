import { acpMcpServers } from './mcp-config'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import { mkdir, readFile, realpath, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import * as acp from '@agentclientprotocol/sdk/unstable'
import type { LaneEventBody } from '../../../shared/events'
import { JsonlReader, encodeJsonl } from '../transport/jsonl'
import { listProcesses, spawnInGroup, stopTree, treeMembers } from '../transport/process-tree'
import type { AdapterCallbacks, AgentAdapter, AgentSession, LaunchSpec } from './types'

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
}

type ToolEvent = Extract<LaneEventBody, { type: 'tool.started' }>
type ToolKind = NonNullable<ToolEvent['toolKind']>
type Outcome = Extract<LaneEventBody, { type: 'turn.completed' }>['outcome']
type Usage = NonNullable<Extract<LaneEventBody, { type: 'usage' }>['turn']>

export function acpAdapter(opts: AcpAdapterOptions = {}): AgentAdapter {
  return {
    kind: 'acp',
    keystrokes: false,
    // ACP has no launcher of its own: the most common ACP agent, in its ACP mode.
    defaultCommand: () => ({ command: 'gemini', args: ['--acp'] }),
    kindEnv: () => ({}),
    start: (spec, cb) => AcpSession.start(spec, cb, opts),
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers (exported for tests)

const TOOL_KINDS: Record<acp.ToolKind, ToolKind> = {
  read: 'read',
  edit: 'edit',
  delete: 'edit',
  move: 'edit',
  search: 'search',
  execute: 'execute',
  think: 'think',
  fetch: 'fetch',
  switch_mode: 'other',
  other: 'other',
}
const READ_ONLY: ReadonlySet<ToolKind> = new Set(['read', 'search', 'fetch', 'think'])

export function toolKindOf(kind: string | null | undefined): ToolKind | undefined {
  return kind ? (TOOL_KINDS[kind as acp.ToolKind] ?? 'other') : undefined
}

/** Token counts from a prompt result: ACP's (unstable) `usage`, or Gemini CLI's `_meta.quota`. */
export function usageOf(result: { usage?: acp.Usage | null; _meta?: Record<string, unknown> | null }): Usage | undefined {
  if (result.usage) {
    const u = result.usage
    return clean({ inputTokens: u.inputTokens, outputTokens: u.outputTokens, cachedInputTokens: u.cachedReadTokens ?? undefined })
  }
  const tc = (result._meta as { quota?: { token_count?: { input_tokens?: number; output_tokens?: number } } } | undefined)?.quota?.token_count
  if (tc) return clean({ inputTokens: tc.input_tokens, outputTokens: tc.output_tokens })
  return undefined
}

function clean(u: Usage): Usage | undefined {
  const out: Usage = {}
  for (const [k, v] of Object.entries(u) as [keyof Usage, number | undefined][]) if (typeof v === 'number' && v >= 0) out[k] = Math.round(v)
  return Object.keys(out).length ? out : undefined
}

const splitLines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'))

/** A unified diff of two texts (3 lines of context): what the UI shows for an edit. */
export function unifiedDiff(file: string, oldText: string | null | undefined, newText: string): string {
  const a = splitLines(oldText ?? '')
  const b = splitLines(newText)
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const am = a.slice(pre, a.length - suf)
  const bm = b.slice(pre, b.length - suf)
  type Op = { t: ' ' | '-' | '+'; s: string }
  const mid: Op[] = []
  if (am.length * bm.length <= 4_000_000) {
    // Longest common subsequence, walked forwards.
    const n = am.length
    const m = bm.length
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = am[i] === bm[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1])
    let i = 0
    let j = 0
    while (i < n && j < m) {
      if (am[i] === bm[j]) mid.push({ t: ' ', s: am[i++] }), j++
      else if (L[i + 1][j] >= L[i][j + 1]) mid.push({ t: '-', s: am[i++] })
      else mid.push({ t: '+', s: bm[j++] })
    }
    while (i < n) mid.push({ t: '-', s: am[i++] })
    while (j < m) mid.push({ t: '+', s: bm[j++] })
  } else {
    for (const s of am) mid.push({ t: '-', s })
    for (const s of bm) mid.push({ t: '+', s })
  }
  const ops: Op[] = [...a.slice(0, pre).map((s) => ({ t: ' ' as const, s })), ...mid, ...a.slice(a.length - suf).map((s) => ({ t: ' ' as const, s }))]
  const out = [`--- ${oldText == null || oldText === '' ? '/dev/null' : `a/${file}`}`, `+++ b/${file}`]
  const CONTEXT = 3
  let k = 0
  while (k < ops.length) {
    while (k < ops.length && ops[k].t === ' ') k++
    if (k >= ops.length) break
    // A hunk: from CONTEXT lines before the change to CONTEXT lines after the last change close to it.
    const start = Math.max(0, k - CONTEXT)
    let end = k
    for (let q = k; q < ops.length; q++) {
      if (ops[q].t !== ' ') end = q
      else if (q - end > 2 * CONTEXT) break
    }
    const stop = Math.min(ops.length, end + CONTEXT + 1)
    let aLine = 1
    let bLine = 1
    for (let q = 0; q < start; q++) {
      if (ops[q].t !== '+') aLine++
      if (ops[q].t !== '-') bLine++
    }
    const body = ops.slice(start, stop)
    const aLen = body.filter((o) => o.t !== '+').length
    const bLen = body.filter((o) => o.t !== '-').length
    out.push(`@@ -${aLen ? aLine : aLine - 1},${aLen} +${bLen ? bLine : bLine - 1},${bLen} @@`)
    for (const o of body) out.push(o.t + o.s)
    k = stop
  }
  return out.join('\n') + '\n'
}

const minuteStamp = (d: Date) => d.toISOString().slice(0, 16).replace(/:/g, '-')

/**
 * Gemini CLI 0.61 names a session's recording `session-<UTC minute>-<id prefix>.jsonl`, and
 * `session/load` first starts a fresh recording under the same id: in the minute the session file
 * was created that is the same file name, and the fresh start wipes the history
 * ("Invalid session identifier"). Renaming the file to an earlier minute before the load sidesteps
 * it; Gemini finds sessions by the id inside the file, not by the name. Returns the renamed paths.
 */
export function sidestepGeminiSameMinuteBug(geminiHome: string, sessionId: string, now = new Date()): string[] {
  const renamed: string[] = []
  const current = minuteStamp(now)
  const short = sessionId.slice(0, 8)
  const tmp = path.join(geminiHome, '.gemini', 'tmp')
  let projects: string[] = []
  try {
    projects = readdirSync(tmp)
  } catch {
    return renamed
  }
  for (const project of projects) {
    const chats = path.join(tmp, project, 'chats')
    let files: string[] = []
    try {
      files = readdirSync(chats)
    } catch {
      continue
    }
    for (const name of files) {
      const m = /^session-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2})-(.+?)(\.jsonl?)$/.exec(name)
      // Only a file named for the current minute (or later: clock skew) can collide.
      if (!m || m[2] !== short || m[1] < current) continue
      const file = path.join(chats, name)
      try {
        const first = readFileSync(file, 'utf8').split('\n', 1)[0]
        if ((JSON.parse(first) as { sessionId?: string }).sessionId !== sessionId) continue
      } catch {
        continue
      }
      let back = 1
      let target: string
      do target = path.join(chats, `session-${minuteStamp(new Date(now.getTime() - back++ * 60_000))}-${m[2]}${m[3]}`)
      while (existsSync(target))
      renameSync(file, target)
      renamed.push(target)
    }
  }
  return renamed
}

// ---------------------------------------------------------------------------------------------

interface ToolState {
  toolCallId: string
  kind?: acp.ToolKind | null
  title?: string | null
  status?: acp.ToolCallStatus | null
  content?: acp.ToolCallContent[] | null
  rawInput?: unknown
  rawOutput?: unknown
  declined?: boolean
  done?: boolean
}

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

class Terminal {
  output = ''
  truncated = false
  exit: { exitCode: number | null; signal: string | null } | undefined
  readonly exited: Promise<{ exitCode: number | null; signal: string | null }>
  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    private readonly limit: number | undefined,
  ) {
    child.stdin.end()
    const append = (d: Buffer) => this.append(d.toString('utf8'))
    child.stdout.on('data', append)
    child.stderr.on('data', append)
    this.exited = new Promise((resolve) => {
      child.on('error', (err) => {
        this.append(`${err.message}\n`)
        resolve((this.exit ??= { exitCode: 127, signal: null }))
      })
      child.on('close', (code, signal) => resolve((this.exit ??= { exitCode: code, signal })))
    })
  }

  private append(text: string): void {
    this.output += text
    if (this.limit === undefined || Buffer.byteLength(this.output) <= this.limit) return
    // Keep the newest bytes, cut at a character boundary.
    const buf = Buffer.from(this.output)
    let start = buf.length - this.limit
    while (start < buf.length && (buf[start] & 0xc0) === 0x80) start++
    this.output = buf.subarray(start).toString('utf8')
    this.truncated = true
  }

  async kill(): Promise<void> {
    if (!this.exit && this.child.pid) await stopTree(this.child.pid, { graceMs: 500 })
  }
}

const CLIENT_INFO = { name: 'switchyard', title: 'Switchyard', version: '0.1.0' }
const STDERR_LINES = 20

class AcpSession implements AgentSession {
  readonly pid: number | undefined
  private conn!: acp.ClientConnection
  private sessionId = ''
  private started = false
  private exited = false
  private terminalsStopped: Promise<unknown> = Promise.resolve()
  private failed = false
  private stopping: Promise<void> | undefined
  private exitInfo: string | undefined
  private readonly exitPromise: Promise<void>
  private stderrTail = ''
  private root: string | undefined

  private turnSeq = 0
  private turn: Turn | undefined
  private readonly queue: string[] = []
  private segment = { id: '', text: '' }
  private segmentSeq = 0
  private readonly tools = new Map<string, ToolState>()
  private readonly approvals = new Map<string, PendingApproval>()
  private approvalSeq = 0
  private readonly terminals = new Map<string, Terminal>()
  private terminalSeq = 0
  /** History replayed by `session/load`: not new activity, so not shown again. */
  private replaying = false
  private lastUpdateAt = 0
  private lastCostUsd: number | undefined
  private modes: acp.SessionModeState | undefined

  static async start(spec: LaunchSpec, cb: AdapterCallbacks, opts: AcpAdapterOptions): Promise<AgentSession> {
    const child = spawnInGroup(spec.command, spec.args, { cwd: spec.cwd, env: spec.env })
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', (err) => reject(new Error(`Could not start ${spec.command}: ${err.message}`)))
    })
    const session = new AcpSession(spec, cb, opts, child)
    try {
      await session.handshake()
    } catch (err) {
      const exit = session.exitInfo
      await session.stop()
      const tail = session.lastLines().slice(-5)
      const reason = exit ? `The agent exited (${exit}) before it was ready` : describe(err)
      throw new Error(`${reason}${tail.length ? `\n${tail.join('\n')}` : ''}`)
    }
    session.started = true
    return session
  }

  private constructor(
    private readonly spec: LaunchSpec,
    private readonly cb: AdapterCallbacks,
    private readonly opts: AcpAdapterOptions,
    private readonly child: ChildProcessWithoutNullStreams,
  ) {
    this.pid = child.pid
    cb.emit({ type: 'process.started', pid: child.pid, command: [spec.command, ...spec.args].join(' ') })
    child.stdin.on('error', () => {}) // EPIPE after the agent died: its exit reports it
    child.on('error', (err) => (this.stderrTail += `\n${err.message}\n`))
    child.stderr.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-16_384)))

    let controller!: ReadableStreamDefaultController<acp.AnyMessage>
    const readable = new ReadableStream<acp.AnyMessage>({ start: (c) => void (controller = c) })
    const reader = new JsonlReader(
      (value) => {
        if (typeof value !== 'object' || value === null || Array.isArray(value) || !('method' in value || 'id' in value)) {
          this.fatal(`The agent sent something that is not a JSON-RPC message: ${JSON.stringify(value).slice(0, 200)}`)
          return
        }
        if (!this.failed) controller.enqueue({ jsonrpc: '2.0', ...(value as object) } as acp.AnyMessage)
      },
      (err) => this.fatal(`The agent broke the protocol: ${err.message}`),
      { maxLineBytes: opts.maxLineBytes },
    )
    const stdoutDone = new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => reader.push(d))
      child.stdout.on('end', () => {
        reader.end()
        resolve()
      })
    })
    const writable = new WritableStream<acp.AnyMessage>({
      write: (message) => {
        if (!child.stdin.writable) throw new Error('The agent is no longer reading its input')
        child.stdin.write(encodeJsonl(message))
      },
    })

    this.conn = this.buildClient().connect({ readable, writable })
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        // Let the last lines of stdout arrive before reporting (a grandchild may hold it open).
        void Promise.race([stdoutDone, new Promise((r) => setTimeout(r, 300))]).then(() => {
          try {
            controller.close()
          } catch {}
          this.onExit(code, signal)
          resolve()
        })
      })
    })
  }

  private buildClient(): acp.ClientApp {
    const m = acp.methods.client
    return acp
      .client({ name: 'switchyard' })
      .onNotification(m.session.update, ({ params }) => this.guard(() => this.onUpdate(params)))
      .onRequest(m.session.requestPermission, ({ params, signal }) => this.onPermission(params, signal))
      .onRequest(m.fs.readTextFile, async ({ params }) => {
        const file = await this.confine(params.path)
        let text: string
        try {
          text = await readFile(file, 'utf8')
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw acp.RequestError.resourceNotFound(params.path)
          throw err
        }
        if (params.line == null && params.limit == null) return { content: text }
        const from = Math.max(0, (params.line ?? 1) - 1)
        const lines = text.split('\n')
        return { content: lines.slice(from, params.limit == null ? undefined : from + params.limit).join('\n') }
      })
      .onRequest(m.fs.writeTextFile, async ({ params }) => {
        const file = await this.confine(params.path)
        await mkdir(path.dirname(file), { recursive: true })
        await writeFile(file, params.content)
        return {}
      })
      .onRequest(m.terminal.create, async ({ params }) => {
        const cwd = params.cwd ? await this.confine(params.cwd) : this.spec.cwd
        const env = { ...this.spec.env }
        for (const v of params.env ?? []) env[v.name] = v.value
        // A bare command line (no args) is run by the shell, as a terminal would.
        const shell = !params.args?.length && /[\s|&;<>()$`"'*?]/.test(params.command)
        const child = shell
          ? spawnInGroup('/bin/sh', ['-c', params.command], { cwd, env })
          : spawnInGroup(params.command, params.args ?? [], { cwd, env })
        const id = `term-${++this.terminalSeq}`
        this.terminals.set(id, new Terminal(child, params.outputByteLimit ?? undefined))
        return { terminalId: id }
      })
      .onRequest(m.terminal.output, ({ params }) => {
        const t = this.terminal(params.terminalId)
        return { output: t.output, truncated: t.truncated, exitStatus: t.exit ?? null }
      })
      .onRequest(m.terminal.waitForExit, async ({ params }) => this.terminal(params.terminalId).exited)
      .onRequest(m.terminal.kill, async ({ params }) => {
        await this.terminal(params.terminalId).kill()
        return {}
      })
      .onRequest(m.terminal.release, async ({ params }) => {
        const t = this.terminal(params.terminalId)
        this.terminals.delete(params.terminalId)
        await t.kill()
        return {}
      })
  }

  private terminal(id: string): Terminal {
    const t = this.terminals.get(id)
    if (!t) throw acp.RequestError.invalidParams(undefined, `No terminal ${id}`)
    return t
  }

  /** The real path of `p` if it lies inside the lane's workspace (symlinks resolved); else refuses. */
  private async confine(p: string): Promise<string> {
    if (!path.isAbsolute(p)) throw acp.RequestError.invalidParams(undefined, `Refused: "${p}" is not an absolute path`)
    this.root ??= await realpath(this.spec.cwd)
    // The deepest existing ancestor decides where a new file would really land.
    let existing = path.resolve(p)
    const rest: string[] = []
    let real: string | undefined
    for (;;) {
      try {
        real = await realpath(existing)
        break
      } catch {
        const parent = path.dirname(existing)
        if (parent === existing) break
        rest.unshift(path.basename(existing))
        existing = parent
      }
    }
    const resolved = path.join(real ?? existing, ...rest)
    const rel = path.relative(this.root, resolved)
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new acp.RequestError(-32602, `Refused: ${p} is outside this lane's workspace (${this.spec.cwd})`)
    }
    return resolved
  }

  // --- handshake -------------------------------------------------------------------------------

  private async handshake(): Promise<void> {
    const timeoutMs = this.opts.handshakeTimeoutMs ?? 60_000
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The agent did not become ready within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    try {
      await Promise.race([this.openSession(), timeout])
    } finally {
      clearTimeout(timer)
    }
  }

  private async openSession(): Promise<void> {
    const agent = this.conn.agent
    const init: acp.InitializeResponse = await agent.request(acp.methods.agent.initialize, {
      protocolVersion: acp.PROTOCOL_VERSION,
      clientCapabilities: { fs: { readTextFile: true, writeTextFile: true }, terminal: true },
      clientInfo: CLIENT_INFO,
    })
    const method = this.authMethod(init.authMethods ?? [])
    if (method) await agent.request(acp.methods.agent.authenticate, { methodId: method })
    const cwd = this.spec.cwd
    const resume = this.spec.resume
    const caps = init.agentCapabilities ?? {}
    if (resume && (caps.sessionCapabilities?.resume || caps.loadSession)) {
      try {
        if (caps.sessionCapabilities?.resume) {
          const resumed = await agent.request(acp.methods.agent.session.resume, { sessionId: resume, cwd, mcpServers: acpMcpServers(this.spec.mcp) })
          this.sessionId = resume
          await this.adoptModes(resumed?.modes)
        } else {
          if (init.agentInfo?.name === 'gemini-cli') {
            sidestepGeminiSameMinuteBug(this.spec.env.GEMINI_CLI_HOME || this.spec.env.HOME || os.homedir(), resume)
          }
          this.sessionId = resume
          this.replaying = true
          const loaded = await agent.request(acp.methods.agent.session.load, { sessionId: resume, cwd, mcpServers: acpMcpServers(this.spec.mcp) })
          await this.replayDrained()
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
      await this.adoptModes(created.modes)
    } catch (err) {
      if (err instanceof acp.RequestError && err.code === -32000) {
        throw new Error(`The agent needs you to log in (${describe(err)}): use the profile's login, or set its API key in the profile's env`)
      }
      throw err
    }
    this.cb.setResumeToken(this.sessionId)
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

  /** An auth method the profile can satisfy from its env, e.g. Gemini's API key. */
  private authMethod(methods: acp.AuthMethod[]): string | undefined {
    const env = this.spec.env
    const has = (name: string) => Boolean(env[name])
    for (const m of methods) {
      if ((m as { type?: string }).type === 'terminal') continue
      const meta = (m._meta ?? {}) as Record<string, unknown>
      if (m.id === 'gemini-api-key' && has('GEMINI_API_KEY')) return m.id
      if (m.id === 'vertex-ai' && has('GOOGLE_API_KEY') && env.GOOGLE_GENAI_USE_VERTEXAI === 'true') return m.id
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
    const detail = [contentText(call.content), ...(call.content ?? []).filter((c) => c.type === 'diff').map((d) => unifiedDiff(this.rel(d.path), d.oldText, d.newText))]
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
        // A running cost for the session: report what this turn added.
        const cost = u.cost && u.cost.currency.toUpperCase() === 'USD' ? u.cost.amount : undefined
        if (cost === undefined) return
        const delta = cost - (this.lastCostUsd ?? (this.spec.resume ? cost : 0))
        this.lastCostUsd = cost
        if (delta > 0) this.cb.emit({ type: 'usage', turn: { costUsd: delta } })
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
      this.cb.emit({ type: 'tool.started', ...this.toolFields(tool) })
    } else if (!tool.done && !ended && !fromPermission) {
      this.cb.emit({ type: 'tool.updated', ...this.toolFields(tool) })
    }
    if (!tool.done && ended && !fromPermission) this.completeTool(tool, tool.status as 'completed' | 'failed')
    return tool
  }

  private completeTool(tool: ToolState, status: 'completed' | 'failed' | 'declined'): void {
    tool.done = true
    this.cb.emit({ type: 'tool.completed', ...this.toolFields(tool), status })
  }

  private toolFields(tool: ToolState): Omit<ToolEvent, 'type'> {
    const kind = toolKindOf(tool.kind)
    const input = (tool.rawInput ?? {}) as Record<string, unknown>
    let command: string | undefined
    if (kind === 'execute') {
      const c = input.command ?? input.cmd
      command = Array.isArray(c) ? c.join(' ') : typeof c === 'string' ? c : (tool.title ?? undefined)
    }
    const content = tool.content ?? []
    const outputs: string[] = []
    let exitCode: number | null | undefined
    // A pending call's content explains the request; it is not output yet.
    if (tool.status !== 'pending') {
      const text = contentText(content)
      if (text) outputs.push(text)
      for (const c of content) {
        if (c.type !== 'terminal') continue
        const t = this.terminals.get(c.terminalId)
        if (t) {
          outputs.push(t.output)
          if (t.exit) exitCode = t.exit.exitCode
        }
      }
      const raw = tool.rawOutput as Record<string, unknown> | string | undefined
      if (!outputs.length && typeof raw === 'string') outputs.push(raw)
      if (raw && typeof raw === 'object') {
        const o = raw.output ?? raw.stdout ?? raw.formatted_output ?? raw.aggregated_output
        if (!outputs.length && typeof o === 'string') outputs.push(o)
        const code = raw.exitCode ?? raw.exit_code ?? raw.returncode
        if (typeof code === 'number') exitCode = code
      }
    }
    const files = content.filter((c) => c.type === 'diff').map((d) => ({ path: d.path, diff: unifiedDiff(this.rel(d.path), d.oldText, d.newText) }))
    return {
      toolCallId: tool.toolCallId,
      ...(kind ? { toolKind: kind } : {}),
      ...(tool.title ? { title: tool.title } : {}),
      ...(command !== undefined ? { command } : {}),
      ...(outputs.length ? { output: outputs.join('\n') } : {}),
      ...(exitCode !== undefined ? { exitCode } : {}),
      ...(files.length ? { files } : {}),
    }
  }

  private rel(p: string): string {
    const r = path.relative(this.spec.cwd, p)
    return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p
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

  private fatal(message: string): void {
    if (this.failed) return
    this.failed = true
    // Before the lane holds the session it cannot stop us: the failed handshake reports it instead.
    if (this.started) this.cb.emit({ type: 'error', message, fatal: true })
    else this.conn.close(new Error(message))
  }

  lastLines(): string[] {
    return this.stderrTail
      .split(/\r?\n/)
      .map((l) => l.trimEnd())
      .filter(Boolean)
      .slice(-STDERR_LINES)
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    this.exited = true
    this.exitInfo = signal ? `killed by ${signal}` : `code ${code}`
    // Terminals we ran for the agent are our children, not its: they go with it.
    this.terminalsStopped = Promise.all([...this.terminals.values()].map((t) => t.kill()))
    this.terminals.clear()
    this.queue.length = 0
    if (this.turn) {
      const turn = this.turn
      const stopped = this.stopping !== undefined
      this.finishTurn(turn, stopped ? 'interrupted' : 'failed', stopped ? 'The agent was stopped' : 'The agent exited during the turn')
    }
    this.conn.close()
    if (this.started) this.cb.exited({ exitCode: code, signal, lastLines: this.lastLines() })
  }

  resize(): void {}

  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const pid = this.child.pid
      if (this.exited || pid === undefined) {
        await this.terminalsStopped
        return
      }
      // Members now, so nothing the agent started escapes after it is gone.
      const known = treeMembers(pid, await listProcesses())
      this.child.stdin.end() // ACP's goodbye: end of input
      await Promise.race([this.exitPromise, sleep(this.opts.graceMs ?? 2000)])
      await stopTree(pid, { graceMs: 1000, known })
      await Promise.race([this.exitPromise, sleep(2000)])
      await this.terminalsStopped
    })()
    return this.stopping
  }
}

function blockText(block: acp.ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text
    case 'resource_link':
      return block.uri
    case 'resource':
      return 'text' in block.resource ? block.resource.text : ''
    default:
      return ''
  }
}

function contentText(content: acp.ToolCallContent[] | null | undefined): string {
  return (content ?? [])
    .map((c) => (c.type === 'content' ? blockText(c.content) : ''))
    .filter(Boolean)
    .join('\n')
}

function describe(err: unknown): string {
  if (err instanceof acp.RequestError) {
    const details = (err.data as { details?: unknown } | undefined)?.details
    return typeof details === 'string' ? `${err.message}: ${details.split('\n')[0]}` : err.message
  }
  return err instanceof Error ? err.message : String(err)
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
