import path from 'node:path'
import { z } from 'zod'
import { Lane as LaneRecord, type Attachment, type LaneStatusEvent, type MethodArgs, type ModelChoice, type Profile } from '../../../shared/contract'
import type { Answers, LaneEvent } from '../../../shared/events'
import type { AdapterRegistry } from '../agents/registry'
import { DiskWriteError } from '../disk'
import { AppError } from '../errors'
import { newId } from '../ids'
import { presetFor, type Profiles } from '../profiles/profiles'
import { readList, type KeyValueStore } from '../store'
import type { Worktrees } from '../workspaces/worktrees'
import type { Workspaces } from '../workspaces/workspaces'
import { CheckpointService, DEFAULT_KEEP } from './checkpoint-service'
import { composePrompt, titleFromPrompt } from './prompt'
import { Lane } from './lane'
import { AgentLauncher } from './launcher'
import type { LaneTokens } from './lane-tokens'
import { evictionCandidate, idleLanes, nextDueIn, overBudget, startReaper, type IdleCandidate } from './reaper'
import { laneTreeRss } from './memory'
import { Transcript } from './transcript'
import type { FloodWindow } from './flood'
import { TerminalScreens, type TerminalSnapshot } from './terminal-screen'

const PersistedLane = LaneRecord.extend({ resumeToken: z.string().optional() })

/** Kinds whose adapter passes a lane's model to the agent. */
const MODEL_KINDS = new Set<string>(['codex', 'claude', 'pi', 'acp'])

export interface LaneManagerOptions {
  dataDir: string
  store: KeyValueStore
  workspaces: Workspaces
  profiles: Profiles
  adapters: AdapterRegistry
  now?: () => number
  /** Lanes with a live process at once; past it the least recently active idle lane is put to sleep. */
  maxProcesses?: number
  /** The longest the idle reaper waits between looks (it otherwise wakes when the next lane is due); 0 turns it off (tests call `reapIdle`). */
  reaperIntervalMs?: number
  parentEnv?: NodeJS.ProcessEnv
  loginPath?: () => Promise<string | undefined>
  secrets?: (profileId: string) => Record<string, string>
  /** Git worktrees for lanes that want their own checkout. */
  worktrees?: Worktrees
  /** How to run `switchyard` (for lanes whose profile may drive other lanes), and their tokens. */
  mcp?: { launcher: { command: string; args: string[]; env?: Record<string, string> }; tokens: LaneTokens }
  /** How many checkpoints each lane keeps (the setting; read at each checkpoint). */
  checkpointsKeep?: () => number
}

type Listener<T> = (value: T) => void
/** Gets each lane event once it is on disk, with its JSON when that is short (see Lane's onEvent). */
export type EventListener = (event: LaneEvent, encoded?: string) => void

/** What the lane trees use, as `lanes.memory` answers. */
export interface LaneMemory {
  totalBytes: number
  /** 0: no budget. */
  budgetBytes: number
  lanes: { laneId: string; rssBytes: number }[]
  measuredAt: number
}

/** How soon a failed write of the lane records is tried again. */
const STORE_RETRY_MS = 5_000

/** The registry of lanes: creates, wakes, limits, reaps and stops them, and keeps them across restarts. */
export class LaneManager {
  private readonly lanes = new Map<string, Lane>()
  /** Lanes still called by their profile's name and ordinal: their first prompt names them. */
  private readonly untitled = new Set<string>()
  private readonly eventListeners = new Set<EventListener>()
  private readonly statusListeners = new Set<Listener<LaneStatusEvent>>()
  private readonly now: () => number
  private readonly launcher: AgentLauncher
  private maxProcesses: number
  /** Total RSS the lane trees may use before idle lanes are put to sleep; 0: no budget. */
  private memoryBudgetBytes = 0
  private readonly reaper: { poke: () => void; stop: () => void }
  private saveTimer: NodeJS.Timeout | undefined
  readonly checkpoints: CheckpointService
  /** The last failed write of the lane records, until one succeeds. */
  private storeFault: DiskWriteError | undefined
  /** Terminal lanes' screens, kept from their output so a client reattaches with one snapshot. */
  private readonly screens = new TerminalScreens({
    tail: (id, maxBytes, more) => this.transcriptOf(id).tail(maxBytes, more),
    size: (id) => ({ cols: this.get(id).record.cols, rows: this.get(id).record.rows }),
  })

