/**
 * The CLI against a real core behind the real local endpoint (a Unix socket in a temp data dir), with a
 * fake `pi --mode rpc` agent: send → wait, validation, not found, follow, and who may connect.
 */
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EXIT_CODES } from '../../src/main/cli/commands'
import { runCli, type CliIo } from '../../src/main/cli/main'
import { piAdapter } from '../../src/main/core/agents/pi'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { endpointPath, startLocalEndpoint, type LocalEndpoint } from '../../src/main/rpc/local-endpoint'
import { Router } from '../../src/main/rpc/router'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

const FAKE_PI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/pi-rpc.mjs')
const isPosix = process.platform !== 'win32'

let core: TestCore
let endpoint: LocalEndpoint
let profileId: string

beforeAll(async () => {
  core = testCore({ adapters: { ...defaultAdapters(), pi: piAdapter({ graceMs: 300 }) } })
  profileId = core.profiles.create({ kind: 'pi', name: 'fake pi', command: process.execPath, args: [FAKE_PI], idleTimeoutMs: 0 }).id
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  endpoint = await startLocalEndpoint({ dataDir: core.dataDir, mode: 'server', serve: () => ({ router: () => router }) })
})
afterAll(async () => {
  await endpoint?.close()
  await core?.close()
})

async function cli(...argv: string[]) {
  let out = ''
  let err = ''
  const io: CliIo = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: {}, interrupted: new Promise(() => {}) }
  const code = await runCli([...argv, '--data-dir', core.dataDir], io)
  return { code, out, err }
}

