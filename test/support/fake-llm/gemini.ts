import type { LlmProtocol } from './server'

// Being written.
export const gemini: LlmProtocol = {
  name: 'gemini',
  matches: () => false,
  handle: async () => undefined,
}