  constructor(private readonly opts: LaneManagerOptions) {
    this.now = opts.now ?? Date.now
    this.launcher = new AgentLauncher(opts, (profileId) =>
      [...this.lanes.values()].flatMap((l) => (l.record.profileId === profileId && l.resumeToken ? [l.resumeToken] : [])),
    )
    this.checkpoints = new CheckpointService({
      dataDir: opts.dataDir,
      cwdOf: (id) => this.cwdOf(id),
      keep: opts.checkpointsKeep ?? (() => DEFAULT_KEEP),
      emit: (id, body) => this.lanes.get(id)?.emit(body),
      now: this.now,
    })
    // Files at each turn's end (its start is saved before the prompt goes out, in send).
    this.onEvent((e) => {
      if (e.type === 'turn.started' && e.turnId) this.checkpoints.noteTurnId(e.laneId, e.turnId)
      if (e.type === 'turn.completed') void this.checkpoint(e.laneId, 'end')
    })
    this.maxProcesses = opts.maxProcesses ?? 12
    // Background lanes sleep once their prompt is done.
    this.onEvent((e) => {
      const lane = this.lanes.get(e.laneId)
      if (e.type === 'turn.completed' && lane?.record.background) void lane.stop('sleeping')
    })
    for (const saved of readList(opts.store, 'lanes', PersistedLane)) {
      const { resumeToken, ...record } = saved
      // Nothing runs after a restart: what was running comes back asleep, ready to wake.
      const status = record.status === 'failed' || record.status === 'exited' ? record.status : 'sleeping'
      this.lanes.set(record.id, this.makeLane({ ...record, status, pid: undefined }, resumeToken))
    }
    const interval = opts.reaperIntervalMs ?? 15_000
    this.reaper = interval > 0 ? startReaper(() => this.reapIdle(), () => nextDueIn(this.candidates(), this.now()), interval) : { poke() {}, stop() {} }
  }

  setMaxProcesses(n: number): void {
    this.maxProcesses = n
  }

  setMemoryBudget(bytes: number): void {
    this.memoryBudgetBytes = bytes
    this.reaper.poke()
  }

  /** Measures the RSS of every running lane's process tree (Linux: /proc; elsewhere 0, and `measured` says so). */
  async memory(): Promise<LaneMemory> {
    const running = [...this.lanes.values()].filter((l) => l.hasProcess && l.record.pid !== undefined)
    const byLane = running.length ? await laneTreeRss(running.map((l) => ({ laneId: l.id, pid: l.record.pid! }))) : []
    return {
      totalBytes: byLane.reduce((sum, l) => sum + l.rssBytes, 0),
      budgetBytes: this.memoryBudgetBytes,
      lanes: byLane,
      measuredAt: this.now(),
    }
  }

  list(): LaneRecord[] {
    return [...this.lanes.values()].map((l) => l.record)
  }

  get(id: string): Lane {
    const lane = this.lanes.get(id)
    if (!lane) throw new AppError('not_found', `No lane ${id}`)
    return lane
  }

  lanesUsing(filter: { profileId?: string; workspaceId?: string }): LaneRecord[] {
    return this.list().filter((l) => l.profileId === filter.profileId || l.workspaceId === filter.workspaceId)
  }

