import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { buildChildEnv, readLoginShellPath, resolveExecutable } from '../../src/main/core/isolation/env'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

describe('child environment', () => {
  it('is built from the allowlist, the profile and its secrets, never a copy of the parent', () => {
    const env = buildChildEnv({
      parent: { HOME: '/home/u', PATH: '/usr/bin', LC_ALL: 'C.UTF-8', AWS_SECRET_ACCESS_KEY: 'x', GITHUB_TOKEN: 'y', NODE_OPTIONS: '--inspect' },
      loginPath: '/opt/bin:/usr/bin',
      kind: { TERM: 'xterm-256color' },
      profile: { FOO: 'bar' },
      secrets: { API_KEY: 's3cret' },
    })
    expect(env).toEqual({
      HOME: '/home/u',
      LC_ALL: 'C.UTF-8',
      PATH: '/opt/bin:/usr/bin',
      TERM: 'xterm-256color',
      FOO: 'bar',
      API_KEY: 's3cret',
    })
  })

  it('keeps a canary secret of the parent out of the lane process, as seen from inside it', async () => {
    process.env.SWITCHYARD_CANARY_TOKEN = 'canary-7f3a9c'
    process.env.OPENAI_API_KEY = 'canary-openai'
    try {
      let grantedId = ''
      core = testCore({ secrets: (id): Record<string, string> => (id === grantedId ? { GRANTED_SECRET: 'for-this-lane' } : {}) })
      const granted = core.profile({
        command: '/bin/sh',
        args: ['-c', 'env > "$SWITCHYARD_ENV_DUMP"; echo done; sleep 30'],
        env: { SWITCHYARD_ENV_DUMP: path.join(core.folder, 'env.txt'), PROFILE_VAR: 'visible' },
      })
      grantedId = granted.id
      const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: granted.id })
      const dumped = await waitFor('env dump', () => {
        try {
          const text = readFileSync(path.join(core!.folder, 'env.txt'), 'utf8')
          return text.includes('PROFILE_VAR') ? text : undefined
        } catch {
          return undefined
        }
      })
      const vars = Object.fromEntries(dumped.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]))
      expect(dumped).not.toContain('canary-7f3a9c')
      expect(dumped).not.toContain('canary-openai')
      expect(vars.PROFILE_VAR).toBe('visible')
      expect(vars.GRANTED_SECRET).toBe('for-this-lane')
      expect(vars.SWITCHYARD_LANE_ID).toBe(lane.id)
      expect(vars.PATH).toBeTruthy()
      expect(vars.HOME).toBe(process.env.HOME)
    } finally {
      delete process.env.SWITCHYARD_CANARY_TOKEN
      delete process.env.OPENAI_API_KEY
    }
  })

  it('reads PATH from the login shell', async () => {
    const p = await readLoginShellPath('/bin/bash')
    expect(p).toBeTruthy()
    expect(p!.split(':')).toContain('/usr/bin')
  })

  it('gives up on a login shell whose rc files hang, stopping it with SIGTERM first so its exit traps run', async () => {
    const dir = tempDir('switchyard-shell-')
    const shell = path.join(dir, 'stuck-shell')
    // Like an rc file stuck on a lock: it holds something its EXIT trap gives back.
    writeFileSync(shell, `#!/bin/bash\ntouch '${dir}/lock'\ntrap "rm -f '${dir}/lock'" EXIT\nsleep 30 & wait\n`, { mode: 0o755 })
    try {
      const started = Date.now()
      expect(await readLoginShellPath(shell, 300)).toBeUndefined()
      expect(Date.now() - started).toBeLessThan(5000)
      await waitFor('the trap released the lock', () => !existsSync(path.join(dir, 'lock')))
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('resolves commands on PATH and refuses missing ones', () => {
    expect(resolveExecutable('sh', '/nonexistent:/bin:/usr/bin')).toMatch(/\/sh$/)
    expect(resolveExecutable('definitely-not-a-command-xyz', '/bin:/usr/bin')).toBeUndefined()
  })
})

describe('profiles', () => {
  it('each get a private config dir, mode 0700, under the data dir', () => {
    core = testCore()
    const p = core.profile()
    expect(p.configDir.startsWith(core.dataDir)).toBe(true)
    expect(statSync(p.configDir).mode & 0o777).toBe(0o700)
    const builtIn = core.profiles.get('shell')
    expect(statSync(builtIn.configDir).mode & 0o777).toBe(0o700)
  })

  it('update changes only what the patch names', () => {
    core = testCore()
    const p = core.profile({ env: { A: '1' }, idleTimeoutMs: 5000 })
    const updated = core.profiles.update(p.id, { name: 'renamed' })
    expect(updated).toMatchObject({ name: 'renamed', env: { A: '1' }, idleTimeoutMs: 5000, command: '/bin/bash' })
  })
})
