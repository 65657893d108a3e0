import { createReadStream, existsSync } from 'node:fs'
import readline from 'node:readline'
import type { AgentKind, UsageLedger } from '../../../shared/contract'
import type { z } from 'zod'
import type { Usage as UsageSchema } from '../../../shared/events'

type Usage = z.infer<typeof UsageSchema>

/**
 * The usage ledger: tokens and cost per lane, per workspace and per day, summed from the turn shares
 * of the recorded `usage` events. Every adapter's `turn` is an increment (reports add up), so the
 * same sum is what a lane's turns show; a report with only a `total` (a resumed thread's replay)
 * adds nothing.
 */

/** One recorded usage report: when, which lane, and what it added. */
export interface UsageEntry {
  laneId: string
  at: number
  turn: Usage
}

export interface LaneInfo {
  id: string
  workspaceId: string
  kind: AgentKind
  title: string
}

type Sum = Required<Usage>
const zero = (): Sum => ({ inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 })

/** `a + b`, field by field; costs kept to a micro-dollar so sums of many small floats stay exact enough to compare. */
export function addUsage(a: Sum, b: Usage): Sum {
  return {
    inputTokens: a.inputTokens + (b.inputTokens ?? 0),
    outputTokens: a.outputTokens + (b.outputTokens ?? 0),
    cachedInputTokens: a.cachedInputTokens + (b.cachedInputTokens ?? 0),
    costUsd: Math.round((a.costUsd + (b.costUsd ?? 0)) * 1e6) / 1e6,
  }
}

/** The calendar day of `at` in the viewer's zone, given as minutes east of UTC. */
export function dayOf(at: number, utcOffsetMinutes: number): string {
  return new Date(at + utcOffsetMinutes * 60_000).toISOString().slice(0, 10)
}

/** The ledger of `entries`; lanes without usage are left out; days newest first, lanes and workspaces by tokens. */
export function buildLedger(lanes: LaneInfo[], entries: Iterable<UsageEntry>, utcOffsetMinutes = 0): UsageLedger {
  const byId = new Map(lanes.map((l) => [l.id, l]))
  const perLane = new Map<string, { usage: Sum; turns: number }>()
  const perWorkspace = new Map<string, Sum>()
  const perDay = new Map<string, Sum>()
  let total = zero()
  for (const e of entries) {
    const lane = byId.get(e.laneId)
    if (!lane) continue
    const row = perLane.get(lane.id) ?? { usage: zero(), turns: 0 }
    perLane.set(lane.id, { usage: addUsage(row.usage, e.turn), turns: row.turns + 1 })
    perWorkspace.set(lane.workspaceId, addUsage(perWorkspace.get(lane.workspaceId) ?? zero(), e.turn))
    const day = dayOf(e.at, utcOffsetMinutes)
    perDay.set(day, addUsage(perDay.get(day) ?? zero(), e.turn))
    total = addUsage(total, e.turn)
  }
  const tokens = (u: Sum) => u.inputTokens + u.outputTokens
  return {
    total,
    lanes: [...perLane]
      .map(([id, r]) => ({ laneId: id, workspaceId: byId.get(id)!.workspaceId, kind: byId.get(id)!.kind, title: byId.get(id)!.title, usage: r.usage, reports: r.turns }))
      .sort((a, b) => tokens(b.usage) - tokens(a.usage)),
    workspaces: [...perWorkspace].map(([workspaceId, usage]) => ({ workspaceId, usage })).sort((a, b) => tokens(b.usage) - tokens(a.usage)),
    days: [...perDay].map(([day, usage]) => ({ day, usage })).sort((a, b) => (a.day < b.day ? 1 : -1)),
  }
}

/** The usage reports in one transcript file (JSON lines); other events are skipped without parsing. */
export async function readUsageEntries(laneId: string, file: string): Promise<UsageEntry[]> {
  if (!existsSync(file)) return []
  const out: UsageEntry[] = []
  const lines = readline.createInterface({ input: createReadStream(file, { encoding: 'utf8', highWaterMark: 256 * 1024 }), crlfDelay: Infinity })
  for await (const line of lines) {
    if (!line.includes('"usage"')) continue
    try {
      const e = JSON.parse(line)
      if (e?.type === 'usage' && e.turn && typeof e.turn === 'object') out.push({ laneId, at: typeof e.at === 'number' ? e.at : 0, turn: e.turn })
    } catch {
      // a torn last line after a crash: the transcript's reader skips it too
    }
  }
  return out
}
