import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  compareUrl,
  countChecks,
  draftPullRequest,
  mergeIntoBase,
  openPullRequest,
  pullRequestStatus,
  pushBranch,
  webUrlOf,
  type BranchInfo,
} from '../../src/main/core/workspaces/finish'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir } from '../support/core'
import { commitFiles, gitIn, initRepo } from '../support/git'

const dirs: string[] = []
const savedPath = process.env.PATH
afterEach(() => {
  process.env.PATH = savedPath
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

const temp = (prefix: string) => {
  const d = tempDir(prefix)
  dirs.push(d)
  return d
}

/** A repository on main with a lane worktree on branch `lane` (both from the same commit), and a bare origin. */
function setup() {
  const repo = temp('switchyard-finish-repo-')
  initRepo(repo, { 'a.txt': 'one\ntwo\nthree\n', 'b.txt': 'b\n' })
  const origin = temp('switchyard-finish-origin-')
  gitIn(origin, 'init', '-q', '--bare', '-b', 'main')
  gitIn(repo, 'remote', 'add', 'origin', origin)
  gitIn(repo, 'push', '-q', 'origin', 'main')
  const lane = path.join(temp('switchyard-finish-wt-'), 'lane')
  gitIn(repo, 'worktree', 'add', '-q', '-b', 'lane', lane, 'main')
  const b: BranchInfo = { cwd: lane, branch: 'lane', base: 'main' }
  return { repo, origin, lane, b }
}

const log = (dir: string, ref = 'HEAD') => gitIn(dir, 'log', '--format=%s', ref).split('\n')
const worktreeCount = (dir: string) => gitIn(dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree ')).length

describe('merging a lane into its base (real git)', () => {
  it('squash: one commit on main with the lane tree, in the checked-out main too; the lane branch stays as it was', async () => {
    const { repo, lane, b } = setup()
    const base = gitIn(repo, 'rev-parse', 'main')
    commitFiles(lane, { 'a.txt': 'one\nTWO\nthree\n' }, 'lane: first')
    const laneHead = commitFiles(lane, { 'c.txt': 'new\n' }, 'lane: second')
    const r = await mergeIntoBase(b, 'squash', 'Lane work, squashed')
    expect(r).toMatchObject({ merged: true })
    expect(log(repo, 'main').slice(0, 2)).toEqual(['Lane work, squashed', 'initial'])
    expect(gitIn(repo, 'rev-parse', 'main^')).toBe(base)
    expect(gitIn(repo, 'rev-parse', 'main^{tree}')).toBe(gitIn(lane, 'rev-parse', 'HEAD^{tree}'))
    expect(readFileSync(path.join(repo, 'c.txt'), 'utf8')).toBe('new\n')
    expect(gitIn(repo, 'status', '--porcelain')).toBe('')
    expect(gitIn(lane, 'rev-parse', 'HEAD')).toBe(laneHead)
    expect(worktreeCount(repo)).toBe(2) // the scratch checkout is gone
  })

  it('rebase: the lane commits go on top of a main that moved on, linear, and main is fast-forwarded', async () => {
    const { repo, lane, b } = setup()
    commitFiles(repo, { 'b.txt': 'b changed on main\n' }, 'main: moved on')
    commitFiles(lane, { 'a.txt': 'one\nTWO\nthree\n' }, 'lane: first')
    commitFiles(lane, { 'c.txt': 'new\n' }, 'lane: second')
    expect(await mergeIntoBase(b, 'ff')).toMatchObject({ merged: false, message: expect.stringMatching(/moved on/) })
    const r = await mergeIntoBase(b, 'rebase')
    expect(r).toMatchObject({ merged: true })
    expect(log(repo, 'main')).toEqual(['lane: second', 'lane: first', 'main: moved on', 'initial'])
    expect(gitIn(repo, 'rev-list', '--merges', 'main')).toBe('')
    expect(gitIn(lane, 'rev-parse', 'HEAD')).toBe(gitIn(repo, 'rev-parse', 'main'))
    expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('one\nTWO\nthree\n')
  })

  it('fast-forward when main did not move; a base that is not checked out anywhere moves by its ref', async () => {
    const { repo, lane, b } = setup()
    gitIn(repo, 'checkout', '-q', '-b', 'elsewhere')
    const head = commitFiles(lane, { 'c.txt': 'new\n' }, 'lane: only')
    expect(await mergeIntoBase(b, 'ff')).toMatchObject({ merged: true, commit: head })
    expect(gitIn(repo, 'rev-parse', 'main')).toBe(head)
    expect(gitIn(repo, 'status', '--porcelain')).toBe('') // the user's checkout (elsewhere) is untouched
  })

  it('a conflict is reported with its files and leaves main, the lane and every checkout as they were', async () => {
    const { repo, lane, b } = setup()
    const mainHead = commitFiles(repo, { 'a.txt': 'one\nMAIN\nthree\n' }, 'main: edit')
    const laneHead = commitFiles(lane, { 'a.txt': 'one\nLANE\nthree\n' }, 'lane: edit')
    for (const strategy of ['squash', 'rebase'] as const) {
      const r = await mergeIntoBase(b, strategy)
      expect(r).toMatchObject({ merged: false, conflicts: ['a.txt'] })
      expect(gitIn(repo, 'rev-parse', 'main')).toBe(mainHead)
      expect(gitIn(lane, 'rev-parse', 'HEAD')).toBe(laneHead)
      expect(gitIn(lane, 'status', '--porcelain')).toBe('')
      expect(gitIn(repo, 'status', '--porcelain')).toBe('')
      expect(existsSync(path.join(gitIn(lane, 'rev-parse', '--git-dir'), 'rebase-merge'))).toBe(false)
      expect(worktreeCount(repo)).toBe(2)
    }
  })

  it('refuses uncommitted lane changes, a dirty main checkout, and nothing to merge', async () => {
    const { repo, lane, b } = setup()
    await expect(mergeIntoBase(b, 'squash')).rejects.toThrow(/Nothing to merge/)
    commitFiles(lane, { 'c.txt': 'new\n' }, 'lane')
    writeFileSync(path.join(lane, 'c.txt'), 'dirty\n')
    await expect(mergeIntoBase(b, 'squash')).rejects.toThrow(/not committed/)
    gitIn(lane, 'checkout', '--', 'c.txt')
    writeFileSync(path.join(repo, 'a.txt'), 'user is editing\n')
    await expect(mergeIntoBase(b, 'ff')).rejects.toThrow(/main has uncommitted changes/)
    expect(readFileSync(path.join(repo, 'a.txt'), 'utf8')).toBe('user is editing\n')
  })
})

describe('pushing (local bare remote)', () => {
  it('pushes the lane branch with its upstream; a diverged remote is refused unless forced (with lease)', async () => {
    const { origin, lane, b } = setup()
    const head = commitFiles(lane, { 'c.txt': 'new\n' }, 'lane')
    expect(await pushBranch(lane, b.branch)).toEqual({ remote: 'origin', branch: 'lane' })
    expect(gitIn(origin, 'rev-parse', 'lane')).toBe(head)
    expect(gitIn(lane, 'rev-parse', '--abbrev-ref', 'lane@{upstream}')).toBe('origin/lane')

    // Someone else rewrote the remote branch.
    const other = temp('switchyard-finish-other-')
    gitIn(other, 'clone', '-q', '-b', 'lane', origin, '.')
    gitIn(other, 'config', 'user.email', 'o@example.com')
    gitIn(other, 'config', 'user.name', 'Other')
    const theirs = commitFiles(other, { 'd.txt': 'theirs\n' }, 'theirs')
    gitIn(other, 'push', '-q', 'origin', 'lane')
    commitFiles(lane, { 'e.txt': 'mine\n' }, 'mine')
    await expect(pushBranch(lane, 'lane')).rejects.toThrow(/push with force/)
    expect(gitIn(origin, 'rev-parse', 'lane')).toBe(theirs)
    gitIn(lane, 'fetch', '-q', 'origin')
    await pushBranch(lane, 'lane', { force: true })
    expect(gitIn(origin, 'rev-parse', 'lane')).toBe(gitIn(lane, 'rev-parse', 'HEAD'))
  })

  it('says so when there is no remote', async () => {
    const repo = temp('switchyard-finish-noremote-')
    initRepo(repo)
    await expect(pushBranch(repo, 'main')).rejects.toThrow(/no remote/)
  })
})

/** A stand-in `gh` first on PATH: records its arguments, answers `auth status` with `authCode`. */
function fakeGh(authCode: number) {
  const bin = temp('switchyard-fake-gh-')
  const record = path.join(bin, 'calls.jsonl')
  writeFileSync(
    path.join(bin, 'gh'),
    `#!${process.execPath}
const fs = require('node:fs')
const args = process.argv.slice(2)
fs.appendFileSync(${JSON.stringify(record)}, JSON.stringify(args) + '\\n')
if (args[0] === 'auth') process.exit(${authCode})
if (args[0] === 'pr' && args[1] === 'create') { console.log('Creating pull request\\nhttps://github.com/acme/widgets/pull/7'); process.exit(0) }
if (args[0] === 'pr' && args[1] === 'view') { console.log(JSON.stringify({ number: 7, url: 'https://github.com/acme/widgets/pull/7', state: 'OPEN', isDraft: false, statusCheckRollup: [{ conclusion: 'SUCCESS' }, { status: 'IN_PROGRESS' }, { conclusion: 'FAILURE' }] })); process.exit(0) }
process.exit(2)
`,
  )
  chmodSync(path.join(bin, 'gh'), 0o755)
  process.env.PATH = `${bin}${path.delimiter}${process.env.PATH}`
  const calls = () => (existsSync(record) ? readFileSync(record, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]) : [])
  return { calls }
}

describe('pull requests', () => {
  it('through gh when it is logged in: title, body, base and head as drafted; status and checks after', async () => {
    const { b } = setup()
    const gh = fakeGh(0)
    const pr = await openPullRequest(b, { title: '--web Add the widget', body: 'Body with `code`\nand lines' }, 'origin')
    expect(pr).toEqual({ url: 'https://github.com/acme/widgets/pull/7', via: 'gh' })
    // A title that looks like a flag stays the title.
    expect(gh.calls()).toContainEqual(['pr', 'create', '--title=--web Add the widget', '--body=Body with `code`\nand lines', '--base=main', '--head=lane'])
    expect(await pullRequestStatus(b)).toEqual({ number: 7, url: 'https://github.com/acme/widgets/pull/7', state: 'OPEN', draft: false, checks: { passed: 1, failed: 1, pending: 1 } })
  })

  it('falls back to the compare URL when gh is not logged in', async () => {
    const { lane, b } = setup()
    const gh = fakeGh(1)
    gitIn(lane, 'remote', 'set-url', 'origin', 'git@github.com:acme/widgets.git')
    const pr = await openPullRequest(b, { title: 'Fix it', body: 'Because & so' }, 'origin')
    expect(pr).toEqual({ url: 'https://github.com/acme/widgets/compare/main...lane?expand=1&title=Fix%20it&body=Because%20%26%20so', via: 'compare' })
    expect(gh.calls().some((c) => c[0] === 'pr')).toBe(false)
    expect(await pullRequestStatus(b)).toBeNull()
  })
})

describe('finish helpers', () => {
  it('reads forge addresses from remote URLs', () => {
    expect(webUrlOf('git@github.com:acme/widgets.git')?.url).toBe('https://github.com/acme/widgets')
    expect(webUrlOf('https://github.com/acme/widgets.git')?.url).toBe('https://github.com/acme/widgets')
    expect(webUrlOf('ssh://git@gitlab.example.com:2222/group/sub/proj.git')?.url).toBe('https://gitlab.example.com/group/sub/proj')
    expect(webUrlOf('/srv/git/bare.git')).toBeUndefined()
    expect(compareUrl('https://gitlab.com/g/p.git', 'main', 'feat')).toBe('https://gitlab.com/g/p/-/merge_requests/new?merge_request[source_branch]=feat&merge_request[target_branch]=main')
  })

  it('drafts a title from the first prompt and a body from the last reply, the prompts and the commits', () => {
    const ev = (body: object, seq: number) => ({ laneId: 'l', seq, at: 0, ...body }) as LaneEvent
    const draft = draftPullRequest(
      [ev({ type: 'input', text: 'Add a dark theme toggle to settings\nwith details' }, 1), ev({ type: 'message', role: 'assistant', text: 'Added the toggle.' }, 2), ev({ type: 'input', text: 'also tests' }, 3)],
      ['Add toggle', 'Tests'],
    )
    expect(draft.title).toBe('Add a dark theme toggle to settings')
    expect(draft.body).toContain('## Summary\n\nAdded the toggle.')
    expect(draft.body).toContain('- also tests')
    expect(draft.body).toContain('- Tests')
    expect(countChecks(undefined)).toEqual({ passed: 0, failed: 0, pending: 0 })
  })
})
