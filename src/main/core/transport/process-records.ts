import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { processStartTime, recordRootsIn, RUN_ID, stopRecordingIn, sweep } from './supervision'

/**
 * Records of lane processes in the data dir: one file per run, `processes/<run>.jsonl`, whose first
 * line says which process ran it (pid, start time, boot) and whose next lines are the roots of the
 * trees it started (pid, start time, marker). A clean shutdown deletes its file; a file left behind
 * means that run died hard, and the next start ends what it left.
 */

export interface RunHeader {
  run: string
  pid: number
  start: string
  /** Linux boot id: after a reboot nothing of the run lives, and pids mean nothing. */
  boot?: string
}
export interface RootRecord {
  pid: number
  start: string
  tree?: string
}

const DIR = 'processes'
/** What RUN_ID looks like: anything else in a record is not a run of ours to sweep. */
const RUN_ID_PATTERN = /^[0-9a-f]{16}$/

/** A run's records; tolerates a torn last line (the run may have died mid-write). */
export function parseRunRecords(text: string): { header?: RunHeader; roots: RootRecord[] } {
  const lines = text.split('\n').filter((l) => l.trim())
  const parsed = lines.map((l) => {
    try {
      return JSON.parse(l) as unknown
    } catch {
      return undefined
    }
  })
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
  const first = parsed[0]
  const header =
    isObject(first) && typeof first.run === 'string' && RUN_ID_PATTERN.test(first.run) && Number.isInteger(first.pid) && typeof first.start === 'string'
      ? { run: first.run, pid: first.pid as number, start: first.start, ...(typeof first.boot === 'string' ? { boot: first.boot } : {}) }
      : undefined
  const roots = parsed
    .slice(1)
    .filter((v): v is Record<string, unknown> => isObject(v) && Number.isInteger(v.pid) && (v.pid as number) > 1 && typeof v.start === 'string')
    .map((v) => ({ pid: v.pid as number, start: v.start as string, ...(typeof v.tree === 'string' ? { tree: v.tree } : {}) }))
  return { header, roots }
}

/**
 * What to end for a previous run: nothing while its process still lives (another instance on the
 * same data dir); its marker always; its roots only on the same boot, where pid + start time still
 * name one process.
 */
export function leftovers(
  records: { header?: RunHeader; roots: RootRecord[] },
  now: { boot?: string; startOf: (pid: number) => string | undefined },
): { alive: boolean; run?: string; roots: RootRecord[] } {
  const { header, roots } = records
  if (!header) return { alive: false, roots: [] }
  const sameBoot = header.boot === now.boot
  if (sameBoot && now.startOf(header.pid) === header.start) return { alive: true, roots: [] }
  return { alive: false, run: header.run, roots: sameBoot ? roots : [] }
}

function bootId(): string | undefined {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()
  } catch {
    return undefined
  }
}

/**
 * Starts this run's records in `dataDir` and ends what earlier runs that died there left behind.
 * `ended` resolves with how many processes that took; `close()` (clean shutdown, after every lane
 * stopped) deletes this run's records.
 */
export function superviseDataDir(dataDir: string): { ended: Promise<{ runs: number; processes: number }>; close(): void } {
  const dir = path.join(dataDir, DIR)
  const file = path.join(dir, `${RUN_ID}.jsonl`)
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    const start = processStartTime(process.pid) ?? ''
    const boot = bootId()
    const header = `${JSON.stringify({ run: RUN_ID, pid: process.pid, start, ...(boot ? { boot } : {}) })}\n`
    // 'wx': a second core of this process on the same data dir (tests) keeps the first one's file.
    if (!existsSync(file)) writeFileSync(file, header, { mode: 0o600, flag: 'wx' })
    recordRootsIn(file)
  } catch {
    // No records (read-only data dir, say): the watchdog and markers still end this run's trees.
  }
  return {
    ended: endPreviousRuns(dir).catch(() => ({ runs: 0, processes: 0 })),
    close() {
      stopRecordingIn(file)
      removeQuietly(file)
    },
  }
}

async function endPreviousRuns(dir: string): Promise<{ runs: number; processes: number }> {
  let names: string[]
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.jsonl') && n !== `${RUN_ID}.jsonl`)
  } catch {
    return { runs: 0, processes: 0 }
  }
  const now = { boot: bootId(), startOf: processStartTime }
  const runs: string[] = []
  const roots: RootRecord[] = []
  const done: string[] = []
  for (const name of names) {
    let text: string
    try {
      text = readFileSync(path.join(dir, name), 'utf8')
    } catch {
      continue
    }
    const left = leftovers(parseRunRecords(text), now)
    if (left.alive) continue
    if (left.run) runs.push(left.run)
    roots.push(...left.roots)
    done.push(name)
  }
  if (done.length === 0) return { runs: 0, processes: 0 }
  const processes = await sweep({ runs, roots })
  for (const name of done) removeQuietly(path.join(dir, name))
  return { runs: done.length, processes }
}

/** A record that cannot be deleted (read-only disk) is swept again next time: harmless, never a crash. */
function removeQuietly(file: string): void {
  try {
    rmSync(file, { force: true })
  } catch {}
}
