import type { LlmProtocol } from './server'

// Being written.
export const anthropicMessages: LlmProtocol = {
  name: 'anthropic',
  matches: () => false,
  handle: async () => undefined,
}
