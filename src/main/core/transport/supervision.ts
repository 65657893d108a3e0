import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { appendFileSync, readdirSync, readFileSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import { SWEEPER_SOURCE } from './watchdog-script'

/**
 * Lanes die with the app, whatever kills it. Every process tree Switchyard starts (spawnInGroup,
 * spawnPty) is supervised three ways:
 *  - its environment carries SWITCHYARD_TREE=<run>:<n>, inherited by every descendant, so a process
 *    that re-parented itself to init or left the session with setsid is still found (Linux reads
 *    /proc/<pid>/environ; this is how long-lived CI servers find a build's leftovers);
 *  - its root's pid and start time go to the records of every data dir this process serves, so a
 *    restart after a hard death ends what is left and never a process that merely reuses the pid;
 *  - a watchdog process, started once per run in a session of its own and holding a pipe from main,
 *    sweeps this run's processes as soon as that pipe closes: main exited, crashed, or was SIGKILLed.
 */

export const TREE_VAR = 'SWITCHYARD_TREE'

/** This process's run: every tree it starts is marked with it. */
export const RUN_ID = randomBytes(8).toString('hex')
let treeSeq = 0
/** Roots this process started and has not stopped yet: their marker and start time (if read in time). */
const roots = new Map<number, { marker: string; start?: string }>()
const recordFiles = new Set<string>()

/** The marker for a new tree of this run. */
export function newTreeMarker(): string {
  return `${RUN_ID}:${++treeSeq}`
}

/** The environment a new tree starts with: the caller's plus its marker. */
export function markedEnv(env: Record<string, string>, marker: string): Record<string, string> {
  return { ...env, [TREE_VAR]: marker }
}

/** Takes a freshly spawned root under supervision: remembered, recorded, and known to the watchdog. */
export function superviseRoot(pid: number | undefined, marker: string): void {
  if (pid === undefined) return
  const start = processStartTime(pid)
  roots.set(pid, { marker, start })
  if (start === undefined) return // already gone: only its marker can find what it left
  const line = `${JSON.stringify({ pid, start, tree: marker })}\n`
  for (const file of recordFiles) {
    try {
      appendFileSync(file, line)
    } catch {
      // A record we cannot write costs only the restart sweep of this tree; the marker still finds it.
    }
  }
  watchdog()?.stdin?.write(`${pid} ${start}\n`)
}

/** The marker `root` was started with, if this process started it. */
export function markerOf(root: number): string | undefined {
  return roots.get(root)?.marker
}

/**
 * Whether `root`'s pid now names another process than the one this process started (its start time
 * differs): then its group and children are someone else's. Unknown roots are taken as they are, and
 * so is every root off Linux, where asking means running `ps` (stopTree asks every 25 ms).
 */
export function rootPidReused(root: number): boolean {
  const recorded = roots.get(root)?.start
  if (recorded === undefined || process.platform !== 'linux') return false
  const now = processStartTime(root)
  return now !== undefined && now !== recorded
}

export function forgetRoot(root: number): void {
  roots.delete(root)
}

/** Roots started from now on are also recorded in `file` (a data dir's record of this run). */
export function recordRootsIn(file: string): void {
  recordFiles.add(file)
}

export function stopRecordingIn(file: string): void {
  recordFiles.delete(file)
}

/**
 * When a process started, as the platform tells it: clock ticks since boot on Linux
 * (/proc/<pid>/stat field 22), `ps -o lstart` elsewhere. Undefined when there is no such process.
 */
export function processStartTime(pid: number): string | undefined {
  if (process.platform === 'linux') {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1')
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]
    } catch {
      return undefined
    }
  }
  if (process.platform === 'win32') return undefined
  try {
    return execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim() || undefined
  } catch {
    return undefined
  }
}

/**
 * The processes whose environment carries exactly this tree's marker (Linux only), among `candidates`
 * (pids; every process when omitted). Reading environments costs ~35 µs a process, so stopTree passes
 * only those that started no earlier than the root: a descendant never starts before its root.
 */
