/**
 * `switchyard …`: every contract method and stream as a subcommand, talking to the running app or
 * server through the data dir's local endpoint. Nothing here knows a particular method.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { z } from 'zod'
import { methods, type RpcError } from '../../shared/contract'
import { desktopDataDir, serverDataDir } from '../core/data-dirs'
import { AppError } from '../core/errors'
import { connectLocalEndpoint, ENDPOINT_FILE } from '../rpc/local-endpoint'
import type { StreamClient } from '../rpc/stream-transport'
import { commands, EXIT_CODES, findCommand } from './commands'
import { formatField, formatHuman } from './format'
import { helpFor, parseArgs } from './schema-args'
import { waitForTurn, WaitError } from './wait'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  env: NodeJS.ProcessEnv
  /** Resolves when the user wants a `--follow` to end (Ctrl+C). */
  interrupted: Promise<void>
}

/** `--data-dir`, else $SWITCHYARD_DATA_DIR, else whichever running one of the desktop app's (its $SWITCHYARD_USER_DATA or default) and server mode's default data dirs. */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return path.resolve(flag)
  if (env.SWITCHYARD_DATA_DIR) return path.resolve(env.SWITCHYARD_DATA_DIR)
  const candidates = [...(env.SWITCHYARD_USER_DATA ? [path.resolve(env.SWITCHYARD_USER_DATA)] : []), desktopDataDir(env), serverDataDir(env)]
  return candidates.find((d) => existsSync(path.join(d, ENDPOINT_FILE))) ?? candidates[0]
}

function usage(): string {
  const groups = new Map<string, string[]>()
  for (const c of commands) groups.set(c.words[0], [...(groups.get(c.words[0]) ?? []), c.words[1]])
  const lines = ['Usage: switchyard <group> <command> [args] [--json] [--data-dir DIR]', '', 'Commands (from the contract):']
  for (const [group, actions] of groups) lines.push(`  ${group.padEnd(12)} ${actions.join(', ')}`)
  lines.push(
    '',
    'Also:',
    '  wait <lane-id> [--timeout SEC]   wait for the lane\'s turn to finish; prints its final message',
    '  mcp                              an MCP server on stdio (for agents)',
    '',
    'Exit codes: ' + Object.entries(EXIT_CODES).map(([k, v]) => `${v} ${k}`).join(', '),
    '`switchyard <group> <command> --help` lists a command\'s fields.',
  )
  return lines.join('\n') + '\n'
}

const failure = (io: CliIo, error: RpcError) => {
  io.stderr(`switchyard: ${error.message}\n`)
  return EXIT_CODES[error.code] ?? 1
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [first, second] = argv
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout(usage())
    return first === undefined ? EXIT_CODES.usage : 0
  }
  if (first === 'mcp') {
    const { runMcpServer } = await import('./mcp')
    return runMcpServer(argv.slice(1), io)
  }
  const isWait = first === 'wait'
  const command = isWait ? undefined : findCommand(first, second)
  if (!isWait && !command) {
    io.stderr(`switchyard: no command "${[first, second].filter(Boolean).join(' ')}"\n\n${usage()}`)
    return EXIT_CODES.usage
  }
  const rest = argv.slice(isWait ? 1 : 2)
  const schema = isWait ? (methods['lanes.start'].input as z.ZodType) : command!.input
  const { input, globals, errors } = parseArgs(rest, schema)
  const name = isWait ? 'wait' : command!.words.join(' ')
  if (globals.help) {
    const extra = isWait ? ['  --timeout <seconds>    give up (exit 5) after this long'] : command!.kind === 'stream' ? ['  --follow               keep printing events until Ctrl+C'] : []
    const summary = isWait ? "Waits until the lane's latest turn completes and prints its final message." : command!.kind === 'stream' ? 'Prints events as they happen, one per line.' : undefined
    io.stdout(helpFor(name, schema, summary, extra))
    return 0
  }
  if (errors.length) {
    io.stderr(`switchyard ${name}: ${errors.join('; ')} (see --help)\n`)
    return EXIT_CODES.usage
  }
  // No arguments is no input where the schema allows that (`lanes list`), else an empty object to complain about.
  const wire = Object.keys(input).length === 0 && schema?.safeParse(undefined).success ? undefined : input
  // Validated here too, so a typo is answered without a running app, in the server's own words.
  const parsed = schema?.safeParse(wire)
  if (parsed && !parsed.success) {
    io.stderr(`switchyard ${name}: ${z.prettifyError(parsed.error)}\n`)
    return EXIT_CODES.invalid_input
  }

  let client: StreamClient
  try {
    client = await connectLocalEndpoint(resolveDataDir(globals.dataDir, io.env))
  } catch (err) {
    if (err instanceof AppError) return failure(io, { code: err.code, message: err.message })
    throw err
  }
  try {
    if (isWait) {
      const timeout = globals.timeout === undefined ? undefined : globals.timeout * 1000
      const result = await waitForTurn(client, (input as { laneId: string }).laneId, timeout)
      if (globals.json) io.stdout(JSON.stringify(result) + '\n')
      else io.stdout(result.message.endsWith('\n') ? result.message : result.message + '\n')
      return result.outcome === 'completed' ? 0 : EXIT_CODES.turn_failed
    }
    if (command!.kind === 'stream') {
      const sub = await client.subscribe(command!.name, wire, (event) => io.stdout(JSON.stringify(event) + '\n'))
      if (!sub.ok) return failure(io, sub.error)
      io.stderr(`Following ${command!.name}; Ctrl+C to stop.\n`)
      const closed = new Promise<RpcError>((resolve) => (client.onClose = resolve))
      const ended = await Promise.race([io.interrupted.then(() => undefined), closed])
      sub.value()
      return ended ? failure(io, ended) : 0
    }
    const result = await client.call(command!.name, wire)
    if (!result.ok) return failure(io, result.error)
    io.stdout(
      globals.field !== undefined
        ? formatField(result.value, globals.field)
        : globals.json
          ? JSON.stringify(result.value, null, 2) + '\n'
          : formatHuman(result.value),
    )
    return 0
  } catch (err) {
    if (err instanceof WaitError) return failure(io, err.error)
    throw err
  } finally {
    client.close()
  }
}
