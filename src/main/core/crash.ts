import { appendFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'

/**
 * What the process does with an exception nobody expected: a fault of one client or one lane is
 * handled where it happens, so reaching here means the process's own state is in doubt. It writes
 * the error to `<dataDir>/crash.log`, saves what is buffered, stops every lane's process tree (no
 * orphaned agents) and exits non-zero, rather than run on with half a state.
 */
export interface CrashOptions {
  dataDir: string
  /** Saves what is buffered in memory (lane records); synchronous, so it happens even if stopping hangs. */
  flush: () => void
  /** Stops every lane's process tree. */
  stop: () => Promise<void>
  /** Ends the process (`process.exit`, or `app.exit` in Electron). */
  exit: (code: number) => void
  /** How long stopping may take before the process exits anyway. */
  stopTimeoutMs?: number
  /** Where the one-line notice goes (stderr by default). */
  log?: (line: string) => void
  now?: () => Date
}

export type FatalKind = 'uncaughtException' | 'unhandledRejection'

/** The crash log's entry for one error. */
export function crashEntry(kind: FatalKind | 'during shutdown', err: unknown, at: Date, pid: number): string {
  const detail = err instanceof Error ? (err.stack ?? `${err.name}: ${err.message}`) : String(err)
  return `--- ${at.toISOString()} pid ${pid} ${kind}\n${detail}\n`
}

/** The handler for a fatal error: runs once; a second fault while it runs is only logged. */
export function fatalHandler(opts: CrashOptions): (kind: FatalKind, err: unknown) => void {
  const file = path.join(opts.dataDir, 'crash.log')
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const now = opts.now ?? (() => new Date())
  const record = (kind: FatalKind | 'during shutdown', err: unknown) => {
    try {
      mkdirSync(opts.dataDir, { recursive: true })
      appendFileSync(file, crashEntry(kind, err, now(), process.pid), { mode: 0o600 })
    } catch {
      // The disk may be why we crashed; stderr still gets the stack below.
    }
  }
  let crashing = false
  return (kind, err) => {
    if (crashing) return record('during shutdown', err)
    crashing = true
    record(kind, err)
    log(`switchyard: unexpected error, stopping every lane and exiting (details in ${file}):\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`)
    try {
      opts.flush()
    } catch (flushErr) {
      record('during shutdown', flushErr)
    }
    // Exit even if a tree will not stop; the timer keeps the process alive until then.
    const deadline = setTimeout(() => opts.exit(1), opts.stopTimeoutMs ?? 10_000)
    opts
      .stop()
      .catch((stopErr: unknown) => record('during shutdown', stopErr))
      .finally(() => {
        clearTimeout(deadline)
        opts.exit(1)
      })
  }
}

/** Installs the fatal handler for uncaught exceptions and unhandled rejections; returns the uninstaller. */
export function installCrashHandlers(opts: CrashOptions): () => void {
  const handle = fatalHandler(opts)
  const onException = (err: unknown) => handle('uncaughtException', err)
  const onRejection = (err: unknown) => handle('unhandledRejection', err)
  process.on('uncaughtException', onException)
  process.on('unhandledRejection', onRejection)
  return () => {
    process.off('uncaughtException', onException)
    process.off('unhandledRejection', onRejection)
  }
}
