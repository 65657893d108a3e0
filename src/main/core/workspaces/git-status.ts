import { statSync, watch, type FSWatcher } from 'node:fs'
import path from 'node:path'
import type { Lane as LaneRecord } from '../../../shared/contract'
import type { LaneManager } from '../lanes/manager'
import { RUNNING } from '../lanes/reaper'
import { git, splitZ } from './git'

export type GitStatus = NonNullable<LaneRecord['git']>

// ---- Pure decisions -------------------------------------------------------------------------------

/** `git status --porcelain=v2 --branch` (without -z): branch, upstream, ahead/behind, changed entries. */
export function parseStatusV2(out: string): { branch: string | null; oid: string | null; upstream: string | null; ahead: number; behind: number; changed: number } {
  let branch: string | null = null
  let oid: string | null = null
  let upstream: string | null = null
  let ahead = 0
  let behind = 0
  let changed = 0
  for (const line of out.split('\n')) {
    if (line.startsWith('# branch.oid ')) oid = line.slice('# branch.oid '.length).trim()
    else if (line.startsWith('# branch.head ')) branch = line.slice('# branch.head '.length).trim()
    else if (line.startsWith('# branch.upstream ')) upstream = line.slice('# branch.upstream '.length).trim()
    else if (line.startsWith('# branch.ab ')) {
      const m = /\+(\d+) -(\d+)/.exec(line)
      if (m) [ahead, behind] = [Number(m[1]), Number(m[2])]
    } else if (/^[12u?] /.test(line)) changed++
  }
  if (oid === '(initial)') oid = null
  return { branch, oid, upstream, ahead, behind, changed }
}

/** The branch as the lane header shows it: its name, or where a detached HEAD is. */
export function branchLabel(head: string | null, oid: string | null): string | null {
  if (head && head !== '(detached)') return head
  return oid ? `detached HEAD at ${oid.slice(0, 7)}` : null
}

/** Whether a changed path (relative to the watched work tree) can change `git status`: git's own files mostly cannot. */
export function relevantChange(rel: string | null | undefined): boolean {
  if (!rel) return true // the platform did not say which: assume it matters
  const parts = rel.split(/[\\/]/)
  if (parts[0] !== '.git') return true
  return parts.length === 1 || parts[1] === 'HEAD' || parts[1] === 'index' || parts[1] === 'refs' || parts[1] === 'packed-refs'
}

/**
 * Runs `fn` when triggered, never more often than once per `intervalMs` (measured from the end of the
 * previous run), always once more after the last trigger (trailing), and never two at a time.
 */
export class Throttle {
  private timer: ReturnType<typeof setTimeout> | undefined
  private running = false
  private dirty = false
  private last = -Infinity
  private closed = false

  constructor(
    private readonly fn: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    /** Lets a burst of file events land before the first run. */
    private readonly settleMs = 50,
  ) {}

  trigger(): void {
    if (this.closed || this.timer) return // a run is coming, and will see this change
    if (this.running) {
      this.dirty = true
      return
    }
    const wait = Math.max(this.settleMs, this.last + this.intervalMs - this.now())
    this.timer = setTimeout(() => void this.fire(), wait)
    this.timer.unref?.()
  }

  close(): void {
    this.closed = true
    if (this.timer) clearTimeout(this.timer)
    this.timer = undefined
  }

  private async fire(): Promise<void> {
    this.timer = undefined
    this.running = true
    try {
      await this.fn()
    } catch {
      // a failed refresh is retried by the next change
    } finally {
      this.running = false
      this.last = this.now()
      if (this.dirty) {
        this.dirty = false
        this.trigger()
      }
    }
  }
}

// ---- Watching -------------------------------------------------------------------------------------

/** Platforms whose fs.watch is natively recursive (on Linux Node walks the tree: node_modules too). */
const NATIVE_RECURSIVE = process.platform === 'darwin' || process.platform === 'win32'
/** Past this many folders, Linux watches only the top of the tree (turn ends still refresh). */
const MAX_DIRS = 2000

interface Watch {
  laneId: string
  cwd: string
  watchers: FSWatcher[]
  throttle: Throttle
  /** The set of watched folders may be out of date (folders created or removed, branch switched). */
  resync: boolean
  branch: string | null
  /** Linux: the work tree's folders being watched, relative to `cwd`. */
  treeDirs: Map<string, FSWatcher | undefined>
  closed: boolean
}

