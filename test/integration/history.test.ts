import { createWriteStream, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { searchTranscripts, snippetAround, stripAnsi, TranscriptScanner, queryMatcher } from '../../src/main/core/lanes/search'
import { createHandlers } from '../../src/main/rpc/handlers'
import type { LaneEvent } from '../../src/shared/events'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'
import { alivePids, laneStatus, tempDir, testCore, waitFor, waitForOutput, type TestCore } from '../support/core'

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

function setup(opts: Parameters<typeof testCore>[0] = {}) {
  const c = testCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() }, ...opts })
  cores.push(c)
  const agent = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
  const h = createHandlers(c, { mode: 'server', version: 'test', dataDir: c.dataDir })
  return { c, h, agent }
}

const replyIn = (c: TestCore, laneId: string, text: string) =>
  waitFor(`reply ${text}`, async () => (await c.lanes.transcript(laneId)).events.some((e) => e.type === 'text.delta' && e.text === text))

describe('archive and restore', () => {
  it('archiving ends the process and keeps the history; an archived lane refuses input until restored', async () => {
    const { c, h, agent } = setup()
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, title: 'to archive' })
    await c.lanes.send(lane.id, 'first question')
    await replyIn(c, lane.id, 'echo: first question')
    const pid = c.lanes.get(lane.id).record.pid!

    const archived = await h['lanes.archive']({ laneId: lane.id })
    expect(archived).toMatchObject({ archived: true, status: 'sleeping' })
    expect(archived.pid).toBeUndefined()
    expect(await alivePids([pid])).toEqual([])
    const before = (await c.lanes.transcript(lane.id)).events
    expect(before.find((e) => e.type === 'input')).toMatchObject({ text: 'first question' })
    await expect(h['lanes.send']({ laneId: lane.id, input: 'are you there?' })).rejects.toMatchObject({ code: 'conflict', message: 'Lane to archive is archived; restore it first' })
    expect(laneStatus(c, lane.id)).toBe('sleeping') // not woken by the refused send

    const restored = await h['lanes.restore']({ laneId: lane.id })
    expect(restored.archived).toBeUndefined()
    await h['lanes.send']({ laneId: lane.id, input: 'second question' })
    await replyIn(c, lane.id, 'echo: second question')
    const after = (await c.lanes.transcript(lane.id)).events
    expect(after.slice(0, before.length)).toEqual(before) // the old history is intact, the new follows it
  })

  it('an archived lane stays archived, with its history, after the app restarts', async () => {
    const { c: first, agent } = setup()
    const lane = await first.lanes.create({ workspaceId: first.workspace.id, profileId: agent.id, title: 'kept' })
    await first.lanes.send(lane.id, 'remember me')
    await replyIn(first, lane.id, 'echo: remember me')
    await first.lanes.archive(lane.id)
    await first.lanes.stopAll()

    const second = testCore({ dataDir: first.dataDir, adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
    try {
      expect(second.lanes.get(lane.id).record).toMatchObject({ title: 'kept', archived: true, status: 'sleeping' })
      const { events } = await second.lanes.transcript(lane.id)
      expect(events.some((e) => e.type === 'text.delta' && e.text === 'echo: remember me')).toBe(true)
      const hits = await createHandlers(second, { mode: 'server', version: 'test', dataDir: second.dataDir })['history.search']({ query: 'REMEMBER' })
      expect(hits.map((h) => [h.laneId, h.archived])).toContainEqual([lane.id, true])
    } finally {
      await second.close(true)
    }
  })
})

