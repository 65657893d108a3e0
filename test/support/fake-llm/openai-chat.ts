import type { LlmProtocol } from './server'

// Being written.
export const openaiChat: LlmProtocol = {
  name: 'openai-chat',
  matches: () => false,
  handle: async () => undefined,
}
