import Conf from 'conf'
import type { z } from 'zod'
import { DiskWriteError } from './disk'

/** The persistence the core needs: electron-store in Electron, `conf` (its engine) in plain Node. */
export interface KeyValueStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
  /** The file it is kept in, for messages. */
  readonly path?: string
}

/**
 * A JSON file store in `dir` (mode 0600), the same file layout electron-store uses. A write the disk
 * refuses throws a `disk_error` naming the file (the previous file stays whole: conf writes atomically).
 */
export function fileStore(dir: string): KeyValueStore {
  const conf = new Conf<Record<string, unknown>>({ cwd: dir, configName: 'switchyard', projectName: 'switchyard', configFileMode: 0o600 })
  return {
    path: conf.path,
    get: (key) => conf.get(key),
    set(key, value) {
      try {
        conf.set(key, value)
      } catch (err) {
        throw new DiskWriteError(conf.path, err)
      }
    },
  }
}

/** Reads a list, dropping (not failing on) entries that no longer match their schema. */
export function readList<T extends z.ZodType>(store: KeyValueStore, key: string, schema: T): z.infer<T>[] {
  const raw = store.get(key)
  if (!Array.isArray(raw)) return []
  const out: z.infer<T>[] = []
  for (const item of raw) {
    const parsed = schema.safeParse(item)
    if (parsed.success) out.push(parsed.data)
    else console.warn(`switchyard: dropped an unreadable ${key} entry`, parsed.error.issues[0]?.message)
  }
  return out
}
