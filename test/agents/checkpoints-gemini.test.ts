/**
 * Checkpoints with the real Gemini CLI (`gemini --acp`) against the fake LLM: a tool turn edits a
 * file, its turn boundaries have checkpoints, and restoring the start of the turn puts the file back.
 * The pinned Gemini does not advertise ACP `session/fork` (its initialize has no sessionCapabilities),
 * so it cannot rewind: its next prompt carries the note.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../support/core'
import { initRepo } from '../support/git'
import { type AgentHarness, ofType, runTurn, useAgentHarness } from './harness'

const h: AgentHarness = useAgentHarness('gemini', ({ llm, core, configDir }) => {
  const profile = core.profiles.update('gemini', {
    env: { GEMINI_API_KEY: 'fake-gemini-key', GOOGLE_GEMINI_BASE_URL: llm.url },
    approvalPolicy: 'auto_all',
  })
  const dir = path.join(configDir(profile.id), '.gemini')
  mkdirSync(dir, { recursive: true })
  writeFileSync(
    path.join(dir, 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
    }),
  )
  return profile
})

describe('checkpoints with a real Gemini lane', () => {
  it('a tool turn edits a file; restoring its start checkpoint puts the file back and the next prompt says so', async () => {
    initRepo(h.core.folder, { 'notes.txt': 'zero\n' })
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const file = path.join(h.core.lanes.cwdOf(lane.id), 'notes.txt')

    expect((await runTurn(h, lane.id, 'RUN:echo edited > notes.txt')).done.outcome).toBe('completed')
    expect(readFileSync(file, 'utf8')).toBe('edited\n')
    const phases = () => ofType(h.events.filter((e) => e.laneId === lane.id), 'checkpoint')
    await waitFor('turn 1 end checkpoint', () => phases().length === 2)
    expect(phases().map((e) => `${e.turn}:${e.phase}:${e.changed}`)).toEqual(['1:start:true', '1:end:true'])

    const restored = await h.core.lanes.restoreCheckpoint(lane.id, phases()[0].n, { conversation: true })
    expect(restored).toMatchObject({ conversation: 'noted', files: ['notes.txt'] })
    expect(readFileSync(file, 'utf8')).toBe('zero\n')

    expect((await runTurn(h, lane.id, 'RUN:cat notes.txt')).done.outcome).toBe('completed')
    const prompt = h.llm.requests.find((r) => JSON.stringify(r.body).includes('RUN:cat notes.txt'))
    expect(JSON.stringify(prompt?.body)).toContain('the user restored the files to how they were at the start of turn 1')
    await h.core.lanes.stop(lane.id)
  }, 120_000)
})
