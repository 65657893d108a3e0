/**
 * Triggers against a real core with the fake pi agent: completion → forward with a template, failure →
 * notify, a daily schedule at a faked clock; all of it stored and still there after a restart.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { piAdapter } from '../../src/main/core/agents/pi'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { nextDailyRun, renderTemplate } from '../../src/main/core/triggers/triggers'
import type { LaneEvent } from '../../src/shared/events'
import { methods } from '../../src/shared/contract'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

const FAKE_PI = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/pi-rpc.mjs')
const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0).reverse()) await c.close()
})

function setup(opts: { dataDir?: string; now?: () => number } = {}) {
  const notified: Array<{ title: string; laneId: string }> = []
  const core = testCore({
    dataDir: opts.dataDir,
    now: opts.now,
    adapters: { ...defaultAdapters(), pi: piAdapter({ graceMs: 300 }) },
    notify: (title, _body, laneId) => notified.push({ title, laneId }),
    triggerTickMs: 0,
  })
  cores.push(core)
  const profile = core.profiles.list().find((p) => p.name === 'fake pi') ?? core.profiles.create({ kind: 'pi', name: 'fake pi', command: process.execPath, args: [FAKE_PI], idleTimeoutMs: 0 })
  const events: LaneEvent[] = []
  core.lanes.onEvent((e) => events.push(e))
  const of = (laneId: string) => events.filter((e) => e.laneId === laneId)
  return { core, profile, notified, of }
}

describe('triggers', () => {
  it('completion → forward: the final message goes to the other lane through the template, recorded there', async () => {
    const { core, profile, of } = setup()
    const a = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, title: 'writer' })
    const b = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, title: 'reviewer' })
    core.triggers.add({ kind: 'forward', fromLaneId: a.id, toLaneId: b.id, template: 'Review what {{lane}} wrote: {{message}}' })
    await core.lanes.send(a.id, 'draft')
    await waitFor('forwarded turn', () => of(b.id).find((e) => e.type === 'turn.completed'))
    expect(of(b.id).find((e) => e.type === 'message' && e.role === 'system')).toMatchObject({ text: expect.stringContaining('forwarded from writer') })
    expect(of(b.id).find((e) => e.type === 'input')).toMatchObject({ text: 'Review what writer wrote: echo: draft' })
    expect(of(b.id).find((e) => e.type === 'message' && e.role === 'assistant')).toMatchObject({ text: 'echo: Review what writer wrote: echo: draft' })
  })

  it('a disabled trigger does not fire; toggling it back on does', async () => {
    const { core, profile, of } = setup()
    const a = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    const b = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    const t = core.triggers.add({ kind: 'forward', fromLaneId: a.id, toLaneId: b.id, template: '{{message}}' })
    core.triggers.toggle(t.id, false)
    await core.lanes.send(a.id, 'one')
    await waitFor('a done', () => of(a.id).find((e) => e.type === 'turn.completed'))
    await new Promise((r) => setTimeout(r, 300))
    expect(of(b.id).some((e) => e.type === 'input')).toBe(false)
    core.triggers.toggle(t.id, true)
    await core.lanes.send(a.id, 'two')
    await waitFor('forwarded', () => of(b.id).find((e) => e.type === 'input'))
    expect(of(b.id).find((e) => e.type === 'input')).toMatchObject({ text: 'echo: two' })
  })

  it('failure → notify: a lane of the workspace failing notifies once and says so in its transcript', async () => {
    const { core, profile, notified, of } = setup()
    core.triggers.add({ kind: 'notify', workspaceId: core.workspace.id })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, title: 'fragile' })
    await core.lanes.send(lane.id, 'crash')
    await waitFor('notified', () => notified[0])
    expect(notified).toEqual([{ title: 'fragile failed', laneId: lane.id }])
    // Lanes publish an event once its batch is written (group commit), so the note follows the notification.
    const note = await waitFor('noted', () => of(lane.id).find((e) => e.type === 'message' && e.role === 'system'))
    expect(note).toMatchObject({ text: expect.stringContaining('notified that this lane failed') })
  })

  it('a daily schedule fires at its time on a faked clock, once, in a fresh background lane; everything survives a restart', async () => {
    const dataDir = tempDir('switchyard-data-')
    let now = new Date(2026, 0, 5, 7, 0).getTime()
    const first = setup({ dataDir, now: () => now })
    const t = first.core.triggers.add({ kind: 'schedule', workspaceId: first.core.workspace.id, profileId: first.profile.id, prompt: 'morning report', dailyAt: '08:00' })
    first.core.triggers.add({ kind: 'notify', workspaceId: first.core.workspace.id })
    await first.core.triggers.tick()
    expect(first.core.lanes.list()).toHaveLength(0)
    now = new Date(2026, 0, 5, 8, 0, 30).getTime()
    await first.core.triggers.tick()
    await first.core.triggers.tick()
    const lanes = first.core.lanes.list()
    expect(lanes).toHaveLength(1)
    expect(lanes[0]).toMatchObject({ background: true, title: 'Scheduled 08:00' })
    await waitFor('scheduled turn', () => first.of(lanes[0].id).find((e) => e.type === 'turn.completed'))
    expect(first.of(lanes[0].id).find((e) => e.type === 'message' && e.role === 'assistant')).toMatchObject({ text: 'echo: morning report' })
    const saved = first.core.triggers.list()
    await first.core.close(true)
    cores.splice(0)

    // A restart the same day does not fire it again; the next morning does.
    const second = setup({ dataDir, now: () => now })
    expect(second.core.triggers.list()).toEqual(saved)
    expect(second.core.triggers.list().find((x) => x.id === t.id)?.lastFiredAt).toBe(now)
    await second.core.triggers.tick()
    expect(second.core.lanes.list()).toHaveLength(1)
    now = new Date(2026, 0, 6, 8, 1).getTime()
    await second.core.triggers.tick()
    expect(second.core.lanes.list()).toHaveLength(2)
  })

  it('the contract checks what each kind needs; unknown lanes and ids are not found', async () => {
    const bad = methods['triggers.add'].input.safeParse({ kind: 'schedule', workspaceId: 'w', prompt: 'x', dailyAt: '25:00' })
    expect(bad.success).toBe(false)
    expect(bad.error!.issues.map((i) => i.message)).toEqual(expect.arrayContaining(['a time of day as HH:MM (24-hour)', 'A schedule trigger needs profileId']))
    const { core } = setup()
    expect(() => core.triggers.add({ kind: 'forward', fromLaneId: 'nope', toLaneId: 'nah', template: 'x' })).toThrow('No lane nope')
    expect(() => core.triggers.toggle('trig_missing', true)).toThrow('No trigger trig_missing')
  })

  it('a forward that would close a loop (A → B → C → A) is refused, also when switched back on', async () => {
    const { core, profile } = setup()
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((title) => core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, title })))
    core.triggers.add({ kind: 'forward', fromLaneId: a.id, toLaneId: b.id, template: '{{message}}' })
    const bc = core.triggers.add({ kind: 'forward', fromLaneId: b.id, toLaneId: c.id, template: '{{message}}' })
    expect(() => core.triggers.add({ kind: 'forward', fromLaneId: c.id, toLaneId: a.id, template: '{{message}}' })).toThrow(/loop of forwards/)
    core.triggers.toggle(bc.id, false)
    const ca = core.triggers.add({ kind: 'forward', fromLaneId: c.id, toLaneId: a.id, template: '{{message}}' })
    expect(ca.enabled).toBe(true)
    expect(() => core.triggers.toggle(bc.id, true)).toThrow(/loop of forwards/)
  })
})

describe('trigger decisions', () => {
  it('templates fill {{message}} and {{lane}}; the next daily run is strictly later', () => {
    expect(renderTemplate('{{lane}} said: {{ message }} ({{other}})', { message: 'hi', lane: 'A' })).toBe('A said: hi ({{other}})')
    const at7 = new Date(2026, 0, 5, 7, 0).getTime()
    expect(nextDailyRun(at7, '08:00')).toBe(new Date(2026, 0, 5, 8, 0).getTime())
    expect(nextDailyRun(new Date(2026, 0, 5, 8, 0).getTime(), '08:00')).toBe(new Date(2026, 0, 6, 8, 0).getTime())
  })
})
