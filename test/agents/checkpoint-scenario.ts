/** The checkpoint scenario for agents that cannot rewind their conversation: files restored, the next prompt told. */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { expect } from 'vitest'
import { waitFor } from '../support/core'
import { initRepo } from '../support/git'
import { type AgentHarness, ofType, runTurn } from './harness'

/** A tool turn edits a file; restoring its start checkpoint puts the file back and the next prompt says so. */
export async function expectRestoreNotedInNextPrompt(h: AgentHarness): Promise<void> {
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
}
