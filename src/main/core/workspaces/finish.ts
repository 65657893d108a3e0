import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { LaneEvent } from '../../../shared/events'
import { AppError } from '../errors'
import { loginShellPath, resolveExecutable } from '../isolation/env'
import { git, gitMessage, gitOk, splitZ } from './git'
import { parseWorktreeList } from './worktrees'

/**
 * Finishing a lane's branch: merge it into its base (fast-forward, squash or rebase), push it, and
 * open a pull request (the `gh` CLI when it is installed and logged in, else the forge's compare URL).
 */

export type MergeStrategy = 'ff' | 'squash' | 'rebase'

export interface BranchInfo {
  /** The lane's folder (its worktree). */
  cwd: string
  /** The lane's branch and the branch it goes into. */
  branch: string
  base: string
}

export type MergeResult = { merged: true; commit: string; message: string } | { merged: false; conflicts: string[]; message: string }

/** A rebase never stops to ask for a message. */
const NO_EDITOR = { GIT_EDITOR: 'true' }

async function headOf(cwd: string, ref: string): Promise<string> {
  return (await gitOk(cwd, ['rev-parse', '--verify', `${ref}^{commit}`], { code: 'not_found', message: `No branch ${ref}` })).trim()
}

async function isClean(cwd: string, untracked: boolean): Promise<boolean> {
  return (await gitOk(cwd, ['status', '--porcelain', `--untracked-files=${untracked ? 'normal' : 'no'}`])).trim() === ''
}

async function conflictedFiles(cwd: string): Promise<string[]> {
  return splitZ(await gitOk(cwd, ['diff', '--name-only', '-z', '--diff-filter=U'])).sort()
}

/** The worktree where `branch` is checked out, if any. */
async function checkoutOf(cwd: string, branch: string): Promise<string | undefined> {
  const list = parseWorktreeList(await gitOk(cwd, ['worktree', 'list', '--porcelain']))
  return list.find((w) => w.branch === branch)?.path
}

/** Moves `base` forward to `commit` (a descendant): in its checkout if it has one, else just the ref. */
async function advance(cwd: string, base: string, from: string, commit: string): Promise<void> {
  const checkout = await checkoutOf(cwd, base)
  if (checkout) await gitOk(checkout, ['merge', '--ff-only', '-q', commit], { code: 'conflict', message: `Could not move ${base} forward` })
  else await gitOk(cwd, ['update-ref', '-m', 'switchyard: merge lane', `refs/heads/${base}`, commit, from], { code: 'conflict', message: `${base} moved meanwhile` })
}

/** Runs `fn` in a scratch detached worktree at `commit`, removed afterwards. */
async function inScratch<T>(cwd: string, commit: string, fn: (dir: string) => Promise<T>): Promise<T> {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'switchyard-merge-')), 'wt')
  await gitOk(cwd, ['worktree', 'add', '-q', '--detach', dir, commit])
  try {
    return await fn(dir)
  } finally {
    await git(cwd, ['worktree', 'remove', '--force', dir])
    rmSync(path.dirname(dir), { recursive: true, force: true })
  }
}

