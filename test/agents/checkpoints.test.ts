/**
 * Checkpoints with a real agent: the pinned Codex CLI (`codex app-server`) against the fake LLM makes
 * two turns of edits; the user restores turn 1 with its conversation, and both the files and the
 * agent reflect it (Codex forgets turn 2 through thread/revert).
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../support/core'
import { initRepo } from '../support/git'
import { KEY_VAR, writeConfig } from './codex-config'
import { type AgentHarness, ofType, runTurn, useAgentHarness } from './harness'

const h: AgentHarness = useAgentHarness('codex', ({ llm, core }) => {
  const profile = core.profiles.create({ kind: 'codex', name: 'Codex (fake LLM)', command: 'codex', env: { [KEY_VAR]: 'fake-key-not-secret' }, idleTimeoutMs: 60_000, approvalPolicy: 'auto_all' })
  writeConfig(profile.configDir, llm.url)
  return profile
})

describe('checkpoints with a real Codex lane', () => {
  it('two turns of edits; restoring turn 1 with its conversation puts the files back and Codex forgets turn 2', async () => {
    initRepo(h.core.folder, { 'notes.txt': 'zero\n' })
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const cwd = h.core.lanes.cwdOf(lane.id)
    const read = () => readFileSync(path.join(cwd, 'notes.txt'), 'utf8')

    expect((await runTurn(h, lane.id, 'RUN:echo one > notes.txt')).done.outcome).toBe('completed')
    expect(read()).toBe('one\n')
    expect((await runTurn(h, lane.id, 'RUN:echo two > notes.txt && echo extra > extra.txt\nREMEMBER:beta')).done.outcome).toBe('completed')
    expect(read()).toBe('two\n')

    const { checkpoints, rewind } = await listed(lane.id)
    expect(rewind).toBe(true)
    const endOfTurn1 = checkpoints.find((c) => c.turn === 1 && c.phase === 'end')!
    expect(endOfTurn1.changed).toBe(true)
    const preview = await h.core.lanes.checkpoints.diff(lane.id, endOfTurn1.n)
    expect(preview.map((f) => `${f.status} ${f.path}`).sort()).toEqual(['deleted extra.txt', 'modified notes.txt'])

    const restored = await h.core.lanes.restoreCheckpoint(lane.id, endOfTurn1.n, { conversation: true })
    expect(restored).toMatchObject({ conversation: 'rewound', files: ['extra.txt', 'notes.txt'] })
    expect(read()).toBe('one\n')

    // Codex's history no longer holds turn 2: what it was told to remember there is gone.
    const { text } = await runTurn(h, lane.id, 'RECALL')
    expect(text).toContain('RECALLED: nothing')
    // The turn's end checkpoint follows its turn.completed.
    const phases = () => ofType(h.events.filter((e) => e.laneId === lane.id), 'checkpoint').map((e) => e.phase)
    await waitFor('the last end checkpoint', () => phases().length === 7)
    expect(phases()).toEqual(['start', 'end', 'start', 'end', 'restore', 'start', 'end'])
    await h.core.lanes.stop(lane.id)
  })

  it('without rewinding, the next prompt tells Codex the files were restored', async () => {
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    await runTurn(h, lane.id, 'RUN:echo first > notes.txt')
    await runTurn(h, lane.id, 'RUN:echo second > notes.txt')
    const { checkpoints } = await listed(lane.id)
    const r = await h.core.lanes.restoreCheckpoint(lane.id, checkpoints.find((c) => c.turn === 1 && c.phase === 'end')!.n)
    expect(r.conversation).toBe('noted')
    expect(readFileSync(path.join(h.core.lanes.cwdOf(lane.id), 'notes.txt'), 'utf8')).toBe('first\n')
    const { text } = await runTurn(h, lane.id, 'what changed?')
    expect(text).toContain('the user restored the files to how they were at the end of turn 1')
    await h.core.lanes.stop(lane.id)
  })
})

async function listed(laneId: string) {
  return { checkpoints: await h.core.lanes.checkpoints.list(laneId), rewind: h.core.lanes.get(laneId).canRewind }
}