  async create(input: MethodArgs<'lanes.create'>, purpose: 'work' | 'login' = 'work'): Promise<LaneRecord> {
    const workspace = this.opts.workspaces.get(input.workspaceId)
    const profile = this.opts.profiles.get(input.profileId)
    const ordinal = this.list().filter((l) => l.profileId === profile.id).length + 1
    const at = this.now()
    const id = newId('lane')
    const title = input.title || `${profile.name} ${ordinal}`
    // Named by its first prompt unless the user named it (a session's ordinal says nothing in a list of twenty).
    if (!input.title && purpose === 'work') this.untitled.add(id)
    // Own worktree: as asked, or by default for agents on a git workspace.
    const wantsWorktree =
      purpose === 'work' &&
      this.opts.worktrees !== undefined &&
      (input.worktree?.enabled ?? (profile.kind !== 'terminal' && (await this.opts.worktrees.isRepo(workspace.path))))
    const worktree = wantsWorktree
      ? await this.opts.worktrees!.create({ repoPath: workspace.path, laneId: id, title, ...input.worktree })
      : undefined
    // Fixed at creation, so a lane keeps its model across sleeps even if the profile's changes later.
    // Only kinds whose adapter passes it on (not terminals).
    const model = purpose === 'work' && MODEL_KINDS.has(profile.kind) ? input.model || profile.model || undefined : undefined
    const record: LaneRecord = {
      id,
      workspaceId: workspace.id,
      profileId: profile.id,
      kind: purpose === 'login' ? 'terminal' : profile.kind,
      ...(purpose === 'login' ? { purpose } : {}),
      ...(input.background ? { background: true } : {}),
      ...(worktree ? { worktree } : {}),
      ...(model ? { model } : {}),
      title,
      status: 'starting',
      createdAt: at,
      lastActivityAt: at,
      cols: input.cols ?? 100,
      rows: input.rows ?? 30,
    }
    while (!this.hasRoom()) await this.evictOne()
    // Registered as `starting` in the same synchronous step as the last check: that reserves its place.
    const lane = this.makeLane(record)
    this.lanes.set(record.id, lane)
    this.changed(lane.record)
    // A lane that cannot start still exists, `failed` with the reason, so the user can fix and restart it.
    await this.startLane(lane).catch(() => undefined)
    if (input.prompt && lane.running) await this.send(lane.id, input.prompt)
    return lane.record
  }

  send(id: string, input: string, attachments?: Attachment[]): Promise<void> {
    const lane = this.get(id)
    const text = composePrompt(input, attachments)
    return lane.enqueue(async () => {
      if (lane.record.archived) throw new AppError('conflict', `Lane ${lane.record.title} is archived; restore it first`)
      // A lane whose history cannot be written takes no input; Resume (lanes.start) first.
      if (lane.record.diskError) throw new AppError('disk_error', `${lane.record.diskError.message}; free some space, then Resume`)
      if (!lane.running) await this.startLane(lane)
      const keystrokes = this.opts.adapters[lane.record.kind].keystrokes
      const title = !keystrokes && this.untitled.has(id) ? titleFromPrompt(input) : null
      if (title) {
        this.untitled.delete(id)
        this.patch(id, { title })
      }
      // A prompt that starts a turn (not one steering a running turn): save the files first.
      if (!keystrokes && lane.status !== 'busy' && lane.status !== 'waiting') await this.checkpoint(id, 'start')
      const note = keystrokes ? undefined : this.checkpoints.takeNote(id)
      await lane.send(note ? `${note}\n\n${text}` : text, !keystrokes)
    })
  }

  /** Saves a checkpoint; a failure is reported in the lane, never in the way of its work. */
  private async checkpoint(id: string, phase: 'start' | 'end' | 'manual') {
    try {
      return await this.checkpoints.capture(id, phase)
    } catch (err) {
      this.lanes.get(id)?.emit({ type: 'error', message: `Checkpoint failed: ${err instanceof Error ? err.message : String(err)}` })
      return undefined
    }
  }

  /**
   * Restores checkpoint `n` (whole folder or `path`), checkpointing the present first. With
   * `conversation`, an agent that can rewind forgets the turns after it; otherwise its next prompt
   * says the files were restored.
   */
  async restoreCheckpoint(id: string, n: number, opts: { path?: string; conversation?: boolean } = {}) {
    const lane = this.get(id)
    if (lane.status === 'busy' || lane.status === 'waiting') throw new AppError('conflict', `${lane.record.title} is in a turn; interrupt it or wait before restoring files`)
    const { undo, files, target } = await this.checkpoints.restore(id, n, opts.path)
    let conversation: 'rewound' | 'noted' = 'noted'
    if (opts.conversation && !opts.path) {
      const turnId = await this.checkpoints.rewindTarget(id, target)
      if (turnId) {
        if (!lane.running) await this.startLane(lane)
        if (lane.canRewind) {
          await lane.rewind(turnId)
          conversation = 'rewound'
        }
      }
      if (conversation === 'rewound') this.checkpoints.dropNote(id)
    }
    return { undo: undo.n, files, conversation }
  }