/** The lane's work goes into its base branch. Conflicts are answered, not thrown: nothing is left half done. */
export async function mergeIntoBase(b: BranchInfo, strategy: MergeStrategy, message?: string): Promise<MergeResult> {
  if ((await git(b.cwd, ['show-ref', '--verify', '-q', `refs/heads/${b.base}`])).code !== 0) {
    throw new AppError('invalid_input', `The base ${b.base} is not a branch; there is nothing to merge into`)
  }
  if (!(await isClean(b.cwd, true))) throw new AppError('conflict', 'The lane has changes that are not committed; commit or discard them first')
  const checkout = await checkoutOf(b.cwd, b.base)
  if (checkout && !(await isClean(checkout, false))) {
    throw new AppError('conflict', `${b.base} has uncommitted changes in ${checkout}; commit or stash them first`)
  }
  const baseHead = await headOf(b.cwd, b.base)
  let laneHead = await headOf(b.cwd, 'HEAD')
  if (laneHead === baseHead || (await git(b.cwd, ['merge-base', '--is-ancestor', laneHead, baseHead])).code === 0) {
    throw new AppError('conflict', `Nothing to merge: ${b.base} already has every commit of ${b.branch}`)
  }
  const ff = (await git(b.cwd, ['merge-base', '--is-ancestor', baseHead, laneHead])).code === 0

  if (strategy === 'ff') {
    if (!ff) return { merged: false, conflicts: [], message: `${b.base} has moved on since the lane branched; merge with rebase or squash instead` }
    await advance(b.cwd, b.base, baseHead, laneHead)
    return { merged: true, commit: laneHead, message: `Fast-forwarded ${b.base} to ${b.branch}` }
  }

  if (strategy === 'rebase') {
    if (!ff) {
      const r = await git(b.cwd, ['rebase', '-q', baseHead], { env: NO_EDITOR })
      if (r.code !== 0) {
        const conflicts = await conflictedFiles(b.cwd)
        await git(b.cwd, ['rebase', '--abort'])
        return { merged: false, conflicts, message: `Rebasing ${b.branch} onto ${b.base} conflicts${conflicts.length ? ` in ${conflicts.join(', ')}` : `: ${gitMessage(r)}`}` }
      }
      laneHead = await headOf(b.cwd, 'HEAD')
    }
    await advance(b.cwd, b.base, baseHead, laneHead)
    return { merged: true, commit: laneHead, message: `Rebased ${b.branch} onto ${b.base} and fast-forwarded it` }
  }

  // squash: one commit on the base, made in a scratch checkout so neither the lane's nor the user's is disturbed.
  const subject = message?.trim() || (await gitOk(b.cwd, ['log', '-1', '--format=%s', laneHead])).trim()
  const outcome = await inScratch(b.cwd, baseHead, async (dir): Promise<MergeResult> => {
    const r = await git(dir, ['merge', '--squash', '-q', laneHead])
    if (r.code !== 0) {
      const conflicts = await conflictedFiles(dir)
      return { merged: false, conflicts, message: `Squashing ${b.branch} into ${b.base} conflicts${conflicts.length ? ` in ${conflicts.join(', ')}` : `: ${gitMessage(r)}`}` }
    }
    const c = await git(dir, ['commit', '-q', '--cleanup=strip', '-F', '-'], { input: subject })
    if (c.code !== 0) throw new AppError('conflict', `The commit was refused: ${gitMessage(c)}`, { stderr: c.stderr })
    return { merged: true, commit: await headOf(dir, 'HEAD'), message: `Squashed ${b.branch} into one commit on ${b.base}` }
  })
  if (outcome.merged) await advance(b.cwd, b.base, baseHead, outcome.commit)
  return outcome
}

/** What the lane is asked when the user wants it to resolve a conflicting merge. */
export function conflictPrompt(b: Pick<BranchInfo, 'branch' | 'base'>, conflicts: readonly string[]): string {
  const files = conflicts.length ? `\n\nConflicting files:\n${conflicts.map((f) => `- ${f}`).join('\n')}` : ''
  return `Merging ${b.branch} into ${b.base} conflicts.${files}\n\nPlease rebase this branch onto ${b.base} (git rebase ${b.base}), resolve the conflicts keeping both sides' intent, run the tests, and commit.`
}

// ---- Push ---------------------------------------------------------------------------------------

/** The remote to push to: the branch's upstream remote, else origin, else the only remote. */
export async function remoteFor(cwd: string, branch: string, asked?: string): Promise<string> {
  const remotes = (await gitOk(cwd, ['remote'])).split('\n').filter(Boolean)
  if (asked) {
    if (!remotes.includes(asked)) throw new AppError('not_found', `No remote named ${asked}`)
    return asked
  }
  const upstream = (await git(cwd, ['config', '--get', `branch.${branch}.remote`])).stdout.trim()
  if (upstream && remotes.includes(upstream)) return upstream
  if (remotes.includes('origin')) return 'origin'
  if (remotes.length === 1) return remotes[0]
  throw new AppError('invalid_input', remotes.length ? `Choose a remote: ${remotes.join(', ')}` : 'This repository has no remote to push to; add one (git remote add origin <url>)')
}

