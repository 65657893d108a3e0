// A terminal lane with 500 MB of history: how long a fresh client waits for its last screen
// (lanes.terminalSnapshot), for a sleeping lane (rebuilt from the transcript's tail after a restart)
// and for a live one (main's screen), and the server's RSS around it.
import path from 'node:path'
import { testCore } from '../test/support/core'
import { appendHistory } from '../test/support/terminal-history'

export interface ReattachFigures {
  sleepingMs: number[]
  liveMs: number[]
  rssGrowthMb: number
}

export async function measureTerminalReattach(rounds: number, historyMb = 500): Promise<ReattachFigures> {
  const first = testCore()
  const lane = await first.lanes.create({ workspaceId: first.workspace.id, profileId: first.profile().id, cols: 100, rows: 30 })
  await first.lanes.stopAll()
  const file = path.join(first.dataDir, 'transcripts', `${lane.id}.jsonl`)
  appendHistory(file, lane.id, (await first.lanes.transcript(lane.id, 0, 10_000)).next, historyMb * 1024 * 1024, 'last screen\r\n$ ')
  const sleepingMs: number[] = []
  const liveMs: number[] = []
  const rssBefore = process.memoryUsage().rss
  let rssAfter = rssBefore
  try {
    for (let i = 0; i < rounds; i++) {
      // Each round a restart: nothing cached but the file.
      const core = testCore({ dataDir: first.dataDir })
      try {
        let t0 = performance.now()
        await core.lanes.terminalSnapshot(lane.id)
        sleepingMs.push(performance.now() - t0)
        t0 = performance.now()
        await core.lanes.terminalSnapshot(lane.id)
        liveMs.push(performance.now() - t0)
        rssAfter = Math.max(rssAfter, process.memoryUsage().rss)
      } finally {
        await core.close(true)
      }
    }
  } finally {
    await first.close()
  }
  return { sleepingMs, liveMs, rssGrowthMb: (rssAfter - rssBefore) / 1024 / 1024 }
}
