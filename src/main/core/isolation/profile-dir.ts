import { chmodSync, copyFileSync, mkdirSync, statSync } from 'node:fs'
import path from 'node:path'

/** Where a profile's private config lives: under the data dir, readable by the user alone. */
export function profileDirPath(dataDir: string, profileId: string): string {
  return path.join(dataDir, 'profiles', profileId)
}

export function ensureProfileDir(dataDir: string, profileId: string): string {
  const dir = profileDirPath(dataDir, profileId)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  chmodSync(dir, 0o700) // mkdir honours umask and leaves an existing dir as it was
  return dir
}

/**
 * Copies the user's global agent files into a private dir: only files that exist, read-only on the
 * source side (the global config is never written), private (0600) on ours.
 */
export function importFiles(configDir: string, entries: Array<{ from: string; to: string }>): { copied: string[]; missing: string[] } {
  const copied: string[] = []
  const missing: string[] = []
  for (const { from, to } of entries) {
    const target = path.join(configDir, to)
    if (!target.startsWith(configDir + path.sep)) continue
    try {
      if (!statSync(from).isFile()) throw new Error('not a file')
    } catch {
      missing.push(from)
      continue
    }
    mkdirSync(path.dirname(target), { recursive: true, mode: 0o700 })
    copyFileSync(from, target)
    chmodSync(target, 0o600)
    copied.push(from)
  }
  return { copied, missing }
}
