import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { createHandlers } from '../../src/main/rpc/handlers'
import { branchLabel, GitStatusWatcher, parseStatusV2, relevantChange, Throttle } from '../../src/main/core/workspaces/git-status'
import { git, gitEnv } from '../../src/main/core/workspaces/git'
import { commitAll } from '../../src/main/core/workspaces/review'
import { addFailure, defaultBranch, globMatcher, isInside, parseWorktreeList, repoKey, worktreeDir } from '../../src/main/core/workspaces/worktrees'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'
import { commitFiles, gitIn, initRepo, writeFiles } from '../support/git'
import { tempDir, testCore, waitFor, waitForOutput, type TestCore } from '../support/core'

const cores: TestCore[] = []
const extraDirs: string[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
  for (const d of extraDirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A core whose workspace is a git repository with one commit (README.md) on main. */
function repoCore(opts: Parameters<typeof testCore>[0] = {}, files?: Record<string, string>) {
  const c = testCore(opts)
  cores.push(c)
  const head = initRepo(c.folder, files)
  return { c, head }
}

const handlersOf = (c: TestCore) => createHandlers(c, { mode: 'server', version: 'test', dataDir: c.dataDir })
const worktreesOf = (c: TestCore) => c.lanes.list().flatMap((l) => (l.worktree ? [l.worktree] : []))
const listed = (repo: string) => parseWorktreeList(gitIn(repo, 'worktree', 'list', '--porcelain'))

describe('worktree paths and names (pure)', () => {
  it('puts worktrees under the data dir with absolute paths, also with the data dir on another Windows drive', () => {
    const dir = worktreeDir('D:\\Switchyard', 'C:\\code\\My Repo', 'lane_abc', path.win32)
    expect(dir).toMatch(/^D:\\Switchyard\\worktrees\\My_Repo-[0-9a-f]{8}\\lane_abc$/)
    expect(path.win32.isAbsolute(dir)).toBe(true)
    // What breaks with relative paths: there is none from C: to D:.
    expect(path.win32.isAbsolute(path.win32.relative('C:\\code\\My Repo', dir))).toBe(true)
    expect(isInside(dir, 'C:\\code\\My Repo', path.win32)).toBe(false)
    // One repository, however its path is cased on Windows.
    expect(repoKey('c:\\CODE\\my repo', path.win32).slice(-8)).toBe(repoKey('C:\\code\\My Repo', path.win32).slice(-8))
    expect(worktreeDir('/data', '/home/me/repo', 'lane_1', path.posix)).toMatch(/^\/data\/worktrees\/repo-[0-9a-f]{8}\/lane_1$/)
    expect(() => worktreeDir('data', '/repo', 'l', path.posix)).toThrow(/absolute/)
    expect(isInside('/repo/.data/worktrees/x', '/repo', path.posix)).toBe(true)
    expect(isInside('/repository', '/repo', path.posix)).toBe(false)
  })

  it('names branches switchyard/<title>-<id end>', () => {
    expect(defaultBranch('Fix the Ünïcode bug!', 'lane_mabc12345f0e1d')).toBe('switchyard/fix-the-unicode-bug-5f0e1d')
    expect(defaultBranch('???', 'lane_0000001')).toBe('switchyard/lane-000001')
  })

  it('matches ignored-file patterns the way .gitignore does', () => {
    const m = globMatcher(['.env*', 'config/*.local', 'node_modules/'])
    expect(m.matches('.env')).toBe(true)
    expect(m.matches('app/.env.local')).toBe(true)
    expect(m.matches('config/db.local')).toBe(true)
    expect(m.matches('other/config/db.local')).toBe(false)
    expect(m.matches('node_modules/')).toBe(true)
    expect(m.matches('environment')).toBe(false)
    expect(globMatcher(['/top.env']).matches('app/top.env')).toBe(false)
    expect(globMatcher(['/top.env']).matches('top.env')).toBe(true)
    expect(globMatcher(['a/**/b.txt']).matches('a/x/y/b.txt')).toBe(true)
    expect(m.reachesInto('config/')).toBe(true)
    expect(m.reachesInto('build/')).toBe(false)
    expect(() => globMatcher(['../outside'])).toThrow(/leave the repository/)
  })

  it('reads git status headers; a detached HEAD is named by its commit', () => {
    const s = parseStatusV2(['# branch.oid 0123456789abcdef', '# branch.head (detached)', '1 .M N... 100644 100644 100644 a b f.txt', '? new.txt', ''].join('\n'))
    expect(s).toMatchObject({ branch: '(detached)', changed: 2, ahead: 0, behind: 0, upstream: null })
    expect(branchLabel(s.branch, s.oid)).toBe('detached HEAD at 0123456')
    const t = parseStatusV2('# branch.oid abc\n# branch.head main\n# branch.upstream origin/main\n# branch.ab +2 -3\n')
    expect(t).toMatchObject({ branch: 'main', upstream: 'origin/main', ahead: 2, behind: 3, changed: 0 })
    expect(relevantChange('src/a.ts')).toBe(true)
    expect(relevantChange('.git/objects/ab/cdef')).toBe(false)
    expect(relevantChange('.git\\HEAD')).toBe(true)
  })

  it('runs git in English whatever the locale, and never against a repository named by the environment', () => {
    const env = gitEnv({ LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8', LANGUAGE: 'de', GIT_DIR: '/elsewhere/.git', PATH: '/usr/bin' }, '/opt/bin')
    expect(env).toMatchObject({ LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0' })
    expect(env.GIT_DIR).toBeUndefined()
    expect(env.PATH).toBe(['/opt/bin', '/usr/bin'].join(path.delimiter))
  })

  it('throttles refreshes: bursts coalesce into one run now and one trailing run, at least an interval apart', async () => {
    vi.useFakeTimers()
    try {
      const runs: number[] = []
      const t = new Throttle(async () => void runs.push(Date.now()), 1000, Date.now, 50)
      for (let i = 0; i < 20; i++) t.trigger()
      await vi.advanceTimersByTimeAsync(60)
      expect(runs).toHaveLength(1)
      for (let i = 0; i < 20; i++) t.trigger()
      await vi.advanceTimersByTimeAsync(500)
      expect(runs).toHaveLength(1) // not before the interval is over
      await vi.advanceTimersByTimeAsync(600)
      expect(runs).toHaveLength(2)
      expect(runs[1] - runs[0]).toBeGreaterThanOrEqual(1000)
      await vi.advanceTimersByTimeAsync(10_000)
      expect(runs).toHaveLength(2) // nothing changed, nothing runs: no polling
      t.trigger()
      t.close()
      await vi.advanceTimersByTimeAsync(2000)
      expect(runs).toHaveLength(2)
    } finally {
      vi.useRealTimers()
    }
  })
})

describe('lane worktrees (real git)', () => {
  it('a lane works in its own worktree on a new branch from the workspace HEAD, outside the repository', async () => {
    const { c, head } = repoCore()
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id, title: 'Fix the bug', worktree: { enabled: true } })
    const wt = lane.worktree!
    expect(wt).toMatchObject({ base: 'main', baseCommit: head, repoPath: c.folder })
    expect(wt.branch).toMatch(/^switchyard\/fix-the-bug-[0-9a-z]{6}$/)
    expect(isInside(wt.path, path.join(c.dataDir, 'worktrees'))).toBe(true)
    expect(isInside(wt.path, c.folder)).toBe(false)
    expect(listed(c.folder)).toContainEqual(expect.objectContaining({ path: wt.path, branch: wt.branch, head }))
    expect(readFileSync(path.join(wt.path, 'README.md'), 'utf8')).toBe('hello\n')
    // The agent runs there; the user's checkout is untouched.
    await c.lanes.send(lane.id, 'pwd; git branch --show-current\r')
    await waitForOutput(c, lane.id, new RegExp(`^${wt.branch.replace(/[/]/g, '\\/')}`, 'm'))
    expect(gitIn(c.folder, 'branch', '--show-current')).toBe('main')
    expect(gitIn(c.folder, 'status', '--porcelain')).toBe('')
  })

  it('branches from a chosen base, and copies only the ignored files the user lists', async () => {
    const { c } = repoCore({}, { 'README.md': 'hello\n', '.gitignore': '.env*\n!.env.example\nsecrets/\n', '.env.example': 'KEY=\n' })
    gitIn(c.folder, 'checkout', '-q', '-b', 'dev')
    const dev = commitFiles(c.folder, { 'dev.txt': 'from dev\n' })
    gitIn(c.folder, 'checkout', '-q', 'main')
    writeFiles(c.folder, { '.env': 'KEY=secret\n', 'app/.env.local': 'LOCAL=1\n', '.env.example': 'KEY=edited-not-committed\n', 'notes.txt': 'untracked\n', 'secrets/key.pem': 'PEM\n' })
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id, worktree: { enabled: true, base: 'dev', copyIgnored: ['.env*'] } })
    const wt = lane.worktree!
    expect(wt).toMatchObject({ base: 'dev', baseCommit: dev })
    expect(readFileSync(path.join(wt.path, 'dev.txt'), 'utf8')).toBe('from dev\n')
    expect(readFileSync(path.join(wt.path, '.env'), 'utf8')).toBe('KEY=secret\n')
    expect(readFileSync(path.join(wt.path, 'app/.env.local'), 'utf8')).toBe('LOCAL=1\n')
    // Tracked files come from the base, never from the user's working copy; unlisted and untracked files stay behind.
    expect(readFileSync(path.join(wt.path, '.env.example'), 'utf8')).toBe('KEY=\n')
    expect(existsSync(path.join(wt.path, 'notes.txt'))).toBe(false)
    expect(existsSync(path.join(wt.path, 'secrets'))).toBe(false)
    expect(gitIn(wt.path, 'status', '--porcelain')).toBe('') // the copies are ignored there too
  })

  it('removing a lane deletes its worktree and branch, or keeps them; kept ones are listed as orphans and can be removed', async () => {
    const { c } = repoCore()
    const profile = c.profile()
    const a = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id, worktree: { enabled: true } })
    const b = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id, worktree: { enabled: true } })
    writeFileSync(path.join(a.worktree!.path, 'wip.txt'), 'unsaved work\n') // deleting means it: changes go too
    await c.lanes.remove(a.id, { worktree: 'delete', deleteBranch: true })
    expect(existsSync(a.worktree!.path)).toBe(false)
    expect(listed(c.folder).map((w) => w.path)).not.toContain(a.worktree!.path)
    expect(gitIn(c.folder, 'branch', '--list', a.worktree!.branch)).toBe('')

    await c.lanes.remove(b.id, { worktree: 'keep' })
    expect(existsSync(b.worktree!.path)).toBe(true)
    expect(gitIn(c.folder, 'branch', '--list', b.worktree!.branch)).toContain(b.worktree!.branch)
    const h = handlersOf(c)
    expect(await h['worktrees.orphans'](undefined as never)).toEqual([{ path: b.worktree!.path, branch: b.worktree!.branch, repoPath: c.folder }])
    await expect(h['worktrees.removeOrphan']({ path: c.folder } as never)).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(h['worktrees.removeOrphan']({ path: path.join(c.dataDir, 'worktrees', '..', 'store') } as never)).rejects.toMatchObject({ code: 'invalid_input' })
    await h['worktrees.removeOrphan']({ path: b.worktree!.path, deleteBranch: true })
    expect(existsSync(b.worktree!.path)).toBe(false)
    expect(gitIn(c.folder, 'branch', '--list', b.worktree!.branch)).toBe('')
    expect(listed(c.folder)).toHaveLength(1)
    expect(await h['worktrees.orphans'](undefined as never)).toEqual([])
  })

  it('after a crash: lanes keep their worktrees, a worktree no lane knows is an orphan, one deleted behind git is pruned', async () => {
    const { c: first } = repoCore()
    const lane = await first.lanes.create({ workspaceId: first.workspace.id, profileId: first.profile().id, worktree: { enabled: true } })
    // The app died after making a worktree but before recording its lane.
    const lost = await first.worktrees.create({ repoPath: first.folder, laneId: 'lane_lost', title: 'lost' })
    const gone = await first.worktrees.create({ repoPath: first.folder, laneId: 'lane_gone', title: 'gone' })
    first.lanes.flush()
    rmSync(gone.path, { recursive: true, force: true }) // the user deleted a folder by hand
    expect(listed(first.folder).map((w) => w.path)).toContain(gone.path)

    const second = testCore({ dataDir: first.dataDir })
    try {
      expect(second.lanes.get(lane.id).record.worktree).toEqual(lane.worktree)
      const orphans = await second.worktrees.orphans(worktreesOf(second))
      expect(orphans).toEqual([{ path: lost.path, branch: lost.branch, repoPath: first.folder }])
      expect(listed(first.folder).map((w) => w.path)).not.toContain(gone.path) // pruned
      // Its branch is free again (it exists, but is no longer checked out anywhere).
      await expect(second.worktrees.create({ repoPath: first.folder, laneId: 'lane_again', title: 'x', branch: gone.branch })).rejects.toThrow(
        `Branch ${gone.branch} already exists; choose another name`,
      )
    } finally {
      await second.close(true)
    }
  })

  it('git status of a lane follows file changes, commits and turn ends (no polling), with ahead/behind against its base', async () => {
    const { c } = repoCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
    const agent = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
    const refreshes: string[] = []
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, worktree: { enabled: true } })
    const watcher = new GitStatusWatcher(c.lanes, { onRefresh: (id) => refreshes.push(id) })
    try {
      const wt = lane.worktree!
      await waitFor('first status', () => refreshes.length > 0 && c.lanes.get(lane.id).record.git?.branch === wt.branch)
      expect(c.lanes.get(lane.id).record.git).toMatchObject({ changedFiles: 0, ahead: 0, behind: 0 })
      /** Waits until no refresh has run for 1.5 s: when nothing changes, nothing runs (no polling). */
      const quiet = async () => {
        for (let i = 0; i < 4; i++) {
          const seen = refreshes.length
          await new Promise((r) => setTimeout(r, 1500))
          if (refreshes.length === seen) return
        }
        throw new Error(`git status kept refreshing with nothing changing (${refreshes.length} runs)`)
      }
      await quiet()

      writeFileSync(path.join(wt.path, 'new.txt'), 'new\n')
      mkdirSync(path.join(wt.path, 'src'))
      writeFileSync(path.join(wt.path, 'src', 'a.ts'), 'export {}\n')
      await waitFor('two changed files', () => c.lanes.get(lane.id).record.git?.changedFiles === 2)
      gitIn(wt.path, 'add', '-A')
      gitIn(wt.path, 'commit', '-q', '-m', 'agent work')
      await waitFor('one ahead, clean', () => {
        const g = c.lanes.get(lane.id).record.git
        return g?.ahead === 1 && g.changedFiles === 0
      })
      // The base branch moves on outside the lane's folder: no file event says so, the agent's turn end does.
      await quiet()
      commitFiles(c.folder, { 'main.txt': 'moved on\n' })
      await quiet()
      expect(c.lanes.get(lane.id).record.git?.behind).toBe(0)
      const before = refreshes.length
      await c.lanes.send(lane.id, 'hello')
      await waitFor('one behind', () => c.lanes.get(lane.id).record.git?.behind === 1)
      await waitFor('a refresh at the turn end', () => refreshes.length > before)
    } finally {
      watcher.close()
    }
  })

  it('a detached HEAD works: the base is the commit, and a lane on that checkout says where HEAD is', async () => {
    const { c, head } = repoCore()
    gitIn(c.folder, 'checkout', '-q', '--detach', 'HEAD')
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id, worktree: { enabled: true } })
    expect(lane.worktree).toMatchObject({ base: head.slice(0, 12), baseCommit: head })
    expect(gitIn(lane.worktree!.path, 'rev-parse', 'HEAD')).toBe(head)
    const plain = await c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id })
    expect(plain.worktree).toBeUndefined()
    await waitFor('detached label', () => c.lanes.get(plain.id).record.git?.branch === `detached HEAD at ${head.slice(0, 7)}`)
    const { current, branches } = await handlersOf(c)['git.branches']({ workspaceId: c.workspace.id })
    expect(current).toBeNull()
    expect(branches.sort()).toEqual(['main', lane.worktree!.branch].sort())
  })

  it('agent lanes get a worktree by default on a git workspace, and none on a plain folder', async () => {
    const adapters = { ...defaultAdapters(), codex: fakeJsonlAdapter('codex') }
    const { c } = repoCore({ adapters })
    const profile = c.profiles.create({ kind: 'codex', name: 'fake codex' })
    const onGit = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
    expect(onGit.worktree?.branch).toMatch(/^switchyard\//)
    const plainDir = tempDir('switchyard-plain-')
    extraDirs.push(plainDir)
    const plain = c.workspaces.add(plainDir)
    const onPlain = await c.lanes.create({ workspaceId: plain.id, profileId: profile.id })
    expect(onPlain.worktree).toBeUndefined()
    expect(onPlain.status).not.toBe('failed')
  })

  it('lists branches for choosing a base', async () => {
    const { c } = repoCore()
    gitIn(c.folder, 'branch', 'dev')
    const h = handlersOf(c)
    expect(await h['git.branches']({ workspaceId: c.workspace.id })).toEqual({ current: 'main', branches: expect.arrayContaining(['main', 'dev']) })
  })
})