describe('switchyard CLI over the local endpoint', () => {
  it('lanes create → lanes send → wait prints the final message; lanes list shows the lane', async () => {
    const created = await cli('lanes', 'create', '--workspace', core.workspace.id, '--profile', profileId, '--title', 'cli lane', '--json')
    expect(created).toMatchObject({ code: 0, err: '' })
    const lane = JSON.parse(created.out)
    expect(lane).toMatchObject({ title: 'cli lane', kind: 'pi' })

    expect(await cli('lanes', 'send', lane.id, 'fan out')).toMatchObject({ code: 0, out: 'ok\n' })
    expect(await cli('wait', lane.id, '--timeout', '20')).toEqual({ code: 0, out: 'echo: fan out\n', err: '' })
    // Again: a second send waits for its own turn, not the one before.
    await cli('lanes', 'send', lane.id, 'second')
    expect((await cli('wait', lane.id)).out).toBe('echo: second\n')

    expect((await cli('lanes', 'list', '--field', 'title')).out).toContain('cli lane\n')
    expect((await cli('lanes', 'start', lane.id, '--field', 'id')).out).toBe(`${lane.id}\n`)
    const listed = await cli('lanes', 'list')
    expect(listed.code).toBe(0)
    expect(listed.out).toMatch(new RegExp(`^id\\s.*\\n${lane.id}\\s`, 'm'))
  })

  it('a prompt given at creation is waited for like a send', async () => {
    const lane = JSON.parse((await cli('lanes', 'create', core.workspace.id, profileId, '--prompt', 'at birth', '--json')).out)
    expect((await cli('wait', lane.id, '--json')).out).toBe(JSON.stringify({ done: true, outcome: 'completed', message: 'echo: at birth' }) + '\n')
  })

  it('a failed turn exits turn_failed with what the agent said', async () => {
    const lane = JSON.parse((await cli('lanes', 'create', core.workspace.id, profileId, '--json')).out)
    await cli('lanes', 'send', lane.id, 'error')
    const waited = await cli('wait', lane.id, '--timeout', '20')
    expect(waited.code).toBe(EXIT_CODES.turn_failed)
  })

  it('bad input exits non-zero with the zod message; an unknown lane exits not_found', async () => {
    const missing = await cli('lanes', 'send')
    expect(missing.code).toBe(EXIT_CODES.invalid_input)
    expect(missing.err).toContain('→ at laneId')
    const empty = await cli('lanes', 'send', 'lane_x', '')
    expect(empty.code).toBe(EXIT_CODES.invalid_input)
    expect(empty.err).toContain('Send some input or an attachment')
    const nope = await cli('lanes', 'send', 'no_such_lane', 'hi')
    expect(nope).toMatchObject({ code: EXIT_CODES.not_found, err: 'switchyard: No lane no_such_lane\n' })
    expect((await cli('wait', 'no_such_lane')).code).toBe(EXIT_CODES.not_found)
  })

  it('lanes events --follow prints the lane’s events as JSON lines until interrupted', async () => {
    const lane = JSON.parse((await cli('lanes', 'create', core.workspace.id, profileId, '--json')).out)
    let out = ''
    let err = ''
    let stop!: () => void
    const io: CliIo = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: { SWITCHYARD_DATA_DIR: core.dataDir }, interrupted: new Promise((r) => (stop = r)) }
    const following = runCli(['lanes', 'events', lane.id, '--follow'], io)
    await waitFor('subscribed', () => err.includes('Following lanes.events'))
    expect((await cli('lanes', 'send', lane.id, 'followed')).code).toBe(0)
    await waitFor('turn end', () => out.includes('"turn.completed"'), 20_000)
    stop()
    expect(await following).toBe(0)
    const events = out.trim().split('\n').map((l) => JSON.parse(l))
    expect(events.every((e) => e.laneId === lane.id)).toBe(true)
    expect(events.find((e) => e.type === 'message')).toMatchObject({ text: 'echo: followed' })
  })

  it.runIf(isPosix)('the socket is 0600 in a 0700 folder, endpoint.json is 0600, and a second server on the data dir is refused', async () => {
    expect(statSync(endpoint.path).mode & 0o777).toBe(0o600)
    expect(statSync(path.dirname(endpoint.path)).mode & 0o777).toBe(0o700)
    expect(statSync(core.dataDir).mode & 0o777).toBe(0o700)
    expect(statSync(path.join(core.dataDir, 'endpoint.json')).mode & 0o777).toBe(0o600)
    expect(JSON.parse(readFileSync(path.join(core.dataDir, 'endpoint.json'), 'utf8'))).toMatchObject({ path: endpoint.path, pid: process.pid })
    await expect(startLocalEndpoint({ dataDir: core.dataDir, mode: 'server', serve: () => ({ router: () => undefined as never }) })).rejects.toThrow(/already serves/)
  })

  it.runIf(isPosix)('a stale socket left by a crash is replaced; a data dir with a long path gets its socket in a private temp folder', async () => {
    const dataDir = path.join(tempDir(), 'a'.repeat(90))
    mkdirSync(dataDir)
    const first = await startLocalEndpoint({ dataDir, mode: 'server', serve: () => ({ router: () => undefined as never }) })
    expect(first.path).toBe(endpointPath(dataDir))
    expect(first.path.length).toBeLessThanOrEqual(100)
    expect(statSync(path.dirname(first.path)).mode & 0o777).toBe(0o700)
    // A crash: a process listening on the socket is SIGKILLed, so the socket file stays behind.
    await first.close()
    const crashed = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(first.path)}, () => console.log('L'))`], { stdio: ['ignore', 'pipe', 'inherit'] })
    await new Promise((r) => crashed.stdout.once('data', r))
    crashed.kill('SIGKILL')
    await new Promise((r) => crashed.once('exit', r))
    expect(statSync(first.path).isSocket()).toBe(true)
    const second = await startLocalEndpoint({ dataDir, mode: 'server', serve: () => ({ router: () => undefined as never }) })
    await second.close()
  })
})

// Refusing another user needs a second uid: as root the test drops to `nobody` for the child.
const canSwitchUser = isPosix && process.getuid?.() === 0 && existsSync('/usr/bin/node')
describe.runIf(canSwitchUser)('another user', () => {
  it('is refused at the socket (EACCES), even knowing its path', async () => {
    const probe = `require('net').connect(${JSON.stringify(endpoint.path)}).on('connect', () => { console.log('CONNECTED'); process.exit(0) }).on('error', (e) => { console.log(e.code); process.exit(0) })`
    // Our node lives under /root, which nobody may enter; the system's node is enough for a connect.
    const child = spawn('/usr/bin/node', ['-e', probe], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    await new Promise((r) => child.on('exit', r))
    expect(out.trim()).toBe('EACCES')
    // And the folder, too: even a socket left open by mistake is out of reach.
    expect(statSync(path.dirname(endpoint.path)).mode & 0o077).toBe(0)
  })
})
if (!canSwitchUser) console.log('cli.test: "another user" needs root (and /usr/bin/node) to run a child as nobody; skipped (socket and folder modes are still checked)')
