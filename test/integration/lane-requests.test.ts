/** `lanes.deleteArchived` (History → Archived → Delete removes an archived lane without a worktree for good) and `lanes.pending` (answer in place after a reload). */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { testCore, waitFor, type TestCore } from '../support/core'

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

function setup() {
  core = testCore()
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  return { core, call: (method: string, input: unknown) => router.call(method, input) }
}

/** Every file under `dir` whose name holds `id`. */
function filesNaming(dir: string, id: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes(id)).map((f) => path.join(dir, f))
}

describe('lanes.deleteArchived', () => {
  it('deletes an archived lane: its record and its transcript are gone, other lanes stay', async () => {
    const { core, call } = setup()
    const profile = core.profile({ command: '/bin/sh', args: ['-c', 'echo hello; sleep 30'] })
    const keep = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    expect(filesNaming(core.dataDir, lane.id).length).toBeGreaterThan(0)
    // Open: refused, nothing deleted.
    expect(await call('lanes.deleteArchived', { laneId: lane.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('not archived') } })
    expect(core.lanes.list().map((l) => l.id)).toContain(lane.id)
    await core.lanes.archive(lane.id)
    expect(await call('lanes.deleteArchived', { laneId: lane.id })).toEqual({ ok: true, value: { ok: true } })
    expect(core.lanes.list().map((l) => l.id)).toEqual([keep.id])
    expect(await call('lanes.transcript', { laneId: lane.id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(filesNaming(core.dataDir, lane.id).filter((f) => existsSync(f) && !f.includes(`${path.sep}run${path.sep}`))).toEqual([])
    // Twice: the lane is not found.
    expect(await call('lanes.deleteArchived', { laneId: lane.id })).toMatchObject({ ok: false, error: { code: 'not_found' } })
  }, 30_000)

  it('refuses an archived lane with a worktree (its work is asked about elsewhere)', async () => {
    const { core, call } = setup()
    const profile = core.profile({ command: '/bin/sh', args: ['-c', 'sleep 30'] })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    await core.lanes.archive(lane.id)
    // A worktree as a record names it (creating a real one needs a repo: the check is on the record).
    ;(core.lanes.get(lane.id) as unknown as { record: object }).record = { ...core.lanes.get(lane.id).record, worktree: { path: '/nowhere', branch: 'switchyard/x', base: 'main', baseCommit: 'abc', repoPath: '/nowhere' } }
    expect(await call('lanes.deleteArchived', { laneId: lane.id })).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringContaining('worktree') } })
    expect(core.lanes.list().map((l) => l.id)).toContain(lane.id)
  }, 30_000)

  it('refuses malformed, oversized and prototype-key input', async () => {
    const { call } = setup()
    for (const bad of [{}, { laneId: '' }, { laneId: 'x'.repeat(100_000) }, { laneId: 'lane_a', extra: true }, { laneId: '__proto__' }, { laneId: 'constructor' }, JSON.parse('{"__proto__": {"laneId": "x"}}'), null, []]) {
      const res = await call('lanes.deleteArchived', bad)
      expect(res.ok, JSON.stringify(bad)?.slice(0, 60)).toBe(false)
      if (!res.ok) expect(['invalid_input', 'not_found']).toContain(res.error.code)
    }
  })
})

describe('lanes.pending', () => {
  it("answers a waiting lane's open requests as they were emitted, and nothing once answered", async () => {
    const { core, call } = setup()
    const FAKE_ACP = path.join(path.dirname(new URL(import.meta.url).pathname), '../support/fake-agents/acp-agent.mjs')
    const profile = core.profiles.create({ kind: 'acp', name: 'fake acp', command: process.execPath, args: [FAKE_ACP], env: { FAKE_ACP_HOME: core.folder }, idleTimeoutMs: 60_000, approvalPolicy: 'ask' })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    expect(await call('lanes.pending', { laneId: lane.id })).toEqual({ ok: true, value: [] })
    await core.lanes.send(lane.id, 'RUN:deploy')
    await waitFor('waiting', () => core.lanes.get(lane.id).record.status === 'waiting')
    const res = await call('lanes.pending', { laneId: lane.id })
    expect(res).toMatchObject({ ok: true, value: [{ type: 'approval.requested', laneId: lane.id, seq: expect.any(Number), at: expect.any(Number), options: expect.any(Array) }] })
    const [request] = (res as { value: Array<{ requestId: string; seq: number; options: Array<{ id: string; kind: string }> }> }).value
    // The same request the transcript holds.
    const { events } = await core.lanes.transcript(lane.id, request.seq - 1, 1)
    expect(events[0]).toMatchObject({ type: 'approval.requested', requestId: request.requestId })
    await core.lanes.approve(lane.id, request.requestId, request.options.find((o) => o.kind === 'allow_once')!.id)
    expect(await call('lanes.pending', { laneId: lane.id })).toEqual({ ok: true, value: [] })
  }, 30_000)

  it('refuses malformed, oversized and prototype-key input', async () => {
    const { call } = setup()
    for (const bad of [{}, { laneId: '' }, { laneId: 'x'.repeat(100_000) }, { laneId: 'lane_a', extra: true }, { laneId: '__proto__' }, { laneId: 'constructor' }, null, []]) {
      const res = await call('lanes.pending', bad)
      expect(res.ok, JSON.stringify(bad)?.slice(0, 60)).toBe(false)
      if (!res.ok) expect(['invalid_input', 'not_found']).toContain(res.error.code)
    }
  })
})
