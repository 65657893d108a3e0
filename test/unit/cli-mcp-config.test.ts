/** Switchyard's MCP server in each agent's terms, and the scope decisions for a lane token. */
import { describe, expect, it } from 'vitest'
import { acpMcpServers, claudeMcpArgs, codexMcpArgs } from '../../src/main/core/agents/mcp-config'
import { checkScoped, narrowList } from '../../src/main/rpc/lane-scope'
import { MCP_TOOLS, toolInputSchema } from '../../src/main/cli/mcp-tools'
import { methods, type Lane } from '../../src/shared/contract'

const mcp = { name: 'switchyard', command: '/opt/node "x"', args: ['/app/cli.js', 'mcp', '--lane-token-file', '/d/run/tokens/lane_1.token'], env: { ELECTRON_RUN_AS_NODE: '1' } }

describe('agent configuration', () => {
  it('Claude gets one --mcp-config JSON with a stdio server', () => {
    const args = claudeMcpArgs(mcp)
    expect(args[0]).toBe('--mcp-config')
    expect(JSON.parse(args[1])).toEqual({ mcpServers: { switchyard: { type: 'stdio', command: mcp.command, args: mcp.args, env: mcp.env } } })
    expect(args.slice(2)).toEqual(['--allowedTools', 'mcp__switchyard'])
    expect(claudeMcpArgs(undefined)).toEqual([])
  })

  it('Codex gets -c overrides whose values are TOML (quotes escaped), nothing written to the shared config dir', () => {
    expect(codexMcpArgs(mcp)).toEqual([
      '-c',
      'mcp_servers.switchyard.command="/opt/node \\"x\\""',
      '-c',
      'mcp_servers.switchyard.args=["/app/cli.js","mcp","--lane-token-file","/d/run/tokens/lane_1.token"]',
      '-c',
      'mcp_servers.switchyard.env={ELECTRON_RUN_AS_NODE="1"}',
      '-c',
      'mcp_servers.switchyard.default_tools_approval_mode="approve"',
    ])
  })

  it('ACP gets session mcpServers with env as name/value pairs; no token ever appears on a command line', () => {
    expect(acpMcpServers(mcp)).toEqual([{ name: 'switchyard', command: mcp.command, args: mcp.args, env: [{ name: 'ELECTRON_RUN_AS_NODE', value: '1' }] }])
    expect(acpMcpServers(undefined)).toEqual([])
  })
})

describe('lane scope', () => {
  const scope = { laneId: 'p', workspaceId: 'w', maxChildLanes: 2 }
  const lane = (id: string, workspaceId: string, parentLaneId?: string) => ({ id, workspaceId, parentLaneId }) as Lane
  const lanes = [lane('p', 'w'), lane('c1', 'w', 'p'), lane('x', 'other')]

  it('allows the tools’ methods in its own workspace only, never on itself', () => {
    expect(checkScoped('lanes.send', { laneId: 'c1' }, scope, lanes)).toEqual({ ok: true })
    expect(checkScoped('lanes.send', { laneId: 'x' }, scope, lanes)).toMatchObject({ ok: false, error: { code: 'refused' } })
    expect(checkScoped('lanes.send', { laneId: 'p' }, scope, lanes)).toMatchObject({ ok: false, error: { code: 'refused' } })
    expect(checkScoped('lanes.create', { workspaceId: 'other' }, scope, lanes)).toMatchObject({ ok: false, error: { code: 'refused' } })
  })

  it('never reaches profiles, secrets, settings, workspaces or removal', () => {
    for (const m of ['profiles.update', 'profiles.create', 'secrets.set', 'secrets.list', 'settings.update', 'workspaces.add', 'lanes.remove', 'lanes.approve', 'review.commit']) {
      expect(checkScoped(m, {}, scope, lanes)).toMatchObject({ ok: false, error: { code: 'refused' } })
    }
  })

  it('counts the lanes it created against its cap', () => {
    expect(checkScoped('lanes.create', { workspaceId: 'w' }, scope, lanes)).toEqual({ ok: true })
    expect(checkScoped('lanes.create', { workspaceId: 'w' }, scope, [...lanes, lane('c2', 'w', 'p')])).toMatchObject({ ok: false, error: { code: 'limit_reached' } })
  })

  it('narrows lists to its workspace, and profiles to id, name and kind (no env)', () => {
    expect(narrowList('lanes.list', lanes, scope)).toEqual([lanes[0], lanes[1]])
    expect(narrowList('profiles.list', [{ id: 'a', name: 'A', kind: 'pi', env: { KEY: 'v' } }], scope)).toEqual([{ id: 'a', name: 'A', kind: 'pi' }])
  })
})

describe('MCP tools from the contract', () => {
  it('each tool’s input schema is its method’s (an object schema)', () => {
    for (const t of MCP_TOOLS) {
      const schema = toolInputSchema(t)
      expect(schema.type).toBe('object')
      if (t.method !== 'wait' && t.method !== 'lanes.create') expect(t.input).toBe(methods[t.method].input)
    }
    expect(toolInputSchema(MCP_TOOLS.find((t) => t.name === 'send_to_lane')!).required).toEqual(['laneId', 'input'])
  })
})
