import { appendFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { MAX_UPLOAD_BYTES } from '../../shared/contract'
import { AppError } from './errors'
import { newId } from './ids'

/** Uploads older than this are deleted at start: a prompt names its files once, when it is sent. */
const KEEP_MS = 7 * 24 * 3600_000

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
  private readonly open = new Map<string, { file: string; bytes: number }>()

  constructor(
    private readonly dir: string,
    now = Date.now(),
  ) {
    this.prune(now)
  }

  /** Starts an upload (no id) or adds the next piece to it. */
  append(uploadId: string | undefined, name: string, chunk: string): { uploadId: string; bytes: number } {
    let entry = uploadId === undefined ? undefined : this.open.get(uploadId)
    if (uploadId !== undefined && !entry) throw new AppError('not_found', `No upload ${uploadId}`)
    const id = uploadId ?? newId('up')
    if (!entry) {
      mkdirSync(path.join(this.dir, id), { recursive: true, mode: 0o700 })
      entry = { file: path.join(this.dir, id, safeFileName(name)), bytes: 0 }
      this.open.set(id, entry)
    }
    const bytes = Buffer.byteLength(chunk)
    if (entry.bytes + bytes > MAX_UPLOAD_BYTES) {
      this.discard(id)
      throw new AppError('limit_reached', `An upload is at most ${MAX_UPLOAD_BYTES >> 20} MiB; attach the file by path instead`)
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
        if (now - statSync(folder).mtimeMs > KEEP_MS) rmSync(folder, { recursive: true, force: true })
      } catch {
        // Gone already, or not ours to remove: leave it.
      }
    }
  }
}
