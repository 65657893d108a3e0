import type { AgentAdapter } from './types'

// Being written: the pi protocol adapter.
export function piAdapter(): AgentAdapter {
  return {
    kind: 'pi',
    keystrokes: false,
    defaultCommand: () => ({ command: 'pi', args: [] }),
    kindEnv: () => ({}),
    start: async () => {
      throw new Error('pi lanes are not available yet')
    },
  }
}
