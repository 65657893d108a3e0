import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import type { ChangedFile } from '../../../shared/contract'
import type { LaneEventBody } from '../../../shared/events'
import { AppError } from '../errors'
import { git } from '../workspaces/git'
import { currentTree, deleteRefs, diffTrees, laneRefs, refOf, restoreTree, setRef, snapshot, treeOf } from './checkpoints'

export const CheckpointRecord = z.object({
  n: z.number().int().positive(),
  turn: z.number().int().min(0),
  phase: z.enum(['start', 'end', 'restore', 'manual']),
  commit: z.string(),
  tree: z.string(),
  at: z.number(),
  changed: z.boolean(),
  /** The agent's id of the turn this checkpoint starts (from its `turn.started`), for conversation rewind. */
  turnId: z.string().optional(),
  /** Untracked files too big to save (paths from the repository root): see MAX_UNTRACKED_BYTES. */
  skipped: z.array(z.string()).optional(),
  /** A `restore` checkpoint: the one being restored, and the path if only one was. */
  restoring: z.number().int().positive().optional(),
  path: z.string().optional(),
})
export type CheckpointRecord = z.infer<typeof CheckpointRecord>

export const DEFAULT_KEEP = 100

export interface CheckpointDeps {
  dataDir: string
  /** The lane's folder (throws for a lane that does not exist). */
  cwdOf: (laneId: string) => string
  /** How many checkpoints a lane keeps (the oldest go first). */
  keep: () => number
  emit: (laneId: string, body: LaneEventBody) => void
  now: () => number
  /** Untracked files over this many bytes are left out (default MAX_UNTRACKED_BYTES). */
  maxUntrackedBytes?: number
}

/** Which turns a rewind to checkpoint `c` drops: from the turn after the files' moment on. */
export function firstDroppedTurn(c: Pick<CheckpointRecord, 'turn' | 'phase'>): number {
  return c.phase === 'start' ? c.turn : c.turn + 1
}

/** The line that tells an agent, with its next prompt, that its files were put back. */
export function restoreNote(c: Pick<CheckpointRecord, 'turn' | 'phase'>, restoredPath?: string): string {
  const when = c.phase === 'start' ? `the start of turn ${c.turn}` : c.phase === 'end' ? `the end of turn ${c.turn}` : `checkpoint taken during turn ${c.turn}`
  const what = restoredPath ? `the user restored ${restoredPath} to how it was at ${when}` : `the user restored the files to how they were at ${when}`
  return `[Note from Switchyard: ${what}; changes made after that point are gone from disk. Read files again before relying on what you remember of them.]`
}

/** Per-lane checkpoints: capture on turn boundaries, list, diff, restore (undoable), prune, forget. */
export class CheckpointService {
  private readonly queues = new Map<string, Promise<unknown>>()
  private readonly notes = new Map<string, string>()

  constructor(private readonly deps: CheckpointDeps) {}

  private file(laneId: string): string {
    return path.join(this.deps.dataDir, 'checkpoints', `${laneId}.json`)
  }

  private read(laneId: string): CheckpointRecord[] {
    try {
      const raw = JSON.parse(readFileSync(this.file(laneId), 'utf8'))
      return Array.isArray(raw) ? raw.flatMap((c) => (CheckpointRecord.safeParse(c).success ? [c as CheckpointRecord] : [])) : []
    } catch {
      return []
    }
  }

  private write(laneId: string, list: CheckpointRecord[]): void {
    const file = this.file(laneId)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(`${file}.tmp`, JSON.stringify(list))
    renameSync(`${file}.tmp`, file)
  }

  /** One git operation at a time per lane, in order. */
  private serial<T>(laneId: string, step: () => Promise<T>): Promise<T> {
    const result = (this.queues.get(laneId) ?? Promise.resolve()).then(step)
    this.queues.set(laneId, result.catch(() => undefined))
    return result
  }

  /** Resolves once every checkpoint under way is written (and emitted): before transcripts close. */
  async idle(): Promise<void> {
    while (this.queues.size) {
      const pending = [...this.queues.values()]
      await Promise.all(pending)
      // Only drop queues nothing was added to meanwhile.
      for (const [id, q] of this.queues) if (pending.includes(q)) this.queues.delete(id)
    }
  }

  /** Whether the lane's folder is in a git repository (checkpoints need one). */
  async available(laneId: string): Promise<boolean> {
    let cwd: string
    try {
      cwd = this.deps.cwdOf(laneId)
    } catch {
      return false
    }
    if (!existsSync(cwd)) return false
    return (await git(cwd, ['rev-parse', '--is-inside-work-tree'])).stdout.trim() === 'true'
  }

