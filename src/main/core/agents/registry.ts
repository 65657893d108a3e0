import type { AgentKind } from '../../../shared/contract'
import { terminalAdapter } from './terminal'
import type { AgentAdapter } from './types'

export type AdapterRegistry = Record<AgentKind, AgentAdapter>

/** Every agent kind Switchyard can run. */
export function defaultAdapters(opts: { graceMs?: number } = {}): AdapterRegistry {
  return { terminal: terminalAdapter(opts) }
}
