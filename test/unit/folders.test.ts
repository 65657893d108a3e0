import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { folderToList, listDirs, MAX_LISTED_DIRS } from '../../src/main/core/workspaces/folders'
import { tempDirsDeletedAfterAll, testCore } from '../support/core'

const tempDir = tempDirsDeletedAfterAll()

describe('folderToList', () => {
  it('is the home without a path, expands ~, and normalises', () => {
    expect(folderToList(undefined, '/home/u')).toBe('/home/u')
    expect(folderToList('  ', '/home/u')).toBe('/home/u')
    expect(folderToList('~', '/home/u')).toBe('/home/u')
    expect(folderToList('~/code/../src', '/home/u')).toBe('/home/u/src')
    expect(folderToList('/a/b/../c/', '/home/u')).toBe('/a/c')
  })

  it('refuses relative paths and NUL in words', () => {
    expect(() => folderToList('code', '/h')).toThrow('"code" is not an absolute path (start it with / or ~/)')
    expect(() => folderToList('../etc', '/h')).toThrow(/not an absolute path/)
    expect(() => folderToList('~user/x', '/h')).toThrow(/not an absolute path/)
    expect(() => folderToList('/tmp/\0x', '/h')).toThrow('A path cannot contain a NUL character')
  })
})

describe('listDirs', () => {
  it('lists subfolders by name (not files, not hidden ones unless asked), marks git repositories and links', async () => {
    const dir = tempDir('switchyard-folders-')
    for (const d of ['beta', 'alpha', '.hidden', 'repo/.git', 'worktree']) mkdirSync(path.join(dir, d), { recursive: true })
    writeFileSync(path.join(dir, 'worktree/.git'), 'gitdir: /elsewhere\n') // a worktree's .git is a file
    writeFileSync(path.join(dir, 'file.txt'), 'x')
    symlinkSync(path.join(dir, 'alpha'), path.join(dir, 'link'))
    symlinkSync(path.join(dir, 'file.txt'), path.join(dir, 'filelink'))
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'))
    const out = await listDirs({ path: dir }, '/home/u')
    expect(out).toEqual({
      path: dir,
      parent: path.dirname(dir),
      home: '/home/u',
      truncated: false,
      entries: [
        { name: 'alpha', git: false, link: false },
        { name: 'beta', git: false, link: false },
        { name: 'link', git: false, link: true },
        { name: 'repo', git: true, link: false },
        { name: 'worktree', git: true, link: false },
      ],
    })
    expect((await listDirs({ path: dir, hidden: true })).entries.map((e) => e.name)).toContain('.hidden')
  })

  it('starts at the home folder and says the root has no parent', async () => {
    const home = tempDir('switchyard-folders-home-')
    expect((await listDirs({}, home)).path).toBe(home)
    expect((await listDirs({ path: '/' }, home)).parent).toBeNull()
  })

  it(`lists at most ${MAX_LISTED_DIRS} folders and says so`, async () => {
    const dir = tempDir('switchyard-folders-many-')
    for (let i = 0; i < MAX_LISTED_DIRS + 5; i++) mkdirSync(path.join(dir, `d${String(i).padStart(5, '0')}`))
    const out = await listDirs({ path: dir })
    expect(out.entries).toHaveLength(MAX_LISTED_DIRS)
    expect(out.truncated).toBe(true)
    expect(out.entries[0].name).toBe('d00000')
  })

  it('says plainly what is missing, not a folder, or not readable', async () => {
    const dir = tempDir('switchyard-folders-err-')
    writeFileSync(path.join(dir, 'f'), 'x')
    await expect(listDirs({ path: path.join(dir, 'nope') })).rejects.toMatchObject({ code: 'not_found', message: `${path.join(dir, 'nope')} does not exist` })
    await expect(listDirs({ path: path.join(dir, 'f') })).rejects.toMatchObject({ code: 'invalid_input', message: `${path.join(dir, 'f')} is not a folder` })
    if (process.getuid?.() !== 0) {
      // Root reads anything; the sshd test checks this as an unprivileged remote user.
      mkdirSync(path.join(dir, 'closed'), { mode: 0o000 })
      await expect(listDirs({ path: path.join(dir, 'closed') })).rejects.toMatchObject({ code: 'refused', message: `Permission denied: you may not read ${path.join(dir, 'closed')}` })
      chmodSync(path.join(dir, 'closed'), 0o700)
    }
  })
})

describe('fs.listDirs through the contract', () => {
  it('refuses oversized, relative, NUL, unknown-key and prototype-key input with invalid_input', async () => {
    const core = testCore()
    const router = new Router(createHandlers(core, { mode: 'server', version: 't', dataDir: core.dataDir }), createStreamSources(core))
    try {
      for (const input of [
        { path: `/${'a'.repeat(4096)}` },
        { path: 'relative/dir' },
        { path: '/tmp/\0' },
        { path: '/tmp', extra: 1 },
        JSON.parse('{"__proto__": {"path": "/"}}'),
        { path: '__proto__' },
        { hidden: 'yes' },
      ]) {
        const r = await router.call('fs.listDirs', input)
        expect(r.ok, JSON.stringify(input)).toBe(false)
        if (!r.ok) expect(r.error.code).toBe('invalid_input')
      }
      const home = await router.call('fs.listDirs', undefined)
      expect(home.ok && (home.value as { path: string }).path).toBe((await import('node:os')).homedir())
      expect(({} as Record<string, unknown>).path).toBeUndefined()
    } finally {
      await core.close()
    }
  })
})
