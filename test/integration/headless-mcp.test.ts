/**
 * A remote host's core (`server.js --headless`, what `--stdio` relays to) lets lanes drive other lanes
 * like server mode: a lane whose profile opted in gets `switchyard mcp` (here a fake ACP agent reports
 * the mcpServers it was given), and the endpoint answers lane tokens. Runs the built server as a real process.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connectLocalEndpoint } from '../../src/main/rpc/local-endpoint'
import type { StreamClient } from '../../src/main/rpc/stream-transport'
import { tempDir, waitFor } from '../support/core'
import { SERVER_JS, serverBuilt } from '../support/server-process'

const FAKE_ACP = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/acp-agent.mjs')
const skip = serverBuilt() ? null : `${SERVER_JS} is missing: run \`npx electron-vite build\` first`
if (skip) console.warn(`headless-mcp.test.ts skipped: ${skip}`)

describe.skipIf(skip !== null)('headless core: MCP launcher and lane tokens', () => {
  let proc: ChildProcess
  let client: StreamClient
  const dataDir = tempDir('switchyard-headless-')
  const call = async <T = any>(method: string, input: unknown): Promise<T> => {
    const r = await client.call(method, input)
    if (!r.ok) throw new Error(`${method}: ${r.error.code}: ${r.error.message}`)
    return r.value as T
  }

  beforeAll(async () => {
    proc = spawn(process.execPath, [SERVER_JS, '--headless', '--data-dir', dataDir], { stdio: ['ignore', 'ignore', 'pipe'] })
    client = await waitFor('the headless core', async () => connectLocalEndpoint(dataDir).catch(() => undefined), 30_000)
  }, 40_000)
  afterAll(async () => {
    if (proc && proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await exited
    }
  })

  it('gives an opted-in ACP lane the switchyard MCP server, and refuses a bad lane token', async () => {
    const folder = tempDir('switchyard-headless-ws-')
    execFileSync('git', ['init', '-q', folder])
    const ws = await call('workspaces.add', { path: folder })
    const profile = await call('profiles.create', {
      kind: 'acp',
      name: 'acp planner',
      command: process.execPath,
      args: [FAKE_ACP, '--acp'],
      env: { FAKE_ACP_HOME: tempDir('switchyard-acp-home-') },
      idleTimeoutMs: 0,
      mayDriveLanes: true,
    })
    const lane = await call('lanes.create', { workspaceId: ws.id, profileId: profile.id, worktree: { enabled: false } })
    await call('lanes.send', { laneId: lane.id, input: 'MCP' })
    const answer = await waitFor('MCP answer', async () => {
      const page = await call('lanes.transcript', { laneId: lane.id })
      const msg = page.events.find((e: { type: string; role?: string }) => e.type === 'message' && e.role === 'assistant')
      return msg?.text as string | undefined
    }, 30_000)
    // The host's own Node on the cli.js beside server.js, scoped by a lane token file.
    expect(answer).toMatch(new RegExp(`^MCP: switchyard:\\S+ ${path.join(path.dirname(SERVER_JS), 'cli.js').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} mcp --data-dir \\S+ --lane-token-file \\S+\\.token$`))
    expect(await client.call('endpoint.scope', { token: 'not-a-token' })).toMatchObject({ ok: false, error: { code: 'refused', message: 'Not a valid lane token' } })
  }, 60_000)
})
