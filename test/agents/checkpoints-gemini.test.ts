/**
 * Checkpoints with the real Gemini CLI (`gemini --acp`) against the fake LLM: a tool turn edits a
 * file, its turn boundaries have checkpoints, and restoring the start of the turn puts the file back.
 * The pinned Gemini does not advertise ACP `session/fork` (its initialize has no sessionCapabilities),
 * so it cannot rewind: its next prompt carries the note.
 */
import { describe, it } from 'vitest'
import { expectRestoreNotedInNextPrompt } from './checkpoint-scenario'
import { writeGeminiSettings } from './gemini-config'
import { type AgentHarness, useAgentHarness } from './harness'

const h: AgentHarness = useAgentHarness('gemini', ({ llm, core, configDir }) => {
  const profile = core.profiles.update('gemini', {
    env: { GEMINI_API_KEY: 'fake-gemini-key', GOOGLE_GEMINI_BASE_URL: llm.url },
    approvalPolicy: 'auto_all',
  })
  writeGeminiSettings(configDir(profile.id))
  return profile
})

describe('checkpoints with a real Gemini lane', () => {
  it('a tool turn edits a file; restoring its start checkpoint puts the file back and the next prompt says so', () => expectRestoreNotedInNextPrompt(h), 120_000)
})
