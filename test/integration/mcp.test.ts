/**
 * `switchyard mcp` as a real process (the official MCP client over stdio) against a real core behind the
 * local endpoint: a lane whose profile may drive other lanes creates a child lane running a fake pi,
 * sends it work, waits and reads its answer; the scope (workspace, cap, no profiles/secrets) holds.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acpAdapter } from '../../src/main/core/agents/acp'
import { piAdapter } from '../../src/main/core/agents/pi'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { localServeOptions } from '../../src/main/rpc/local-access'
import { startLocalEndpoint, type LocalEndpoint } from '../../src/main/rpc/local-endpoint'
import { Router } from '../../src/main/rpc/router'
import { cliBundle } from '../support/cli-bundle'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

const FAKE_PI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/pi-rpc.mjs')
const FAKE_ACP = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/acp-agent.mjs')

let core: TestCore
let endpoint: LocalEndpoint
let cli: string
const clients: Client[] = []

beforeAll(async () => {
  cli = await cliBundle()
  core = testCore({
    adapters: { ...defaultAdapters(), pi: piAdapter({ graceMs: 300 }), acp: acpAdapter({ graceMs: 500 }) },
    cliLauncher: { command: process.execPath, args: [cli] },
  })
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  endpoint = await startLocalEndpoint({ dataDir: core.dataDir, mode: 'server', serve: localServeOptions(router, core, core.laneTokens) })
}, 60_000)
afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined)
  await endpoint?.close()
  await core?.close()
})

function piProfile(name: string, drive?: { maxChildLanes?: number }) {
  return core.profiles.create({ kind: 'pi', name, command: process.execPath, args: [FAKE_PI], idleTimeoutMs: 0, ...(drive ? { mayDriveLanes: true, ...drive } : {}) })
}

/** The MCP server exactly as a lane's agent would start it (the launch spec's command). */
async function mcpFor(laneId: string) {
  const spec = await (core.lanes as unknown as { launcher: { spec(r: unknown, resume?: string): Promise<{ mcp?: { command: string; args: string[]; env: Record<string, string> } }> } }).launcher.spec(core.lanes.get(laneId).record)
  if (!spec.mcp) return undefined
  const client = new Client({ name: 'test-agent', version: '1' })
  await client.connect(new StdioClientTransport({ command: spec.mcp.command, args: spec.mcp.args, env: { ...spec.mcp.env, PATH: process.env.PATH ?? '' }, stderr: 'ignore' }))
  clients.push(client)
  return client
}

const textOf = (r: unknown) => ((r as { content: Array<{ text: string }> }).content[0]?.text ?? '')

