import type { AgentAdapter } from './types'

// Being written: the codex protocol adapter.
export function codexAdapter(): AgentAdapter {
  return {
    kind: 'codex',
    keystrokes: false,
    defaultCommand: () => ({ command: 'codex', args: [] }),
    kindEnv: () => ({}),
    start: async () => {
      throw new Error('codex lanes are not available yet')
    },
  }
}
