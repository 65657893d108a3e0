import type { CliIo } from './main'

export async function runMcpServer(_argv: string[], io: CliIo): Promise<number> {
  io.stderr('switchyard mcp: not built yet\n')
  return 8
}