describe('switchyard mcp', () => {
  it('a lane that may drive lanes creates a child with a prompt, waits, and gets its answer; the child records its parent', async () => {
    const parentProfile = piProfile('planner', { maxChildLanes: 2 })
    const worker = piProfile('worker')
    const parent = await core.lanes.create({ workspaceId: core.workspace.id, profileId: parentProfile.id })
    const mcp = (await mcpFor(parent.id))!
    const tools = (await mcp.listTools()).tools.map((t) => t.name)
    expect(tools).toEqual(expect.arrayContaining(['create_lane', 'send_to_lane', 'wait_for_lane', 'read_transcript', 'lane_diff', 'list_lanes', 'stop_lane', 'archive_lane']))
    const createSchema = (await mcp.listTools()).tools.find((t) => t.name === 'create_lane')!.inputSchema
    expect(createSchema.required).toEqual(['workspaceId', 'profileId'])
    expect(Object.keys(createSchema.properties ?? {})).not.toContain('background')

    const created = await mcp.callTool({ name: 'create_lane', arguments: { workspaceId: core.workspace.id, profileId: worker.id, title: 'child', prompt: 'child task' } })
    expect(created.isError).toBeFalsy()
    const child = JSON.parse(textOf(created))
    expect(textOf(await mcp.callTool({ name: 'wait_for_lane', arguments: { laneId: child.id, timeoutSeconds: 30 } }))).toBe('echo: child task')
    await mcp.callTool({ name: 'send_to_lane', arguments: { laneId: child.id, input: 'and more' } })
    expect(textOf(await mcp.callTool({ name: 'wait_for_lane', arguments: { laneId: child.id } }))).toBe('echo: and more')

    expect(core.lanes.get(child.id).record.parentLaneId).toBe(parent.id)
    const page = await core.lanes.transcript(parent.id)
    expect(page.events.find((e) => e.type === 'lane.child')).toMatchObject({ childLaneId: child.id, title: 'child' })
  }, 60_000)

  it('enforces the creation cap, the workspace and the method subset', async () => {
    const capped = piProfile('capped', { maxChildLanes: 1 })
    const worker = piProfile('worker 2')
    const parent = await core.lanes.create({ workspaceId: core.workspace.id, profileId: capped.id })
    const mcp = (await mcpFor(parent.id))!
    const make = () => mcp.callTool({ name: 'create_lane', arguments: { workspaceId: core.workspace.id, profileId: worker.id, worktree: { enabled: false } } })
    // Two at once: the cap still holds.
    const [a, b] = await Promise.all([make(), make()])
    expect([a.isError ?? false, b.isError ?? false].sort()).toEqual([false, true])
    expect(textOf(a.isError ? a : b)).toMatch(/^limit_reached: This lane may create 1 lanes/)

    const other = core.workspaces.add(tempDir('switchyard-other-ws-'))
    const elsewhere = await mcp.callTool({ name: 'create_lane', arguments: { workspaceId: other.id, profileId: worker.id } })
    expect(textOf(elsewhere)).toMatch(/^refused: A lane may only create lanes in its own workspace/)
    const outsider = await core.lanes.create({ workspaceId: other.id, profileId: worker.id })
    expect(textOf(await mcp.callTool({ name: 'send_to_lane', arguments: { laneId: outsider.id, input: 'hi' } }))).toMatch(/^refused: That lane is in another workspace/)
    expect(textOf(await mcp.callTool({ name: 'send_to_lane', arguments: { laneId: parent.id, input: 'me' } }))).toMatch(/^refused/)
    const lanes = JSON.parse(textOf(await mcp.callTool({ name: 'list_lanes', arguments: {} })))
    expect(lanes.every((l: { workspaceId: string }) => l.workspaceId === core.workspace.id)).toBe(true)
    const profiles = JSON.parse(textOf(await mcp.callTool({ name: 'list_profiles', arguments: {} })))
    expect(Object.keys(profiles[0]).sort()).toEqual(['id', 'kind', 'name'])
    // Bad input comes back with zod's words.
    expect(textOf(await mcp.callTool({ name: 'send_to_lane', arguments: { laneId: 'x y', input: 'hi' } }))).toContain('letters, digits, _ and - only')
  }, 60_000)

  it('a lane whose profile has not opted in gets no MCP server; a forged or revoked token is refused', async () => {
    const plain = piProfile('plain')
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: plain.id })
    expect(await mcpFor(lane.id)).toBeUndefined()

    // Its token (if someone minted one) is no good: the profile has not opted in.
    const file = core.laneTokens.fileFor(lane.id)
    const client = new Client({ name: 'forger', version: '1' })
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [cli, 'mcp', '--data-dir', core.dataDir, '--lane-token-file', file], stderr: 'ignore' }))
    clients.push(client)
    expect(textOf(await client.callTool({ name: 'list_lanes', arguments: {} }))).toMatch(/^refused: Profile plain may not drive other lanes/)
    const { writeFileSync } = await import('node:fs')
    writeFileSync(file, 'not-a-token')
    expect(textOf(await client.callTool({ name: 'list_lanes', arguments: {} }))).toMatch(/^refused: Not a valid lane token/)
  }, 60_000)

  it('an ACP agent gets the server in session/new mcpServers only when its profile opted in', async () => {
    const acpProfile = (name: string, drive: boolean) =>
      core.profiles.create({ kind: 'acp', name, command: process.execPath, args: [FAKE_ACP, '--acp'], env: { FAKE_ACP_HOME: tempDir('switchyard-acp-home-') }, idleTimeoutMs: 0, mayDriveLanes: drive })
    const ask = async (profileId: string) => {
      const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId, worktree: { enabled: false } })
      const after = (await core.lanes.transcript(lane.id)).next
      await core.lanes.send(lane.id, 'MCP')
      return waitFor('MCP answer', async () => {
        const page = await core.lanes.transcript(lane.id, after)
        const msg = page.events.find((e) => e.type === 'message' && e.role === 'assistant')
        return msg?.type === 'message' ? msg.text : undefined
      }, 20_000)
    }
    const opted = await ask(acpProfile('acp planner', true).id)
    expect(opted).toMatch(new RegExp(`^MCP: switchyard:${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} ${cli.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} mcp --data-dir \\S+ --lane-token-file \\S+\\.token$`))
    expect(await ask(acpProfile('acp plain', false).id)).toBe('MCP: ')
  }, 60_000)
})
