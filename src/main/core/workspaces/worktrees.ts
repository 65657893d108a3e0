import { createHash } from 'node:crypto'
import { constants, copyFileSync, cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmdirSync, rmSync, symlinkSync } from 'node:fs'
import path from 'node:path'
import type { LaneWorktree } from '../../../shared/contract'
import { AppError } from '../errors'
import { git, GIT_MISSING, gitMessage, gitOk, repoRoot, splitZ } from './git'

type PathApi = typeof path

// ---- Pure decisions (paths, names, patterns, git's output) -------------------------------------

/** `<repo name>-<hash of its path>`: one folder per repository, the same for the same repo however it is spelled. */
export function repoKey(repoPath: string, p: PathApi = path): string {
  const resolved = p.resolve(repoPath)
  // Windows paths are case-insensitive: C:\Code and c:\code are one repository.
  const normal = p === path.win32 ? resolved.toLowerCase() : resolved
  const name = p.basename(resolved).replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40) || 'repo'
  return `${name}-${createHash('sha256').update(normal).digest('hex').slice(0, 8)}`
}

/**
 * Where a lane's worktree goes: `<dataDir>/worktrees/<repo key>/<laneId>`, always absolute. Git records
 * worktree locations as given, and a relative path cannot cross drives (the data dir on D:, the repo
 * on C:), so nothing here is ever relative.
 */
export function worktreeDir(dataDir: string, repoPath: string, laneId: string, p: PathApi = path): string {
  if (!p.isAbsolute(dataDir) || !p.isAbsolute(repoPath)) throw new AppError('invalid_input', 'Worktree paths must be absolute', { dataDir, repoPath })
  return p.resolve(dataDir, 'worktrees', repoKey(repoPath, p), laneId)
}

/** Whether `child` is `parent` or inside it (false across drives). */
export function isInside(child: string, parent: string, p: PathApi = path): boolean {
  const rel = p.relative(p.resolve(parent), p.resolve(child))
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel))
}

/** A branch-name-friendly version of a lane title. */
export function slug(title: string): string {
  const s = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
  return s.slice(0, 40).replace(/-+$/, '') || 'lane'
}

/** `switchyard/<slug of title>-<end of the lane id>`: readable, and unique per lane. */
export function defaultBranch(title: string, laneId: string): string {
  return `switchyard/${slug(title)}-${laneId.slice(-6).toLowerCase()}`
}

/**
 * A matcher for gitignore-style globs: a pattern without a slash matches a name at any depth
 * (`.env*` → `.env`, `app/.env.local`); one with a slash is anchored at the repository root.
 * `*` and `?` stay within one path segment, `**` crosses them.
 */
