import type { AgentAdapter } from './types'

// Being written: the acp protocol adapter.
export function acpAdapter(): AgentAdapter {
  return {
    kind: 'acp',
    keystrokes: false,
    defaultCommand: () => ({ command: 'acp', args: [] }),
    kindEnv: () => ({}),
    start: async () => {
      throw new Error('acp lanes are not available yet')
    },
  }
}
