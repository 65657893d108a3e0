import type { ApprovalPolicy, Lane as LaneRecord } from '../../../shared/contract'
import type { Answers, LaneEvent, LaneEventBody, LaneStatus } from '../../../shared/events'
import type { DiskWriteError } from '../disk'
import { AppError } from '../errors'
import type { AgentAdapter, AgentSession, LaunchSpec } from '../agents/types'
import { checkAnswers, policyDecision, recordedAnswers, type ApprovalRequest } from './approvals'
import { BodyShaper } from './big-bodies'
import { RUNNING } from './reaper'
import type { Transcript } from './transcript'

const TRANSITIONS: Record<LaneStatus, readonly LaneStatus[]> = {
  starting: ['ready', 'busy', 'sleeping', 'exited', 'failed'],
  ready: ['busy', 'waiting', 'sleeping', 'exited', 'failed'],
  busy: ['ready', 'waiting', 'sleeping', 'exited', 'failed'],
  waiting: ['busy', 'ready', 'sleeping', 'exited', 'failed'],
  sleeping: ['starting'],
  exited: ['starting'],
  failed: ['starting'],
}

export function canTransition(from: LaneStatus, to: LaneStatus): boolean {
  return TRANSITIONS[from].includes(to)
}

/** How turn and approval events move a running lane between ready, busy and waiting. */
export function statusAfter(current: LaneStatus, event: LaneEventBody, pendingApprovals: number, inTurn: boolean): LaneStatus {
  switch (event.type) {
    case 'turn.started':
      return current === 'ready' ? 'busy' : current
    case 'turn.completed':
      return current === 'busy' || current === 'waiting' ? 'ready' : current
    case 'approval.requested':
      return current === 'busy' || current === 'ready' ? 'waiting' : current
    case 'approval.resolved':
      // Back to work, or, for a question asked outside any turn, back to ready.
      return current === 'waiting' && pendingApprovals === 0 ? (inTurn ? 'busy' : 'ready') : current
    default:
      return current
  }
}

/**
 * Up to this length an event's JSON from the transcript goes with it to the listeners, so a client's frame
 * is that text in an envelope instead of a second JSON.stringify: every terminal frame (≤ 256 K characters,
 * a flood's bulk) is. A big body's 1 M pieces are encoded again by whoever sends them: reusing their lines
 * raised a 50 MB message's peak (docs/memory.md, round six).
 */
export const SHARED_ENCODING_CHARS = 512 * 1024

/** Events that say how the lane is, not that anyone did something: they do not keep it from being reaped. */
const PASSIVE: ReadonlySet<LaneEventBody['type']> = new Set(['status', 'process.exited', 'modes'])
const isActivity = (e: LaneEventBody) => !PASSIVE.has(e.type)

export interface LaneDeps {
  adapter: AgentAdapter
  transcript: Transcript
  now: () => number
  /** Builds the launch spec at start time (env, command, cwd may have changed since creation). */
  launchSpec: (lane: LaneRecord, resume: string | undefined) => Promise<LaunchSpec>
  onRecord: (lane: LaneRecord) => void
  /** `encoded` is the event's JSON when it is short (SHARED_ENCODING_CHARS): a client's frame can reuse it. */
  onEvent: (event: LaneEvent, encoded: string | undefined) => void
  /** The profile's approval policy, read when a request arrives (the user may have changed it). */
  policy: () => ApprovalPolicy
}

type StopTarget = 'sleeping' | 'exited' | 'failed'

/** One agent session: its record, its process (if any), its transcript. */
export class Lane {
  private session: AgentSession | undefined
  private starting: Promise<void> | undefined
  private stopTarget: StopTarget | undefined
  private failure: string | undefined
  private exitWaiters: (() => void)[] = []
  /** Open approval requests, by id. */
  private readonly pendingApprovals = new Map<string, ApprovalRequest & { laneId: string; seq: number; at: number }>()
  private inputQueue: Promise<unknown> = Promise.resolve()
  private inTurn = false
  private readonly shaper = new BodyShaper()
  /**
   * Record changes made while events wait for their group write, each with how many of those events came
   * before it: they are published with the batch, in that order, instead of forcing a write per change.
   */
  private recordsAfterBatch: { record: LaneRecord; afterEvents: number }[] = []

  /** The record as it is now; `record` is what others read (see there). */
  private current: LaneRecord

