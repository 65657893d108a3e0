/**
 * The folder browser behind "add workspace" on a host (`fs.listDirs`): one folder's subfolders, by
 * name, marked when they are git repositories. Bounded: a path of at most 4,096 characters, at most
 * 2,000 folders listed, at most 50,000 entries read from one directory.
 *
 * It lists what the core's user may read, as `ls` would for them; symlinks to folders are listed (a
 * `~/code` that is a link is where people keep things) and marked, since opening one leaves the tree.
 */
import { opendir, stat } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { AppError } from '../errors'

export const MAX_LISTED_DIRS = 2000
const MAX_READ_ENTRIES = 50_000

export interface DirEntry {
  name: string
  /** Has a `.git` (a repository or a worktree of one). */
  git: boolean
  /** A symlink to a folder. */
  link: boolean
}

export interface DirListing {
  /** Absolute and normalised: what was listed. */
  path: string
  /** Null at the root. */
  parent: string | null
  home: string
  entries: DirEntry[]
  /** More than `MAX_LISTED_DIRS` folders (or entries) there: the first ones, by name. */
  truncated: boolean
}

/** The folder to list: the home when none is given; refuses what is not an absolute path. Pure. */
export function folderToList(input: string | undefined, home: string): string {
  if (input === undefined || input.trim() === '') return home
  if (input.includes('\0')) throw new AppError('invalid_input', 'A path cannot contain a NUL character')
  const expanded = input === '~' ? home : input.startsWith('~/') ? path.join(home, input.slice(2)) : input
  if (!path.isAbsolute(expanded)) throw new AppError('invalid_input', `"${input}" is not an absolute path (start it with / or ~/)`)
  return path.resolve(expanded)
}

const exists = (p: string) => stat(p).then(() => true, () => false)

/** Says a file-system error in words a user can act on. */
function explain(err: NodeJS.ErrnoException, dir: string): AppError {
  if (err.code === 'EACCES' || err.code === 'EPERM') return new AppError('refused', `Permission denied: you may not read ${dir}`)
  if (err.code === 'ENOENT') return new AppError('not_found', `${dir} does not exist`)
  if (err.code === 'ENOTDIR') return new AppError('invalid_input', `${dir} is not a folder`)
  return new AppError('internal', `Cannot list ${dir}: ${err.message}`)
}

export async function listDirs(input: { path?: string; hidden?: boolean }, home = os.homedir()): Promise<DirListing> {
  const dir = folderToList(input.path, home)
  const names: { name: string; link: boolean }[] = []
  let truncated = false
  let read = 0
  try {
    const handle = await opendir(dir, { bufferSize: 256 })
    for await (const entry of handle) {
      if (++read > MAX_READ_ENTRIES) {
        truncated = true
        break
      }
      if (!input.hidden && entry.name.startsWith('.')) continue
      if (entry.isDirectory()) names.push({ name: entry.name, link: false })
      else if (entry.isSymbolicLink() && (await stat(path.join(dir, entry.name)).then((s) => s.isDirectory(), () => false))) names.push({ name: entry.name, link: true })
    }
  } catch (err) {
    throw explain(err as NodeJS.ErrnoException, dir)
  }
  names.sort((a, b) => a.name.localeCompare(b.name))
  if (names.length > MAX_LISTED_DIRS) {
    truncated = true
    names.length = MAX_LISTED_DIRS
  }
  const entries = await Promise.all(names.map(async (n) => ({ ...n, git: await exists(path.join(dir, n.name, '.git')) })))
  const parent = path.dirname(dir)
  return { path: dir, parent: parent === dir ? null : parent, home, entries, truncated }
}
