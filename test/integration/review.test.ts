import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { parseNumstatPatch, reviewPrompt, splitHunks } from '../../src/main/core/workspaces/review'
import { fileStore } from '../../src/main/core/store'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import type { LaneEvent } from '../../src/shared/events'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'
import { commitFiles, gitIn, initRepo, writeFiles } from '../support/git'
import { testCore, waitFor, type TestCore } from '../support/core'

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

const lines = (n: number, edit: Record<number, string> = {}) =>
  Array.from({ length: n }, (_, i) => edit[i + 1] ?? `line ${i + 1}`).join('\n') + '\n'

/** A git workspace and a lane on the fake agent (it echoes each prompt back) in its own worktree. */
async function setup(worktree = true) {
  core = testCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
  const c = core
  const base = initRepo(c.folder, {
    'a.txt': lines(20),
    'b.txt': 'to be deleted\n',
    'd.txt': 'to be renamed\nwith two lines\n',
    'img.bin': Buffer.from([0, 1, 2, 3, 0, 255]),
    'keep.txt': 'untouched\n',
    '.gitignore': '*.log\n',
  })
  const profile = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
  const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id, worktree: { enabled: worktree } })
  const h = createHandlers(c, { mode: 'server', version: 'test', dataDir: c.dataDir })
  const dir = c.lanes.cwdOf(lane.id)
  return { c, h, lane, dir, base }
}

/** The changes an agent typically leaves: edits in two places, a deletion, a rename, new files, a binary. */
function agentWork(dir: string) {
  writeFileSync(path.join(dir, 'a.txt'), lines(20, { 2: 'LINE TWO', 18: 'LINE EIGHTEEN' }))
  rmSync(path.join(dir, 'b.txt'))
  gitIn(dir, 'mv', 'd.txt', 'e.txt')
  writeFiles(dir, { 'src/new.ts': 'export const x = 1\nexport const y = 2\n', 'staged.txt': 'staged\n', 'debug.log': 'ignored\n' })
  gitIn(dir, 'add', 'staged.txt')
  writeFileSync(path.join(dir, 'img.bin'), Buffer.from([0, 9, 9, 0]))
}

