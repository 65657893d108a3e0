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

/** `sh -c` that prints ~`mb` MB of base64 lines (76 columns) and exits. */
const printer = (mb: number) => `head -c ${Math.round((mb * 1024 * 1024 * 3) / 4)} /dev/zero | tr '\\0' 'x' | fold -w 76`

/**
 * pty → main's screen vs a raw pty read of the same output: the raw side counts bytes until the pty exits;
 * the lane side runs the printer in a terminal lane and stops the clock when its screen snapshot reflects
 * the exit (the screen parses along, or is rebuilt from the tail after a flood). Ratios raw / lane.
 */
export async function measurePtyToScreen(rounds: number, mb = 10): Promise<number[]> {
  const { spawnPty } = await import('../src/main/core/transport/pty')
  const { waitFor } = await import('../test/support/core')
  const core = testCore({ reaperIntervalMs: 0 })
  const ratios: number[] = []
  try {
    const profile = core.profile({ command: '/bin/sh', args: ['-c', printer(mb)] })
    for (let i = 0; i < rounds; i++) {
      let t0 = performance.now()
      await new Promise<void>((resolve) => {
        const pty = spawnPty({ file: '/bin/sh', args: ['-c', printer(mb)], cwd: core.folder, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', TERM: 'xterm-256color' }, cols: 100, rows: 30 })
        let bytes = 0
        pty.onData((d) => (bytes += d.length))
        pty.onExit(() => resolve())
      })
      const raw = performance.now() - t0
      t0 = performance.now()
      const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id, cols: 100, rows: 30 })
      await waitFor('the printer to exit', () => ['exited', 'failed'].includes(core.lanes.get(lane.id).record.status), 120_000)
      const snap = await core.lanes.terminalSnapshot(lane.id)
      const viaScreen = performance.now() - t0
      if (!snap.data.includes('x'.repeat(76))) throw new Error('the screen does not show the output')
      ratios.push(raw / viaScreen)
      await core.lanes.remove(lane.id)
    }
  } finally {
    await core.close()
  }
  return ratios
}
