/**
 * `switchyard mcp`: an MCP server on stdio for agents. Each tool call goes to the running app or server
 * through the local endpoint; with `--lane-token-file` (how Switchyard configures its own lanes) the
 * connection is scoped to that lane's workspace and creation cap.
 */
import { readFileSync } from 'node:fs'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { z } from 'zod'
import { version } from '../../../package.json'
import type { RpcError } from '../../shared/contract'
import { AppError } from '../core/errors'
import { SCOPE_METHOD } from '../rpc/local-access'
import { connectLocalEndpoint } from '../rpc/local-endpoint'
import type { StreamClient } from '../rpc/stream-transport'
import type { CliIo } from './main'
import { resolveDataDir } from './main'
import { MCP_TOOLS, toolInputSchema } from './mcp-tools'
import { parseArgs } from './schema-args'
import { waitForTurn, WaitError } from './wait'

const text = (s: string, isError = false): CallToolResult => ({ content: [{ type: 'text', text: s }], ...(isError ? { isError: true } : {}) })
const failed = (e: RpcError) => text(`${e.code}: ${e.message}`, true)

export async function runMcpServer(argv: string[], io: CliIo): Promise<number> {
  const tokenFileAt = argv.indexOf('--lane-token-file')
  const tokenFile = tokenFileAt >= 0 ? argv[tokenFileAt + 1] : undefined
  const { globals } = parseArgs(argv.filter((_, i) => i !== tokenFileAt && i !== tokenFileAt + 1), undefined)
  const dataDir = resolveDataDir(globals.dataDir, io.env)

  let client: StreamClient | undefined
  /** One connection, made on first use and again after it drops; scoped before any call when there is a token. */
  const connect = async (): Promise<StreamClient> => {
    if (client) return client
    const c = await connectLocalEndpoint(dataDir)
    if (tokenFile) {
      const scoped = await c.call(SCOPE_METHOD, { token: readFileSync(tokenFile, 'utf8').trim() })
      if (!scoped.ok) {
        c.close()
        throw new AppError(scoped.error.code, scoped.error.message)
      }
    }
    c.onClose = () => (client = undefined)
    return (client = c)
  }

  const server = new Server({ name: 'switchyard', version }, { capabilities: { tools: {} } })
  server.setRequestHandler(ListToolsRequestSchema, () => ({
    tools: MCP_TOOLS.map((t) => ({ name: t.name, description: t.description, inputSchema: toolInputSchema(t) })),
  }))
  server.setRequestHandler(CallToolRequestSchema, async (req): Promise<CallToolResult> => {
    const tool = MCP_TOOLS.find((t) => t.name === req.params.name)
    if (!tool) return text(`No tool ${req.params.name}`, true)
    const args = req.params.arguments ?? {}
    const parsed = tool.input.safeParse(Object.keys(args).length === 0 && tool.input.safeParse(undefined).success ? undefined : args)
    if (!parsed.success) return text(`invalid_input: ${z.prettifyError(parsed.error)}`, true)
    try {
      const c = await connect()
      if (tool.method === 'wait') {
        const { laneId, timeoutSeconds } = parsed.data as { laneId: string; timeoutSeconds?: number }
        const done = await waitForTurn(c, laneId, (timeoutSeconds ?? 1800) * 1000)
        return text(done.outcome === 'completed' ? done.message : `Turn ${done.outcome}: ${done.message}`, done.outcome !== 'completed')
      }
      const result = await c.call(tool.method, parsed.data)
      return result.ok ? text(JSON.stringify(result.value, null, 2)) : failed(result.error)
    } catch (err) {
      if (err instanceof WaitError) return failed(err.error)
      if (err instanceof AppError) return failed({ code: err.code, message: err.message })
      return text(err instanceof Error ? err.message : String(err), true)
    }
  })
  const transport = new StdioServerTransport()
  // The agent ends us by closing our stdin.
  const closed = new Promise<void>((resolve) => {
    server.onclose = resolve
    process.stdin.once('end', resolve)
  })
  await server.connect(transport)
  io.stderr(`switchyard mcp: serving ${MCP_TOOLS.length} tools for ${dataDir}${tokenFile ? ' (scoped to a lane)' : ''}\n`)
  await Promise.race([closed, io.interrupted])
  client?.close()
  return 0
}
