import { copyFileSync, existsSync, lstatSync, mkdtempSync, readdirSync, rmdirSync, rmSync, statSync, utimesSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { ChangedFile } from '../../../shared/contract'
import { AppError } from '../errors'
import { git, gitOk, splitZ } from '../workspaces/git'
import { parseNumstatPatch, splitHunks, splitPatch } from '../workspaces/review'

/**
 * Checkpoints: snapshots of a lane's working folder as commits under a private ref
 * (`refs/switchyard/checkpoints/<lane>/<n>`), written through a temporary index so the user's index,
 * HEAD, stash and branches are never touched. Refs keep the commits from `git gc`.
 */

export const REF_ROOT = 'refs/switchyard/checkpoints'
export const refOf = (laneId: string, n: number) => `${REF_ROOT}/${laneId}/${n}`

/** Who writes checkpoint commits: fixed, so a repository without user.name still gets them. */
const IDENTITY = {
  GIT_AUTHOR_NAME: 'Switchyard',
  GIT_AUTHOR_EMAIL: 'checkpoints@switchyard.invalid',
  GIT_COMMITTER_NAME: 'Switchyard',
  GIT_COMMITTER_EMAIL: 'checkpoints@switchyard.invalid',
}

export interface Snapshot {
  commit: string
  tree: string
}

/** The repository's top folder and where `cwd` sits in it (`sub/dir/` or ''). */
async function whereIs(cwd: string): Promise<{ root: string; prefix: string }> {
  const out = await gitOk(cwd, ['rev-parse', '--show-toplevel', '--show-prefix'], { code: 'invalid_input', message: `${cwd} is not a git repository` })
  const [root, prefix = ''] = out.split('\n')
  return { root: path.resolve(root), prefix }
}

/** Runs `fn` with a scratch index file (seeded from the user's index, so unchanged files are not re-hashed). */
async function withTempIndex<T>(root: string, seed: boolean, fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-ckpt-'))
  const file = path.join(dir, 'index')
  try {
    if (seed) {
      const real = path.resolve(root, (await gitOk(root, ['rev-parse', '--git-path', 'index'])).trim())
      // A copy: git may rewrite the stat cache of the file it is given, and the user's must stay as it is.
      // With the original's mtime: git trusts no entry changed in the same second as its index was written
      // ("racily clean"); a copy stamped now would make such a change look clean and miss it.
      if (existsSync(real)) {
        copyFileSync(real, file)
        const { atime, mtime } = statSync(real)
        utimesSync(file, atime, mtime)
      }
    }
    return await fn({ GIT_INDEX_FILE: file })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Untracked files larger than this are left out of checkpoints: `git add` copies every byte into the
 * object store at each turn boundary, so a dataset or build artefact nobody ignored would make each
 * checkpoint slow and fill the disk. They are named in the checkpoint instead.
 */
export const MAX_UNTRACKED_BYTES = 50 * 1024 * 1024

/** The untracked, not ignored files (paths from the root) over `maxBytes`. */
async function oversizedUntracked(root: string, maxBytes: number): Promise<string[]> {
  const out = await gitOk(root, ['ls-files', '--others', '--exclude-standard', '-z', '--', ':/'], { message: 'Could not list the folder for a checkpoint' })
  return splitZ(out).filter((p) => {
    try {
      const st = lstatSync(path.join(root, p))
      return st.isFile() && st.size > maxBytes
    } catch {
      return false // gone meanwhile
    }
  })
}

/**
 * The tree of the whole work tree as it is now (tracked, untracked not ignored, deletions), written as
 * objects only; `skipped`: untracked files over `maxBytes`, left out (paths from the root).
 */
export async function scanTree(cwd: string, maxBytes = MAX_UNTRACKED_BYTES): Promise<{ tree: string; skipped: string[] }> {
  const { root } = await whereIs(cwd)
  const skipped = await oversizedUntracked(root, maxBytes)
  const tree = await withTempIndex(root, true, async (env) => {
    // Pathspecs on stdin: any number of skipped files, whatever their names.
    const specs = [':/', ...skipped.map((p) => `:(exclude,top,literal)${p}`)]
    await gitOk(root, ['add', '-A', '--pathspec-from-file=-', '--pathspec-file-nul'], { env, input: specs.map((p) => `${p}\0`).join(''), message: 'Could not read the folder for a checkpoint' })
    return (await gitOk(root, ['write-tree'], { env })).trim()
  })
  return { tree, skipped }
}

export async function currentTree(cwd: string, maxBytes = MAX_UNTRACKED_BYTES): Promise<string> {
  return (await scanTree(cwd, maxBytes)).tree
}

/**
 * Saves the work tree as a commit whose parent is HEAD (none in a repository without commits). When
 * the tree equals `previous`'s, returns `previous` itself: nothing new is written. Skipped huge files
 * are listed in the commit message.
 */
export async function snapshot(
  cwd: string,
  message: string,
  previous?: Snapshot,
  maxBytes = MAX_UNTRACKED_BYTES,
): Promise<Snapshot & { changed: boolean; skipped: string[] }> {
  const { tree, skipped } = await scanTree(cwd, maxBytes)
  if (previous && previous.tree === tree) return { ...previous, changed: false, skipped }
  const head = await git(cwd, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
  const parent = head.code === 0 ? ['-p', head.stdout.trim()] : []
  const note = skipped.length ? `\n\nNot saved (untracked, over ${sizeLabel(maxBytes)}):\n${skipped.map((p) => `  ${p}`).join('\n')}\n` : ''
  const commit = (await gitOk(cwd, ['commit-tree', tree, ...parent, '-F', '-'], { input: message + note, env: IDENTITY })).trim()
  return { commit, tree, changed: true, skipped }
}

function sizeLabel(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round(bytes / 1024 / 1024)} MB` : `${bytes} bytes`
}

/** Points `ref` at `commit` (creating it). */
export async function setRef(cwd: string, ref: string, commit: string): Promise<void> {
  await gitOk(cwd, ['update-ref', ref, commit])
}

/** The checkpoint refs of a lane that exist, by number. */
export async function laneRefs(cwd: string, laneId: string): Promise<Map<number, string>> {
  const out = await gitOk(cwd, ['for-each-ref', '--format=%(refname) %(objectname)', `${REF_ROOT}/${laneId}/`])
  const refs = new Map<number, string>()
  for (const line of out.split('\n')) {
    const m = /\/(\d+) ([0-9a-f]+)$/.exec(line)
    if (m) refs.set(Number(m[1]), m[2])
  }
  return refs
}

/** Deletes refs (one git call). */
export async function deleteRefs(cwd: string, refs: readonly string[]): Promise<void> {
  if (!refs.length) return
  await gitOk(cwd, ['update-ref', '--stdin', '-z'], { input: refs.map((r) => `delete ${r}\0\0`).join('') })
}

/** The scope of a restore or diff: the lane's folder, or one path inside it, as a pathspec from the root. */
function scopeOf(prefix: string, rel?: string): string {
  if (rel === undefined || rel === '' || rel === '.') return prefix ? `:(top,literal)${prefix}` : ':/'
  const clean = path.posix.normalize(rel.replace(/\\/g, '/')).replace(/\/+$/, '')
  if (clean.startsWith('../') || clean === '..' || path.posix.isAbsolute(clean)) throw new AppError('invalid_input', `Not a path inside the lane's folder: ${rel}`)
  return `:(top,literal)${prefix}${clean}`
}

const DIFF = ['-c', 'core.quotepath=off', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/', '--no-renames']

/**
 * What changes when the folder goes from tree `from` to tree `to` (only under `rel`, if given),
 * as changed files with their diffs; paths relative to the lane's folder.
 */
export async function diffTrees(cwd: string, from: string, to: string, rel?: string): Promise<ChangedFile[]> {
  const { root, prefix } = await whereIs(cwd)
  const out = await gitOk(cwd, [...DIFF, '--relative', '--numstat', '-p', '-z', from, to, '--', scopeOf(prefix, rel)])
  const { entries, patch } = parseNumstatPatch(out)
  const diffs = splitPatch(patch)
  return entries.map((e, i) => {
    const diff = diffs[i] ?? ''
    const header = splitHunks(diff).header
    const status = /^new file mode /m.test(header) ? 'added' : /^deleted file mode /m.test(header) ? 'deleted' : 'modified'
    return { path: e.path, status, additions: e.additions, deletions: e.deletions, diff, binary: e.binary }
  })
}

/**
 * Makes the folder (or `rel` in it) match tree `to`, given that it now matches tree `from`: files that
 * differ are written from `to` (modes included), files `to` does not have are deleted. Through a
 * scratch index: the user's index is left as it was.
 */
export async function restoreTree(cwd: string, from: string, to: string, rel?: string): Promise<string[]> {
  const { root, prefix } = await whereIs(cwd)
  const out = await gitOk(root, ['diff', '--no-renames', '--name-status', '-z', from, to, '--', scopeOf(prefix, rel)])
  const parts = splitZ(out)
  const write: string[] = []
  const remove: string[] = []
  for (let i = 0; i + 1 < parts.length; i += 2) (parts[i] === 'D' ? remove : write).push(parts[i + 1])
  // Deletions first: a path that turns from file into folder (or back) needs the old one gone.
  // A path under a symlinked folder is not ours to follow: the link itself is what gets replaced.
  for (const p of remove) if (!underSymlink(root, p)) rmSync(path.join(root, p), { force: true, recursive: false })
  for (const dir of new Set(remove.map((p) => path.posix.dirname(p)).filter((d) => d !== '.'))) removeEmptyDirs(root, dir)
  if (write.length) {
    await withTempIndex(root, false, async (env) => {
      await gitOk(root, ['read-tree', to], { env })
      await gitOk(root, ['checkout-index', '-f', '-z', '--stdin'], { env, input: write.map((p) => `${p}\0`).join('') })
    })
  }
  return [...write, ...remove].map((p) => p.slice(prefix.length)).sort()
}

/** Whether a folder on the way from `root` to `rel` is a symlink (following it could leave the repository). */
function underSymlink(root: string, rel: string): boolean {
  const parts = rel.split('/').slice(0, -1)
  let at = root
  for (const part of parts) {
    at = path.join(at, part)
    try {
      if (lstatSync(at).isSymbolicLink()) return true
    } catch {
      return false
    }
  }
  return false
}

/** Removes `rel` and its parents while they are empty folders (git does not keep empty folders either). */
function removeEmptyDirs(root: string, rel: string): void {
  for (let d = rel; d && d !== '.'; d = path.posix.dirname(d)) {
    const abs = path.join(root, d)
    try {
      if (underSymlink(root, `${d}/x`) || !lstatSync(abs).isDirectory() || readdirSync(abs).length > 0) return
      rmdirSync(abs)
    } catch {
      return
    }
  }
}

/** The tree of a commit. */
export async function treeOf(cwd: string, commit: string): Promise<string> {
  return (await gitOk(cwd, ['rev-parse', '--verify', `${commit}^{tree}`], { code: 'not_found', message: `Checkpoint ${commit} is gone` })).trim()
}
