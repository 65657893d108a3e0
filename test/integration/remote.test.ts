/**
 * Remote hosts against a real OpenSSH server on 127.0.0.1: add → check → install (this checkout's
 * out/main and production node_modules, as tar over ssh) → workspace → terminal lane → agent lane with
 * an approval → the SSH connection killed mid-turn → the turn completes there → every event once.
 */
import { execFileSync, spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCore, type Core } from '../../src/main/core/core'
import { fileStore } from '../../src/main/core/store'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import type { Host, Lane, Profile, Workspace } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir } from '../support/core'
import { serverBuilt } from '../support/server-process'
import { sshdMissing, startSshd, type TestSshd } from '../support/sshd'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))
const FAKE_ACP = path.join(ROOT, 'test/support/fake-agents/acp-agent.mjs')
const skip = sshdMissing() ?? (serverBuilt() ? null : 'out/main/server.js is missing: run `npx electron-vite build` first')
if (skip) console.warn(`remote.test.ts skipped: ${skip}`)

/** Every file under `dir` whose bytes contain `text`. */
function filesContaining(dir: string, text: string): string[] {
  const found: string[] = []
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    const file = path.join(dir, entry)
    const st = statSync(file, { throwIfNoEntry: false })
    if (st?.isFile() && readFileSync(file).includes(text)) found.push(file)
  }
  return found
}

async function until<T>(what: string, fn: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined && v !== false) return v as T
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

