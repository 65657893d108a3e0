/** The CLI's command table, derived from the contract: one subcommand per method and per stream. */
import type { z } from 'zod'
import { methods, streams, type ErrorCode } from '../../shared/contract'
import { kebab } from './schema-args'

export interface Command {
  /** `lanes set-mode` */
  words: [string, string]
  /** `lanes.setMode` */
  name: string
  kind: 'method' | 'stream'
  input: z.ZodType | undefined
}

const wordsOf = (name: string): [string, string] => {
  const [group, action] = name.split('.')
  return [kebab(group), kebab(action)]
}

export const commands: Command[] = [
  ...Object.entries(methods).map(([name, m]) => ({ words: wordsOf(name), name, kind: 'method' as const, input: m.input as z.ZodType })),
  ...Object.entries(streams).map(([name, s]) => ({ words: wordsOf(name), name, kind: 'stream' as const, input: s.input as z.ZodType })),
]

export function findCommand(group: string | undefined, action: string | undefined): Command | undefined {
  return commands.find((c) => c.words[0] === group && c.words[1] === action)
}

/** What the process exits with, so scripts can tell what happened. */
export const EXIT_CODES: Record<ErrorCode | 'usage' | 'turn_failed', number> = {
  internal: 1,
  usage: 2,
  invalid_input: 2,
  unknown_method: 2,
  not_found: 3,
  conflict: 4,
  limit_reached: 5,
  spawn_failed: 6,
  not_running: 7,
  unsupported: 8,
  refused: 9,
  turn_failed: 10,
  disk_error: 11,
}
