// Figures for the lane machinery: start latency, terminal throughput, and what idle lanes cost.
// `npm run bench`. Compare ratios within one run: absolute timings on a shared 2-core box are noisy.
import { readFileSync } from 'node:fs'
import { afterAll, bench, describe } from 'vitest'
import path from 'node:path'
import { Transcript } from '../src/main/core/lanes/transcript'
import { listProcesses, treeMembers } from '../src/main/core/transport/process-tree'
import { outputOf, testCore, waitFor } from '../test/support/core'

const core = testCore({ maxProcesses: 64 })
const shell = core.profile()
const cat = core.profile({ command: '/bin/sh', args: ['-c', 'head -c 8000000 /dev/zero | tr "\\0" "x"; echo; echo END-OF-STREAM; sleep 60'] })
afterAll(() => core.close())

function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

describe('lanes', () => {
  bench(
    'create a terminal lane and see its first output',
    async () => {
      const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: shell.id })
      await core.lanes.send(lane.id, 'echo ready-$((6*7))\r')
      await waitFor('echo', async () => (await outputOf(core, lane.id)).includes('ready-42'))
      await core.lanes.remove(lane.id)
    },
    { iterations: 20, warmupIterations: 2 },
  )

  bench(
    '8 MB of terminal output through pty → transcript → events',
    async () => {
      let bytes = 0
      let done!: () => void
      const finished = new Promise<void>((r) => (done = r))
      const off = core.lanes.onEvent((e) => {
        if (e.type !== 'terminal.output') return
        bytes += e.data.length
        if (e.data.includes('END-OF-STREAM')) done()
      })
      const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: cat.id })
      await finished
      off()
      await core.lanes.remove(lane.id)
      if (bytes < 8_000_000) throw new Error(`only ${bytes} bytes arrived`)
    },
    { iterations: 5, warmupIterations: 1 },
  )
})

describe('transcripts', () => {
  // What a window does when it reopens a long-lived lane: page through its whole history.
  const big = new Transcript(path.join(core.dataDir, 'bench', 'big.jsonl'))
  const data = 'x'.repeat(200)
  for (let i = 1; i <= 100_000; i++) big.append({ laneId: 'bench', seq: i, at: i, type: 'terminal.output', data })
  bench(
    'page through 100k events (~25 MB) in pages of 2000, from a reopened file',
    async () => {
      const t = new Transcript(big.file)
      let after = 0
      for (;;) {
        const page = await t.read(after, 2000)
        after = page.next
        if (page.done) break
      }
      if (after !== 100_000) throw new Error(`read up to ${after}`)
    },
    { iterations: 5, warmupIterations: 1 },
  )
})

afterAll(async () => {
  const before = process.memoryUsage().rss
  const lanes = []
  for (let i = 0; i < 20; i++) lanes.push(await core.lanes.create({ workspaceId: core.workspace.id, profileId: shell.id }))
  await new Promise((r) => setTimeout(r, 500))
  const table = await listProcesses()
  const childKb = lanes.flatMap((l) => treeMembers(l.pid!, table)).reduce((sum, pid) => sum + rssKb(pid), 0)
  const mainKb = (process.memoryUsage().rss - before) / 1024
  console.log(`\n20 idle shell lanes: supervisor +${(mainKb / 20).toFixed(0)} KB per lane, lane processes ${(childKb / 20 / 1024).toFixed(1)} MB RSS per lane`)
  await Promise.all(lanes.map((l) => core.lanes.remove(l.id)))
})
