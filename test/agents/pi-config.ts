import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** The env var pi reads the (fake) key from: models.json names it, the profile's env sets it. */
export const KEY_VAR = 'FAKE_LLM_API_KEY'

/** Points pi's config dir at the fake LLM: one provider, one model. */
export function writeModels(configDir: string, llmUrl: string): void {
  mkdirSync(configDir, { recursive: true })
  const provider = {
    baseUrl: `${llmUrl}/v1`,
    api: 'openai-completions',
    apiKey: KEY_VAR,
    models: [
      {
        id: 'fake-model',
        name: 'Fake model',
        reasoning: false,
        input: ['text'],
        contextWindow: 128000,
        maxTokens: 4096,
        // $ per million tokens, so the usage events carry a cost.
        cost: { input: 1, output: 2, cacheRead: 0, cacheWrite: 0 },
      },
    ],
  }
  writeFileSync(path.join(configDir, 'models.json'), JSON.stringify({ providers: { fake: provider } }, null, 2))
}
