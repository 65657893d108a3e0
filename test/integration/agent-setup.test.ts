import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { detectAgents, parseVersion, PRESETS } from '../../src/main/core/agents/registry'
import { importFiles } from '../../src/main/core/isolation/profile-dir'
import { createHandlers } from '../../src/main/rpc/handlers'
import { tempDir, testCore, waitForOutput, type TestCore } from '../support/core'

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
  vi.restoreAllMocks()
})

/** A folder with a fake `name` executable that prints its args, CODEX_HOME and a version. */
function fakeBin(name: string, script: string): string {
  const dir = tempDir('switchyard-bin-')
  const file = path.join(dir, name)
  writeFileSync(file, `#!/bin/sh\n${script}\n`)
  chmodSync(file, 0o755)
  return dir
}

describe('agent presets', () => {
  it('give each built-in agent profile, with its private dir variable', () => {
    core = testCore()
    for (const preset of PRESETS) {
      const p = core.profiles.get(preset.id)
      expect(p).toMatchObject({ kind: preset.kind, preset: preset.id, builtIn: true })
      expect(Object.values(preset.configEnv(p.configDir))).toContain(p.configDir)
    }
  })

  it('detection finds installed agents with their versions and says how to install the rest', async () => {
    const bin = fakeBin('codex', 'echo "codex-cli 9.8.7"')
    const found = await detectAgents(`${bin}:/usr/bin:/bin`, { HOME: os.homedir() })
    expect(found.find((a) => a.profileId === 'codex')).toMatchObject({ installed: true, version: '9.8.7', path: path.join(bin, 'codex') })
    expect(found.find((a) => a.profileId === 'claude')).toMatchObject({
      installed: false,
      install: 'npm install -g @anthropic-ai/claude-code',
      secrets: ['ANTHROPIC_API_KEY'],
    })
    expect(parseVersion('2.1.329 (Claude Code)')).toBe('2.1.329')
    expect(parseVersion('no digits')).toBeUndefined()
  })

  it('log in opens a terminal lane running the agent login with the profile env and private dir', async () => {
    const bin = fakeBin('codex', 'echo "login args: $*"; echo "home: $CODEX_HOME"; echo "key: $PROFILE_KEY"; sleep 30')
    core = testCore({ loginPath: async () => `${bin}:/usr/bin:/bin` })
    core.profiles.update('codex', { env: { PROFILE_KEY: 'from-profile' } })
    const lane = await core.lanes.createLogin('codex', core.workspace.id)
    expect(lane).toMatchObject({ kind: 'terminal', purpose: 'login', title: 'Log in: Codex', status: 'ready' })
    const out = await waitForOutput(core, lane.id, /key: from-profile/)
    expect(out).toContain('login args: login')
    expect(out).toContain(`home: ${core.profiles.get('codex').configDir}`)
    // A login lane is never reaped mid-login.
    expect(await core.lanes.reapIdle(Date.now() + 365 * 24 * 3600_000)).toEqual([])
  })

  it('a custom ACP profile has no login to run', async () => {
    core = testCore()
    const p = core.profiles.create({ kind: 'acp', name: 'my agent', command: 'my-acp-agent' })
    await expect(core.lanes.createLogin(p.id, core.workspace.id)).rejects.toMatchObject({ code: 'unsupported' })
  })
})

describe('import from my global config', () => {
  it('copies existing files into the private dir (0600), lists missing ones, never writes the global ones', () => {
    const home = tempDir('switchyard-home-')
    const target = tempDir('switchyard-private-')
    mkdirSync(path.join(home, '.codex'))
    writeFileSync(path.join(home, '.codex', 'auth.json'), '{"token":"t"}')
    const before = statSync(path.join(home, '.codex', 'auth.json'))
    const codex = PRESETS.find((p) => p.id === 'codex')!
    const result = importFiles(target, codex.globalConfig!(home))
    expect(result.copied).toEqual([path.join(home, '.codex', 'auth.json')])
    expect(result.missing).toEqual([path.join(home, '.codex', 'config.toml')])
    expect(readFileSync(path.join(target, 'auth.json'), 'utf8')).toBe('{"token":"t"}')
    expect(statSync(path.join(target, 'auth.json')).mode & 0o777).toBe(0o600)
    const after = statSync(path.join(home, '.codex', 'auth.json'))
    expect(after.mtimeMs).toBe(before.mtimeMs)
    expect(after.mode).toBe(before.mode)
  })

  it('through the contract: unsupported for a profile without a known global config', async () => {
    core = testCore()
    const handlers = createHandlers(core, { mode: 'server', version: 't', dataDir: core.dataDir })
    const custom = core.profiles.create({ kind: 'acp', name: 'custom', command: 'x' })
    expect(() => handlers['profiles.importGlobal']({ profileId: custom.id })).toThrow(/no known global config/)
  })
})
