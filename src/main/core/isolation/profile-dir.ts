import { chmodSync, mkdirSync } from 'node:fs'
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