describe('review of a lane’s changes (real git)', () => {
  it('lists every change against the base: edits, deletions, renames, staged and untracked files, binaries', async () => {
    const { h, lane, dir, base } = await setup()
    agentWork(dir)
    writeFiles(dir, { 'committed.txt': 'on the lane branch\n' }) // committed work counts too
    gitIn(dir, 'add', 'committed.txt')
    gitIn(dir, 'commit', '-q', '-m', 'agent commit', '--', 'committed.txt')
    const { base: shownBase, files } = await h['review.diff']({ laneId: lane.id })
    expect(shownBase).toBe(base)
    const by = Object.fromEntries(files.map((f) => [f.path, f]))
    expect(files.map((f) => f.path)).toEqual(['a.txt', 'b.txt', 'committed.txt', 'e.txt', 'img.bin', 'src/new.ts', 'staged.txt'])
    expect(by['a.txt']).toMatchObject({ status: 'modified', additions: 2, deletions: 2, binary: false })
    expect(splitHunks(by['a.txt'].diff).hunks).toHaveLength(2)
    expect(by['b.txt']).toMatchObject({ status: 'deleted', deletions: 1 })
    expect(by['e.txt']).toMatchObject({ status: 'renamed', oldPath: 'd.txt', additions: 0, deletions: 0 })
    expect(by['img.bin']).toMatchObject({ status: 'modified', binary: true })
    expect(by['src/new.ts']).toMatchObject({ status: 'untracked', additions: 2, deletions: 0 })
    expect(by['src/new.ts'].diff).toContain('+export const y = 2')
    expect(by['staged.txt']).toMatchObject({ status: 'added', additions: 1 })
    expect(by['committed.txt']).toMatchObject({ status: 'added' })
    // The same counts as git's own (tracked files).
    const numstat = gitIn(dir, 'diff', '-M', '--numstat', base).split('\n')
    expect(numstat).toContain('2\t2\ta.txt')
    expect(numstat).toContain('-\t-\timg.bin')
    // And git's own patch for an edited file.
    expect(by['a.txt'].diff).toBe(gitIn(dir, 'diff', base, '--', 'a.txt') + '\n')
  })

  it('discards one hunk: only that part goes back to the base', async () => {
    const { h, lane, dir, base } = await setup()
    agentWork(dir)
    await h['review.discard']({ laneId: lane.id, path: 'a.txt', hunk: 0 })
    expect(readFileSync(path.join(dir, 'a.txt'), 'utf8')).toBe(lines(20, { 18: 'LINE EIGHTEEN' }))
    const left = gitIn(dir, 'diff', base, '--', 'a.txt')
    expect(left).toContain('+LINE EIGHTEEN')
    expect(left).not.toContain('LINE TWO')
    await expect(h['review.discard']({ laneId: lane.id, path: 'a.txt', hunk: 1 })).rejects.toMatchObject({ code: 'not_found' })
    await expect(h['review.discard']({ laneId: lane.id, path: 'img.bin', hunk: 0 })).rejects.toMatchObject({ code: 'invalid_input', message: 'img.bin is a binary file; discard the whole file' })
    await h['review.discard']({ laneId: lane.id, path: 'a.txt', hunk: 0 })
    expect(gitIn(dir, 'diff', base, '--', 'a.txt')).toBe('')
  })

  it('discards whole files: edits, deletions, renames, new and untracked files all go back to the base', async () => {
    const { h, lane, dir, base } = await setup()
    agentWork(dir)
    const { files } = await h['review.diff']({ laneId: lane.id })
    for (const f of files) await h['review.discard']({ laneId: lane.id, path: f.path })
    expect(gitIn(dir, 'status', '--porcelain')).toBe('')
    expect(gitIn(dir, 'diff', base)).toBe('')
    expect(readFileSync(path.join(dir, 'd.txt'), 'utf8')).toBe('to be renamed\nwith two lines\n')
    expect(existsSync(path.join(dir, 'e.txt'))).toBe(false)
    expect(existsSync(path.join(dir, 'src/new.ts'))).toBe(false)
    expect(readFileSync(path.join(dir, 'debug.log'), 'utf8')).toBe('ignored\n') // ignored files are not the lane's changes
    expect((await h['review.diff']({ laneId: lane.id })).files).toEqual([])
    await expect(h['review.discard']({ laneId: lane.id, path: 'keep.txt' })).rejects.toMatchObject({ code: 'not_found' })
    await expect(h['review.discard']({ laneId: lane.id, path: '../outside.txt' })).rejects.toMatchObject({ code: 'invalid_input' })
  })

  it('commits everything in the lane’s worktree with the message; the user’s checkout is untouched', async () => {
    const { c, h, lane, dir, base } = await setup()
    agentWork(dir)
    const { commit } = await h['review.commit']({ laneId: lane.id, message: 'Agent work\n\nWith a body.' })
    expect(gitIn(dir, 'rev-parse', 'HEAD')).toBe(commit)
    expect(gitIn(dir, 'log', '-1', '--format=%B').trim()).toBe('Agent work\n\nWith a body.')
    expect(gitIn(dir, 'rev-parse', 'HEAD~1')).toBe(base)
    expect(gitIn(dir, 'status', '--porcelain')).toBe('')
    expect(gitIn(dir, 'show', '--name-status', '--format=', 'HEAD').split('\n').sort()).toEqual(
      ['A\tsrc/new.ts', 'A\tstaged.txt', 'D\tb.txt', 'M\ta.txt', 'M\timg.bin', 'R100\td.txt\te.txt'].sort(),
    )
    expect(gitIn(dir, 'branch', '--show-current')).toBe(lane.worktree!.branch)
    expect(gitIn(c.folder, 'rev-parse', 'main')).toBe(base)
    // The review still shows the branch's work against its base, now committed.
    expect((await h['review.diff']({ laneId: lane.id })).files.map((f) => f.path)).toContain('src/new.ts')
    await expect(h['review.commit']({ laneId: lane.id, message: 'again' })).rejects.toMatchObject({ code: 'conflict', message: 'Nothing to commit' })
  })

  it('a lane without a worktree is reviewed against HEAD of the workspace', async () => {
    const { h, lane, dir, c } = await setup(false)
    expect(dir).toBe(c.folder)
    writeFileSync(path.join(dir, 'keep.txt'), 'changed\n')
    renameSync(path.join(dir, 'b.txt'), path.join(dir, 'moved.txt'))
    const diff = await h['review.diff']({ laneId: lane.id })
    expect(diff.base).toBe('HEAD')
    expect(diff.files.map((f) => [f.path, f.status])).toEqual([
      ['b.txt', 'deleted'],
      ['keep.txt', 'modified'],
      ['moved.txt', 'untracked'],
    ])
  })

  it('a workspace that is a folder inside a repository: the lane works in that folder of its worktree, the review covers it alone', async () => {
    core = testCore()
    const c = core
    const base = initRepo(c.folder, { 'root.txt': 'root\n', 'packages/app/x.txt': 'x\n', 'packages/app/sub/y.txt': 'y\n' })
    const ws = c.workspaces.add(path.join(c.folder, 'packages/app'))
    const lane = await c.lanes.create({ workspaceId: ws.id, profileId: c.profile().id, worktree: { enabled: true } })
    const dir = c.lanes.cwdOf(lane.id)
    expect(dir).toBe(path.join(c.dataDir, 'worktrees', path.relative(path.join(c.dataDir, 'worktrees'), lane.worktree!.path)))
    expect(path.basename(path.dirname(dir))).toBe('packages')
    expect(readFileSync(path.join(dir, 'x.txt'), 'utf8')).toBe('x\n')
    const top = path.dirname(path.dirname(dir))
    writeFileSync(path.join(dir, 'x.txt'), 'x changed\n')
    writeFileSync(path.join(dir, 'sub/z.txt'), 'new\n')
    writeFileSync(path.join(top, 'root.txt'), 'changed outside the workspace folder\n')
    const h = createHandlers(c, { mode: 'server', version: 'test', dataDir: c.dataDir })
    expect((await h['review.diff']({ laneId: lane.id })).files.map((f) => [f.path, f.status])).toEqual([
      ['sub/z.txt', 'untracked'],
      ['x.txt', 'modified'],
    ])
    await h['review.discard']({ laneId: lane.id, path: 'x.txt', hunk: 0 })
    expect(readFileSync(path.join(dir, 'x.txt'), 'utf8')).toBe('x\n')
    await h['review.commit']({ laneId: lane.id, message: 'z' })
    expect(gitIn(dir, 'show', '--name-only', '--format=', 'HEAD')).toBe('packages/app/sub/z.txt')
    expect(gitIn(top, 'status', '--porcelain')).toBe(' M root.txt')
    expect(gitIn(top, 'rev-parse', 'HEAD~1')).toBe(base)
    await c.lanes.remove(lane.id, { worktree: 'delete', deleteBranch: true })
    expect(existsSync(top)).toBe(false)
    expect(gitIn(c.folder, 'worktree', 'list').split('\n')).toHaveLength(1)
  })

  it('review comments reach the agent as its next prompt, with file and line references and the quoted lines', async () => {
    const { c, h, lane, dir } = await setup()
    agentWork(dir)
    const events: LaneEvent[] = []
    c.lanes.onEvent((e) => e.laneId === lane.id && events.push(e))
    await h['review.comment']({
      laneId: lane.id,
      comments: [
        { path: 'a.txt', startLine: 2, endLine: 2, side: 'new', quote: 'LINE TWO', text: 'Why upper case?' },
        { path: 'src/new.ts', startLine: 1, endLine: 2, side: 'new', quote: 'export const x = 1\nexport const y = 2', text: 'Merge these into one export.' },
        { path: 'b.txt', startLine: 1, endLine: 1, side: 'old', text: 'Keep this file.' },
      ],
    })
    const echoed = await waitFor('the agent’s reply', () => events.find((e): e is Extract<LaneEvent, { type: 'text.delta' }> => e.type === 'text.delta' && e.text.startsWith('echo: ')))
    for (const part of ['a.txt:2', 'LINE TWO', 'Why upper case?', 'src/new.ts:1-2', 'export const y = 2', 'Merge these into one export.', 'b.txt:1 (lines of the base version', 'Keep this file.']) {
      expect(echoed.text).toContain(part)
    }
    const { events: history } = await c.lanes.transcript(lane.id)
    expect(history.find((e) => e.type === 'input')).toMatchObject({ text: expect.stringContaining('src/new.ts:1-2') })
  })
})

