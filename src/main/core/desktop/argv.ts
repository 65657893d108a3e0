import { statSync } from 'node:fs'
import path from 'node:path'

const isFolder = (p: string) => {
  try {
    return statSync(p).isDirectory()
  } catch {
    return false
  }
}

/** The existing folders among `paths` (relative ones resolved against `cwd`), each once, in order. */
export function existingFolders(paths: readonly string[], cwd: string, isDirectory: (p: string) => boolean = isFolder): string[] {
  const out: string[] = []
  for (const p of paths) {
    const abs = path.resolve(cwd, p)
    if (!out.includes(abs) && isDirectory(abs)) out.push(abs)
  }
  return out
}

export interface ArgvOptions {
  /** Electron run as `electron <app-path> …` (process.defaultApp): the first positional is the app, not a folder. */
  defaultApp: boolean
  isDirectory?: (p: string) => boolean
}

/**
 * The folders named on a command line (`switchyard ~/src/a ../b`), which become workspaces: the
 * executable, the app path in development, and flags (Electron's, Chromium's, macOS's `-psn_…`) are
 * skipped; after `--` everything is a path; anything that is not an existing folder is ignored.
 */
export function workspacePathsFromArgv(argv: readonly string[], cwd: string, opts: ArgvOptions): string[] {
  const positional: string[] = []
  let appPathSkipped = !opts.defaultApp
  let onlyPaths = false
  for (const arg of argv.slice(1)) {
    if (!onlyPaths && arg === '--') {
      onlyPaths = true
      continue
    }
    if (!onlyPaths && arg.startsWith('-')) continue
    if (!appPathSkipped) {
      appPathSkipped = true
      continue
    }
    if (arg) positional.push(arg)
  }
  return existingFolders(positional, cwd, opts.isDirectory)
}