  /** Wakes or restarts the lane; after a disk failure this is Resume: what waited is written first. */
  async start(id: string): Promise<LaneRecord> {
    const lane = this.get(id)
    if (lane.record.diskError) {
      if (this.storeFault) this.flush()
      if (this.storeFault) throw this.storeFault
      lane.resumeAfterDiskFault()
    }
    if (!lane.running) await this.startLane(lane)
    return lane.record
  }

  interrupt(id: string): Promise<void> {
    return this.get(id).interrupt()
  }

  async setMode(id: string, modeId: string): Promise<LaneRecord> {
    const lane = this.get(id)
    await lane.setMode(modeId)
    return lane.record
  }

  approve(id: string, requestId: string, optionId: string, answers?: Answers): Promise<void> {
    return this.get(id).approve(requestId, optionId, 'user', answers)
  }

  /** A terminal lane running the profile's agent login, so its credentials land in the private dir. */
  async createLogin(profileId: string, workspaceId: string): Promise<LaneRecord> {
    const profile = this.opts.profiles.get(profileId)
    const login = presetFor(profile)?.login
    if (!login) throw new AppError('unsupported', `${profile.name} has no login command; set its credentials in the profile's env`)
    return this.create({ workspaceId, profileId, title: `Log in: ${profile.name}` }, 'login')
  }

  async stop(id: string): Promise<LaneRecord> {
    const lane = this.get(id)
    await lane.stop('exited')
    return lane.record
  }

  resize(id: string, cols: number, rows: number): void {
    this.get(id).resize(cols, rows)
    this.screens.resize(id, cols, rows)
  }

  /** A terminal lane's screen and scrollback, serialized, and the seq it reflects: a client follows the events after it. */
  async terminalSnapshot(id: string): Promise<TerminalSnapshot> {
    const lane = this.get(id)
    if (lane.record.kind !== 'terminal') throw new AppError('unsupported', `Lane ${id} is not a terminal lane`)
    return this.screens.snapshot(lane.id)
  }

  /** A terminal lane's output in the current flood window (lanes/flood.ts), as its screen measured it. */
  outputWindow(id: string): FloodWindow | undefined {
    return this.screens.outputWindow(id)
  }

  transcript(id: string, after?: number, limit?: number) {
    return this.transcriptOf(this.get(id).id).read(after, limit)
  }

  /** Deletes a lane and its history; its worktree stays unless `worktree: 'delete'`. */
  async remove(id: string, opts: { worktree?: 'keep' | 'delete'; deleteBranch?: boolean } = {}): Promise<void> {
    const lane = this.get(id)
    await lane.stop('exited')
    await this.checkpoints.forget(id).catch(() => undefined)
    const wt = lane.record.worktree
    if (wt && opts.worktree === 'delete') await this.opts.worktrees!.remove(wt, { deleteBranch: opts.deleteBranch ?? false })
    this.lanes.delete(id)
    this.opts.mcp?.tokens.revoke(id)
    const profile = this.opts.profiles.list().find((p) => p.id === lane.record.profileId)
    // Best effort: the lane goes even if the agent's copy of its conversation cannot.
    if (profile && lane.resumeToken) await presetFor(profile)?.forgetSession?.(profile.configDir, lane.resumeToken).catch(() => undefined)
    this.screens.drop(id, true)
    this.transcriptOf(id).delete()
    this.transcripts.delete(id)
    this.scheduleSave()
    for (const l of this.statusListeners) l({ type: 'removed', laneId: id })
  }

  /**
   * Deletes an archived lane for good (record, transcript, checkpoints, the agent's copy of its
   * conversation). Only archived lanes without a worktree: a worktree holds work that "Delete worktree" asks about.
   */
  async deleteArchived(id: string): Promise<void> {
    const { record } = this.get(id)
    if (!record.archived) throw new AppError('conflict', `Lane ${record.title} is not archived; close it first`)
    if (record.worktree) throw new AppError('conflict', `Lane ${record.title} has a worktree (${record.worktree.branch}); restore it and delete its worktree instead`)
    await this.remove(id)
  }