describe('review drafts: comments written but not sent yet', () => {
  const routerOf = (c: TestCore) => new Router(createHandlers(c, { mode: 'server', version: 'test', dataDir: c.dataDir }), createStreamSources(c))
  const draft = (n: number) => ({ path: 'src/a.ts', startLine: n, endLine: n + 2, side: 'new' as const, quote: `line ${n}`, text: `comment ${n}` })

  it('come back from a new core on the same data dir (an app restart), per lane; removing a lane deletes its drafts', async () => {
    const first = testCore()
    let second: TestCore | undefined
    try {
      const profile = first.profile()
      const kept = await first.lanes.create({ workspaceId: first.workspace.id, profileId: profile.id })
      const removed = await first.lanes.create({ workspaceId: first.workspace.id, profileId: profile.id })
      const before = routerOf(first)
      expect(await before.call('review.drafts', { laneId: kept.id })).toEqual({ ok: true, value: { comments: [] } })
      const oldSide = { path: 'b.txt', startLine: 1, endLine: 1, side: 'old' as const, text: 'keep this file' }
      expect(await before.call('review.saveDrafts', { laneId: kept.id, comments: [draft(2), oldSide] })).toEqual({ ok: true, value: { ok: true } })
      await before.call('review.saveDrafts', { laneId: removed.id, comments: [draft(7)] })
      await first.lanes.stopAll()

      second = testCore({ dataDir: first.dataDir })
      const after = routerOf(second)
      expect(await after.call('review.drafts', { laneId: kept.id })).toEqual({ ok: true, value: { comments: [draft(2), oldSide] } })
      expect(await after.call('review.drafts', { laneId: removed.id })).toEqual({ ok: true, value: { comments: [draft(7)] } })

      expect(await after.call('lanes.remove', { laneId: removed.id })).toMatchObject({ ok: true })
      expect(await after.call('review.drafts', { laneId: removed.id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
      // Gone from the file too, not only hidden behind the missing lane; the other lane's stay.
      expect(Object.keys(fileStore(second.dataDir).get('reviewDrafts') as object)).toEqual([kept.id])

      // Saving an empty list (all sent or removed) leaves nothing behind.
      await after.call('review.saveDrafts', { laneId: kept.id, comments: [] })
      expect(await after.call('review.drafts', { laneId: kept.id })).toEqual({ ok: true, value: { comments: [] } })
      expect(fileStore(second.dataDir).get('reviewDrafts')).toEqual({})
    } finally {
      await second?.close()
      await first.close()
    }
  })

  it('refuses an unknown lane, too many comments or a malformed one with a structured error, and keeps what was saved', async () => {
    core = testCore()
    const c = core
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id })
    const router = routerOf(c)
    await router.call('review.saveDrafts', { laneId: lane.id, comments: [draft(1)] })

    expect(await router.call('review.saveDrafts', { laneId: 'no-such-lane', comments: [draft(1)] })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(await router.call('review.drafts', { laneId: 'no-such-lane' })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const tooMany = Array.from({ length: 101 }, (_, i) => draft(i + 1))
    expect(await router.call('review.saveDrafts', { laneId: lane.id, comments: tooMany })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(await router.call('review.saveDrafts', { laneId: lane.id, comments: [{ ...draft(1), startLine: 0 }] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(await router.call('review.saveDrafts', { laneId: lane.id, comments: [{ ...draft(1), text: '' }] })).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(await router.call('review.drafts', { laneId: lane.id })).toEqual({ ok: true, value: { comments: [draft(1)] } })
    // The bound itself is fine.
    expect(await router.call('review.saveDrafts', { laneId: lane.id, comments: tooMany.slice(0, 100) })).toMatchObject({ ok: true })
  })
})

describe('review helpers (pure)', () => {
  it('writes the review prompt with path:line references, fenced quotes and the comments', () => {
    const text = reviewPrompt([{ path: 'x.md', startLine: 5, endLine: 3, side: 'new', quote: 'has ``` fences', text: ' Fix it ' }])
    expect(text).toBe('Review comment on your changes:\n\nx.md:3-5\n````\nhas ``` fences\n````\nFix it\n\nPlease address it.')
  })

  it('reads numstat records with renames, binaries and the patch after them', () => {
    const out = '1\t2\ta.txt\0-\t-\tb.bin\0' + '0\t0\t\0old name.txt\0new name.txt\0' + '\0diff --git a/a.txt b/a.txt\n'
    const { entries, patch } = parseNumstatPatch(out)
    expect(entries).toEqual([
      { additions: 1, deletions: 2, binary: false, path: 'a.txt' },
      { additions: 0, deletions: 0, binary: true, path: 'b.bin' },
      { additions: 0, deletions: 0, binary: false, path: 'new name.txt', oldPath: 'old name.txt' },
    ])
    expect(patch).toBe('diff --git a/a.txt b/a.txt\n')
  })
})
