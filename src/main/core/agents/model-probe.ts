import type { ModelChoice } from '../../../shared/contract'
import { AgentProcess } from '../transport/agent-process'
import type { ModelProbeSpec } from './types'

/** A model list is a menu, not a catalogue: the rest is typed as a custom id. */
export const MAX_MODELS = 200

/**
 * Runs the agent just long enough to ask it something, then ends its whole tree, whatever happened:
 * `ask` gets the running process and registers where stdout's values go.
 */
export async function askAgentOnce<T>(
  spec: ModelProbeSpec,
  args: string[],
  ask: (proc: AgentProcess) => Promise<T>,
  onValue: (value: unknown) => void,
): Promise<T> {
  const proc = await AgentProcess.spawn({ command: spec.command, args, cwd: spec.cwd, env: spec.env, onValue, onProtocolError: () => undefined })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${spec.command} did not list its models within ${spec.timeoutMs} ms`)), spec.timeoutMs)
  })
  const gone = proc.exited.then((info) => Promise.reject(new Error(`${spec.command} exited (${info.signal ?? `code ${info.exitCode}`}) before listing its models: ${proc.lastLines().slice(-3).join(' ')}`)))
  try {
    return await Promise.race([ask(proc), timedOut, gone])
  } finally {
    clearTimeout(timer)
    gone.catch(() => undefined)
    await proc.stop({ graceMs: 500 })
  }
}

/** The agent's entries as choices: each needs an id that can be a model id (no spaces, no leading `-`); duplicates go. */
export function toModelChoices(entries: ReadonlyArray<{ id: unknown; name?: unknown; description?: unknown }>): ModelChoice[] {
  const seen = new Set<string>()
  const out: ModelChoice[] = []
  for (const e of entries) {
    if (typeof e.id !== 'string' || !/^[^\s-]\S{0,199}$/.test(e.id) || seen.has(e.id)) continue
    seen.add(e.id)
    const name = typeof e.name === 'string' && e.name.trim() ? e.name.trim().slice(0, 200) : e.id
    const description = typeof e.description === 'string' && e.description.trim() ? e.description.trim().slice(0, 1000) : undefined
    out.push({ id: e.id, name, ...(description ? { description } : {}) })
    if (out.length >= MAX_MODELS) break
  }
  return out
}