  /** Out of the columns: the process goes, the history (and worktree) stay. */
  async archive(id: string): Promise<LaneRecord> {
    const lane = this.get(id)
    await lane.stop('sleeping')
    return this.patch(id, { archived: true })
  }

  restore(id: string): LaneRecord {
    this.get(id)
    return this.patch(id, { archived: undefined })
  }

  rename(id: string, title: string): LaneRecord {
    this.untitled.delete(id)
    return this.patch(id, { title })
  }

  /** Updates record fields that are not the lane's own state (git status, archive flag, title, parent). */
  patch(id: string, fields: Partial<Pick<LaneRecord, 'git' | 'archived' | 'title' | 'parentLaneId'>>): LaneRecord {
    const lane = this.get(id)
    lane.record = { ...lane.record, ...fields }
    this.changed(lane.record)
    return lane.record
  }

  /** Where a lane's agent works: its worktree, or the workspace folder. */
  cwdOf(id: string): string {
    const r = this.get(id).record
    return r.worktree?.path ?? this.opts.workspaces.get(r.workspaceId).path
  }

  transcriptFile(id: string): string {
    return this.transcriptOf(id).file
  }

  /** Puts lanes idle past their profile's timeout to sleep, then, over the memory budget, the least recently active ready ones. */
  async reapIdle(now = this.now()): Promise<string[]> {
    const ids = idleLanes(this.candidates(), now)
    await Promise.all(ids.map((id) => this.lanes.get(id)?.stop('sleeping')))
    if (this.memoryBudgetBytes <= 0) return ids
    const { lanes } = await this.memory()
    const rss = new Map(lanes.map((l) => [l.laneId, l.rssBytes]))
    const running = [...this.lanes.values()].filter((l) => l.hasProcess)
    const evict = overBudget(running.map((l) => ({ ...this.candidate(l), rssBytes: rss.get(l.id) ?? 0 })), this.memoryBudgetBytes)
    await Promise.all(evict.map((id) => this.lanes.get(id)?.stop('sleeping')))
    return [...ids, ...evict]
  }

  /** Puts these lanes to sleep if they are still `ready` (a lane that started a turn meanwhile is left to it). */
  async sleepIfReady(ids: readonly string[]): Promise<void> {
    await Promise.all(ids.map((id) => this.lanes.get(id)).filter((l) => l?.record.status === 'ready').map((l) => l!.stop('sleeping')))
  }

  /** Stops every lane's process tree (quit, shutdown). Lanes come back asleep next time. */
  async stopAll(): Promise<void> {
    this.reaper.stop()
    await Promise.all([...this.lanes.values()].map((l) => l.stop('sleeping')))
    // A turn's end checkpoint may still be on its way to the transcript.
    await this.checkpoints.idle()
    this.flush()
    for (const [id, t] of this.transcripts) {
      // Last chance for what waited for the disk; if it still does not fit, say so where someone may read it.
      const fault = t.unsaved > 0 ? t.retry() : undefined
      if (fault) console.error(`switchyard: ${t.unsaved} events of lane ${id} were not saved: ${fault.message}`)
      t.close()
    }
    this.screens.dispose()
  }

  onEvent(listener: EventListener): () => void {
    this.eventListeners.add(listener)
    return () => this.eventListeners.delete(listener)
  }

  onStatus(listener: Listener<LaneStatusEvent>): () => void {
    this.statusListeners.add(listener)
    return () => this.statusListeners.delete(listener)
  }

