import { mkdtempSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { addUsage, buildLedger, dayOf, readUsageEntries, type LaneInfo } from '../../src/main/core/usage/ledger'

const lanes: LaneInfo[] = [
  { id: 'l1', workspaceId: 'w1', kind: 'codex', title: 'codex lane' },
  { id: 'l2', workspaceId: 'w1', kind: 'claude', title: 'claude lane' },
  { id: 'l3', workspaceId: 'w2', kind: 'pi', title: 'pi lane' },
]
const DAY = 24 * 3600_000
const noon = Date.UTC(2026, 11, 3, 12)

describe('usage ledger arithmetic', () => {
  it('sums turn shares per lane, per workspace, per day, and the parts add to the total', () => {
    const ledger = buildLedger(lanes, [
      { laneId: 'l1', at: noon, turn: { inputTokens: 6951, outputTokens: 10, cachedInputTokens: 0 } },
      { laneId: 'l1', at: noon + 1, turn: { inputTokens: 7037, outputTokens: 10 } },
      { laneId: 'l2', at: noon + DAY, turn: { inputTokens: 100, outputTokens: 5, cachedInputTokens: 40, costUsd: 0.1 } },
      { laneId: 'l3', at: noon + DAY, turn: { inputTokens: 1, outputTokens: 2, costUsd: 0.2 } },
    ])
    expect(ledger.lanes.find((l) => l.laneId === 'l1')).toMatchObject({ kind: 'codex', reports: 2, usage: { inputTokens: 13988, outputTokens: 20, costUsd: 0 } })
    expect(ledger.workspaces).toEqual([
      { workspaceId: 'w1', usage: { inputTokens: 14088, outputTokens: 25, cachedInputTokens: 40, costUsd: 0.1 } },
      { workspaceId: 'w2', usage: { inputTokens: 1, outputTokens: 2, cachedInputTokens: 0, costUsd: 0.2 } },
    ])
    expect(ledger.days.map((d) => d.day)).toEqual(['2026-12-04', '2026-12-03'])
    expect(ledger.total).toEqual({ inputTokens: 14089, outputTokens: 27, cachedInputTokens: 40, costUsd: 0.3 })
    for (const part of [ledger.lanes, ledger.workspaces, ledger.days]) {
      const sum = part.reduce((a, r) => addUsage(a, r.usage), { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 })
      expect(sum).toEqual(ledger.total)
    }
  })

  it('costs of many small reports add up without float drift (0.1 + 0.2 is 0.3)', () => {
    const entries = Array.from({ length: 1000 }, (_, i) => ({ laneId: 'l2', at: noon, turn: { costUsd: i % 2 ? 0.1 : 0.2 } }))
    expect(buildLedger(lanes, entries).total.costUsd).toBe(150)
  })

  it('a day begins at the viewer\'s midnight, not UTC\'s', () => {
    const lateUtc = Date.UTC(2026, 11, 3, 23, 30)
    expect(dayOf(lateUtc, 0)).toBe('2026-12-03')
    expect(dayOf(lateUtc, 60)).toBe('2026-12-04') // Berlin
    expect(dayOf(Date.UTC(2026, 11, 4, 2), -300)).toBe('2026-12-03') // New York
  })

  it('leaves out reports of lanes it does not know and lanes without usage', () => {
    const ledger = buildLedger(lanes, [{ laneId: 'gone', at: noon, turn: { inputTokens: 5 } }])
    expect(ledger.lanes).toEqual([])
    expect(ledger.total.inputTokens).toBe(0)
  })

  it('reads the turn shares from a transcript: a total-only replay and a torn last line add nothing', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'ledger-')), 'l1.jsonl')
    const line = (o: object) => JSON.stringify(o) + '\n'
    writeFileSync(
      file,
      line({ seq: 1, at: noon, laneId: 'l1', type: 'usage', total: { inputTokens: 51314 } }) +
        line({ seq: 2, at: noon, laneId: 'l1', type: 'text.delta', text: '"usage"' }) +
        line({ seq: 3, at: noon, laneId: 'l1', type: 'usage', total: { inputTokens: 59360 }, turn: { inputTokens: 8046, outputTokens: 10 } }) +
        '{"seq":4,"type":"usage","turn":{"inputTok',
    )
    const entries = await readUsageEntries('l1', file)
    expect(entries).toEqual([{ laneId: 'l1', at: noon, turn: { inputTokens: 8046, outputTokens: 10 } }])
  })
})

describe('usage shown', () => {
  it('context fill is a whole percentage, capped at 100, and absent when not reported', async () => {
    const { contextPercent } = await import('../../src/renderer/ui/format')
    expect(contextPercent({ usedTokens: 6961, windowTokens: 258400 })).toBe(3)
    expect(contextPercent({ usedTokens: 300_000, windowTokens: 258400 })).toBe(100)
    expect(contextPercent(undefined)).toBeNull()
  })
})