  /** Saves the lane's files as the next checkpoint and emits it; undefined where the folder is not a repository. */
  capture(laneId: string, phase: CheckpointRecord['phase'], extra: { restoring?: number; path?: string } = {}): Promise<CheckpointRecord | undefined> {
    return this.serial(laneId, async () => {
      if (!(await this.available(laneId))) return undefined
      const cwd = this.deps.cwdOf(laneId)
      const list = this.read(laneId)
      const last = list[list.length - 1]
      const n = (last?.n ?? 0) + 1
      const lastTurn = list.reduce((t, c) => Math.max(t, c.turn), 0)
      const turn = phase === 'start' ? lastTurn + 1 : lastTurn
      const snap = await snapshot(cwd, `Switchyard checkpoint ${n} of lane ${laneId} (${phase} of turn ${turn})`, last, this.deps.maxUntrackedBytes)
      await setRef(cwd, refOf(laneId, n), snap.commit)
      const record: CheckpointRecord = { n, turn, phase, commit: snap.commit, tree: snap.tree, at: this.deps.now(), changed: snap.changed, ...(snap.skipped.length ? { skipped: snap.skipped } : {}), ...extra }
      list.push(record)
      await this.prune(cwd, laneId, list)
      this.deps.emit(laneId, { type: 'checkpoint', n, turn, phase, commit: snap.commit, changed: snap.changed, ...extra })
      return record
    })
  }

  /** Remembers the agent's id for the turn the latest `start` checkpoint began. */
  noteTurnId(laneId: string, turnId: string): void {
    void this.serial(laneId, async () => {
      const list = this.read(laneId)
      const start = [...list].reverse().find((c) => c.phase === 'start')
      if (start && !start.turnId) {
        start.turnId = turnId
        this.write(laneId, list)
      }
    })
  }

  /** Drops the oldest past the keep limit (their refs too; git may collect their objects). */
  private async prune(cwd: string, laneId: string, list: CheckpointRecord[]): Promise<void> {
    const keep = Math.max(1, this.deps.keep())
    const gone = list.splice(0, Math.max(0, list.length - keep))
    await deleteRefs(cwd, gone.map((c) => refOf(laneId, c.n)))
    this.write(laneId, list)
  }

  /** The lane's checkpoints whose refs still exist, oldest first. */
  async list(laneId: string): Promise<CheckpointRecord[]> {
    this.deps.cwdOf(laneId)
    if (!(await this.available(laneId))) return []
    const refs = await laneRefs(this.deps.cwdOf(laneId), laneId)
    return this.read(laneId).filter((c) => refs.get(c.n) === c.commit)
  }

  private async find(laneId: string, n: number): Promise<CheckpointRecord> {
    const c = (await this.list(laneId)).find((x) => x.n === n)
    if (!c) throw new AppError('not_found', `Lane ${laneId} has no checkpoint ${n}`)
    return c
  }

  /** What restoring checkpoint `n` would change (from now to it), for the whole folder or `rel`. */
  async diff(laneId: string, n: number, rel?: string): Promise<ChangedFile[]> {
    const c = await this.find(laneId, n)
    const cwd = this.deps.cwdOf(laneId)
    return this.serial(laneId, async () => diffTrees(cwd, await currentTree(cwd, this.deps.maxUntrackedBytes), await treeOf(cwd, c.commit), rel))
  }

  /**
   * Puts the folder (or `rel`) back to checkpoint `n`, after saving the current state as a checkpoint
   * (returned as `undo`: restoring it undoes this). Returns the paths that changed.
   */
  async restore(laneId: string, n: number, rel?: string): Promise<{ undo: CheckpointRecord; files: string[]; target: CheckpointRecord }> {
    const target = await this.find(laneId, n)
    const undo = await this.capture(laneId, 'restore', { restoring: n, ...(rel ? { path: rel } : {}) })
    if (!undo) throw new AppError('unsupported', 'Checkpoints need the lane to work in a git repository')
    const cwd = this.deps.cwdOf(laneId)
    const files = await this.serial(laneId, async () => restoreTree(cwd, undo.tree, await treeOf(cwd, target.commit), rel))
    this.notes.set(laneId, restoreNote(target, rel))
    return { undo, files, target }
  }

  /** The note for the agent's next prompt after a restore, once. */
  takeNote(laneId: string): string | undefined {
    const note = this.notes.get(laneId)
    this.notes.delete(laneId)
    return note
  }

  dropNote(laneId: string): void {
    this.notes.delete(laneId)
  }

  /** The agent turn id to rewind to for checkpoint `c` (the first turn to drop), if known. */
  async rewindTarget(laneId: string, c: CheckpointRecord): Promise<string | undefined> {
    const first = firstDroppedTurn(c)
    return this.read(laneId).find((x) => x.phase === 'start' && x.turn === first)?.turnId
  }

  /** Deletes the lane's checkpoints (refs and list): the lane is going away. */
  async forget(laneId: string): Promise<void> {
    await this.serial(laneId, async () => {
      if (await this.available(laneId)) {
        const cwd = this.deps.cwdOf(laneId)
        const refs = await laneRefs(cwd, laneId)
        await deleteRefs(cwd, [...refs.keys()].map((n) => refOf(laneId, n)))
      }
      rmSync(this.file(laneId), { force: true })
    })
    this.queues.delete(laneId)
    this.notes.delete(laneId)
  }
}
