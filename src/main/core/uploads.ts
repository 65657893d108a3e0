import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { MAX_UPLOAD_BYTES } from '../../shared/contract'
import { AppError } from './errors'
import { newId } from './ids'

/** Uploads older than this are deleted: a prompt is sent right after its files, and the agent reads them then. */
export const KEEP_UPLOADS_MS = 24 * 3600_000
/** All uploads kept at once, so a client cannot fill the disk through them. */
export const MAX_UPLOADS_TOTAL_BYTES = 1 << 30

/** A file name from the user, safe as one path component: no separators, control characters or dot names. */
export function safeFileName(name: string): string {
  const cleaned = name.replace(/[\u0000-\u001f\u007f/\\]/g, '_').trim().slice(0, 200)
  return cleaned === '' || /^\.+$/.test(cleaned) ? 'attachment.txt' : cleaned
}

/**
 * Files a browser uploaded in pieces for its next prompt, each in `<dir>/<uploadId>/<name>`. The agent
 * runs on this machine and reads the file by path, as it does a path given in the desktop app.
 */
export class Uploads {
  /** Uploads of this run, by id: the file and how many bytes it has. */
  private readonly open = new Map<string, { file: string; bytes: number; at: number }>()

  private readonly now: () => number
  private readonly maxTotalBytes: number

  constructor(
    private readonly dir: string,
    opts: { now?: () => number; maxTotalBytes?: number } = {},
  ) {
    this.now = opts.now ?? Date.now
    this.maxTotalBytes = opts.maxTotalBytes ?? MAX_UPLOADS_TOTAL_BYTES
    this.prune(this.now())
  }

  /** Starts an upload (no id) or adds the next piece to it. */
  append(uploadId: string | undefined, name: string, chunk: string): { uploadId: string; bytes: number } {
    let entry = uploadId === undefined ? undefined : this.open.get(uploadId)
    if (uploadId !== undefined && !entry) throw new AppError('not_found', `No upload ${uploadId}`)
    const id = uploadId ?? newId('up')
    if (!entry) {
      this.expire()
      mkdirSync(path.join(this.dir, id), { recursive: true, mode: 0o700 })
      entry = { file: path.join(this.dir, id, safeFileName(name)), bytes: 0, at: this.now() }
      this.open.set(id, entry)
    }
    const bytes = Buffer.byteLength(chunk)
    if (entry.bytes + bytes > MAX_UPLOAD_BYTES) {
      this.discard(id)
      throw new AppError('limit_reached', `An upload is at most ${MAX_UPLOAD_BYTES >> 20} MiB; attach the file by path instead`)
    }
    if (this.totalBytes() + bytes > this.maxTotalBytes) {
      this.discard(id)
      throw new AppError('limit_reached', `Uploads of the last day already hold ${Math.round(this.maxTotalBytes / (1 << 20))} MiB; attach files by path instead`)
    }
    appendFileSync(entry.file, chunk, { mode: 0o600 })
    entry.bytes += bytes
    return { uploadId: id, bytes: entry.bytes }
  }

  /** The stored file of an upload, for the prompt. */
  pathOf(uploadId: string): string {
    const entry = this.open.get(uploadId)
    if (!entry) throw new AppError('not_found', `No upload ${uploadId}; upload the file again`)
    return entry.file
  }

  private totalBytes(): number {
    let n = 0
    for (const e of this.open.values()) n += e.bytes
    return n
  }

  /** Drops this run's uploads past their time. */
  private expire(): void {
    const now = this.now()
    for (const [id, e] of this.open) if (now - e.at > KEEP_UPLOADS_MS) this.discard(id)
  }

  private discard(uploadId: string): void {
    this.open.delete(uploadId)
    rmSync(path.join(this.dir, uploadId), { recursive: true, force: true })
  }

  private prune(now: number): void {
    let names: string[]
    try {
      names = readdirSync(this.dir)
    } catch {
      return
    }
    for (const name of names) {
      const folder = path.join(this.dir, name)
      try {
        if (now - statSync(folder).mtimeMs > KEEP_UPLOADS_MS) rmSync(folder, { recursive: true, force: true })
      } catch {
        // Gone already, or not ours to remove: leave it.
      }
    }
  }
}
