import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { encodeJsonl, JsonlReader, type ProtocolError } from './jsonl'
import { listProcesses, spawnInGroup, stopTree, treeMembers } from './process-tree'

/**
 * One supervised agent process speaking JSON Lines on stdio: the process handling every structured
 * adapter shares, so that they agree on it. It spawns in its own group with the lane's env and cwd,
 * frames stdout into values, keeps the last of stderr to explain a failure, bounds how long the agent
 * may take to become ready, reports its exit once (after the last output drained, or a bounded wait
 * when a descendant holds the pipe), and stops the whole tree: the protocol's goodbye, then the kill ladder.
 */

export interface ExitInfo {
  exitCode: number | null
  signal: NodeJS.Signals | null
}

export interface AgentProcessSpec {
  command: string
  args: readonly string[]
  cwd: string
  env: Record<string, string>
  /** Each value read from stdout, in order. */
  onValue(value: unknown): void
  /** A stdout line that is not JSON or is too long; reading continues, the adapter decides what fails. */
  onProtocolError(err: ProtocolError): void
  /** After each stdout chunk's values were delivered (pi coalesces its deltas per chunk). */
  onChunk?(): void
  /** Longest accepted stdout line; JsonlReader's default (64 MiB) otherwise. */
  maxLineBytes?: number
}

export interface StopOptions {
  /** The protocol's goodbye (a cancel, an interrupt); closing stdin always follows it. */
  goodbye?: () => void
  /** How long the agent gets to leave after the goodbye, and each signal after that. */
  graceMs?: number
}

/** Bytes of stderr kept, and lines of it shown when the agent fails. */
export const STDERR_TAIL_BYTES = 16 * 1024
export const STDERR_LINES = 20
/** After the exit, how long the last output may take to drain (a grandchild may hold the pipe open). */
export const EXIT_DRAIN_MS = 500
export const DEFAULT_READY_TIMEOUT_MS = 60_000
export const DEFAULT_STOP_GRACE_MS = 1500

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The last `count` non-blank lines of `text`. */
export function lastLinesOf(text: string, count = STDERR_LINES): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trimEnd())
    .filter(Boolean)
    .slice(-count)
}

/** "code 3" / "killed by SIGKILL". */
export function describeExit(info: ExitInfo): string {
  return info.signal ? `killed by ${info.signal}` : `code ${info.exitCode}`
}

export class AgentProcess {
  readonly pid: number
  /** The command line, as `process.started` shows it. */
  readonly commandLine: string
  /** Resolves once, when the process is gone and its output drained (or the drain wait ran out). */
  readonly exited: Promise<ExitInfo>
  private info: ExitInfo | undefined
  private stderrTail = ''
  private stopping: Promise<void> | undefined

