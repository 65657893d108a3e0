import { chmodSync, existsSync, lstatSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { CheckpointService } from '../../src/main/core/lanes/checkpoint-service'
import { REF_ROOT } from '../../src/main/core/lanes/checkpoints'
import type { LaneEventBody } from '../../src/shared/events'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'
import { gitIn, initRepo, writeFiles } from '../support/git'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A service over one folder (as if one lane worked in it), recording what it emits. */
function service(folder: string, keep = 100) {
  const dataDir = tempDir('switchyard-ckpt-data-')
  dirs.push(dataDir)
  const events: LaneEventBody[] = []
  const svc = new CheckpointService({ dataDir, cwdOf: () => folder, keep: () => keep, emit: (_id, e) => events.push(e), now: Date.now })
  return { svc, events }
}

function repo(files: Record<string, string> = { 'README.md': 'hello\n', 'src/a.ts': 'a1\n', 'src/b.ts': 'b1\n', '.gitignore': 'secret.env\n' }) {
  const dir = tempDir('switchyard-ckpt-repo-')
  dirs.push(dir)
  initRepo(dir, files)
  return dir
}

/** Everything of the user's git state a checkpoint must not touch. */
function userState(dir: string) {
  return {
    head: gitIn(dir, 'rev-parse', 'HEAD'),
    symbolic: gitIn(dir, 'symbolic-ref', 'HEAD'),
    index: readFileSync(path.join(dir, '.git/index')).toString('base64'),
    status: gitIn(dir, 'status', '--porcelain=v2'),
    stash: gitIn(dir, 'stash', 'list'),
    branches: gitIn(dir, 'for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads', 'refs/stash', 'refs/tags'),
  }
}

const read = (dir: string, f: string) => readFileSync(path.join(dir, f), 'utf8')
const filesIn = (dir: string, commit: string) => gitIn(dir, 'ls-tree', '-r', '--name-only', commit).split('\n')
const objectCount = (dir: string) =>
  readdirSync(path.join(dir, '.git/objects'))
    .filter((d) => /^[0-9a-f]{2}$/.test(d))
    .reduce((n, d) => n + readdirSync(path.join(dir, '.git/objects', d)).length, 0)

describe('checkpoints (real git)', () => {
  it('captures tracked changes and untracked files but not ignored ones, leaving index, HEAD, stash and branches as they were', async () => {
    const dir = repo()
    writeFiles(dir, { 'stashed.txt': 'x\n' })
    gitIn(dir, 'add', 'stashed.txt')
    gitIn(dir, 'stash', 'push', '-q', '-m', 'users stash')
    writeFiles(dir, { 'src/a.ts': 'a2 staged\n' })
    gitIn(dir, 'add', 'src/a.ts')
    writeFiles(dir, { 'src/a.ts': 'a3 unstaged\n', 'new.txt': 'untracked\n', 'secret.env': 'TOKEN=1\n' })
    rmSync(path.join(dir, 'src/b.ts'))
    const before = userState(dir)
    const { svc, events } = service(dir)

    const c = (await svc.capture('lane1', 'start'))!
    expect(userState(dir)).toEqual(before)
    const files = filesIn(dir, c.commit)
    expect(files).toContain('new.txt')
    expect(files).not.toContain('secret.env')
    expect(files).not.toContain('src/b.ts')
    expect(gitIn(dir, 'show', `${c.commit}:src/a.ts`)).toBe('a3 unstaged')
    expect(gitIn(dir, 'rev-parse', `${REF_ROOT}/lane1/1`)).toBe(c.commit)
    expect(events).toMatchObject([{ type: 'checkpoint', n: 1, turn: 1, phase: 'start', commit: c.commit, changed: true }])

    // Restoring is as careful: the index, HEAD, stash and branches stay.
    writeFiles(dir, { 'src/a.ts': 'a4\n' })
    const beforeRestore = { ...userState(dir), status: undefined }
    await svc.restore('lane1', 1)
    expect({ ...userState(dir), status: undefined }).toEqual(beforeRestore)
    expect(read(dir, 'src/a.ts')).toBe('a3 unstaged\n')
  })

  it('sees a change git would call racily clean (same size, same second as the index): the scratch index keeps the index mtime', async () => {
    const dir = repo()
    gitIn(dir, 'config', 'core.trustctime', 'false')
    const T = 1_700_000_000
    const file = path.join(dir, 'src/a.ts')
    utimesSync(file, T, T)
    gitIn(dir, 'update-index', '--refresh')
    // The index written in the same second as the file: git must look at its content.
    writeFileSync(file, 'a9\n') // same size as a1
    utimesSync(file, T, T)
    utimesSync(path.join(dir, '.git/index'), T, T)
    const { svc } = service(dir)
    const c = (await svc.capture('lane1', 'end'))!
    expect(gitIn(dir, 'show', `${c.commit}:src/a.ts`)).toBe('a9')
    expect(gitIn(dir, 'status', '--porcelain')).toBe(' M src/a.ts') // as git itself sees it
  })

  it('writes nothing new when the files did not change', async () => {
    const dir = repo()
    writeFiles(dir, { 'new.txt': 'n\n' })
    const { svc } = service(dir)
    const first = (await svc.capture('lane1', 'start'))!
    const objects = objectCount(dir)
    const second = (await svc.capture('lane1', 'end'))!
    expect(second).toMatchObject({ n: 2, commit: first.commit, changed: false })
    expect(objectCount(dir)).toBe(objects)
  })

  it('restores the whole folder (new files go, deleted ones come back), one file, and one folder; a restore is undone by its own checkpoint', async () => {
    const dir = repo()
    const { svc } = service(dir)
    const one = (await svc.capture('lane1', 'end'))!
    writeFiles(dir, { 'src/a.ts': 'a2\n', 'src/b.ts': 'b2\n', 'README.md': 'changed\n', 'added.txt': 'new\n' })
    rmSync(path.join(dir, 'src/b.ts'))
    const two = (await svc.capture('lane1', 'end'))!

    // Preview: what going back to `one` changes.
    const preview = await svc.diff('lane1', one.n)
    expect(preview.map((f) => `${f.status} ${f.path}`).sort()).toEqual(['added src/b.ts', 'deleted added.txt', 'modified README.md', 'modified src/a.ts'])
    expect(read(dir, 'src/a.ts')).toBe('a2\n') // a preview changes nothing

    // One file.
    const file = await svc.restore('lane1', one.n, 'src/a.ts')
    expect(file.files).toEqual(['src/a.ts'])
    expect(read(dir, 'src/a.ts')).toBe('a1\n')
    expect(read(dir, 'README.md')).toBe('changed\n')

    // One folder: b.ts comes back, README stays.
    await svc.restore('lane1', two.n)
    const folder = await svc.restore('lane1', one.n, 'src')
    expect(folder.files).toEqual(['src/a.ts', 'src/b.ts'])
    expect(read(dir, 'src/b.ts')).toBe('b1\n')
    expect(read(dir, 'README.md')).toBe('changed\n')

    // Whole folder.
    await svc.restore('lane1', two.n)
    const whole = await svc.restore('lane1', one.n)
    expect(existsSync(path.join(dir, 'added.txt'))).toBe(false)
    expect(read(dir, 'README.md')).toBe('hello\n')
    expect(read(dir, 'src/b.ts')).toBe('b1\n')

    // Undo: restoring the checkpoint taken just before brings the files back.
    await svc.restore('lane1', whole.undo.n)
    expect(read(dir, 'added.txt')).toBe('new\n')
    expect(read(dir, 'README.md')).toBe('changed\n')
    expect(existsSync(path.join(dir, 'src/b.ts'))).toBe(false)
  })

  it('leaves untracked files over the size bound out, names them in the checkpoint, and a restore does not delete them', async () => {
    const dir = repo()
    const dataDir = tempDir('switchyard-ckpt-data-')
    dirs.push(dataDir)
    const svc = new CheckpointService({ dataDir, cwdOf: () => dir, keep: () => 100, emit: () => {}, now: Date.now, maxUntrackedBytes: 1000 })
    const before = (await svc.capture('lane1', 'end'))!
    const big = 'x'.repeat(5000)
    writeFiles(dir, { 'big.bin': big, 'data/[x] *.bin': big, 'small.txt': 's\n', 'src/a.ts': 'x'.repeat(2000) })
    const after = (await svc.capture('lane1', 'end'))!
    expect(after.skipped).toEqual(['big.bin', 'data/[x] *.bin'])
    // The tree has the small untracked file and the big tracked change, not the big untracked ones.
    expect(gitIn(dir, 'ls-tree', '-r', '--name-only', after.commit).split('\n').sort()).toEqual(['.gitignore', 'README.md', 'small.txt', 'src/a.ts', 'src/b.ts'])
    expect(gitIn(dir, 'log', '-1', '--format=%B', after.commit)).toContain('Not saved (untracked, over 1000 bytes):\n  big.bin\n  data/[x] *.bin')
    const blob = gitIn(dir, 'hash-object', 'big.bin').trim()
    expect(() => gitIn(dir, 'cat-file', '-e', blob)).toThrow()
    expect((await svc.list('lane1')).at(-1)).toMatchObject({ n: after.n, skipped: ['big.bin', 'data/[x] *.bin'] })

    const restored = await svc.restore('lane1', before.n)
    expect(restored.files).toEqual(['small.txt', 'src/a.ts'])
    expect(read(dir, 'big.bin')).toBe(big)
    expect(read(dir, 'data/[x] *.bin')).toBe(big)
    expect(read(dir, 'src/a.ts')).toBe('a1\n')
  })

  it('keeps a file mode and refuses paths outside the folder', async () => {
    const dir = repo()
    writeFiles(dir, { 'run.sh': '#!/bin/sh\necho hi\n' })
    gitIn(dir, 'update-index', '--add', '--chmod=+x', 'run.sh')
    chmodSync(path.join(dir, 'run.sh'), 0o755)
    const { svc } = service(dir)
    const c = (await svc.capture('lane1', 'end'))!
    rmSync(path.join(dir, 'run.sh'))
    await svc.restore('lane1', c.n)
    expect(statSync(path.join(dir, 'run.sh')).mode & 0o111).not.toBe(0)
    await expect(svc.restore('lane1', c.n, '../outside')).rejects.toThrow(/inside the lane's folder/)
  })

  it('keeps the last N, and forgets every ref when the lane goes', async () => {
    const dir = repo()
    const { svc } = service(dir, 3)
    for (let i = 0; i < 5; i++) {
      writeFiles(dir, { 'f.txt': `${i}\n` })
      await svc.capture('lane1', 'end')
    }
    expect((await svc.list('lane1')).map((c) => c.n)).toEqual([3, 4, 5])
    expect(gitIn(dir, 'for-each-ref', '--format=%(refname)', `${REF_ROOT}/lane1/`).split('\n')).toEqual([3, 4, 5].map((n) => `${REF_ROOT}/lane1/${n}`))
    await svc.forget('lane1')
    expect(gitIn(dir, 'for-each-ref', `${REF_ROOT}/`)).toBe('')
    expect(await svc.list('lane1')).toEqual([])
  })

  it('restores across a file turned folder and back, and never follows a folder swapped for a symlink out of the repository', async () => {
    const dir = repo()
    const { svc } = service(dir)
    const before = (await svc.capture('lane1', 'end'))!
    // src/ became a file, a new folder appeared where a file was.
    rmSync(path.join(dir, 'src'), { recursive: true })
    writeFiles(dir, { src: 'now a file\n' })
    rmSync(path.join(dir, 'README.md'))
    writeFiles(dir, { 'README.md/inside.txt': 'x\n' })
    const after = (await svc.capture('lane1', 'end'))!
    await svc.restore('lane1', before.n)
    expect(read(dir, 'src/a.ts')).toBe('a1\n')
    expect(read(dir, 'README.md')).toBe('hello\n')
    await svc.restore('lane1', after.n)
    expect(read(dir, 'src')).toBe('now a file\n')
    expect(read(dir, 'README.md/inside.txt')).toBe('x\n')

    // The agent replaced src/ with a link to a folder outside; restoring must not delete through it.
    await svc.restore('lane1', before.n)
    const outside = tempDir('switchyard-ckpt-outside-')
    dirs.push(outside)
    writeFiles(outside, { 'a.ts': 'precious\n', 'b.ts': 'precious\n' })
    rmSync(path.join(dir, 'src'), { recursive: true })
    symlinkSync(outside, path.join(dir, 'src'))
    await svc.restore('lane1', before.n)
    expect(read(outside, 'a.ts')).toBe('precious\n')
    expect(read(outside, 'b.ts')).toBe('precious\n')
    expect(lstatSync(path.join(dir, 'src')).isDirectory()).toBe(true)
    expect(read(dir, 'src/a.ts')).toBe('a1\n')
  })

  it('survives git gc --prune=now: a checkpoint of an untracked file restores it afterwards', async () => {
    const dir = repo()
    writeFiles(dir, { 'only-here.txt': 'only in the checkpoint\n' })
    const { svc } = service(dir)
    const c = (await svc.capture('lane1', 'end'))!
    rmSync(path.join(dir, 'only-here.txt'))
    gitIn(dir, 'gc', '-q', '--prune=now')
    await svc.restore('lane1', c.n)
    expect(read(dir, 'only-here.txt')).toBe('only in the checkpoint\n')
  })

  it('works in a repository without commits and in a subfolder lane (restores stay inside the subfolder)', async () => {
    const empty = tempDir('switchyard-ckpt-empty-')
    dirs.push(empty)
    initRepo(empty, null)
    writeFiles(empty, { 'x.txt': '1\n' })
    const a = service(empty)
    const c = (await a.svc.capture('lane1', 'end'))!
    writeFiles(empty, { 'x.txt': '2\n' })
    await a.svc.restore('lane1', c.n)
    expect(read(empty, 'x.txt')).toBe('1\n')

    const dir = repo()
    const sub = path.join(dir, 'src')
    const b = service(sub)
    const s = (await b.svc.capture('lane1', 'end'))!
    writeFiles(dir, { 'src/a.ts': 'changed\n', 'README.md': 'outside\n' })
    const restored = await b.svc.restore('lane1', s.n)
    expect(restored.files).toEqual(['a.ts'])
    expect(read(dir, 'src/a.ts')).toBe('a1\n')
    expect(read(dir, 'README.md')).toBe('outside\n')
  })

  it('does nothing in a folder that is not a repository', async () => {
    const dir = tempDir('switchyard-ckpt-plain-')
    dirs.push(dir)
    writeFileSync(path.join(dir, 'f'), 'x')
    const { svc, events } = service(dir)
    expect(await svc.capture('lane1', 'start')).toBeUndefined()
    expect(events).toEqual([])
  })
})

describe('checkpoints on a lane (fake structured agent)', () => {
  let core: TestCore
  afterEach(async () => core?.close())

  it('saves the files at each turn start and end, restores turn 1, and tells the agent in its next prompt; removing the lane drops its refs', async () => {
    core = testCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter('terminal') } })
    initRepo(core.folder, { 'a.txt': 'zero\n' })
    const profile = core.profiles.create({ kind: 'terminal', name: 'fake', idleTimeoutMs: 0 })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, worktree: { enabled: false } })
    const events: LaneEventBody[] = []
    core.lanes.onEvent((e) => events.push(e))
    const checkpoints = () => events.filter((e) => e.type === 'checkpoint')

    await core.lanes.send(lane.id, 'write a.txt one')
    await waitFor('turn 1 end checkpoint', () => checkpoints().length === 2)
    await core.lanes.send(lane.id, 'write a.txt two\nwrite b.txt new')
    await waitFor('turn 2 end checkpoint', () => checkpoints().length === 4)
    expect(checkpoints()).toMatchObject([
      { n: 1, turn: 1, phase: 'start' },
      { n: 2, turn: 1, phase: 'end', changed: true },
      { n: 3, turn: 2, phase: 'start', changed: false },
      { n: 4, turn: 2, phase: 'end', changed: true },
    ])
    expect(read(core.folder, 'a.txt')).toBe('two\n')

    const result = await core.lanes.restoreCheckpoint(lane.id, 2, { conversation: true })
    expect(result).toMatchObject({ undo: 5, conversation: 'noted' }) // this fake agent cannot rewind
    expect(result.files).toEqual(['a.txt', 'b.txt'])
    expect(read(core.folder, 'a.txt')).toBe('one\n')
    expect(existsSync(path.join(core.folder, 'b.txt'))).toBe(false)

    events.length = 0
    await core.lanes.send(lane.id, 'what now')
    const echo = await waitFor('the echo', () => events.find((e) => e.type === 'text.delta'))
    expect(echo).toMatchObject({ text: expect.stringContaining('the user restored the files to how they were at the end of turn 1') })
    expect((echo as { text: string }).text).toMatch(/what now$/)
    // Said once: the prompt after that goes as typed.
    await waitFor('turn end', () => events.some((e) => e.type === 'checkpoint' && e.phase === 'end'))
    events.length = 0
    await core.lanes.send(lane.id, 'again')
    expect(await waitFor('second echo', () => events.find((e) => e.type === 'text.delta'))).toMatchObject({ text: 'echo: again' })

    await core.lanes.remove(lane.id)
    expect(gitIn(core.folder, 'for-each-ref', `${REF_ROOT}/`)).toBe('')
  })

  it('keeps as many as the setting says, and refuses to restore while a turn runs', async () => {
    core = testCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter('terminal') } })
    initRepo(core.folder, { 'a.txt': 'zero\n' })
    core.settings.update({ checkpointsKeep: 3 })
    const profile = core.profiles.create({ kind: 'terminal', name: 'fake', idleTimeoutMs: 0 })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, worktree: { enabled: false } })
    const ends: LaneEventBody[] = []
    core.lanes.onEvent((e) => e.type === 'checkpoint' && e.phase === 'end' && ends.push(e))
    for (let i = 1; i <= 3; i++) {
      await core.lanes.send(lane.id, `write a.txt v${i}`)
      await waitFor(`turn ${i} end`, () => ends.length === i)
    }
    expect((await core.lanes.checkpoints.list(lane.id)).map((c) => c.n)).toEqual([4, 5, 6])
    expect(gitIn(core.folder, 'for-each-ref', '--format=%(refname)', `${REF_ROOT}/${lane.id}/`).split('\n')).toHaveLength(3)

    await core.lanes.send(lane.id, 'hang') // a turn that never ends
    await waitFor('busy', () => core.lanes.get(lane.id).status === 'busy')
    await expect(core.lanes.restoreCheckpoint(lane.id, 4)).rejects.toThrow(/is in a turn/)
    expect(read(core.folder, 'a.txt')).toBe('v3\n')
  })
})
