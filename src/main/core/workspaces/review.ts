import { lstatSync, rmSync } from 'node:fs'
import path from 'node:path'
import { ReviewComment, type ChangedFile, type MethodArgs } from '../../../shared/contract'
import { AppError } from '../errors'
import type { KeyValueStore } from '../store'
import { git, GIT_MISSING, gitMessage, gitOk, repoRoot, splitZ } from './git'

/**
 * Diff options that give git's plain format whatever the user configured (no colour, no external
 * diff or textconv, the usual a/ b/ prefixes, raw UTF-8 paths), paths relative to the lane's folder.
 */
const DIFF = ['-c', 'core.quotepath=off', 'diff', '--no-color', '--no-ext-diff', '--no-textconv', '--src-prefix=a/', '--dst-prefix=b/']

// ---- Pure parsing ---------------------------------------------------------------------------------

interface NumstatEntry {
  additions: number
  deletions: number
  binary: boolean
  path: string
  oldPath?: string
}

/** Splits `git diff --numstat -p -z` output into its numstat records and the patch that follows. */
export function parseNumstatPatch(out: string): { entries: NumstatEntry[]; patch: string } {
  const entries: NumstatEntry[] = []
  let i = 0
  const next = () => {
    const end = out.indexOf('\0', i)
    const token = end === -1 ? out.slice(i) : out.slice(i, end)
    i = end === -1 ? out.length : end + 1
    return token
  }
  while (i < out.length) {
    if (out.startsWith('diff --git ', i)) break
    const record = next()
    if (record === '') break // the NUL between the records and the patch
    const [a, d, p] = record.split('\t')
    const binary = a === '-' && d === '-'
    const entry: NumstatEntry = { additions: binary ? 0 : Number(a), deletions: binary ? 0 : Number(d), binary, path: p }
    if (p === '') {
      entry.oldPath = next() // a rename: the paths follow, old then new
      entry.path = next()
    }
    entries.push(entry)
  }
  return { entries, patch: out.slice(i) }
}

/** A patch cut into one piece per file (no line inside a hunk can start with `diff --git`). */
export function splitPatch(patch: string): string[] {
  if (!patch) return []
  return patch.split(/^(?=diff --git )/m).filter((p) => p.startsWith('diff --git '))
}

/** A file's diff: the header lines, and its hunks (each from its `@@` line). */
export function splitHunks(diff: string): { header: string; hunks: string[] } {
  const parts = diff.split(/^(?=@@ )/m)
  const header = parts[0].startsWith('@@ ') ? '' : parts.shift()!
  return { header, hunks: parts }
}

function statusOf(header: string): ChangedFile['status'] {
  if (/^new file mode /m.test(header)) return 'added'
  if (/^deleted file mode /m.test(header)) return 'deleted'
  if (/^rename from /m.test(header)) return 'renamed'
  return 'modified'
}

/** Counts a patch's added and removed lines (for untracked files, whose numstat git words oddly). */
function countLines(diff: string): { additions: number; deletions: number } {
  let additions = 0
  let deletions = 0
  for (const hunk of splitHunks(diff).hunks) {
    for (const line of hunk.split('\n').slice(1)) {
      if (line.startsWith('+')) additions++
      else if (line.startsWith('-')) deletions++
    }
  }
  return { additions, deletions }
}