/** Pushes `branch` and sets its upstream. Never forced unless `force` (then only with a lease). */
export async function pushBranch(cwd: string, branch: string, opts: { remote?: string; force?: boolean } = {}): Promise<{ remote: string; branch: string }> {
  const remote = await remoteFor(cwd, branch, opts.remote)
  const args = ['push', '-u', ...(opts.force ? ['--force-with-lease'] : []), remote, `refs/heads/${branch}:refs/heads/${branch}`]
  const r = await git(cwd, args)
  if (r.code !== 0) {
    if (/\[rejected\]|non-fast-forward|fetch first/.test(r.stderr)) {
      throw new AppError('conflict', `${remote} has commits on ${branch} that this branch does not; pull them first, or push with force to replace them`, { stderr: r.stderr })
    }
    throw new AppError('conflict', `Push to ${remote} failed: ${gitMessage(r)}`, { stderr: r.stderr })
  }
  return { remote, branch }
}

// ---- Pull requests ------------------------------------------------------------------------------

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1).trimEnd()}…` : s)

/** A pull request's title and body, drafted from the lane's transcript and the branch's commits. */
export function draftPullRequest(events: readonly LaneEvent[], commits: readonly string[]): { title: string; body: string } {
  const prompts = events.flatMap((e) => (e.type === 'input' && e.text.trim() ? [e.text.trim()] : []))
  const lastReply = [...events].reverse().find((e) => e.type === 'message' && e.role === 'assistant')
  const firstLine = (prompts[0] ?? commits[0] ?? 'Changes').split('\n')[0].replace(/^\[Note from Switchyard:.*\]$/, '').trim()
  const title = clip(firstLine || commits[0] || 'Changes', 72)
  const parts: string[] = []
  if (lastReply && lastReply.type === 'message') parts.push(`## Summary\n\n${clip(lastReply.text.trim(), 3000)}`)
  if (prompts.length) parts.push(`## Asked\n\n${prompts.map((p) => `- ${clip(p.split('\n')[0], 200)}`).join('\n')}`)
  if (commits.length) parts.push(`## Commits\n\n${commits.map((c) => `- ${c}`).join('\n')}`)
  parts.push('_Drafted by Switchyard from the lane’s transcript._')
  return { title, body: parts.join('\n\n') }
}

/** The web address of a forge repository from a remote URL (https, ssh or scp-like), or undefined. */
export function webUrlOf(remoteUrl: string): { host: string; url: string } | undefined {
  const u = remoteUrl.trim()
  let m = /^(?:https?|ssh|git):\/\/(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+?)(?:\.git)?\/?$/.exec(u)
  if (!m) m = /^(?:[^@]+@)?([^:/]+):(?!\/)(.+?)(?:\.git)?\/?$/.exec(u)
  if (!m) return undefined
  return { host: m[1], url: `https://${m[1]}/${m[2]}` }
}

/** Where a browser opens a new pull (merge) request of `branch` into `base`, with title and body where the forge takes them. */
export function compareUrl(remoteUrl: string, base: string, branch: string, draft?: { title: string; body: string }): string | undefined {
  const web = webUrlOf(remoteUrl)
  if (!web) return undefined
  const enc = encodeURIComponent
  if (/gitlab/.test(web.host)) {
    return `${web.url}/-/merge_requests/new?merge_request[source_branch]=${enc(branch)}&merge_request[target_branch]=${enc(base)}${draft ? `&merge_request[title]=${enc(draft.title)}&merge_request[description]=${enc(draft.body)}` : ''}`
  }
  if (/bitbucket/.test(web.host)) return `${web.url}/pull-requests/new?source=${enc(branch)}&dest=${enc(base)}`
  return `${web.url}/compare/${enc(base)}...${enc(branch)}?expand=1${draft ? `&title=${enc(draft.title)}&body=${enc(draft.body)}` : ''}`
}

interface Run {
  stdout: string
  stderr: string
  code: number
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env, timeout: 60_000, maxBuffer: 8 * 1024 * 1024, windowsHide: true }, (err, stdout, stderr) => {
      const e = err as (NodeJS.ErrnoException & { code?: unknown }) | null
      resolve({ stdout, stderr: stderr || (e && typeof e.code !== 'number' ? e.message : ''), code: e ? (typeof e.code === 'number' ? e.code : 1) : 0 })
    })
  })
}