export interface GitStatusOptions {
  /** Minimum time between two refreshes of one lane. */
  intervalMs?: number
  now?: () => number
  /** Called after each refresh (tests count them). */
  onRefresh?: (laneId: string, status: GitStatus) => void
}

/**
 * Keeps each running lane's `git` status (branch, ahead/behind, changed files) up to date: refreshed
 * when files change (fs.watch) and when a turn ends, at most once a second per lane, never by polling.
 */
export class GitStatusWatcher {
  private readonly watches = new Map<string, Watch>()
  private readonly off: Array<() => void> = []
  private readonly intervalMs: number
  private readonly now: () => number

  constructor(
    private readonly lanes: LaneManager,
    private readonly opts: GitStatusOptions = {},
  ) {
    this.intervalMs = opts.intervalMs ?? 1000
    this.now = opts.now ?? Date.now
    this.off.push(
      lanes.onStatus((e) => (e.type === 'removed' ? this.unwatch(e.laneId) : this.sync(e.lane))),
      lanes.onEvent((e) => {
        if (e.type === 'turn.completed') this.watches.get(e.laneId)?.throttle.trigger()
      }),
    )
    for (const lane of lanes.list()) this.sync(lane)
  }

  close(): void {
    for (const off of this.off) off()
    for (const id of [...this.watches.keys()]) this.unwatch(id)
  }

  /** Watches a lane while its agent runs, and not otherwise. */
  private sync(lane: LaneRecord): void {
    const live = RUNNING.includes(lane.status) && !lane.archived && lane.purpose !== 'login'
    if (live && !this.watches.has(lane.id)) void this.watch(lane.id)
    else if (!live && this.watches.has(lane.id)) this.unwatch(lane.id)
  }

  private async watch(laneId: string): Promise<void> {
    let cwd: string
    try {
      cwd = this.lanes.cwdOf(laneId)
    } catch {
      return
    }
    const w: Watch = { laneId, cwd, watchers: [], throttle: new Throttle(() => this.refresh(w), this.intervalMs, this.now), resync: true, branch: null, treeDirs: new Map(), closed: false }
    this.watches.set(laneId, w)
    const inside = await git(cwd, ['rev-parse', '--is-inside-work-tree'])
    if (w.closed) return
    if (inside.code !== 0 || inside.stdout.trim() !== 'true') {
      // Not a git folder: nothing to show, nothing to watch (the entry stays so we do not ask again).
      w.throttle.close()
      return
    }
    w.throttle.trigger()
  }

  private unwatch(laneId: string): void {
    const w = this.watches.get(laneId)
    if (!w) return
    w.closed = true
    w.throttle.close()
    for (const fw of w.watchers) fw.close()
    w.watchers = []
    this.watches.delete(laneId)
  }

  private async refresh(w: Watch): Promise<void> {
    if (w.closed) return
    const r = await git(w.cwd, ['-c', 'core.quotepath=off', 'status', '--porcelain=v2', '--branch', '--untracked-files=all'])
    if (w.closed || r.code !== 0) return
    const s = parseStatusV2(r.stdout)
    let { ahead, behind } = s
    const lane = this.lanes.get(w.laneId).record
    const wt = lane.worktree
    if (!s.upstream && wt && s.oid) {
      // A lane's branch without an upstream: count against the base it started from (its ref where that still resolves).
      const ref = (await git(w.cwd, ['rev-parse', '--verify', '-q', '--end-of-options', `${wt.base}^{commit}`])).code === 0 ? wt.base : wt.baseCommit
      const counts = await git(w.cwd, ['rev-list', '--left-right', '--count', `${ref}...HEAD`, '--'])
      const m = /^(\d+)\s+(\d+)/.exec(counts.stdout)
      if (counts.code === 0 && m) [behind, ahead] = [Number(m[1]), Number(m[2])]
    }
    if (w.closed) return
    const branch = branchLabel(s.branch, s.oid)
    if (branch !== w.branch) w.resync = true // the ref folder to watch moved
    w.branch = branch
    if (w.resync) await this.rewatch(w, s.branch && s.branch !== '(detached)' ? s.branch : null)
    if (w.closed) return
    const status: GitStatus = { branch, ahead, behind, changedFiles: s.changed, at: this.now() }
    const prev = this.lanes.get(w.laneId).record.git
    const same = prev && prev.branch === status.branch && prev.ahead === status.ahead && prev.behind === status.behind && prev.changedFiles === status.changedFiles
    if (!same) this.lanes.patch(w.laneId, { git: status })
    this.opts.onRefresh?.(w.laneId, status)
  }

