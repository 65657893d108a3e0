/**
 * Switchyard's MCP server in each agent's own terms. Everything here is per lane and goes on the
 * command line or into the session, never into the profile's config dir, which its lanes share.
 * pi has no MCP client, so a pi profile that opts in gets no tools (the profile editor says so).
 */
import type * as acp from '@agentclientprotocol/sdk/unstable'
import type { McpServerSpec } from './types'

/*
 * Opting a profile in is the user's approval of these tools: the agents are told not to ask per call
 * (the lane token's scope is what limits them).
 */

/** Claude Code: `--mcp-config <json>` (added to the user's own servers, not replacing them), its tools allowed. */
export function claudeMcpArgs(mcp: McpServerSpec | undefined): string[] {
  if (!mcp) return []
  return [
    '--mcp-config',
    JSON.stringify({ mcpServers: { [mcp.name]: { type: 'stdio', command: mcp.command, args: mcp.args, env: mcp.env } } }),
    '--allowedTools',
    `mcp__${mcp.name}`,
  ]
}

/** A TOML value for codex's `-c key=value`: JSON strings and arrays of strings are valid TOML. */
const tomlTable = (env: Record<string, string>) => `{${Object.entries(env).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}}`

/** Codex: `-c mcp_servers.<name>.…` overrides of `config.toml`, for this process only. */
export function codexMcpArgs(mcp: McpServerSpec | undefined): string[] {
  if (!mcp) return []
  const key = `mcp_servers.${mcp.name}`
  return [
    ...['-c', `${key}.command=${JSON.stringify(mcp.command)}`],
    ...['-c', `${key}.args=${JSON.stringify(mcp.args)}`],
    ...['-c', `${key}.env=${tomlTable(mcp.env)}`],
    ...['-c', `${key}.default_tools_approval_mode="approve"`],
  ]
}

/** ACP: the `mcpServers` of `session/new`, `session/load` and `session/resume`. */
export function acpMcpServers(mcp: McpServerSpec | undefined): acp.McpServer[] {
  if (!mcp) return []
  return [{ name: mcp.name, command: mcp.command, args: mcp.args, env: Object.entries(mcp.env).map(([name, value]) => ({ name, value })) }]
}