  constructor(
    record: LaneRecord,
    private readonly deps: LaneDeps,
    public resumeToken?: string,
  ) {
    this.current = record
    // Events are published once their batch is written (group commit): a client never sees what is not on disk.
    deps.transcript.onWritten = (events, fault, lines) => {
      if (fault) this.diskFault(fault)
      const records = this.recordsAfterBatch
      this.recordsAfterBatch = []
      let published = 0
      const publishTo = (end: number) => {
        for (; published < end; published++) {
          const line = lines[published]
          this.deps.onEvent(events[published], line.length <= SHARED_ENCODING_CHARS ? line : undefined)
        }
      }
      for (const { record, afterEvents } of records) {
        publishTo(Math.min(afterEvents, events.length))
        this.deps.onRecord(record)
      }
      publishTo(events.length)
    }
  }

  /**
   * Publishes the record after the events emitted before the change: a client never sees a status ahead of
   * its events. While events wait for their group write, the record waits with them (see recordsAfterBatch):
   * a turn's status and usage changes then cost no write of their own.
   */
  private recordChanged(record: LaneRecord): void {
    const waiting = this.deps.transcript.batched
    if (waiting === 0) this.deps.onRecord(record)
    else this.recordsAfterBatch.push({ record, afterEvents: waiting })
  }

  /**
   * The lane's record. A change that waits for its batch's write (recordChanged) is published with the
   * batch; reading the record first writes and publishes that batch, so no one sees a status ahead of its events.
   */
  get record(): LaneRecord {
    if (this.recordsAfterBatch.length > 0) this.deps.transcript.flush()
    return this.current
  }

  set record(record: LaneRecord) {
    this.current = record
  }

  get id(): string {
    return this.current.id
  }

  get status(): LaneStatus {
    return this.record.status
  }

  /** Counts toward the process limit: running, or reserved by a start under way. */
  get hasProcess(): boolean {
    return RUNNING.includes(this.current.status)
  }

  get running(): boolean {
    return this.session !== undefined || this.starting !== undefined
  }

  /** The requests still waiting for an answer, as they were emitted: a window opened after them can answer in place. */
  pendingRequests(): LaneEvent[] {
    return [...this.pendingApprovals.values()]
  }

  /** Stores and publishes an event; a huge body goes in pieces, and only once (see BodyShaper). */
  emit(body: LaneEventBody): void {
    for (const piece of this.shaper.shape(body)) this.emitOne(piece)
  }

  private emitOne(body: LaneEventBody): void {
    const at = this.deps.now()
    const event = { ...body, laneId: this.id, seq: this.deps.transcript.nextSeq(), at } as LaneEvent
    this.deps.transcript.append(event)
    // Many events share a millisecond in a burst: copy the record only when the time moved.
    if (isActivity(body) && at !== this.current.lastActivityAt) this.current = { ...this.current, lastActivityAt: at }
    if (body.type === 'approval.resolved') this.pendingApprovals.delete(body.requestId)
    if (body.type === 'turn.started') this.inTurn = true
    if (body.type === 'turn.completed') {
      this.inTurn = false
      this.pendingApprovals.clear()
    }
    if (body.type === 'usage') this.addUsage(body)
    if (body.type === 'modes') {
      this.current = { ...this.current, modes: { current: body.current, available: body.available } }
      this.recordChanged(this.current)
    }
    if (body.type === 'approval.requested') {
      this.pendingApprovals.set(body.requestId, { ...body, laneId: this.id, seq: event.seq, at })
      const optionId = policyDecision(this.deps.policy(), body)
      if (optionId) {
        queueMicrotask(() =>
          this.approve(body.requestId, optionId, 'policy').catch((err) => this.emit({ type: 'error', message: `Auto-approval failed: ${err.message}` })),
        )
      }
    }
    const next = statusAfter(this.current.status, body, this.pendingApprovals.size, this.inTurn)
    if (next !== this.current.status) this.setStatus(next)
    // A fatal error (say, a malformed line from the agent) fails this lane only.
    if (body.type === 'error' && body.fatal && this.session && !this.stopTarget) {
      this.failure = body.message
      void this.stop('failed')
    }
  }