describe.skipIf(skip !== null)('remote hosts over real ssh', () => {
  let sshd: TestSshd
  let core: Core
  let router: Router
  let dataDir: string
  const hostStatus: Host[] = []

  async function call<T = unknown>(method: string, input?: unknown): Promise<T> {
    const r = await router.call(method, input)
    if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code })
    return r.value as T
  }
  const remote = <T = unknown>(hostId: string, method: string, input?: unknown) => call<T>('hosts.call', { hostId, method, input })

  beforeAll(async () => {
    sshd = await startSshd()
    dataDir = tempDir('switchyard-remote-client-')
    core = createCore({ dataDir, store: fileStore(dataDir), appRoot: ROOT, sshConfigFile: sshd.configFile, reaperIntervalMs: 0 })
    ;(core.hosts.opts as { backoff?: unknown }).backoff = { min: 200, max: 1000 }
    router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir }), createStreamSources(core))
    router.subscribe('hosts.status', undefined, (h) => hostStatus.push(h as Host))
  }, 60_000)

  afterAll(async () => {
    await core?.close()
    await sshd?.close()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)

  it('refuses a changed host key in OpenSSH\'s own words', async () => {
    const host = await call<Host>('hosts.add', { destination: sshd.hosts.badKey })
    const err = await call<never>('hosts.check', { hostId: host.id }).catch((e: unknown) => e as Error & { code?: string })
    expect(err.message).toMatch(/REMOTE HOST IDENTIFICATION HAS CHANGED|Host key verification failed/)
    // Connecting says it the same way, once: a changed key is not retried.
    const failed = await call<Host>('hosts.connect', { hostId: host.id })
    expect(failed.status).toBe('failed')
    expect(failed.message).toMatch(/Host key verification failed/)
    const attempts = hostStatus.filter((h) => h.id === host.id && h.status === 'connecting').length
    await new Promise((r) => setTimeout(r, 1500)) // several backoff periods (200 ms here)
    expect(hostStatus.filter((h) => h.id === host.id && h.status === 'connecting').length).toBe(attempts)
    await call('hosts.remove', { hostId: host.id })
  }, 60_000)

  it('tells what is missing on a host without Node', async () => {
    const host = await call<Host>('hosts.add', { destination: sshd.hosts.noNode })
    const check = await call<{ node: { path: string | null }; problems: string[] }>('hosts.check', { hostId: host.id })
    expect(check.node.path).toBeNull()
    expect(check.problems[0]).toMatch(/^Node\.js was not found on sy-nonode: `node` is not on the PATH/)
    const err = await call<never>('hosts.install', { hostId: host.id }).catch((e: unknown) => e as Error & { code?: string })
    expect(err.code).toBe('unsupported')
    expect(err.message).toMatch(/Node\.js was not found/)
    await call('hosts.remove', { hostId: host.id })
  }, 60_000)

  it('adds, checks, installs, runs lanes there, and survives a dropped connection mid-turn', async () => {
    const host = await call<Host>('hosts.add', { destination: sshd.hosts.ok })
    const check = await call<{ node: { ok: boolean }; git: string | null; installed: boolean; problems: string[] }>('hosts.check', { hostId: host.id })
    expect(check.problems).toEqual([])
    expect(check.node.ok).toBe(true)
    expect(check.git).toMatch(/^git version/)
    expect(check.installed).toBe(false)

    // Before the install there is nothing to start there: said once, not retried.
    const early = await call<Host>('hosts.connect', { hostId: host.id })
    expect(early.status).toBe('failed')
    expect(early.message).toMatch(/^Switchyard \S+ is not installed on sy-test: use Install first$/)

    const plan = await call<{ dir: string; paths: string[]; problems: string[] }>('hosts.installPlan', { hostId: host.id })
    expect(plan.dir).toBe(`${sshd.home}/.switchyard/${(await import('../../package.json')).version}`)
    expect(plan.paths).toContain('out/main')
    expect(plan.paths).toContain('node_modules/node-pty')
    await call('hosts.install', { hostId: host.id })
    expect(existsSync(path.join(plan.dir, 'out/main/server.js'))).toBe(true)
    expect((await call<{ installed: boolean }>('hosts.check', { hostId: host.id })).installed).toBe(true)

    expect((await call<Host>('hosts.connect', { hostId: host.id })).status).toBe('connected')
    const info = await remote<{ dataDir: string }>(host.id, 'app.info', {})
    expect(info.dataDir).toBe(`${sshd.home}/.switchyard/data`)

    // A workspace folder on the host, made by the remote user.
    const folder = path.join(sshd.home, 'proj')
    execFileSync('ssh', ['-F', sshd.configFile, sshd.hosts.ok, 'mkdir -p proj && cd proj && git init -q'])
    const ws = await remote<Workspace>(host.id, 'workspaces.add', { path: folder })

    const events: LaneEvent[] = []
    const unsubscribe = router.subscribe('hosts.events', { hostId: host.id, stream: 'lanes.events' }, (e) => events.push(e as LaneEvent))
    expect(unsubscribe.ok).toBe(true)
    const eventsOf = (laneId: string) => events.filter((e) => e.laneId === laneId)

    // Terminal lane: a real pty on the host, as the remote user.
    const shell = (await remote<Profile[]>(host.id, 'profiles.list', {})).find((p) => p.kind === 'terminal')!
    const term = await remote<Lane>(host.id, 'lanes.create', { workspaceId: ws.id, profileId: shell.id, worktree: { enabled: false } })
    await remote(host.id, 'lanes.send', { laneId: term.id, input: 'echo "remote:$(whoami)"\r' })
    await until('terminal output', () =>
      eventsOf(term.id).some((e) => e.type === 'terminal.output' && e.data.includes(`remote:${sshd.user}`)),
    )

    // A secret for the host's shell profile: kept here, given to the host's core in memory, in the lane's env there.
    const secret = `sekrit-${process.pid}-${Date.now()}`
    await remote(host.id, 'secrets.set', { profileId: shell.id, name: 'MY_TOKEN', value: secret })
    expect(await remote(host.id, 'secrets.list', { profileId: shell.id })).toEqual([{ name: 'MY_TOKEN', set: true }])
    const withSecret = await remote<Lane>(host.id, 'lanes.create', { workspaceId: ws.id, profileId: shell.id, worktree: { enabled: false } })
    // Its hash, not the secret, goes through the terminal (whose transcript is on the host's disk).
    await remote(host.id, 'lanes.send', { laneId: withSecret.id, input: 'printf %s "$MY_TOKEN" | sha256sum\r' })
    const digest = createHash('sha256').update(secret).digest('hex')
    await until('secret in the env', () => eventsOf(withSecret.id).some((e) => e.type === 'terminal.output' && e.data.includes(digest)))
    expect(filesContaining(path.join(sshd.home, '.switchyard'), secret)).toEqual([])
    expect(filesContaining(dataDir, secret)).toEqual([path.join(dataDir, 'secrets.json')])
    await remote(host.id, 'lanes.stop', { laneId: withSecret.id })

    // Agent lane: asks before running a tool; the approval crosses ssh both ways.
    const agentProfile = await remote<Profile>(host.id, 'profiles.create', {
      kind: 'acp',
      name: 'fake acp',
      command: sshd.nodePath,
      args: [FAKE_ACP],
      env: { FAKE_ACP_HOME: path.join(sshd.home, 'fake-acp') },
      idleTimeoutMs: 0,
    })
    const agent = await remote<Lane>(host.id, 'lanes.create', { workspaceId: ws.id, profileId: agentProfile.id, worktree: { enabled: false } })
    await remote(host.id, 'lanes.send', { laneId: agent.id, input: 'RUN:make build' })
    const ask = await until('approval', () => eventsOf(agent.id).find((e) => e.type === 'approval.requested'))
    if (ask.type !== 'approval.requested') throw new Error('unreachable')
    await remote(host.id, 'lanes.approve', { laneId: agent.id, requestId: ask.requestId, optionId: ask.options.find((o) => o.kind === 'allow_once')!.id })
    await until('tool done', () => eventsOf(agent.id).some((e) => e.type === 'turn.completed'))
    expect(eventsOf(agent.id).some((e) => e.type === 'tool.completed' && e.status === 'completed')).toBe(true)

    // A slow turn; the SSH connection dies in the middle of it.
    await remote(host.id, 'lanes.send', { laneId: agent.id, input: 'SLOW:30' })
    await until('first tick', () => eventsOf(agent.id).some((e) => e.type === 'text.delta' && e.text.includes('tick 2')))
    const master = spawnSync('ssh', ['-F', sshd.configFile, '-o', `ControlPath=${core.hosts.opts.controlDir}/%C`, '-O', 'exit', sshd.hosts.ok], { encoding: 'utf8' })
    expect(master.status, master.stderr).toBe(0)
    await until('disconnected', () => hostStatus.some((h) => h.id === host.id && h.status === 'disconnected'))
    const ticksBeforeReconnect = eventsOf(agent.id).filter((e) => e.type === 'text.delta').length
    // The turn goes on there, and the reconnect (with backoff) catches the lane up from its transcript.
    await until('reconnected', () => (core.hosts.list().find((h) => h.id === host.id)?.status === 'connected' ? true : undefined), 30_000)
    const turns = await until('turn completed remotely', () => {
      const done = eventsOf(agent.id).filter((e) => e.type === 'turn.completed')
      return done.length >= 2 ? done : undefined
    })
    expect(turns[1].type === 'turn.completed' && turns[1].outcome).toBe('completed')
    expect(eventsOf(agent.id).filter((e) => e.type === 'text.delta').length).toBeGreaterThan(ticksBeforeReconnect)

    // Nothing lost, nothing twice: what we received is exactly the host's transcript.
    for (const lane of [agent.id, term.id]) {
      const transcript = await remote<{ events: LaneEvent[] }>(host.id, 'lanes.transcript', { laneId: lane, limit: 10_000 })
      const got = eventsOf(lane).map((e) => e.seq)
      expect(new Set(got).size).toBe(got.length)
      const first = got[0]
      expect(got).toEqual(transcript.events.map((e) => e.seq).filter((s) => s >= first))
    }
    const ticks = eventsOf(agent.id).flatMap((e) => (e.type === 'text.delta' ? (e.text.match(/tick \d+/g) ?? []) : []))
    expect(ticks).toEqual(Array.from({ length: 30 }, (_, i) => `tick ${i + 1}`))

    // Stop all on host stops both lanes there (the secret's lane was stopped already).
    expect((await call<{ stopped: number }>('hosts.stopAll', { hostId: host.id })).stopped).toBe(2)
    if (unsubscribe.ok) unsubscribe.value()
  }, 240_000)
})