  /** (Re)creates a lane's file watchers: its work tree, and the git files that say where HEAD is. */
  private async rewatch(w: Watch, branch: string | null): Promise<void> {
    w.resync = false
    const dirs = await this.gitDirs(w.cwd, branch)
    const tree = NATIVE_RECURSIVE ? null : await this.treeDirs(w.cwd)
    if (w.closed) return
    for (const fw of w.watchers) fw.close()
    w.watchers = []
    w.treeDirs.clear()
    if (tree === null) {
      this.addWatcher(w, w.cwd, true, (_event, file) => {
        if (relevantChange(file)) w.throttle.trigger()
      })
    } else {
      for (const rel of tree) this.watchTreeDir(w, rel)
    }
    for (const { dir, names } of dirs) {
      this.addWatcher(w, dir, false, (_event, file) => {
        if (file === null || names.includes(file)) w.throttle.trigger()
      })
    }
  }

  /** Linux: one folder of the work tree; folders created in it are watched as they appear (unless ignored). */
  private watchTreeDir(w: Watch, rel: string): void {
    if (w.treeDirs.has(rel) || w.treeDirs.size >= MAX_DIRS) return
    w.treeDirs.set(rel, this.addWatcher(w, path.join(w.cwd, rel), false, (event, file) => {
      const changed = file === null ? null : path.join(rel, file)
      if (!relevantChange(changed)) return
      w.throttle.trigger()
      if (event === 'rename' && changed !== null) void this.watchNewDir(w, changed)
    }))
  }

  /** A name in a watched folder came or went: a new folder gets a watch, a removed one loses it. */
  private async watchNewDir(w: Watch, rel: string): Promise<void> {
    let isDir = false
    try {
      isDir = statSync(path.join(w.cwd, rel)).isDirectory()
    } catch {}
    const old = w.treeDirs.get(rel)
    if (!isDir || old) {
      old?.close() // removed, or replaced by a new folder of the same name
      w.treeDirs.delete(rel)
      if (!isDir) return
    }
    if ((await git(w.cwd, ['check-ignore', '-q', '--', rel])).code === 0 || w.closed) return
    this.watchTreeDir(w, rel)
  }

  private addWatcher(w: Watch, dir: string, recursive: boolean, onChange: (event: string, file: string | null) => void): FSWatcher | undefined {
    try {
      const fw = watch(dir, { recursive, persistent: false }, (event, file) => onChange(event, file === null ? null : String(file)))
      fw.on('error', () => {
        // The folder went away (or the watch broke): look again on the next refresh.
        fw.close()
        w.resync = true
        w.throttle.trigger()
      })
      w.watchers.push(fw)
      return fw
    } catch {
      return undefined // gone already: the next refresh looks again
    }
  }

  /** The git files that move when the agent commits, switches branch or stages: HEAD, index, the branch's ref. */
  private async gitDirs(cwd: string, branch: string | null): Promise<Array<{ dir: string; names: string[] }>> {
    const r = await git(cwd, ['rev-parse', '--absolute-git-dir', '--git-common-dir'])
    if (r.code !== 0) return []
    const [gitDir, common] = r.stdout.split('\n').map((l) => l.trim())
    const commonDir = path.resolve(cwd, common || gitDir)
    const out = [
      { dir: gitDir, names: ['HEAD', 'index'] },
      { dir: commonDir, names: ['packed-refs'] },
    ]
    if (branch) {
      const ref = path.join(commonDir, 'refs', 'heads', ...branch.split('/'))
      out.push({ dir: path.dirname(ref), names: [path.basename(ref)] })
    }
    return out
  }

  /** Linux: the work tree's folders that hold tracked or untracked-but-not-ignored files (not node_modules). */
  private async treeDirs(cwd: string): Promise<string[]> {
    const r = await git(cwd, ['-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'])
    const dirs = new Set<string>([''])
    if (r.code === 0) {
      for (const file of splitZ(r.stdout)) {
        for (let d = path.dirname(file); d !== '.' && d !== '/' && d !== '' && !dirs.has(d); d = path.dirname(d)) dirs.add(d)
        if (dirs.size > MAX_DIRS) return ['']
      }
    }
    return [...dirs]
  }
}
