import { afterEach, describe, expect, it } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { titleFromPrompt } from '../../src/main/core/lanes/prompt'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { methods, type LaneStatusEvent } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'
import { testCore, waitFor, type TestCore } from '../support/core'

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

function setup() {
  const c = testCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
  cores.push(c)
  const h = createHandlers(c, { mode: 'server', version: 'test', dataDir: c.dataDir })
  return { c, h, streams: createStreamSources(c) }
}

const replyIn = (c: TestCore, laneId: string, text: string) =>
  waitFor(`reply ${text}`, async () => (await c.lanes.transcript(laneId)).events.some((e) => e.type === 'text.delta' && e.text === text))

describe('lane titles', () => {
  it('a lane created without a title is named by its first prompt, not "fake agent 1"; a later prompt keeps it', async () => {
    const { c } = setup()
    const agent = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id })
    expect(lane.title).toBe('fake agent 1')
    await c.lanes.send(lane.id, '\n  Fix   the flaky retry test\nand run the suite')
    expect(c.lanes.get(lane.id).record.title).toBe('Fix the flaky retry test')
    await c.lanes.send(lane.id, 'something else')
    await replyIn(c, lane.id, 'echo: something else')
    expect(c.lanes.get(lane.id).record.title).toBe('Fix the flaky retry test')

    const named = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, title: 'mine' })
    await c.lanes.send(named.id, 'a prompt')
    expect(c.lanes.get(named.id).record.title).toBe('mine')
  })

  it('rename reaches every window (lanes.status) and survives a restart; a blank name is refused', async () => {
    const { c, h, streams } = setup()
    const agent = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id })
    const seen: LaneStatusEvent[] = []
    const off = streams['lanes.status'](undefined, (e) => seen.push(e))
    const renamed = await h['lanes.rename'](methods['lanes.rename'].input.parse({ laneId: lane.id, title: '  release notes  ' }))
    off()
    expect(renamed.title).toBe('release notes')
    expect(methods['lanes.rename'].input.safeParse({ laneId: lane.id, title: '   ' }).success).toBe(false)
    expect(seen.some((e) => e.type === 'upsert' && e.lane.id === lane.id && e.lane.title === 'release notes')).toBe(true)
    // A renamed lane is not renamed again by its first prompt.
    await c.lanes.send(lane.id, 'first prompt')
    await replyIn(c, lane.id, 'echo: first prompt')
    expect(c.lanes.get(lane.id).record.title).toBe('release notes')
    await c.lanes.stopAll()

    const second = testCore({ dataDir: c.dataDir, adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
    try {
      expect(second.lanes.get(lane.id).record.title).toBe('release notes')
    } finally {
      await second.close(true)
    }
  })

  it('lanes.events with types sends only those types, for every lane', async () => {
    const { c, streams } = setup()
    const agent = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
    const a = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, title: 'a' })
    const b = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, title: 'b' })
    const got: LaneEvent[] = []
    const off = streams['lanes.events']({ types: ['turn.completed'] }, (e) => got.push(e))
    await c.lanes.send(a.id, 'one')
    await c.lanes.send(b.id, 'two')
    await replyIn(c, a.id, 'echo: one')
    await replyIn(c, b.id, 'echo: two')
    await waitFor('both turns', () => got.length >= 2)
    off()
    expect(got.map((e) => e.type)).toEqual(['turn.completed', 'turn.completed'])
    expect(new Set(got.map((e) => e.laneId))).toEqual(new Set([a.id, b.id]))
  })
})

describe('titleFromPrompt', () => {
  it('takes the first line with words, collapses spaces and cuts long ones with an ellipsis', () => {
    expect(titleFromPrompt('   \n\n hello   world \n more')).toBe('hello world')
    expect(titleFromPrompt('   ')).toBeNull()
    const long = titleFromPrompt('x'.repeat(100), 20)!
    expect(long).toHaveLength(20)
    expect(long.endsWith('…')).toBe(true)
  })
})