  /** Starts the agent; rejects with the reason when it cannot be started at all. */
  static async spawn(spec: AgentProcessSpec): Promise<AgentProcess> {
    const child = spawnInGroup(spec.command, spec.args, { cwd: spec.cwd, env: spec.env })
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve)
      child.once('error', (err) => reject(new Error(`Could not start ${spec.command}: ${err.message}`)))
    })
    return new AgentProcess(child, spec)
  }

  private constructor(
    private readonly child: ChildProcessWithoutNullStreams,
    spec: AgentProcessSpec,
  ) {
    this.pid = child.pid!
    this.commandLine = [spec.command, ...spec.args].join(' ')
    const reader = new JsonlReader(spec.onValue, spec.onProtocolError, spec.maxLineBytes ? { maxLineBytes: spec.maxLineBytes } : undefined)
    child.stdout.on('data', (d: Buffer) => {
      reader.push(d)
      spec.onChunk?.()
    })
    child.stderr.on('data', (d: Buffer) => (this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-STDERR_TAIL_BYTES)))
    // EPIPE after the agent died, a failed kill: the exit reports what matters.
    child.stdin.on('error', () => {})
    child.stdout.on('error', () => {})
    child.stderr.on('error', () => {})
    child.on('error', (err) => (this.stderrTail += `\n${err.message}\n`))
    const drained = new Promise<void>((resolve) => child.once('close', () => resolve()))
    this.exited = new Promise<ExitInfo>((resolve) => {
      child.once('exit', (exitCode, signal) => {
        void Promise.race([drained, sleep(EXIT_DRAIN_MS)]).then(() => {
          // Nothing is delivered after the exit report: a grandchild still writing to the pipe would
          // otherwise reach a session that has closed its protocol.
          child.stdout.removeAllListeners('data')
          child.stdout.destroy()
          child.stderr.destroy()
          reader.end()
          spec.onChunk?.()
          this.info = { exitCode, signal }
          // What it leaves in its group (a tool command, a grandchild holding the pipe) goes with it.
          if (!this.stopping) void this.stop({ graceMs: 500 })
          // A macrotask later: an adapter that just became ready hands its session to the lane
          // (microtasks) before it reports the exit, so the lane never holds a session that is gone.
          setImmediate(() => resolve(this.info!))
        })
      })
    })
  }

  /** How it ended, once `exited` resolved. */
  get exitInfo(): ExitInfo | undefined {
    return this.info
  }

  /** True from the moment the OS reported the exit, before the drain (writes are pointless then). */
  get gone(): boolean {
    return this.child.exitCode !== null || this.child.signalCode !== null
  }

  /** Writes one JSONL record to the agent's stdin; false when it no longer reads. */
  write(value: unknown): boolean {
    if (this.gone || !this.child.stdin.writable) return false
    this.child.stdin.write(encodeJsonl(value))
    return true
  }

  /** The last lines the agent wrote to stderr. */
  lastLines(): string[] {
    return lastLinesOf(this.stderrTail)
  }

  /**
   * Waits for `handshake` (the protocol's readiness) at most `timeoutMs`. If the agent exits first,
   * or the time runs out, rejects with why and the last stderr lines; the caller stops the process.
   */
  async ready<T>(handshake: Promise<T>, timeoutMs = DEFAULT_READY_TIMEOUT_MS): Promise<T> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The agent did not become ready within ${timeoutMs / 1000} s`)), timeoutMs)
    })
    const early = this.exited.then((info): never => {
      throw new Error(`The agent exited (${describeExit(info)}) before it was ready`)
    })
    try {
      return await Promise.race([handshake, timeout, early])
    } catch (err) {
      // The handshake usually fails *because* the agent exited: say so rather than "connection closed".
      const info = this.info ?? (this.gone ? await this.exited : undefined)
      const reason = info ? `The agent exited (${describeExit(info)}) before it was ready` : err instanceof Error ? err.message : String(err)
      const tail = this.lastLines().slice(-5)
      throw new Error(tail.length ? `${reason}\n${tail.join('\n')}` : reason)
    } finally {
      clearTimeout(timer)
      early.catch(() => {})
    }
  }

  /**
   * Stops the agent and everything it started: the goodbye and end of input first, then SIGTERM and
   * SIGKILL to the whole tree as it was before the agent left (its orphans included).
   */
  stop(opts: StopOptions = {}): Promise<void> {
    this.stopping ??= (async () => {
      const grace = opts.graceMs ?? DEFAULT_STOP_GRACE_MS
      if (this.gone) {
        await this.endLeftovers(grace)
        await Promise.race([this.exited, sleep(2000)])
        return
      }
      // Members now: once the agent is gone its commands would be orphans nobody tracks.
      const known = treeMembers(this.pid, await listProcesses())
      try {
        opts.goodbye?.()
      } catch {
        // The goodbye is a courtesy; the kill ladder follows regardless.
      }
      this.child.stdin.end()
      await Promise.race([this.exited, sleep(grace)])
      await stopTree(this.pid, { graceMs: grace, known })
      await Promise.race([this.exited, sleep(2000)])
    })()
    return this.stopping
  }

  /**
   * After the agent is gone: the members of its process group that are still alive. While any is, the
   * group's id (the agent's pid) cannot be reused, so signalling it reaches no stranger.
   */
  private async endLeftovers(grace: number): Promise<void> {
    const group = (await listProcesses()).filter((p) => p.pgid === this.pid && p.pid !== this.pid && !p.zombie).map((p) => p.pid)
    if (group.length > 0) await stopTree(this.pid, { graceMs: grace, known: group })
  }
}