/** A path as git writes it in a patch header: C-quoted when it has characters that need it. */
export function quotePath(p: string): string {
  if (!/["\\\x00-\x1f\x7f]/.test(p)) return p
  const esc = p.replace(/[\\"]/g, '\\$&').replace(/[\x00-\x1f\x7f]/g, (c) => ({ '\n': '\\n', '\t': '\\t', '\r': '\\r' })[c] ?? `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`)
  return `"${esc}"`
}

/** One hunk of a file as a patch of its own (a plain modification of `file`, whatever the whole diff was). */
export function hunkPatch(file: string, hunk: string): string {
  const a = quotePath(`a/${file}`)
  const b = quotePath(`b/${file}`)
  return `diff --git ${a} ${b}\n--- ${a}\n+++ ${b}\n${hunk.endsWith('\n') ? hunk : hunk + '\n'}`
}

/** A line range as an editor and an agent both read it: `path:12` or `path:12-14`. */
export function lineRef(p: string, start: number, end: number): string {
  const [lo, hi] = start <= end ? [start, end] : [end, start]
  return lo === hi ? `${p}:${lo}` : `${p}:${lo}-${hi}`
}

/** The prompt that carries review comments to the agent. */
export function reviewPrompt(comments: MethodArgs<'review.comment'>['comments']): string {
  const one = comments.length === 1
  const parts = comments.map((c, i) => {
    const where = lineRef(c.path, c.startLine, c.endLine) + (c.side === 'old' ? ' (lines of the base version, before your change)' : '')
    const lines = [one ? where : `${i + 1}. ${where}`]
    if (c.quote) {
      const longest = Math.max(2, ...(c.quote.match(/`+/g) ?? []).map((r) => r.length))
      const fence = '`'.repeat(longest + 1)
      lines.push(`${fence}\n${c.quote.replace(/\n$/, '')}\n${fence}`)
    }
    lines.push(c.text.trim())
    return lines.join('\n')
  })
  const intro = one ? 'Review comment on your changes:' : `Review comments on your changes (${comments.length}):`
  return `${intro}\n\n${parts.join('\n\n')}\n\nPlease address ${one ? 'it' : 'them'}.`
}

// ---- Git ----------------------------------------------------------------------------------------

/** The commit to diff against: `base`, or the empty tree in a repository with no commits yet (base HEAD). */
async function resolveBase(cwd: string, base: string): Promise<string> {
  const r = await git(cwd, ['rev-parse', '--verify', '-q', '--end-of-options', `${base}^{commit}`])
  if (r.missing) throw new AppError('unsupported', GIT_MISSING)
  if (r.code === 0) return r.stdout.trim()
  if (base === 'HEAD') return (await gitOk(cwd, ['hash-object', '-t', 'tree', '--stdin'], { input: '' })).trim()
  throw new AppError('not_found', `The base commit ${base} no longer exists`, { stderr: r.stderr })
}

async function untrackedDiff(cwd: string, file: string): Promise<ChangedFile> {
  // Exit code 1 means "they differ", which is the point.
  // git reads /dev/null as "no file" on every platform (NUL too on Windows).
  const r = await git(cwd, [...DIFF, '--no-index', '--', '/dev/null', file])
  if (r.code !== 0 && r.code !== 1) throw new AppError('internal', gitMessage(r), { stderr: r.stderr })
  const binary = /^Binary files |^GIT binary patch/m.test(r.stdout) && !/^@@ /m.test(r.stdout)
  return { path: file, status: 'untracked', ...(binary ? { additions: 0, deletions: 0 } : countLines(r.stdout)), diff: r.stdout, binary }
}

/** Runs `fn` over `items`, `n` at a time. */
async function mapLimit<T, R>(items: readonly T[], n: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++
        out[i] = await fn(items[i])
      }
    }),
  )
  return out
}

/**
 * The files changed in `cwd` against `base`: committed, staged and unstaged changes to tracked files
 * (renames paired), and untracked files that are not ignored. Paths are relative to `cwd`.
 */
export async function changedFiles(cwd: string, base: string): Promise<ChangedFile[]> {
  await repoRoot(cwd)
  const commit = await resolveBase(cwd, base)
  const out = await gitOk(cwd, [...DIFF, '-M', '--relative', '--numstat', '-p', '-z', commit, '--'])
  const { entries, patch } = parseNumstatPatch(out)
  const diffs = splitPatch(patch)
  const tracked: ChangedFile[] = entries.map((e, i) => {
    const diff = diffs[i] ?? ''
    const status = statusOf(splitHunks(diff).header)
    return { path: e.path, ...(e.oldPath ? { oldPath: e.oldPath } : {}), status: e.oldPath ? 'renamed' : status, additions: e.additions, deletions: e.deletions, diff, binary: e.binary }
  })
  const untracked = splitZ(await gitOk(cwd, ['-c', 'core.quotepath=off', 'ls-files', '-z', '--others', '--exclude-standard']))
  const added = await mapLimit(untracked, 8, (f) => untrackedDiff(cwd, f))
  return [...tracked, ...added].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
}

/** A path the renderer names, relative to the lane's folder and inside it. */
function checkedPath(cwd: string, p: string): string {
  const rel = p.replace(/\\/g, '/')
  const abs = path.resolve(cwd, rel)
  const back = path.relative(cwd, abs)
  if (path.isAbsolute(rel) || back === '' || back === '..' || back.startsWith(`..${path.sep}`) || path.isAbsolute(back)) throw new AppError('invalid_input', `Not a path inside the lane's folder: ${p}`)
  return rel
}

async function existsAt(cwd: string, commit: string, rel: string): Promise<boolean> {
  return (await git(cwd, ['cat-file', '-e', `${commit}:./${rel}`])).code === 0
}

/** Puts one path back as it was at `commit` (deleting it when it did not exist there). */
async function restorePath(cwd: string, commit: string, rel: string): Promise<void> {
  if (await existsAt(cwd, commit, rel)) {
    await gitOk(cwd, ['--literal-pathspecs', 'checkout', commit, '--', rel], { code: 'conflict', message: `Could not restore ${rel}` })
    return
  }
  await gitOk(cwd, ['--literal-pathspecs', 'rm', '-q', '-r', '-f', '--cached', '--ignore-unmatch', '--', rel], { code: 'conflict', message: `Could not remove ${rel}` })
  const abs = path.join(cwd, rel)
  try {
    lstatSync(abs)
    rmSync(abs, { recursive: true, force: true })
  } catch {}
}

/**
 * Throws away the lane's change to a file (back to how it was at `base`, deleted when it did not exist
 * there; a rename is undone), or one hunk of it, by its index in the file's diff.
 */
export async function discardChange(cwd: string, base: string, p: string, hunk?: number): Promise<void> {
  const rel = checkedPath(cwd, p)
  const commit = await resolveBase(cwd, base)
  const files = await changedFiles(cwd, base)
  const file = files.find((f) => f.path === rel) ?? files.find((f) => f.oldPath === rel)
  if (!file) throw new AppError('not_found', `${p} has no change to discard`)
  const whole = async () => {
    // An untracked folder git does not look into is another repository: not ours to delete.
    if (file.path.endsWith('/')) throw new AppError('invalid_input', `${file.path} is a repository of its own; delete it yourself if you mean to`)
    if (file.status === 'untracked') return rmSync(path.join(cwd, file.path), { force: true })
    await restorePath(cwd, commit, file.path)
    if (file.oldPath) await restorePath(cwd, commit, file.oldPath)
  }
  if (hunk === undefined) return whole()

  if (file.binary) throw new AppError('invalid_input', `${p} is a binary file; discard the whole file`)
  const { hunks } = splitHunks(file.diff)
  if (hunk >= hunks.length) throw new AppError('not_found', `${p} has ${hunks.length} hunk${hunks.length === 1 ? '' : 's'}; there is no hunk ${hunk}`)
  // A new, deleted or untracked file is one hunk: that hunk is the whole file.
  if (file.status === 'untracked' || file.status === 'added' || file.status === 'deleted') return whole()
  // Patch paths are read from the repository root (and silently skipped outside cwd): say where cwd is.
  const prefix = (await gitOk(cwd, ['rev-parse', '--show-prefix'])).trim().replace(/\/+$/, '')
  const r = await git(cwd, ['apply', '-R', '--whitespace=nowarn', ...(prefix ? [`--directory=${prefix}`] : []), '-'], { input: hunkPatch(file.path, hunks[hunk]) })
  if (r.missing) throw new AppError('unsupported', GIT_MISSING)
  if (r.code !== 0) throw new AppError('conflict', `${p} changed since this diff was made; refresh the review and try again`, { stderr: r.stderr })
}

/** Commits everything in the lane's folder (new files too); returns the new commit. */
export async function commitAll(cwd: string, message: string): Promise<string> {
  await repoRoot(cwd)
  if (!message.trim()) throw new AppError('invalid_input', 'Write a commit message')
  await gitOk(cwd, ['add', '-A', '--', '.'], { code: 'conflict', message: 'Could not stage the changes' })
  const staged = await git(cwd, ['diff', '--cached', '--quiet'])
  if (staged.code === 0) throw new AppError('conflict', 'Nothing to commit')
  const r = await git(cwd, ['commit', '-q', '--cleanup=strip', '-F', '-'], { input: message })
  if (r.missing) throw new AppError('unsupported', GIT_MISSING)
  if (r.code !== 0) {
    if (/Please tell me who you are|Author identity unknown|unable to auto-detect email/.test(r.stderr)) {
      throw new AppError('conflict', 'Git does not know who you are: set user.name and user.email (git config --global user.name "…")', { stderr: r.stderr })
    }
    throw new AppError('conflict', `The commit was refused: ${gitMessage(r)}`, { stderr: r.stderr })
  }
  return (await gitOk(cwd, ['rev-parse', 'HEAD'])).trim()
}

// ---- Drafts -------------------------------------------------------------------------------------

type Draft = MethodArgs<'review.saveDrafts'>['comments'][number]

/** The store key: one record, lane id → that lane's drafts. */
const DRAFTS_KEY = 'reviewDrafts'

/**
 * Review comments written but not sent yet, per lane, in the app's store: a reload or a restart of
 * the app keeps them; removing the lane deletes them.
 */
export class ReviewDrafts {
  constructor(
    private readonly store: KeyValueStore,
    /** Throws `not_found` for a lane that does not exist. */
    private readonly lanes: { get(laneId: string): unknown },
  ) {}

  get(laneId: string): Draft[] {
    this.lanes.get(laneId)
    const raw = this.all()[laneId]
    if (!Array.isArray(raw)) return []
    // Entry by entry, like the store's lists: one unreadable draft does not cost the others.
    return raw.flatMap((c) => {
      const parsed = ReviewComment.safeParse(c)
      return parsed.success ? [parsed.data] : []
    })
  }

  save(laneId: string, comments: readonly Draft[]): void {
    this.lanes.get(laneId)
    const all = this.all()
    if (comments.length) all[laneId] = comments
    else delete all[laneId]
    this.store.set(DRAFTS_KEY, all)
  }

  /** Deletes a lane's drafts (the lane is gone: no lane check). */
  forget(laneId: string): void {
    const all = this.all()
    if (!(laneId in all)) return
    delete all[laneId]
    this.store.set(DRAFTS_KEY, all)
  }

  private all(): Record<string, unknown> {
    const raw = this.store.get(DRAFTS_KEY)
    return raw && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : {}
  }
}