  /**
   * Writes the lane records now (they are otherwise saved shortly after each change). A failed write
   * never throws (this runs from a timer): every lane shows it and stops, and the write is retried.
   */
  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer)
    this.saveTimer = undefined
    try {
      this.opts.store.set(
        'lanes',
        [...this.lanes.values()].map((l) => ({ ...l.record, resumeToken: l.resumeToken })),
      )
      if (this.storeFault) this.storeRecovered(this.storeFault)
    } catch (err) {
      const fault = err instanceof DiskWriteError ? err : new DiskWriteError(this.opts.store.path ?? 'the lane records', err)
      const first = !this.storeFault
      this.storeFault = fault
      if (first) console.error(`switchyard: ${fault.message}`)
      for (const lane of this.lanes.values()) lane.diskFault(fault)
      if (this.saveTimer) clearTimeout(this.saveTimer)
      this.saveTimer = setTimeout(() => this.flush(), STORE_RETRY_MS)
      this.saveTimer.unref?.()
    }
  }

  /** The records are written again: lanes that showed only that failure take input again (a stopped one stays stopped). */
  private storeRecovered(fault: DiskWriteError): void {
    this.storeFault = undefined
    for (const lane of this.lanes.values()) {
      if (lane.record.diskError?.path !== fault.file) continue
      try {
        lane.resumeAfterDiskFault()
      } catch {} // its own transcript still cannot be written: it keeps showing that
    }
  }

  private async startLane(lane: Lane): Promise<void> {
    while (!this.hasRoom(lane)) await this.evictOne(lane)
    // No await between the last check and start(), which marks the lane `starting`: concurrent starts cannot overshoot.
    return lane.start()
  }

  private hasRoom(except?: Lane): boolean {
    let running = 0
    for (const l of this.lanes.values()) if (l !== except && l.hasProcess) running++
    return running < this.maxProcesses
  }

  /** Puts the least recently active idle lane to sleep (waiting for starts under way); refuses when every lane is working. */
  private async evictOne(except?: Lane): Promise<void> {
    const running = [...this.lanes.values()].filter((l) => l !== except && l.hasProcess)
    const victim = evictionCandidate(running.map((l) => this.candidate(l)))
    const starting = running.find((l) => l.status === 'starting')
    if (!victim && starting) {
      // It becomes ready (and evictable) or fails (and frees its place) shortly.
      await starting.start().catch(() => undefined)
      return
    }
    if (!victim) {
      throw new AppError('limit_reached', `${this.maxProcesses} lanes are already running and none is idle; stop one first`, {
        maxProcesses: this.maxProcesses,
      })
    }
    await this.get(victim).stop('sleeping')
  }

  private candidates(): IdleCandidate[] {
    return [...this.lanes.values()].map((l) => this.candidate(l))
  }

  private candidate(lane: Lane): IdleCandidate {
    const r = lane.record
    let idleTimeoutMs = 0
    try {
      if (r.purpose !== 'login') idleTimeoutMs = this.opts.profiles.get(r.profileId).idleTimeoutMs
    } catch {}
    return { id: r.id, status: r.status, lastActivityAt: r.lastActivityAt, idleTimeoutMs }
  }

  private readonly transcripts = new Map<string, Transcript>()
  private transcriptOf(id: string): Transcript {
    let t = this.transcripts.get(id)
    if (!t) this.transcripts.set(id, (t = new Transcript(path.join(this.opts.dataDir, 'transcripts', `${id}.jsonl`))))
    return t
  }

  private makeLane(record: LaneRecord, resumeToken?: string): Lane {
    return new Lane(
      record,
      {
        adapter: this.opts.adapters[record.kind],
        transcript: this.transcriptOf(record.id),
        now: this.now,
        launchSpec: (r, resume) => this.launcher.spec(r, resume),
        onRecord: (r) => this.changed(r),
        onEvent: (e, encoded) => {
          if (record.kind === 'terminal') this.screens.feed(e)
          for (const l of this.eventListeners) l(e, encoded)
        },
        policy: () => {
          try {
            return this.opts.profiles.get(record.profileId).approvalPolicy
          } catch {
            return 'ask'
          }
        },
      },
      resumeToken,
    )
  }

  private changed(record: LaneRecord): void {
    this.scheduleSave()
    // A lane that became ready may be due before the reaper's timer.
    if (record.status === 'ready') this.reaper.poke()
    for (const l of this.statusListeners) l({ type: 'upsert', lane: record })
  }

  private scheduleSave(): void {
    this.saveTimer ??= setTimeout(() => this.flush(), 200)
  }

  /** The models the profile's agent offers (empty where it lists none); see AgentLauncher. */
  listModels(profileId: string, timeoutMs?: number): Promise<ModelChoice[]> {
    return this.launcher.listModels(profileId, timeoutMs)
  }
}
