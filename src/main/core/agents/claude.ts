import type { AgentAdapter } from './types'

// Being written: the claude protocol adapter.
export function claudeAdapter(): AgentAdapter {
  return {
    kind: 'claude',
    keystrokes: false,
    defaultCommand: () => ({ command: 'claude', args: [] }),
    kindEnv: () => ({}),
    start: async () => {
      throw new Error('claude lanes are not available yet')
    },
  }
}
