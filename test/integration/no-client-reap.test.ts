/**
 * A host's core left with no client (`--stdio` relays all gone) for `noClientReapAfterHours` puts its
 * idle lanes to sleep, lets a running turn finish, and then exits. Through the real `server.js --stdio`
 * path, with the period set to 1.5 s.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { Duplex } from 'node:stream'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { ENDPOINT_FILE } from '../../src/main/rpc/local-endpoint'
import { StreamClient } from '../../src/main/rpc/stream-transport'
import type { Lane, Profile } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir, waitFor } from '../support/core'
import { alive } from '../support/pids'
import { SERVER_JS, serverBuilt } from '../support/server-process'

const FAKE_ACP = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/acp-agent.mjs')
const skip = serverBuilt() ? null : `${SERVER_JS} is missing: run \`npx electron-vite build\` first`
if (skip) console.warn(`no-client-reap.test.ts skipped: ${skip}`)

/** A client as a desktop is one over ssh: `server.js --stdio`, which starts the data dir's headless core if none runs. */
function stdioClient(dataDir: string): { proc: ChildProcess; client: StreamClient; call: <T = any>(m: string, i?: unknown) => Promise<T> } {
  const proc = spawn(process.execPath, [SERVER_JS, '--stdio', '--data-dir', dataDir], { stdio: ['pipe', 'pipe', 'ignore'] })
  const client = new StreamClient(Duplex.from({ readable: proc.stdout!, writable: proc.stdin! }))
  const call = async <T,>(method: string, input?: unknown): Promise<T> => {
    const r = await client.call(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`)
    return r.value as T
  }
  return { proc, client, call }
}

describe.skipIf(skip !== null)('a host core with no client', () => {
  const dataDir = tempDir('switchyard-noclient-')
  const corePid = () => (JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as { pid: number }).pid
  let pids: number[] = []

  afterAll(() => {
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL')
  })

  it('sleeps idle lanes, lets the busy one finish its turn, then exits; a new client finds them asleep', async () => {
    const first = stdioClient(dataDir)
    await first.call('settings.update', { noClientReapAfterHours: 1.5 / 3600 })
    const folder = tempDir('switchyard-noclient-ws-')
    execFileSync('git', ['init', '-q', folder])
    const ws = await first.call('workspaces.add', { path: folder })
    const shell = (await first.call<Profile[]>('profiles.list')).find((p) => p.kind === 'terminal')!
    const term = await first.call<Lane>('lanes.create', { workspaceId: ws.id, profileId: shell.id, worktree: { enabled: false } })
    const acp = await first.call<Profile>('profiles.create', {
      kind: 'acp',
      name: 'slow agent',
      command: process.execPath,
      args: [FAKE_ACP],
      env: { FAKE_ACP_HOME: tempDir('switchyard-noclient-acp-') },
      idleTimeoutMs: 0,
    })
    const agent = await first.call<Lane>('lanes.create', { workspaceId: ws.id, profileId: acp.id, worktree: { enabled: false } })
    await first.call('lanes.send', { laneId: agent.id, input: 'SLOW:60' }) // ~6 s
    const lanes = await first.call<Lane[]>('lanes.list')
    const termPid = lanes.find((l) => l.id === term.id)!.pid!
    const agentPid = lanes.find((l) => l.id === agent.id)!.pid!
    const core = corePid()
    pids = [termPid, agentPid, core]
    expect(lanes.find((l) => l.id === agent.id)!.status).toBe('busy')

    // The client goes (the laptop closed): the relay ends with its stdin.
    const leftAt = Date.now()
    first.proc.stdin!.end()
    await new Promise((r) => first.proc.once('exit', r))

    // Its idle terminal is put to sleep after the period; the agent's turn goes on.
    await waitFor('the idle terminal put to sleep', () => !alive(termPid), 20_000)
    expect(Date.now() - leftAt).toBeGreaterThanOrEqual(1400)
    expect(alive(agentPid)).toBe(true)
    expect(alive(core)).toBe(true)
    // The turn ends, the agent lane is put to sleep, and with nothing running the core exits.
    await waitFor('the agent put to sleep', () => !alive(agentPid), 30_000)
    await waitFor('the core exited', () => !alive(core), 30_000)

    // A new client starts a core again: both lanes asleep, the turn finished, not cut off.
    const second = stdioClient(dataDir)
    // Long enough that it does not reap this client's lanes meanwhile.
    await second.call('settings.update', { noClientReapAfterHours: 8 })
    const core2 = corePid()
    pids.push(core2)
    try {
      const after = await second.call<Lane[]>('lanes.list')
      expect(after.find((l) => l.id === term.id)!.status).toBe('sleeping')
      expect(after.find((l) => l.id === agent.id)!.status).toBe('sleeping')
      const page = await second.call<{ events: LaneEvent[] }>('lanes.transcript', { laneId: agent.id, limit: 10_000 })
      const done = page.events.filter((e) => e.type === 'turn.completed')
      expect(done.map((e) => e.type === 'turn.completed' && e.outcome)).toEqual(['completed'])
      const ticks = page.events.flatMap((e) => (e.type === 'text.delta' ? (e.text.match(/tick \d+/g) ?? []) : []))
      expect(ticks.at(-1)).toBe('tick 60')
    } finally {
      second.proc.stdin!.end()
      process.kill(core2, 'SIGTERM')
      await waitFor('the second core exited', () => !alive(core2), 30_000)
    }
  }, 120_000)
})
