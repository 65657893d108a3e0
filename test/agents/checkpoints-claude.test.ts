/**
 * Checkpoints with the real Claude Code CLI (stream-json) against the fake LLM: two turns of edits
 * through its Bash tool, checkpoints at each boundary, restore turn 1. Files only: the next prompt
 * carries the note. Files and conversation: Claude resumes its session cut after turn 1
 * (`--resume-session-at`), so the model no longer sees turn 2.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { waitFor } from '../support/core'
import { initRepo } from '../support/git'
import { type AgentHarness, ofType, runTurn, useAgentHarness } from './harness'

const h: AgentHarness = useAgentHarness('claude', ({ llm, core }) =>
  core.profiles.create({
    kind: 'claude',
    name: 'claude (auto)',
    command: 'claude',
    env: { ANTHROPIC_BASE_URL: llm.url, ANTHROPIC_API_KEY: 'sk-ant-fake-not-secret', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
    idleTimeoutMs: 60_000,
    approvalPolicy: 'auto_all',
  }),
)

describe('checkpoints with a real Claude lane', () => {
  it('two turns of edits; restoring turn 1 (files only) puts the files back and the next prompt tells Claude', async () => {
    initRepo(h.core.folder, { 'notes.txt': 'zero\n' })
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const cwd = h.core.lanes.cwdOf(lane.id)
    const read = () => readFileSync(path.join(cwd, 'notes.txt'), 'utf8')

    expect((await runTurn(h, lane.id, 'RUN:echo one > notes.txt')).done.outcome).toBe('completed')
    expect((await runTurn(h, lane.id, 'RUN:echo two > notes.txt')).done.outcome).toBe('completed')
    expect(read()).toBe('two\n')
    const phases = () => ofType(h.events.filter((e) => e.laneId === lane.id), 'checkpoint')
    await waitFor('turn 2 end checkpoint', () => phases().length === 4)
    expect(phases().map((e) => `${e.turn}:${e.phase}`)).toEqual(['1:start', '1:end', '2:start', '2:end'])

    const endOfTurn1 = phases()[1].n
    const restored = await h.core.lanes.restoreCheckpoint(lane.id, endOfTurn1)
    expect(restored).toMatchObject({ conversation: 'noted', files: ['notes.txt'] })
    expect(read()).toBe('one\n')

    const { text } = await runTurn(h, lane.id, 'RUN:cat notes.txt')
    expect(text).toContain('one')
    const prompt = h.llm.requests.filter((r) => JSON.stringify(r.body).includes('RUN:cat notes.txt')).at(0)
    expect(JSON.stringify(prompt?.body)).toContain('the user restored the files to how they were at the end of turn 1')
    await h.core.lanes.stop(lane.id)
  })

  it('restoring turn 1 with its conversation: the model sees a history without turn 2', async () => {
    // The repository from the test above (one core per file); a new lane, a new conversation.
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const cwd = h.core.lanes.cwdOf(lane.id)
    expect((await runTurn(h, lane.id, 'RUN:echo first > notes.txt')).done.outcome).toBe('completed')
    expect((await runTurn(h, lane.id, 'RUN:echo second > notes.txt')).done.outcome).toBe('completed')
    const phases = () => ofType(h.events.filter((e) => e.laneId === lane.id), 'checkpoint')
    await waitFor('turn 2 end checkpoint', () => phases().length === 4)

    const restored = await h.core.lanes.restoreCheckpoint(lane.id, phases()[1].n, { conversation: true })
    expect(restored).toMatchObject({ conversation: 'rewound', files: ['notes.txt'] })
    expect(readFileSync(path.join(cwd, 'notes.txt'), 'utf8')).toBe('first\n')

    expect((await runTurn(h, lane.id, 'RUN:cat ./notes.txt')).done.outcome).toBe('completed')
    const body = JSON.stringify(h.llm.requests.filter((r) => JSON.stringify(r.body).includes('RUN:cat ./notes.txt')).at(0)?.body)
    expect(body).toContain('RUN:echo first > notes.txt')
    expect(body).not.toContain('RUN:echo second > notes.txt')
    // Rewound, not told: the note is for agents that cannot forget.
    expect(body).not.toContain('restored the files')
    await h.core.lanes.stop(lane.id)
  })
})