/** The `gh` CLI and the environment to run it with, when it is installed and logged in. */
async function ghReady(cwd: string): Promise<{ gh: string; env: NodeJS.ProcessEnv } | undefined> {
  const loginPath = await loginShellPath().catch(() => undefined)
  const PATH = [process.env.PATH, loginPath].filter(Boolean).join(path.delimiter)
  const gh = resolveExecutable('gh', PATH)
  if (!gh) return undefined
  const env = { ...process.env, PATH, GH_PROMPT_DISABLED: '1', NO_COLOR: '1', GH_NO_UPDATE_NOTIFIER: '1' }
  const status = await run(gh, ['auth', 'status'], cwd, env)
  return status.code === 0 ? { gh, env } : undefined
}

export interface PullRequest {
  url: string
  via: 'gh' | 'compare'
}

/** Opens a pull request through `gh`, or answers the compare URL to open in a browser. */
export async function openPullRequest(b: BranchInfo, draft: { title: string; body: string }, remote: string): Promise<PullRequest> {
  const ready = await ghReady(b.cwd)
  if (ready) {
    // `--flag=value`: a title that starts with "-" stays the title.
    const r = await run(ready.gh, ['pr', 'create', `--title=${draft.title}`, `--body=${draft.body}`, `--base=${b.base}`, `--head=${b.branch}`], b.cwd, ready.env)
    if (r.code !== 0) throw new AppError('conflict', `gh could not open the pull request: ${(r.stderr || r.stdout).trim()}`, { stderr: r.stderr })
    const url = r.stdout.trim().split('\n').reverse().find((l) => /^https?:\/\//.test(l.trim()))
    return { url: url?.trim() ?? r.stdout.trim(), via: 'gh' }
  }
  const remoteUrl = (await gitOk(b.cwd, ['remote', 'get-url', remote])).trim()
  const url = compareUrl(remoteUrl, b.base, b.branch, draft)
  if (!url) throw new AppError('unsupported', `${remoteUrl} is not a forge Switchyard knows; open the pull request there`)
  return { url, via: 'compare' }
}

export interface PullRequestStatus {
  number: number
  url: string
  state: string
  draft: boolean
  checks: { passed: number; failed: number; pending: number }
}

/** Counts check outcomes from gh's statusCheckRollup (check runs and commit statuses). */
export function countChecks(rollup: unknown): PullRequestStatus['checks'] {
  const out = { passed: 0, failed: 0, pending: 0 }
  if (!Array.isArray(rollup)) return out
  for (const c of rollup as { conclusion?: string; state?: string; status?: string }[]) {
    const v = (c.conclusion || c.state || c.status || '').toUpperCase()
    if (['SUCCESS', 'NEUTRAL', 'SKIPPED'].includes(v)) out.passed++
    else if (['FAILURE', 'ERROR', 'CANCELLED', 'TIMED_OUT', 'ACTION_REQUIRED', 'STARTUP_FAILURE'].includes(v)) out.failed++
    else out.pending++
  }
  return out
}

/** The branch's pull request and its checks, through gh; null without gh or without a pull request. */
export async function pullRequestStatus(b: BranchInfo): Promise<PullRequestStatus | null> {
  const ready = await ghReady(b.cwd)
  if (!ready) return null
  const r = await run(ready.gh, ['pr', 'view', b.branch, '--json', 'number,url,state,isDraft,statusCheckRollup'], b.cwd, ready.env)
  if (r.code !== 0) return null
  try {
    const v = JSON.parse(r.stdout) as { number: number; url: string; state: string; isDraft?: boolean; statusCheckRollup?: unknown }
    return { number: v.number, url: v.url, state: v.state, draft: v.isDraft ?? false, checks: countChecks(v.statusCheckRollup) }
  } catch {
    return null
  }
}

/** The branch's commit subjects since the base, oldest first. */
export async function commitSubjects(b: BranchInfo): Promise<string[]> {
  const r = await git(b.cwd, ['log', '--reverse', '--format=%s', `${b.base}..HEAD`])
  return r.code === 0 ? r.stdout.split('\n').filter(Boolean) : []
}
