// The ceiling of the pty → xterm row: xterm alone in headless Chromium (bench/xterm-page: the lane's
// terminal options and FlowWriter, no network, no server) writing the same 8 MB flood, in one page like
// that row; the first round is a freshly loaded page. Prints ms and MB/s per round.
// `node node_modules/jiti/lib/jiti-cli.mjs bench/xterm-ceiling.ts [rounds]`
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from '@playwright/test'
import { build } from 'vite'
import { mbPerS } from './figures'
import { END } from './pty'

const here = path.dirname(fileURLToPath(import.meta.url))
const rounds = Number(process.argv[2] ?? 5)
const outDir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-xterm-page-'))
await build({ root: path.join(here, 'xterm-page'), logLevel: 'warn', configFile: false, build: { outDir, emptyOutDir: true } })
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }
const server = createServer((req, res) => {
  const file = path.join(outDir, path.normalize(req.url === '/' ? 'index.html' : (req.url ?? '')))
  let body: Buffer
  try {
    body = readFileSync(file)
  } catch {
    return res.writeHead(404).end()
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream' }).end(body)
}).listen(0, '127.0.0.1')
await new Promise((r) => server.once('listening', r))
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--headless', '--disable-gpu'] })
try {
  const page = await browser.newPage({ viewport: { width: 1600, height: 1000 } })
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
  console.log(`xterm alone, 8 MB flood; load ${os.loadavg()[0].toFixed(1)}`)
  for (let i = 0; i < rounds; i++) {
    const r = await page.evaluate((end) => window.floodXterm(end), END)
    console.log(`  ${i === 0 ? 'fresh page' : `round ${i}`}: ${r.ms.toFixed(0)} ms, ${mbPerS(r.chars, r.ms).toFixed(1)} MB/s (${r.cols}×${r.rows})`)
  }
} finally {
  await browser.close()
  server.close()
  rmSync(outDir, { recursive: true, force: true })
}