describe('search across transcripts', () => {
  it('finds what was said in any lane, archived ones included, newest first, case-insensitively', async () => {
    let t = 1_000_000
    const { c, h, agent } = setup({ now: () => (t += 1000) })
    const a = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, title: 'lane A' })
    const b = await c.lanes.create({ workspaceId: c.workspace.id, profileId: agent.id, title: 'lane B' })
    await c.lanes.send(a.id, 'Where is the Needle defined?')
    await replyIn(c, a.id, 'echo: Where is the Needle defined?')
    await c.lanes.send(b.id, 'grep needle in haystack')
    await replyIn(c, b.id, 'echo: grep needle in haystack')
    await c.lanes.archive(a.id)

    const hits = await h['history.search']({ query: 'NEEDLE' })
    expect(hits.map((x) => [x.laneTitle, x.type, x.archived])).toEqual([
      ['lane B', 'text.delta', false],
      ['lane B', 'input', false],
      ['lane A', 'text.delta', true],
      ['lane A', 'input', true],
    ])
    expect(hits[1].snippet).toBe('grep needle in haystack')
    const at = hits.map((x) => x.at)
    expect(at).toEqual([...at].sort((x, y) => y - x))
    // A hit points at its event: the transcript from just before it starts with it.
    const page = await c.lanes.transcript(hits[0].laneId, hits[0].seq - 1, 1)
    expect(page.events[0]).toMatchObject({ type: 'text.delta', text: 'echo: grep needle in haystack' })
    expect(await h['history.search']({ query: 'needle', limit: 1 })).toHaveLength(1)
    expect(await h['history.search']({ query: 'no such words anywhere' })).toEqual([])
  })

  it('searches terminal output as plain text (escape sequences removed, frames joined)', async () => {
    const c = testCore()
    cores.push(c)
    const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: c.profile().id, title: 'shell' })
    await c.lanes.send(lane.id, "printf '\\033[1;31mCOLOR\\033[0mful-%s\\n' output\r")
    await waitForOutput(c, lane.id, /ful-output/)
    const hits = await searchTranscripts([{ id: lane.id, title: 'shell', archived: false, file: c.lanes.transcriptFile(lane.id) }], 'colorful-output', 10)
    expect(hits.length).toBeGreaterThan(0)
    expect(hits.every((x) => x.type === 'terminal.output')).toBe(true)
    expect(hits.some((x) => x.snippet.includes('COLORful-output'))).toBe(true)
    expect(hits.every((x) => !x.snippet.includes('\x1b'))).toBe(true)
  })

  it('streams a large transcript instead of loading it whole, and keeps only the newest hits', async () => {
    const dir = tempDir('switchyard-search-')
    const file = path.join(dir, 'big.jsonl')
    const out = createWriteStream(file)
    const filler = 'x'.repeat(2000)
    let seq = 0
    for (let i = 0; i < 20_000; i++) {
      const e: LaneEvent = { laneId: 'lane_big', seq: ++seq, at: seq, type: 'terminal.output', data: i % 1000 === 0 ? `\n marker ${i} \n` : filler }
      if (!out.write(JSON.stringify(e) + '\n')) await new Promise<void>((r) => out.once('drain', () => r()))
    }
    await new Promise<void>((r) => out.end(() => r()))
    const hits = await searchTranscripts([{ id: 'lane_big', title: 'big', archived: false, file }], 'MARKER', 5)
    expect(hits.map((x) => x.snippet.match(/marker \d+/)?.[0])).toEqual(['marker 19000', 'marker 18000', 'marker 17000', 'marker 16000', 'marker 15000'])
    expect(hits.map((x) => x.seq)).toEqual([19001, 18001, 17001, 16001, 15001]) // each hit points at the frame it is in
    rmSync(dir, { recursive: true, force: true })
  })
})

describe('search (pure)', () => {
  const lane = { id: 'l1', title: 'L', archived: false }
  const scan = (events: object[], q: string) => {
    const s = new TranscriptScanner(lane, queryMatcher(q), q.length, 100)
    events.forEach((e, i) => s.push({ seq: i + 1, at: i + 1, ...e }))
    return s.end()
  }

  it('joins streamed deltas, and does not count a message twice when its final event follows', () => {
    expect(scan([{ type: 'text.delta', text: 'the nee' }, { type: 'text.delta', text: 'dle here' }, { type: 'turn.completed', outcome: 'completed' }], 'needle')).toMatchObject([
      { seq: 1, type: 'text.delta', snippet: 'the needle here' },
    ])
    const withMessage = scan(
      [
        { type: 'text.delta', messageId: 'm', text: 'a needle' },
        { type: 'tool.started', toolCallId: 't', command: 'ls' },
        { type: 'text.delta', messageId: 'm', text: ' again' },
        { type: 'message', role: 'assistant', messageId: 'm', text: 'a needle again' },
      ],
      'needle',
    )
    expect(withMessage).toMatchObject([{ seq: 4, type: 'message' }])
  })

  it('searches tool commands and final output once (live output only for a call that never finished)', () => {
    const hits = scan(
      [
        { type: 'tool.started', toolCallId: 't1', command: 'rg needle' },
        { type: 'tool.updated', toolCallId: 't1', output: 'a.ts: needle' },
        { type: 'tool.completed', toolCallId: 't1', status: 'completed', output: 'a.ts: needle\nb.ts: needle' },
        { type: 'tool.updated', toolCallId: 't2', output: 'cut off needle' },
      ],
      'needle',
    )
    expect(hits.map((x) => [x.seq, x.type])).toEqual([
      [1, 'tool.started'],
      [3, 'tool.completed'],
      [4, 'tool.updated'],
    ])
  })

  it('strips terminal escapes and cuts snippets at words', () => {
    expect(stripAnsi('\x1b[1;31mred\x1b[0m \x1b]0;title\x07done\r\n')).toBe('red done\n')
    const text = 'word '.repeat(50) + 'NEEDLE ' + 'tail '.repeat(50)
    const snip = snippetAround(text, text.indexOf('NEEDLE'), 6)
    expect(snip.startsWith('…word')).toBe(true)
    expect(snip.endsWith('tail…')).toBe(true)
    expect(snip).toContain('NEEDLE')
    expect(queryMatcher('a.b(c)').test('x A.B(C) y')).toBe(true)
    expect(queryMatcher('a.b').test('axb')).toBe(false)
  })
})
