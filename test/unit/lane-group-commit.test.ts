// A lane's record changes (status, usage) ride with the group write of its events: a turn's chunk is one
// write, yet what is published keeps its order, and no one reads a record ahead of its published events.
import { readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { diskWrites } from '../../src/main/core/disk'
import { Lane, SHARED_ENCODING_CHARS } from '../../src/main/core/lanes/lane'
import { Transcript } from '../../src/main/core/lanes/transcript'
import type { AgentAdapter } from '../../src/main/core/agents/types'
import type { Lane as LaneRecord } from '../../src/shared/contract'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir } from '../support/core'

const realWrite = diskWrites.writeSync
const dirs: string[] = []
afterEach(() => {
  diskWrites.writeSync = realWrite
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }))
})

/** A lane on a real transcript file; `published` is what its listeners saw, in order. */
function laneWithLog() {
  const dir = tempDir()
  dirs.push(dir)
  const transcript = new Transcript(path.join(dir, 'lane_1.jsonl'))
  const published: string[] = []
  const encodings: [LaneEvent, string | undefined][] = []
  const record = { id: 'lane_1', workspaceId: 'w', profileId: 'p', kind: 'pi', title: 't', status: 'ready', createdAt: 0, lastActivityAt: 0 } as unknown as LaneRecord
  const lane = new Lane(record, {
    adapter: undefined as unknown as AgentAdapter,
    transcript,
    now: () => 1,
    launchSpec: async () => {
      throw new Error('not started here')
    },
    onRecord: (r) => published.push(`record ${r.status}${r.usage ? ` ${r.usage.outputTokens}` : ''}`),
    onEvent: (e: LaneEvent, encoded: string | undefined) => {
      published.push(`event ${e.seq} ${e.type}`)
      encodings.push([e, encoded])
    },
    policy: () => 'ask',
  })
  return { lane, transcript, published, encodings }
}

/** Counts write calls to the disk from here on. */
function countWrites(): { n: number } {
  const writes = { n: 0 }
  diskWrites.writeSync = ((...args: Parameters<typeof realWrite>) => {
    writes.n++
    return realWrite(...args)
  }) as typeof realWrite
  return writes
}

const aTurn = (lane: Lane) => {
  lane.emit({ type: 'turn.started', turnId: 't1' })
  lane.emit({ type: 'text.delta', text: 'hello' })
  lane.emit({ type: 'usage', turn: { inputTokens: 10, outputTokens: 2 } })
  lane.emit({ type: 'turn.completed', turnId: 't1', outcome: 'completed' })
}

describe('lane group commit', () => {
  it("a whole turn in one event-loop turn is one write, and its events and record changes are published after it in the order they happened", async () => {
    const { lane, transcript, published } = laneWithLog()
    const writes = countWrites()
    aTurn(lane)
    expect(writes.n).toBe(0)
    expect(published).toEqual([]) // nothing is shown before it is on disk
    await new Promise((r) => setImmediate(r))
    expect(writes.n).toBe(1)
    expect(published).toEqual([
      'event 1 turn.started',
      'event 2 status',
      'record busy',
      'event 3 text.delta',
      'event 4 usage',
      'record busy 2',
      'event 5 turn.completed',
      'event 6 status',
      'record ready 2',
    ])
    const lines = readFileSync(transcript.file, 'utf8').trim().split('\n')
    expect(lines.map((l) => JSON.parse(l).type)).toEqual(['turn.started', 'status', 'text.delta', 'usage', 'turn.completed', 'status'])
  })

  it('reading the record first writes and publishes the events before its change: no one sees a status ahead of its events', () => {
    const { lane, published } = laneWithLog()
    const writes = countWrites()
    lane.emit({ type: 'turn.started', turnId: 't1' })
    expect(published).toEqual([])
    expect(lane.record.status).toBe('busy')
    expect(writes.n).toBe(1)
    expect(published).toEqual(['event 1 turn.started', 'event 2 status', 'record busy'])
    // Events that changed no record wait for the end of the turn as before.
    lane.emit({ type: 'text.delta', text: 'x' })
    expect(lane.record.status).toBe('busy')
    expect(writes.n).toBe(1)
  })

  it("each published event comes with its transcript line as its JSON, except a long one, which the sender encodes", async () => {
    const { lane, transcript, encodings } = laneWithLog()
    aTurn(lane)
    lane.emit({ type: 'text.delta', text: 'é\u2028😀 "quoted"' })
    lane.emit({ type: 'terminal.output', data: 'x'.repeat(SHARED_ENCODING_CHARS) })
    await new Promise((r) => setImmediate(r))
    const lines = readFileSync(transcript.file, 'utf8').trim().split('\n')
    expect(encodings.length).toBe(lines.length)
    for (const [i, [event, encoded]] of encodings.entries()) {
      if (i === encodings.length - 1) expect(encoded).toBeUndefined()
      else expect([encoded, encoded]).toEqual([JSON.stringify(event), lines[i]])
    }
  })

  it('an explicit flush publishes a pending record change once, and nothing is published twice', async () => {
    const { lane, transcript, published } = laneWithLog()
    aTurn(lane)
    transcript.flush()
    const once = published.slice()
    await new Promise((r) => setImmediate(r))
    transcript.flush()
    expect(published).toEqual(once)
    expect(published.filter((p) => p.startsWith('record'))).toEqual(['record busy', 'record busy 2', 'record ready 2'])
  })
})
