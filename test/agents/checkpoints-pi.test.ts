/**
 * Checkpoints with the real pi CLI (`pi --mode rpc`) against the fake LLM: a tool turn edits a file,
 * its turn boundaries have checkpoints, and restoring the start of the turn puts the file back.
 * pi cannot rewind its conversation here, so its next prompt carries the note.
 */
import { describe, it } from 'vitest'
import { expectRestoreNotedInNextPrompt } from './checkpoint-scenario'
import { type AgentHarness, useAgentHarness } from './harness'
import { KEY_VAR, writeModels } from './pi-config'

const h: AgentHarness = useAgentHarness('pi', ({ llm, core, configDir }) => {
  const profile = core.profiles.create({
    kind: 'pi',
    name: 'pi (fake LLM)',
    command: 'pi',
    args: ['--provider', 'fake', '--model', 'fake-model'],
    env: { [KEY_VAR]: 'fake-key-not-secret' },
    idleTimeoutMs: 60_000,
    approvalPolicy: 'auto_all',
  })
  writeModels(configDir(profile.id), llm.url)
  return profile
})

describe('checkpoints with a real pi lane', () => {
  it('a tool turn edits a file; restoring its start checkpoint puts the file back and the next prompt says so', () => expectRestoreNotedInNextPrompt(h))
})
