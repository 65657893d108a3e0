/** Codex pointed at the fake LLM: a model catalog and config.toml in the profile's private dir. */
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** The env var codex reads the (fake) key from: config.toml names it, the profile's env sets it. */
export const KEY_VAR = 'FAKE_OPENAI_API_KEY'

/**
 * A catalog entry for the fake slug, so codex knows the model (no "Model metadata not found" warning)
 * and offers its classic function tools (exec_command …) rather than the newer code mode, which a
 * scripted fake cannot speak. These are the fields 0.169.0 requires.
 */
const FAKE_MODEL = {
  slug: 'fake-model',
  display_name: 'Fake model',
  visibility: 'list',
  supported_in_api: true,
  priority: 1,
  shell_type: 'unified_exec',
  tool_mode: null,
  supported_reasoning_levels: [],
  support_verbosity: false,
  truncation_policy: { mode: 'tokens', limit: 10000 },
  experimental_supported_tools: [],
  context_window: 128000,
  base_instructions: 'You are a coding agent working in the user’s workspace.',
}

export function writeConfig(configDir: string, llmUrl: string): void {
  mkdirSync(configDir, { recursive: true })
  const catalog = path.join(configDir, 'fake-models.json')
  writeFileSync(catalog, JSON.stringify({ models: [FAKE_MODEL] }))
  writeFileSync(
    path.join(configDir, 'config.toml'),
    [
      'model = "fake-model"',
      'model_provider = "fake"',
      `model_catalog_json = ${JSON.stringify(catalog)}`,
      '',
      '[model_providers.fake]',
      'name = "Fake LLM"',
      `base_url = "${llmUrl}/v1"`,
      'wire_api = "responses"',
      `env_key = "${KEY_VAR}"`,
      // A broken fake should fail a test at once, not after codex's retries.
      'request_max_retries = 0',
      'stream_max_retries = 0',
      '',
    ].join('\n'),
  )
}
