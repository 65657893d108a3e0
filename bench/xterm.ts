// pty → xterm vs raw pty read: the same 8 MB flood as the pty → WebSocket row, from a terminal lane
// in a server-mode child to the built renderer (out/renderer) in Debian's headless Chromium, timed
// from `lanes.send` of Enter until the lane's xterm (DOM renderer: no GPU here) shows the end marker
// in its rows (.xterm-rows exists only with the DOM renderer); against the same command read from a
// bare node-pty in this process. One page for all rounds, as a window stays open: each round's lane
// appears in it. The first round (a freshly loaded page: xterm's code not yet optimized) is the
// warm-up; the note gives its rate.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { mbPerS, median, type RatioFigures } from './figures'
import { descendantsCpuMs } from './proc-cpu.mjs'
import { END, floodClient, rawPtyRead, withPtyServer } from './pty'

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const RENDERER = path.join(root, 'out/renderer')
const CHROMIUM = '/usr/bin/chromium'
/** The flood's size as the client counts it (base64 of 6,000,000 bytes in 76-char lines, each ending \r\n). */
const FLOOD_BYTES = 8_000_000 + Math.ceil(8_000_000 / 76) * 2

export async function ptyToXtermVsRaw(rounds: number): Promise<RatioFigures> {
  if (!existsSync(path.join(RENDERER, 'index.html'))) throw new Error('no build in out/renderer (`npx electron-vite build`)')
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}`)
  return withPtyServer(
    async (server) => {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      })
      const client = await floodClient(server)
      try {
        const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
        const ratios: number[] = []
        const xtermRates: number[] = []
        const rawRates: number[] = []
        let firstRate = 0
        const pageCpu: number[] = []
        const serverCpu: number[] = []
        for (let i = 0; i <= rounds; i++) {
          // A new lane, at its `read`: the page shows it with an xterm of its own.
          const laneId = await client.createLane()
          if (i === 0) await page.goto(server.page)
          const rows = `[data-lane-id="${laneId}"] .xterm-rows`
          await page.waitForSelector(rows, { timeout: 30_000 })
          await page.waitForTimeout(300)
          const cpu0 = descendantsCpuMs()
          const t0 = performance.now()
          await client.call({ method: 'lanes.send', input: { laneId, input: '\r' } })
          await page.waitForFunction(({ rows, end }) => document.querySelector(rows)?.textContent?.includes(end), { rows, end: END }, { polling: 'raf', timeout: 120_000 })
          const xtermMs = performance.now() - t0
          const cpu1 = descendantsCpuMs()
          await client.call({ method: 'lanes.remove', input: { laneId } })
          const raw = await rawPtyRead()
          if (i === 0) {
            firstRate = mbPerS(FLOOD_BYTES, xtermMs)
            continue
          }
          ratios.push(raw.ms / xtermMs)
          pageCpu.push(cpu1.chromium - cpu0.chromium)
          serverCpu.push(cpu1.other - cpu0.other)
          xtermRates.push(mbPerS(FLOOD_BYTES, xtermMs))
          rawRates.push(mbPerS(raw.bytes, raw.ms))
        }
        return { ratios, note: `8 MB of base64 lines, DOM renderer; median ${median(xtermRates).toFixed(0)} MB/s into xterm (${firstRate.toFixed(0)} MB/s on a fresh page), ${median(rawRates).toFixed(0)} MB/s raw; CPU per flood: page ${median(pageCpu)} ms, server ${median(serverCpu)} ms` }
      } finally {
        client.close()
        await browser.close()
      }
    },
    { staticDir: RENDERER },
  )
}