  /**
   * A write of this lane's history (or of the lane records) failed: the lane shows it, its agent is
   * stopped so it produces nothing more to hold in memory, and input is refused until `resumeAfterDiskFault`.
   */
  diskFault(err: DiskWriteError): void {
    const first = !this.current.diskError
    this.current = { ...this.current, diskError: { message: err.message, path: err.file, unsaved: this.deps.transcript.unsaved } }
    if (!first) return
    this.failure = err.message
    this.recordChanged(this.current)
    // Not from inside emit(): the stop emits events of its own.
    if (this.session && !this.stopTarget) queueMicrotask(() => void this.stop('failed'))
  }

  /** Writes what waited for the disk; throws the failure if it still does not fit. */
  resumeAfterDiskFault(): void {
    if (!this.current.diskError) return
    const err = this.deps.transcript.retry()
    if (err) {
      this.current = { ...this.current, diskError: { message: err.message, path: err.file, unsaved: this.deps.transcript.unsaved } }
      this.recordChanged(this.current)
      throw err
    }
    this.current = { ...this.current, diskError: undefined }
    this.recordChanged(this.current)
  }

  private setStatus(status: LaneStatus, patch: Partial<LaneRecord> = {}): void {
    const previous = this.current.status
    if (previous !== status && !canTransition(previous, status)) {
      this.emit({ type: 'error', message: `Ignored lane transition ${previous} → ${status}` })
      return
    }
    this.current = { ...this.current, ...patch, status }
    if (previous !== status) this.emit({ type: 'status', status, previous })
    this.recordChanged(this.current)
  }

  /** Starts the agent if it is not running; concurrent callers share one start. */
  start(): Promise<void> {
    if (this.starting) return this.starting
    if (this.session) return Promise.resolve()
    this.starting = this.launch().finally(() => (this.starting = undefined))
    return this.starting
  }

  private async launch(): Promise<void> {
    this.stopTarget = undefined
    this.failure = undefined
    this.setStatus('starting', { exit: undefined, pid: undefined })
    try {
      // Resume (the manager's start) clears this first; anything else must not start it.
      if (this.current.diskError) throw new AppError('disk_error', `${this.current.diskError.message}; free some space, then Resume`)
      const spec = await this.deps.launchSpec(this.current, this.resumeToken)
      const session = await this.deps.adapter.start(spec, {
        emit: (e) => this.emit(e),
        exited: (info) => this.onExit(info),
        setResumeToken: (token) => {
          this.resumeToken = token
          this.recordChanged(this.current)
        },
      })
      this.session = session
      if (this.current.status === 'starting') this.setStatus('ready', { pid: session.pid })
      // The disk failed while it started: it takes no input until there is room.
      if (this.current.diskError && !this.stopTarget) void this.stop('failed')
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      this.emit({ type: 'error', message, fatal: true })
      this.setStatus('failed', { exit: { exitCode: null, signal: null, message, lastLines: [] } })
      throw err instanceof AppError ? err : new AppError('spawn_failed', message)
    }
  }

  private onExit(info: { exitCode: number | null; signal: string | null; lastLines: string[] }): void {
    const requested = this.stopTarget !== undefined
    this.session = undefined
    this.pendingApprovals.clear()
    this.inTurn = false
    this.emit({ type: 'process.exited', exitCode: info.exitCode, signal: info.signal, requested })
    const how = info.signal ? `killed by ${info.signal}` : `exited with code ${info.exitCode}`
    if (this.stopTarget) {
      const message = { sleeping: 'Asleep: idle for too long', exited: 'Stopped', failed: this.failure ?? 'Failed' }[this.stopTarget]
      this.setStatus(this.stopTarget, { pid: undefined, exit: { exitCode: info.exitCode, signal: info.signal, message, lastLines: info.lastLines } })
    } else if (info.exitCode === 0) {
      this.setStatus('exited', { pid: undefined, exit: { exitCode: 0, signal: null, message: 'The process exited with code 0', lastLines: info.lastLines } })
    } else {
      this.setStatus('failed', {
        pid: undefined,
        exit: { exitCode: info.exitCode, signal: info.signal, message: `The process ${how}`, lastLines: info.lastLines },
      })
    }
    for (const w of this.exitWaiters.splice(0)) w()
  }

  /** Runs input steps one after another, so keystrokes typed during a wake arrive in order. */
  enqueue<T>(step: () => Promise<T>): Promise<T> {
    const result = this.inputQueue.then(step)
    this.inputQueue = result.catch(() => undefined)
    return result
  }

