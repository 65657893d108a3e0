// The server side of the memory figures: the real core, router and WebSocket server in this process,
// one Claude lane on test/reliability/fixtures/big-claude.mjs. Prints one JSON line
// {url, laneId, baselineMb} once ready; on SIGUSR2 prints the peak so far and starts over; on SIGTERM prints {peakMb, endMb} and exits. RSS is sampled
// every 10 ms, and the kernel's own peak (maxRSS) is reported too. Run by bench/memory.ts.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCore } from '../src/main/core/core'
import { fileStore } from '../src/main/core/store'
import { createHandlers, createStreamSources } from '../src/main/rpc/handlers'
import { Router } from '../src/main/rpc/router'
import { startWsServer } from '../src/main/rpc/ws-server'

const here = path.dirname(fileURLToPath(import.meta.url))
const agent = path.join(here, '..', 'test', 'reliability', 'fixtures', 'big-claude.mjs')
const mb = (bytes: number) => Math.round(bytes / (1 << 20))

async function main() {
  const dataDir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'switchyard-mem-data-')))
  const folder = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'switchyard-mem-ws-')))
  const core = createCore({ dataDir, store: fileStore(dataDir), reaperIntervalMs: 0 })
  const workspace = core.workspaces.add(folder)
  const profile = core.profiles.create({ kind: 'claude', name: 'big claude', command: process.execPath, args: [agent], env: {}, idleTimeoutMs: 0 })
  const lane = await core.lanes.create({ workspaceId: workspace.id, profileId: profile.id })
  const router = new Router(createHandlers(core, { mode: 'server', version: 'bench', dataDir }), createStreamSources(core))
  const token = 'memory-bench-token'
  const server = await startWsServer({ router, host: '127.0.0.1', port: 0, token, staticDir: here })

  globalThis.gc?.()
  const baseline = process.memoryUsage.rss()
  let peak = baseline
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10)
  process.stdout.write(JSON.stringify({ url: `ws://127.0.0.1:${server.port}/ws?token=${token}`, laneId: lane.id, status: lane.status, baselineMb: mb(baseline) }) + '\n')

  // A checkpoint: the peak so far (sampled, and the kernel's since the start), then the sampled peak starts
  // over (the driver marks its phases with it).
  process.on('SIGUSR2', () => {
    process.stdout.write(JSON.stringify({ peakMb: mb(peak), liveKernelPeakMb: Math.round(process.resourceUsage().maxRSS / 1024) }) + '\n')
    peak = process.memoryUsage.rss()
  })

  process.on('SIGTERM', async () => {
    clearInterval(sampler)
    peak = Math.max(peak, process.memoryUsage.rss())
    globalThis.gc?.()
    const end = process.memoryUsage.rss()
    const transcriptBytes = core.lanes.transcriptFile(lane.id)
    await server.close()
    await core.close()
    const { size } = await import('node:fs').then((fs) => fs.statSync(transcriptBytes))
    rmSync(dataDir, { recursive: true, force: true })
    rmSync(folder, { recursive: true, force: true })
    process.stdout.write(
      JSON.stringify({ peakMb: mb(peak), kernelPeakMb: Math.round(process.resourceUsage().maxRSS / 1024), endMb: mb(end), baselineMb: mb(baseline), transcriptMb: +(size / (1 << 20)).toFixed(1) }) + '\n',
    )
    process.exit(0)
  })
}

main().catch((err) => {
  console.error(err)
  process.exit(1)
})
