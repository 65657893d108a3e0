/** `lanes.deleteArchived`: History → Archived → Delete removes an archived lane without a worktree for good; nothing else. */
import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { testCore, type TestCore } from '../support/core'

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
