import * as fs from 'node:fs'
import path from 'node:path'
import { AppError } from './errors'

/**
 * The file writes whose failure the core turns into a lane state rather than a crash. A seam: tests
 * replace a function here to make the disk "fill up" at a chosen moment, then put it back.
 */
export const diskWrites = {
  openSync: fs.openSync,
  writeSync: fs.writeSync as (fd: number, buffer: Uint8Array, offset: number, length: number) => number,
}

/** Error codes that mean "the disk would not take it", not a bug in Switchyard. */
const DISK_CODES: Record<string, string> = {
  ENOSPC: 'disk full',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EIO: 'I/O error',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EFBIG: 'file too large',
}

export function errnoCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** "disk full writing <path>", "read-only file system writing <path>", … what the user reads in the lane. */
export function describeWriteFailure(err: unknown, file: string): string {
  const code = errnoCode(err)
  const what = (code && DISK_CODES[code]) ?? (err instanceof Error ? err.message : String(err))
  return `${what} writing ${file}`
}

/** A write the disk refused, as the contract's `disk_error`. */
export class DiskWriteError extends AppError {
  constructor(
    readonly file: string,
    override readonly cause: unknown,
  ) {
    super('disk_error', describeWriteFailure(cause, file), { path: file, code: errnoCode(cause) })
  }
}

/** Writes all of `data` at the end of `fd` (writeSync may write only part of it when the disk fills). */
export function writeAll(fd: number, data: Buffer): void {
  let done = 0
  while (done < data.length) done += diskWrites.writeSync(fd, data, done, data.length - done)
}

/**
 * Startup check of the data dir: creates it if missing and proves a file can be written there, so a
 * read-only or full disk is reported as exactly that instead of whatever the first write happens to throw.
 */
export function checkDataDir(dir: string): void {
  dir = path.resolve(dir)
  const existing = nearestExisting(dir)
  if (!fs.statSync(existing).isDirectory()) {
    throw new Error(existing === dir ? `The data dir ${dir} is not a folder` : `The data dir ${dir} cannot be created: ${existing} is a file, not a folder`)
  }
  // One level at a time: a recursive mkdir on a read-only file system reports ENOENT, not EROFS.
  for (const missing of missingLevels(existing, dir)) {
    try {
      fs.mkdirSync(missing, { mode: 0o700 })
    } catch (err) {
      throw new Error(`The data dir ${dir} is missing and cannot be created: ${reason(err)} (in ${path.dirname(missing)})`)
    }
  }
  const probe = path.join(dir, `.write-check-${process.pid}`)
  try {
    fs.writeFileSync(probe, 'ok', { mode: 0o600 })
  } catch (err) {
    const code = errnoCode(err)
    if (code === 'EROFS') throw new Error(`The data dir ${dir} is on a read-only file system`)
    if (code === 'EACCES' || code === 'EPERM') throw new Error(`The data dir ${dir} is read-only for this user (${code})`)
    throw new Error(`The data dir ${dir} cannot be written: ${reason(err)}`)
  } finally {
    fs.rmSync(probe, { force: true })
  }
}

function reason(err: unknown): string {
  const code = errnoCode(err)
  if (code === 'EROFS') return 'read-only file system'
  if (code === 'EACCES' || code === 'EPERM') return `permission denied (${code})`
  if (code === 'ENOSPC') return 'disk full'
  return err instanceof Error ? err.message : String(err)
}

function nearestExisting(dir: string): string {
  let at = dir
  while (!fs.existsSync(at) && path.dirname(at) !== at) at = path.dirname(at)
  return at
}

/** The folders from just below `existing` down to `dir`, outermost first. */
function missingLevels(existing: string, dir: string): string[] {
  const levels: string[] = []
  for (let at = dir; at !== existing; at = path.dirname(at)) levels.unshift(at)
  return levels
}