export function markedPids(marker: string, candidates?: readonly number[]): number[] {
  if (process.platform !== 'linux') return []
  const exact = `${TREE_VAR}=${marker}\0`
  let pids: readonly number[]
  try {
    pids = candidates ?? readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number)
  } catch {
    return []
  }
  return pids.filter((pid) => {
    try {
      const env = readFileSync(`/proc/${pid}/environ`, 'latin1')
      return env.startsWith(exact) || env.includes(`\0${exact}`)
    } catch {
      return false // gone, or not ours to read
    }
  })
}

/** When `root` started, in the platform's ticks, if this process started it and could tell (Linux). */
export function rootStartTicks(root: number): number | undefined {
  const start = roots.get(root)?.start
  return process.platform === 'linux' && start !== undefined ? Number(start) : undefined
}

/** The interpreter that runs the sweeper: node itself, or Electron acting as node. */
function sweeperCommand(args: string[]): { command: string; args: string[]; env: Record<string, string> } {
  return {
    command: process.execPath,
    args: ['-e', SWEEPER_SOURCE, ...args],
    env: { ELECTRON_RUN_AS_NODE: '1', PATH: process.env.PATH ?? '/usr/bin:/bin' },
  }
}

let watchdogProcess: ChildProcess | undefined | null
/**
 * This run's watchdog, started on first use (not on Windows, where no sweep of this kind exists).
 * Killed while main lives, it is started again and told every root still running; one that exits
 * by itself (it cannot run here) is given up on: markers and records still cover a restart.
 */
function watchdog(): ChildProcess | undefined {
  if (watchdogProcess !== undefined) return watchdogProcess ?? undefined
  if (process.platform === 'win32') return giveUpWatchdog()
  const c = sweeperCommand(['watch', JSON.stringify({ runs: [RUN_ID], graceMs: 1000 })])
  let child: ChildProcess
  try {
    child = spawn(c.command, c.args, { env: c.env, stdio: ['pipe', 'ignore', 'ignore'], detached: true, windowsHide: true })
  } catch {
    return giveUpWatchdog() // no watchdog must never mean no lane
  }
  child.on('error', () => (watchdogProcess = null))
  child.on('exit', (_code, signal) => {
    if (watchdogProcess !== child) return
    // Killed: start another. Exited by itself while main lives: it cannot run here, so no loop of retries.
    watchdogProcess = signal ? undefined : null
    const next = watchdog()
    for (const [pid, { start }] of roots) if (start !== undefined) next?.stdin?.write(`${pid} ${start}\n`)
  })
  child.stdin?.on('error', () => {}) // the watchdog gone: nothing to tell it any more
  child.unref()
  ;(child.stdin as unknown as { unref?: () => void } | null)?.unref?.()
  watchdogProcess = child
  return child
}

function giveUpWatchdog(): undefined {
  watchdogProcess = null
  return undefined
}

/** The pid of this run's watchdog, if one runs (for diagnostics and tests). */
export function watchdogPid(): number | undefined {
  return watchdogProcess?.pid
}

/**
 * Ends every process of `runs` (markers) and of `roots` (pid + start time), SIGTERM first; resolves
 * with the number of processes ended. Runs the same sweeper as the watchdog, in a session of its own.
 */
export function sweep(opts: {
  runs: string[]
  roots: { pid: number; start: string }[]
  /** Spared with their ancestors and descendants; this process by default. */
  exclude?: number[]
  graceMs?: number
  timeoutMs?: number
}): Promise<number> {
  if (process.platform === 'win32' || (opts.runs.length === 0 && opts.roots.length === 0)) return Promise.resolve(0)
  const config = { runs: opts.runs, roots: opts.roots, exclude: opts.exclude ?? [process.pid], graceMs: opts.graceMs ?? 1000 }
  const c = sweeperCommand(['sweep', JSON.stringify(config)])
  return new Promise((resolve) => {
    let out = ''
    const child = spawn(c.command, c.args, { env: c.env, stdio: ['ignore', 'pipe', 'ignore'], detached: true, windowsHide: true })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000)
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
    child.on('error', () => (clearTimeout(timer), resolve(0)))
    child.on('close', () => {
      clearTimeout(timer)
      resolve(Number.parseInt(out, 10) || 0)
    })
  })
}