describe('worktree failures say what happened', () => {
  const create = (c: TestCore, worktree: { enabled: boolean; base?: string; branch?: string }) =>
    c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id, worktree })

  it('branch already checked out in another worktree', async () => {
    const { c } = repoCore()
    const elsewhere = path.join(tempDir('switchyard-wt-'), 'feature')
    extraDirs.push(path.dirname(elsewhere))
    gitIn(c.folder, 'worktree', 'add', '-q', '-b', 'feature', elsewhere)
    await expect(create(c, { enabled: true, branch: 'feature' })).rejects.toMatchObject({ code: 'conflict', message: `Branch feature is already checked out at ${elsewhere}` })
    await expect(create(c, { enabled: true, branch: 'main' })).rejects.toMatchObject({ code: 'conflict', message: `Branch main is already checked out at ${c.folder}` })
    expect(c.lanes.list()).toEqual([]) // no lane, no worktree left behind
    expect(listed(c.folder)).toHaveLength(2)
  })

  it('branch exists already', async () => {
    const { c } = repoCore()
    gitIn(c.folder, 'branch', 'taken')
    await expect(create(c, { enabled: true, branch: 'taken' })).rejects.toMatchObject({ code: 'conflict', message: 'Branch taken already exists; choose another name' })
  })

  it('invalid branch name', async () => {
    const { c } = repoCore()
    await expect(create(c, { enabled: true, branch: 'no..dots' })).rejects.toMatchObject({ code: 'invalid_input', message: '"no..dots" is not a valid branch name' })
  })

  it('worktree folder exists', async () => {
    const { c } = repoCore()
    const dir = worktreeDir(c.dataDir, c.folder, 'lane_taken')
    mkdirSync(dir, { recursive: true })
    writeFileSync(path.join(dir, 'something'), 'x')
    await expect(c.worktrees.create({ repoPath: c.folder, laneId: 'lane_taken', title: 't' })).rejects.toMatchObject({ code: 'conflict', message: `The worktree folder already exists: ${dir}` })
    expect(readFileSync(path.join(dir, 'something'), 'utf8')).toBe('x')
  })

  it('unknown base', async () => {
    const { c } = repoCore()
    await expect(create(c, { enabled: true, base: 'nope' })).rejects.toMatchObject({ code: 'not_found', message: `No branch, tag or commit named "nope" in ${c.folder}` })
  })

  it('not a git repository', async () => {
    const c = testCore()
    cores.push(c)
    await expect(create(c, { enabled: true })).rejects.toMatchObject({ code: 'unsupported', message: `${c.folder} is not a git repository` })
    await expect(handlersOf(c)['git.branches']({ workspaceId: c.workspace.id })).rejects.toMatchObject({ code: 'unsupported', message: `${c.folder} is not a git repository` })
    // Without the option, a plain folder is fine.
    expect((await create(c, { enabled: false })).worktree).toBeUndefined()
  })

  it('repository with no commits yet', async () => {
    const c = testCore()
    cores.push(c)
    initRepo(c.folder, null)
    await expect(create(c, { enabled: true })).rejects.toMatchObject({ code: 'conflict', message: 'The repository has no commits yet; commit once first' })
    await expect(create(c, { enabled: true, base: 'main' })).rejects.toMatchObject({ code: 'conflict', message: 'The repository has no commits yet; commit once first' })
  })

  it('git missing', async () => {
    const { c } = repoCore()
    const saved = process.env.SWITCHYARD_GIT
    process.env.SWITCHYARD_GIT = path.join(c.dataDir, 'no-such-git')
    try {
      await expect(create(c, { enabled: true })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/^git is not installed/) })
      await expect(handlersOf(c)['git.branches']({ workspaceId: c.workspace.id })).rejects.toMatchObject({ code: 'unsupported', message: expect.stringMatching(/^git is not installed/) })
      expect(await c.worktrees.isRepo(c.folder)).toBe(false) // so agent lanes simply go without a worktree
    } finally {
      if (saved === undefined) delete process.env.SWITCHYARD_GIT
      else process.env.SWITCHYARD_GIT = saved
    }
  })

  it('localized git: git speaks English to us whatever the user language is, so its refusals are recognized', async () => {
    const { c } = repoCore()
    const german = (() => {
      try {
        execFileSync('git', ['-C', c.dataDir, 'rev-parse'], { env: { ...process.env, LANGUAGE: 'de', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' }, stdio: 'pipe' })
      } catch (err) {
        return String((err as { stderr?: Buffer }).stderr)
      }
      return ''
    })()
    if (!/Kein Git-Repository/.test(german)) console.warn('localized git: this machine has no German git messages; the test still runs with LANGUAGE=de')
    const saved = { LANGUAGE: process.env.LANGUAGE, LANG: process.env.LANG, LC_ALL: process.env.LC_ALL }
    Object.assign(process.env, { LANGUAGE: 'de', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' })
    try {
      // Git's own refusal (what a race past our checks meets), through our runner.
      const dir = worktreeDir(c.dataDir, c.folder, 'lane_race')
      const r = await git(c.folder, ['worktree', 'add', '-b', 'main', dir])
      expect(r.stderr).toContain("a branch named 'main' already exists")
      expect(addFailure(r.stderr, 'main', dir)).toMatchObject({ code: 'conflict', message: 'Branch main already exists; choose another name' })
      gitIn(c.folder, 'worktree', 'add', '-q', '-b', 'held', path.join(c.dataDir, 'held'))
      const r2 = await git(c.folder, ['worktree', 'add', dir, 'held'])
      expect(addFailure(r2.stderr, 'held', dir)).toMatchObject({ code: 'conflict', message: `Branch held is already checked out at ${path.join(c.dataDir, 'held')}` })
      // A commit refused for want of an identity.
      gitIn(c.folder, 'config', 'user.useConfigOnly', 'true')
      gitIn(c.folder, 'config', '--unset', 'user.email')
      writeFileSync(path.join(c.folder, 'x.txt'), 'x\n')
      const saveGlobal = process.env.GIT_CONFIG_GLOBAL
      process.env.GIT_CONFIG_GLOBAL = path.join(c.dataDir, 'no-global-gitconfig')
      try {
        await expect(commitAll(c.folder, 'x')).rejects.toMatchObject({ code: 'conflict', message: expect.stringMatching(/^Git does not know who you are/) })
      } finally {
        if (saveGlobal === undefined) delete process.env.GIT_CONFIG_GLOBAL
        else process.env.GIT_CONFIG_GLOBAL = saveGlobal
      }
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })
})
