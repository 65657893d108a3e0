import { spawn, execFile, type ChildProcessWithoutNullStreams } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { forgetRoot, markedEnv, markedPids, markerOf, newTreeMarker, rootPidReused, rootStartTicks, RUN_ID, superviseRoot, TREE_VAR } from './supervision'

/**
 * Every agent runs in its own process group (its own session, in fact), and stopping it stops the
 * whole tree: the group plus every descendant found by parent links, because an interactive shell
 * moves each job into a group of its own, plus (Linux) every process still in its session or carrying
 * its SWITCHYARD_TREE marker, because `(cmd &)` re-parents to init and a daemon leaves with setsid.
 * Every tree is also supervised against the app's own death (supervision.ts).
 */

export interface ProcessInfo {
  pid: number
  ppid: number
  pgid: number
  /** Session id, where the process table tells it (Linux). */
  sid?: number
  /** Start time in clock ticks since boot (Linux). */
  start?: number
  zombie: boolean
}

/**
 * Spawns `command` as the leader of a new process group and session (POSIX), with piped stdio, marked
 * and supervised (supervision.ts). When it exits, whatever of its tree is left is ended too.
 */
export function spawnInGroup(
  command: string,
  args: readonly string[],
  opts: { cwd: string; env: Record<string, string> },
): ChildProcessWithoutNullStreams {
  const marker = newTreeMarker()
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: markedEnv(opts.env, marker),
    stdio: 'pipe',
    detached: process.platform !== 'win32',
    windowsHide: true,
  })
  superviseRoot(child.pid, marker)
  // An agent that exits (or crashes) takes what it started with it: a tool's dev server left behind
  // would hold its port for the lane's next start. A pty's shell is different (see spawnPty). Not on
  // Windows, where stopping is taskkill by pid, and a dead root's pid may already be another's.
  if (process.platform !== 'win32') {
    child.once('exit', () => {
      if (child.pid !== undefined) void stopTree(child.pid, { graceMs: 1000 }).catch(() => undefined)
    })
  }
  return child
}

/** The process table: /proc on Linux, `ps` elsewhere on POSIX. */
export async function listProcesses(): Promise<ProcessInfo[]> {
  if (process.platform === 'linux') return listFromProc()
  const out = await new Promise<string>((resolve, reject) =>
    execFile('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat='], (err, stdout) => (err ? reject(err) : resolve(stdout))),
  )
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 4)
    .map(([pid, ppid, pgid, stat]) => ({ pid: +pid, ppid: +ppid, pgid: +pgid, zombie: stat.startsWith('Z') }))
}

function listFromProc(): ProcessInfo[] {
  const table: ProcessInfo[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      // "pid (comm) state ppid pgrp ..." — comm may contain spaces and parentheses.
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      table.push({ pid: +name, ppid: +rest[1], pgid: +rest[2], sid: +rest[3], start: +rest[19], zombie: rest[0] === 'Z' || rest[0] === 'X' })
    } catch {
      // The process ended while we were reading.
    }
  }
  return table
}

/** The living members of `root`'s tree: root, its process group, its session (roots lead one), and all descendants. */
export function treeMembers(root: number, table: readonly ProcessInfo[]): number[] {
  const children = new Map<number, number[]>()
  for (const p of table) {
    const list = children.get(p.ppid)
    if (list) list.push(p.pid)
    else children.set(p.ppid, [p.pid])
  }
  const found = new Set<number>()
  const visit = (pid: number) => {
    if (found.has(pid)) return
    found.add(pid)
    for (const c of children.get(pid) ?? []) visit(c)
  }
  visit(root)
  for (const p of table) if (p.pgid === root || p.sid === root) visit(p.pid)
  const living = new Set(table.filter((p) => !p.zombie).map((p) => p.pid))
  return [...found].filter((pid) => living.has(pid))
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig)
  } catch {
    // Already gone, or not ours: either way nothing more to do for it.
  }
}

export interface StopTreeOptions {
  /** Signals to try, in order, each followed by up to `graceMs`; SIGKILL always comes last. */
  signals?: NodeJS.Signals[]
  graceMs?: number
  /** Already known members (e.g. snapshotted before the leader was told to exit). */
  known?: number[]
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/**
 * Stops `root` and its whole tree; resolves when none of it is alive (or after SIGKILL did its best).
 * Returns the pids that needed SIGKILL, for diagnostics.
 */
export async function stopTree(root: number, opts: StopTreeOptions = {}): Promise<number[]> {
  try {
    return await stopTreeNow(root, opts)
  } finally {
    forgetRoot(root)
  }
}

/**
 * The marker a root carries when this process no longer remembers it (a second stop). Only a marker
 * of this run counts: Switchyard itself may run inside another Switchyard's lane, whose marker it inherits.
 */
function markerInEnviron(root: number): string | undefined {
  if (process.platform !== 'linux') return undefined
  try {
    const entry = readFileSync(`/proc/${root}/environ`, 'latin1').split('\0').find((e) => e.startsWith(`${TREE_VAR}=${RUN_ID}:`))
    return entry?.slice(TREE_VAR.length + 1)
  } catch {
    return undefined
  }
}

async function stopTreeNow(root: number, opts: StopTreeOptions): Promise<number[]> {
  if (process.platform === 'win32') {
    await new Promise<void>((r) => execFile('taskkill', ['/pid', String(root), '/T', '/F'], () => r()))
    return []
  }
  const grace = opts.graceMs ?? 2000
  const tracked = new Set<number>(opts.known ?? [])
  const marker = markerOf(root) ?? markerInEnviron(root)
  const alive = async (): Promise<number[]> => {
    const table = await listProcesses()
    // Keep following the tree while the root lives; orphans we saw before stay tracked. A pid that
    // another process took over since is not followed (the kernel keeps a live session's id, so
    // nothing of ours is lost: what is left carries the marker).
    if (!rootPidReused(root)) for (const pid of treeMembers(root, table)) tracked.add(pid)
    // Whatever carries the tree's marker belongs to it, however far it wandered.
    if (marker) {
      const since = rootStartTicks(root)
      const candidates = table.filter((p) => !p.zombie && !tracked.has(p.pid) && (since === undefined || p.start === undefined || p.start >= since))
      for (const pid of markedPids(marker, candidates.map((p) => p.pid))) tracked.add(pid)
    }
    const living = new Set(table.filter((p) => !p.zombie).map((p) => p.pid))
    return [...tracked].filter((pid) => living.has(pid))
  }
  for (const sig of opts.signals ?? ['SIGTERM']) {
    let members = await alive()
    if (members.length === 0) return []
    if (!rootPidReused(root)) signal(-root, sig)
    for (const pid of members) signal(pid, sig)
    const deadline = Date.now() + grace
    while (members.length > 0 && Date.now() < deadline) {
      await sleep(25)
      members = await alive()
    }
    if (members.length === 0) return []
  }
  const survivors = await alive()
  if (!rootPidReused(root)) signal(-root, 'SIGKILL')
  for (const pid of survivors) signal(pid, 'SIGKILL')
  for (let i = 0; i < 40 && (await alive()).length > 0; i++) await sleep(25)
  return survivors
}
