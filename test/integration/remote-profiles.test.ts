/**
 * Per-host profiles and the folder browser against a real OpenSSH server on 127.0.0.1: a profile's
 * import and login on a host act on that host's profile dir; its secrets reach only the host's lanes
 * of that profile (not its other lanes, not this machine's); `fs.listDirs` browses the remote user's
 * folders with the remote user's rights.
 */
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/main/core/core'
import { fileStore } from '../../src/main/core/store'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import type { Host, Lane, Profile, Workspace } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir, waitFor } from '../support/core'
import { serverBuilt } from '../support/server-process'
import { sshdMissing, startSshd, type TestSshd } from '../support/sshd'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const skip = sshdMissing() ?? (serverBuilt() ? null : 'out/main/server.js is missing: run `npx electron-vite build` first')
if (skip) console.warn(`remote-profiles.test.ts skipped: ${skip}`)

describe.skipIf(skip !== null)('profiles and folders on a host over real ssh', () => {
  let sshd: TestSshd
  let core: Core
  let router: Router
  let dataDir: string
  let host: Host
  let ws: Workspace
  const events: LaneEvent[] = []

  async function call<T = unknown>(method: string, input?: unknown): Promise<T> {
    const r = await router.call(method, input)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.value as T
  }
  const remote = <T = any>(method: string, input?: unknown) => call<T>('hosts.call', { hostId: host.id, method, input })
  const ssh = (command: string) => execFileSync('ssh', ['-F', sshd.configFile, sshd.hosts.ok, command], { encoding: 'utf8' })
  const output = (laneId: string) => events.filter((e) => e.laneId === laneId && e.type === 'terminal.output').map((e) => (e.type === 'terminal.output' ? e.data : '')).join('')

  beforeAll(async () => {
    sshd = await startSshd()
    // A fake `codex` on the host's PATH: its "login" writes where CODEX_HOME points and shows a hash of the key it was given.
    const codex = path.join(sshd.dir, 'bin', 'codex')
    writeFileSync(codex, '#!/bin/sh\nprintf login > "$CODEX_HOME/auth.json"\necho "login-home=$CODEX_HOME"\nprintf %s "$OPENAI_API_KEY" | sha256sum\nsleep 60\n')
    chmodSync(codex, 0o755)
    dataDir = tempDir('switchyard-remote-profiles-')
    core = createCore({ dataDir, store: fileStore(dataDir), appRoot: ROOT, sshConfigFile: sshd.configFile, reaperIntervalMs: 0 })
    router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir }), createStreamSources(core))
    host = await call<Host>('hosts.add', { destination: sshd.hosts.ok })
    await call('hosts.install', { hostId: host.id })
    // This machine's no-client setting goes to the host on connect.
    core.settings.update({ noClientReapAfterHours: 3 })
    expect((await call<Host>('hosts.connect', { hostId: host.id })).status).toBe('connected')
    ssh('mkdir -p proj && cd proj && git init -q')
    ws = await remote<Workspace>('workspaces.add', { path: path.join(sshd.home, 'proj') })
    router.subscribe('hosts.events', { hostId: host.id, stream: 'lanes.events' }, (e) => events.push(e as LaneEvent))
  }, 240_000)

  afterAll(async () => {
    await core?.close()
    await sshd?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  it("gives the host this machine's no-client reaping setting on connect", async () => {
    expect((await remote<{ noClientReapAfterHours: number }>('settings.get')).noClientReapAfterHours).toBe(3)
  })

  it('browses the remote home, marks git repositories, and says a folder it may not read is refused', async () => {
    const home = await remote<{ path: string; home: string; entries: { name: string; git: boolean }[] }>('fs.listDirs', {})
    expect(home.path).toBe(sshd.home)
    expect(home.entries).toContainEqual({ name: 'proj', git: true, link: false })
    // A root-only folder when we run as root (the remote user is another); else one closed to ourselves.
    const closed = path.join(sshd.dir, 'closed')
    mkdirSync(closed, { mode: 0o700 })
    if (process.getuid?.() !== 0) chmodSync(closed, 0o000)
    const err = await remote('fs.listDirs', { path: closed }).catch((e: Error & { code?: string }) => e)
    expect(err).toMatchObject({ code: 'refused', message: `Permission denied: you may not read ${closed}` })
    const relative = await remote('fs.listDirs', { path: 'proj' }).catch((e: Error & { code?: string }) => e)
    expect(relative).toMatchObject({ code: 'invalid_input' })
    chmodSync(closed, 0o700)
  }, 60_000)

  it("imports the host's global config into the host's profile dir, not this machine's", async () => {
    const profile = await remote<Profile>('profiles.create', { kind: 'codex', name: 'Codex there' })
    expect(profile.configDir.startsWith(`${sshd.home}/.switchyard/data/`)).toBe(true)
    ssh('mkdir -p .codex && printf remote-auth > .codex/auth.json')
    const imported = await remote<{ copied: string[] }>('profiles.importGlobal', { profileId: profile.id })
    // Copied from the remote user's home, where the host's core runs.
    expect(imported.copied).toEqual([path.join(sshd.home, '.codex/auth.json')])
    expect(ssh(`cat ${JSON.stringify(path.join(profile.configDir, 'auth.json'))}`)).toBe('remote-auth')
    // Nothing of it here: this machine's data dir holds no profile dir by that path, nor the file.
    expect(existsSync(path.join(dataDir, path.relative(path.join(sshd.home, '.switchyard/data'), profile.configDir)))).toBe(false)
  }, 60_000)

  it("runs the login on the host in the profile's dir there, with the profile's secret; the host's other lanes and this machine's get none", async () => {
    // The host's login shell PATH (Debian's /etc/profile) lacks the test's bin folder: the profile adds it.
    const PATH = `${path.join(sshd.dir, 'bin')}:/usr/bin:/bin`
    const codex = await remote<Profile>('profiles.create', { kind: 'codex', name: 'Codex login', env: { PATH } })
    const secret = `key-${process.pid}-${Date.now()}`
    await remote('secrets.set', { profileId: codex.id, name: 'OPENAI_API_KEY', value: secret })
    const login = await remote<Lane>('profiles.login', { profileId: codex.id, workspaceId: ws.id })
    const digest = createHash('sha256').update(secret).digest('hex')
    await waitFor('the login ran there', () => output(login.id).includes(digest), 30_000).catch(async (e: Error) => {
      throw new Error(`${e.message}: ${JSON.stringify(await remote('lanes.transcript', { laneId: login.id }))}`)
    })
    expect(output(login.id)).toContain(`login-home=${codex.configDir}`)
    expect(ssh(`cat ${JSON.stringify(path.join(codex.configDir, 'auth.json'))}`)).toBe('login')

    // The host's shell lane (another profile) does not get the key.
    const shell = (await remote<Profile[]>('profiles.list')).find((p) => p.kind === 'terminal')!
    const term = await remote<Lane>('lanes.create', { workspaceId: ws.id, profileId: shell.id, worktree: { enabled: false } })
    await remote('lanes.send', { laneId: term.id, input: 'echo "key:[${OPENAI_API_KEY:-none}]"\r' })
    await waitFor('the shell answered', () => output(term.id).includes('key:[none]'), 30_000)

    // Nor does a lane on this machine, and the secret is kept here only (never on the host's disk).
    const localFolder = tempDir('switchyard-remote-profiles-local-')
    execFileSync('git', ['init', '-q', localFolder])
    const localWs = core.workspaces.add(localFolder)
    const localShell = core.profiles.create({ kind: 'terminal', name: 'local sh', command: '/bin/sh', args: [], env: {}, idleTimeoutMs: 0 })
    const localLane = await core.lanes.create({ workspaceId: localWs.id, profileId: localShell.id, worktree: { enabled: false } })
    const localOut: string[] = []
    core.lanes.onEvent((e) => e.laneId === localLane.id && e.type === 'terminal.output' && localOut.push(e.data))
    await core.lanes.send(localLane.id, 'echo "key:[${OPENAI_API_KEY:-none}]"\r')
    await waitFor('the local shell answered', () => localOut.join('').includes('key:[none]'), 30_000)
    expect(ssh(`grep -rl ${secret} .switchyard || true`).trim()).toBe('')
    expect(readFileSync(path.join(dataDir, 'secrets.json'), 'utf8')).toContain(secret)
    await remote('lanes.stop', { laneId: login.id })
    await remote('lanes.stop', { laneId: term.id })
    await core.lanes.stop(localLane.id)
  }, 90_000)
})