  /** The manager starts the lane first (it owns the process limit). */
  async send(input: string, recordInput: boolean): Promise<void> {
    if (this.starting) await this.starting
    if (this.current.diskError) throw new AppError('disk_error', `${this.current.diskError.message}; free some space, then Resume`)
    if (!this.session) throw new AppError('not_running', `Lane ${this.id} is not running`)
    if (recordInput) this.emit({ type: 'input', text: input })
    else this.current = { ...this.current, lastActivityAt: this.deps.now() }
    await this.session.send(input)
  }

  /**
   * Switches the agent's mode. A running agent switches now (it reports the change with a `modes`
   * event); a sleeping or stopped one keeps the choice for its next start.
   */
  async setMode(modeId: string): Promise<void> {
    const modes = this.current.modes
    if (!modes) throw new AppError('unsupported', `Lane ${this.id}'s agent has no modes`)
    if (!modes.available.some((m) => m.id === modeId)) {
      throw new AppError('invalid_input', `Lane ${this.id}'s agent has no mode ${modeId}`, { modes: modes.available.map((m) => m.id) })
    }
    if (this.starting) await this.starting
    if (this.session?.setMode) {
      try {
        await this.session.setMode(modeId)
      } catch (err) {
        const name = modes.available.find((m) => m.id === modeId)?.name ?? modeId
        throw new AppError('unsupported', `The agent did not switch to ${name}: ${err instanceof Error ? err.message : String(err)}`)
      }
    } else {
      this.current = { ...this.current, modes: { ...modes, current: modeId } }
      this.recordChanged(this.current)
    }
  }

  /** Answers an open approval request with one of its options (and answers to its questions); the decision goes into the transcript. */
  async approve(requestId: string, optionId: string, by: 'user' | 'policy' = 'user', answers?: Answers): Promise<void> {
    const request = this.pendingApprovals.get(requestId)
    if (!request) throw new AppError('not_found', `No open approval request ${requestId} in lane ${this.id}`)
    const options = request.options.map((o) => o.id)
    if (!options.includes(optionId)) throw new AppError('invalid_input', `Request ${requestId} has no option ${optionId}`, { options })
    const checked = checkAnswers(request, optionId, answers)
    if (!checked.ok) throw new AppError('invalid_input', checked.message)
    if (!this.session) throw new AppError('not_running', `Lane ${this.id} is not running`)
    this.pendingApprovals.delete(requestId)
    await this.session.approve(requestId, optionId, checked.answers)
    this.emit({ type: 'approval.resolved', requestId, optionId, by, ...(checked.answers ? { answers: recordedAnswers(request, checked.answers) } : {}) })
  }

  private addUsage(event: Extract<LaneEventBody, { type: 'usage' }>): void {
    let usage = event.total
    if (!usage && event.turn) {
      const sum = { ...this.current.usage }
      for (const [k, v] of Object.entries(event.turn) as [keyof typeof sum, number][]) sum[k] = (sum[k] ?? 0) + v
      usage = sum
    }
    if (usage || event.context) {
      this.current = { ...this.current, ...(usage ? { usage } : {}), ...(event.context ? { context: event.context } : {}) }
      this.recordChanged(this.current)
    }
  }

  /** Whether the running agent can rewind its conversation (`AgentSession.rewind`). */
  get canRewind(): boolean {
    return this.session?.rewind !== undefined
  }

  async rewind(beforeTurnId: string): Promise<void> {
    if (this.starting) await this.starting
    if (!this.session?.rewind) throw new AppError('unsupported', `Lane ${this.id}'s agent cannot rewind its conversation`)
    await this.session.rewind(beforeTurnId)
  }

  async interrupt(): Promise<void> {
    if (!this.session) throw new AppError('not_running', `Lane ${this.id} is not running`)
    await this.session.interrupt()
  }

  resize(cols: number, rows: number): void {
    this.current = { ...this.current, cols, rows }
    this.session?.resize(cols, rows)
    this.recordChanged(this.current)
  }

  /** Stops the process tree; the lane keeps its transcript and wakes on the next send. */
  async stop(target: StopTarget): Promise<void> {
    if (this.starting) await this.starting.catch(() => undefined)
    const session = this.session
    if (!session) return
    this.stopTarget ??= target
    const exited = new Promise<void>((resolve) => this.exitWaiters.push(resolve))
    await session.stop()
    // The tree is gone; the exit callback may still be on its way through the event loop.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))])
    if (this.session === session) this.onExit({ exitCode: null, signal: null, lastLines: [] })
  }
}
