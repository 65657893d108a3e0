import type { LlmProtocol } from './server'

// Being written.
export const openaiResponses: LlmProtocol = {
  name: 'openai-responses',
  matches: () => false,
  handle: async () => undefined,
}