export function globMatcher(patterns: readonly string[]): { matches(rel: string): boolean; reachesInto(dir: string): boolean } {
  const compiled = patterns.map((raw) => {
    const pat = raw.trim().replace(/\\/g, '/').replace(/\/+$/, '')
    if (!pat || /^[A-Za-z]:/.test(pat)) throw new AppError('invalid_input', `Not a pattern relative to the repository: ${raw}`)
    const anchored = pat.replace(/^\/+/, '')
    if (anchored.split('/').includes('..')) throw new AppError('invalid_input', `Patterns cannot leave the repository: ${raw}`)
    const hasSlash = pat.includes('/') // a leading slash anchors too
    const body = anchored
      .split(/(\*\*\/?|\*|\?|\[[^\]]*\])/)
      .map((part) => {
        if (part === '**/') return '(?:.*/)?'
        if (part === '**') return '.*'
        if (part === '*') return '[^/]*'
        if (part === '?') return '[^/]'
        if (part.startsWith('[') && part.endsWith(']') && part.length > 2) return part.replace(/^\[!/, '[^')
        return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      })
      .join('')
    const re = new RegExp(hasSlash ? `^${body}$` : `(?:^|/)${body}$`)
    // The literal folder a slashed pattern starts in: an ignored folder containing it is worth looking into.
    const literalDir = hasSlash ? anchored.slice(0, anchored.search(/[*?[]|$/)).replace(/[^/]*$/, '') : ''
    return { re, literalDir }
  })
  return {
    matches: (rel) => compiled.some((c) => c.re.test(rel.replace(/\\/g, '/').replace(/\/+$/, ''))),
    reachesInto: (dir) => {
      const d = dir.replace(/\\/g, '/').replace(/\/*$/, '/')
      return compiled.some((c) => c.literalDir !== '' && (c.literalDir.startsWith(d) || d.startsWith(c.literalDir)))
    },
  }
}

export interface WorktreeEntry {
  path: string
  head: string | null
  branch: string | null
  bare: boolean
}

/** `git worktree list --porcelain`. */
export function parseWorktreeList(out: string): WorktreeEntry[] {
  const entries: WorktreeEntry[] = []
  for (const block of out.split(/\n\n+/)) {
    const lines = block.split('\n').filter(Boolean)
    const wt = lines.find((l) => l.startsWith('worktree '))
    if (!wt) continue
    const head = lines.find((l) => l.startsWith('HEAD '))
    const branch = lines.find((l) => l.startsWith('branch '))
    entries.push({
      path: path.resolve(wt.slice('worktree '.length)),
      head: head ? head.slice(5) : null,
      branch: branch ? branch.slice('branch '.length).replace(/^refs\/heads\//, '') : null,
      bare: lines.includes('bare'),
    })
  }
  return entries
}

/** Git's refusal of `worktree add`, in words a user can act on (for the races our own checks cannot see). */
export function addFailure(stderr: string, branch: string, dir: string): AppError {
  const details = { stderr }
  let m: RegExpExecArray | null
  if ((m = /is already (?:checked out|used by worktree) at '([^']+)'/.exec(stderr))) {
    return new AppError('conflict', `Branch ${branch} is already checked out at ${m[1]}`, details)
  }
  if (/a branch named .* already exists/.test(stderr)) return new AppError('conflict', `Branch ${branch} already exists; choose another name`, details)
  if (/already exists|is a missing but already registered worktree|is a missing but locked worktree/.test(stderr)) {
    return new AppError('conflict', `The worktree folder already exists: ${dir}`, details)
  }
  if (/not a valid object name|invalid reference/.test(stderr)) return new AppError('not_found', 'The base commit does not exist', details)
  if (/is not a valid branch name/.test(stderr)) return new AppError('invalid_input', `"${branch}" is not a valid branch name`, details)
  return new AppError('internal', `git could not create the worktree: ${gitMessage({ stdout: '', stderr, code: 1 })}`, details)
}

// ---- Side effects ---------------------------------------------------------------------------------

/** Git worktrees for lanes: each lane its own checkout on its own branch, under the app's data dir. */
export class Worktrees {
  constructor(readonly dataDir: string) {}

  private get root(): string {
    return path.join(this.dataDir, 'worktrees')
  }

  /** Whether `folder` is inside a git work tree (false when git is missing). */
  async isRepo(folder: string): Promise<boolean> {
    const r = await git(folder, ['rev-parse', '--is-inside-work-tree'])
    return r.code === 0 && r.stdout.trim() === 'true'
  }

  async create(opts: { repoPath: string; laneId: string; title: string; base?: string; branch?: string; copyIgnored?: string[] }): Promise<LaneWorktree> {
    const root = await repoRoot(opts.repoPath)
    // A workspace may be a folder inside the repository: the lane works in the same folder of its worktree.
    const prefix = path.relative(realpathSync(root), realpathSync(opts.repoPath))
    const dir = worktreeDir(this.dataDir, root, opts.laneId)
    if (isInside(dir, root)) {
      throw new AppError('invalid_input', `The app's data folder is inside the repository ${root}; worktrees must live outside it`)
    }
    const matcher = opts.copyIgnored?.length ? globMatcher(opts.copyIgnored) : undefined

    // The base: as asked, or whatever the workspace has checked out (a branch, or a detached commit).
    const head = await git(root, ['rev-parse', '--verify', '-q', 'HEAD^{commit}'])
    const noCommits = head.code !== 0
    let base: string
    let baseCommit: string
    if (opts.base?.trim()) {
      base = opts.base.trim()
      if (base.startsWith('-')) throw new AppError('invalid_input', `Not a branch, tag or commit: ${base}`)
      const r = await git(root, ['rev-parse', '--verify', '-q', '--end-of-options', `${base}^{commit}`])
      if (r.code !== 0) {
        if (noCommits) throw new AppError('conflict', 'The repository has no commits yet; commit once first')
        throw new AppError('not_found', `No branch, tag or commit named "${base}" in ${root}`, { stderr: r.stderr })
      }
      baseCommit = r.stdout.trim()
    } else {
      if (noCommits) throw new AppError('conflict', 'The repository has no commits yet; commit once first')
      baseCommit = head.stdout.trim()
      const current = await git(root, ['symbolic-ref', '--short', '-q', 'HEAD'])
      base = current.code === 0 ? current.stdout.trim() : baseCommit.slice(0, 12) // detached HEAD: the commit itself
    }

    const branch = opts.branch?.trim() || defaultBranch(opts.title, opts.laneId)
    const valid = await git(root, ['check-ref-format', '--branch', branch])
    if (valid.code !== 0 || branch.startsWith('-')) throw new AppError('invalid_input', `"${branch}" is not a valid branch name`, { stderr: valid.stderr })
    await this.pruneIfStale(root)
    if ((await git(root, ['show-ref', '--verify', '-q', `refs/heads/${branch}`])).code === 0) {
      const holder = (await this.list(root)).find((w) => w.branch === branch)
      if (holder) throw new AppError('conflict', `Branch ${branch} is already checked out at ${holder.path}`, { path: holder.path })
      throw new AppError('conflict', `Branch ${branch} already exists; choose another name`)
    }
    if (existsSync(dir)) throw new AppError('conflict', `The worktree folder already exists: ${dir}`, { path: dir })

    mkdirSync(path.dirname(dir), { recursive: true, mode: 0o700 })
    // --no-track: the lane's branch must never push to the base's upstream by accident.
    const add = await git(root, ['-c', 'worktree.useRelativePaths=false', 'worktree', 'add', '--no-track', '-b', branch, dir, baseCommit])
    if (add.missing) throw new AppError('unsupported', GIT_MISSING)
    if (add.code !== 0) {
      removeIfEmpty(path.dirname(dir))
      throw addFailure(add.stderr, branch, dir)
    }

    const wt: LaneWorktree = { path: prefix ? path.join(dir, prefix) : dir, branch, base, baseCommit, repoPath: root }
    try {
      if (matcher) await copyIgnored(root, dir, matcher)
      if (prefix && !existsSync(wt.path)) mkdirSync(wt.path, { recursive: true }) // a folder with no tracked file
    } catch (err) {
      // No half-made worktree left behind.
      await this.remove(wt, { deleteBranch: true }).catch(() => undefined)
      throw err
    }
    return wt
  }

  /** Deletes a lane's worktree (changes in it are lost) and, when asked, its branch. */
  async remove(wt: LaneWorktree, opts: { deleteBranch: boolean }): Promise<void> {
    const dir = this.checkoutOf(wt.path)
    const repo = wt.repoPath && existsSync(wt.repoPath) ? wt.repoPath : undefined
    // Git missing: unsupported, before anything is deleted. A folder that is no longer a repository: as if gone.
    const list = repo ? await this.list(repo).catch((err) => (err instanceof AppError && err.code === 'unsupported' ? Promise.reject(err) : undefined)) : undefined
    if (repo && list) {
      if (opts.deleteBranch && wt.branch) {
        const holder = list.find((w) => w.branch === wt.branch && !samePath(w.path, dir))
        if (holder) throw new AppError('conflict', `Branch ${wt.branch} is checked out at ${holder.path}; the worktree was kept`, { path: holder.path })
      }
      if (existsSync(dir)) {
        const r = await git(repo, ['worktree', 'remove', '--force', '--force', dir]) // twice: locked ones too
        // Locked, with submodules, or no longer registered: delete the folder ourselves.
        if (r.code !== 0) rmSync(dir, { recursive: true, force: true })
      }
      await git(repo, ['worktree', 'prune'])
      if (opts.deleteBranch && wt.branch) {
        const r = await git(repo, ['branch', '-D', '--', wt.branch])
        if (r.code !== 0 && !/not found/.test(r.stderr)) throw new AppError('conflict', `The worktree was deleted, but not branch ${wt.branch}: ${gitMessage(r)}`, { stderr: r.stderr })
      }
    } else {
      rmSync(dir, { recursive: true, force: true }) // the repository is gone: only the folder is left
    }
    removeIfEmpty(path.dirname(dir))
  }

  async branches(repoPath: string): Promise<{ current: string | null; branches: string[] }> {
    const root = await repoRoot(repoPath)
    const current = await git(root, ['symbolic-ref', '--short', '-q', 'HEAD'])
    const out = await gitOk(root, ['for-each-ref', '--sort=-committerdate', '--format=%(refname)', 'refs/heads', 'refs/remotes'])
    const local: string[] = []
    const remote: string[] = []
    for (const ref of out.split('\n').filter(Boolean)) {
      if (ref.startsWith('refs/heads/')) local.push(ref.slice('refs/heads/'.length))
      else if (!ref.endsWith('/HEAD')) remote.push(ref.slice('refs/remotes/'.length))
    }
    return { current: current.code === 0 ? current.stdout.trim() || null : null, branches: [...local, ...remote] }
  }

  /**
   * Prunes stale worktree records (folders deleted behind git's back) in every repository that has
   * worktrees here, and lists the worktree folders here that no lane owns.
   */
  async orphans(owned: readonly LaneWorktree[]): Promise<Array<{ path: string; branch: string | null; repoPath: string }>> {
    const folders = this.folders()
    const described = folders.map((dir) => ({ dir, ...describe(dir) }))
    const repos = new Set([...owned.map((w) => w.repoPath), ...described.map((d) => d.repoPath)].filter((r) => r && existsSync(r)))
    for (const repo of repos) await this.pruneIfStale(repo).catch(() => undefined)
    const ownedDirs = owned.map((w) => this.checkoutOf(w.path))
    return described.filter((d) => !ownedDirs.some((o) => samePath(o, d.dir))).map((d) => ({ path: d.dir, branch: d.branch, repoPath: d.repoPath }))
  }

  /** Deletes a worktree folder found by `orphans` (only those: nothing outside the data dir's worktrees). */
  async removeOrphan(dirPath: string, opts: { deleteBranch: boolean }): Promise<void> {
    const dir = path.resolve(dirPath)
    const rel = path.relative(this.root, dir)
    const parts = rel.split(path.sep)
    if (!isInside(dir, this.root) || parts.length !== 2 || parts.some((p) => !p || p === '..')) {
      throw new AppError('invalid_input', `Not a worktree of this app: ${dirPath}`)
    }
    if (!existsSync(dir)) throw new AppError('not_found', `No such worktree: ${dirPath}`)
    const { branch, repoPath } = describe(dir)
    await this.remove({ path: dir, branch: branch ?? '', base: '', baseCommit: '', repoPath }, { deleteBranch: opts.deleteBranch && branch !== null })
  }

  /** Removes stale records, but only when one of ours is stale (`prune` acts on every worktree of the repo). */
  async pruneIfStale(repo: string): Promise<void> {
    const stale = (await this.list(repo)).some((w) => isInside(w.path, this.root) && !existsSync(w.path))
    if (stale) await gitOk(repo, ['worktree', 'prune'])
  }

  private async list(repo: string): Promise<WorktreeEntry[]> {
    return parseWorktreeList(await gitOk(repo, ['worktree', 'list', '--porcelain']))
  }

  /** The worktree folder a lane path lies in (a lane may work in a subfolder of it). */
  private checkoutOf(lanePath: string): string {
    const rel = path.relative(this.root, path.resolve(lanePath))
    const parts = rel.split(path.sep)
    if (!isInside(lanePath, this.root) || parts.length < 2) return path.resolve(lanePath)
    return path.join(this.root, parts[0], parts[1])
  }

  /** `<root>/<repo key>/<lane id>` folders. */
  private folders(): string[] {
    const out: string[] = []
    for (const key of readDirs(this.root)) for (const id of readDirs(path.join(this.root, key))) out.push(path.join(this.root, key, id))
    return out
  }
}

function readDirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
  } catch {
    return []
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir)
  } catch {}
}

function samePath(a: string, b: string): boolean {
  const norm = (p: string) => (process.platform === 'win32' || process.platform === 'darwin' ? path.resolve(p).toLowerCase() : path.resolve(p))
  return norm(a) === norm(b)
}

/**
 * A worktree folder's repository and branch, read from the files git keeps (they work even when git
 * itself cannot, e.g. after the repository moved): `<wt>/.git` → `gitdir: <repo>/.git/worktrees/<name>`.
 */
function describe(dir: string): { branch: string | null; repoPath: string } {
  try {
    const gitdir = /^gitdir:\s*(.+)$/m.exec(readFileSync(path.join(dir, '.git'), 'utf8'))?.[1].trim()
    if (!gitdir) return { branch: null, repoPath: '' }
    const adminDir = path.resolve(dir, gitdir)
    let branch: string | null = null
    try {
      branch = /^ref: refs\/heads\/(.+)$/m.exec(readFileSync(path.join(adminDir, 'HEAD'), 'utf8'))?.[1].trim() ?? null
    } catch {}
    let common = path.resolve(adminDir, '..', '..')
    try {
      common = path.resolve(adminDir, readFileSync(path.join(adminDir, 'commondir'), 'utf8').trim())
    } catch {}
    return { branch, repoPath: path.basename(common) === '.git' ? path.dirname(common) : common }
  } catch {
    return { branch: null, repoPath: '' }
  }
}

/**
 * Copies the ignored files (never tracked or merely untracked ones) that match the user's patterns from
 * the repository into the new worktree. Wholly ignored folders are matched as a whole (`node_modules`),
 * and looked into only when a pattern names a path inside them.
 */
async function copyIgnored(root: string, dest: string, matcher: ReturnType<typeof globMatcher>): Promise<void> {
  const list = (args: string[]) => gitOk(root, ['-c', 'core.quotepath=off', 'ls-files', '-z', '--others', '--ignored', '--exclude-standard', ...args]).then(splitZ)
  const copied = new Set<string>()
  const copy = (rel: string) => {
    const clean = rel.replace(/\/+$/, '')
    if (copied.has(clean)) return
    copied.add(clean)
    const from = path.join(root, clean)
    const to = path.join(dest, clean)
    try {
      mkdirSync(path.dirname(to), { recursive: true })
      const st = lstatSync(from)
      if (st.isSymbolicLink()) symlinkSync(readlinkSync(from), to)
      else if (st.isDirectory()) cpSync(from, to, { recursive: true, verbatimSymlinks: true, errorOnExist: false })
      else copyFileSync(from, to, constants.COPYFILE_FICLONE)
    } catch (err) {
      throw new AppError('internal', `Could not copy ${clean} into the worktree: ${(err as Error).message}`)
    }
  }
  for (const entry of await list(['--directory'])) {
    const isDir = entry.endsWith('/')
    if (matcher.matches(entry)) copy(entry)
    else if (isDir && matcher.reachesInto(entry)) {
      for (const inner of await list(['--', entry])) if (matcher.matches(inner)) copy(inner)
    }
  }
}
