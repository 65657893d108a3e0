// Figures for the renderer with many busy lanes: the built page in Debian's Chromium, every lane
// streaming at once. Prints a table; there is no pass/fail.
//
// Feeds: `server` (default) runs the built server (out/main/server.js) as a process with N Codex lanes
// of the fake app-server (test/support/fake-agents/codex-app-server.mjs), each streaming deltas that
// carry the agent's clock, and opens the server's page: agent→DOM is measured end to end. `mock`
// serves out/renderer as static files and feeds it from the e2e mock bridge (no server, no agents;
// it also has a terminal scenario).
//
//   npm run bench:renderer                      (builds first; then: node bench/renderer.bench.mjs; 1 and 32 lanes)
//   node bench/renderer.bench.mjs --lanes 1,8,32 --rounds 2
//   node bench/renderer.bench.mjs --lanes 12 --seconds 8 --profile /tmp/prof
//   node bench/renderer.bench.mjs --lanes 1,32 --before .bench-before/renderer --rounds 2
//     (a before/after comparison in one session: each scenario runs on both builds, alternating; in
//     server mode `--before` is the renderer folder of a copy of out/ inside the repo — `cp -r out
//     .bench-before` — whose main/server.js serves it)
//   node bench/renderer.bench.mjs --feed mock --terminals 4
//
// Compare ratios within one run: absolute timings on a shared 2-core box are noisy.
// Node 24 runs this file as is (it imports the TypeScript mock bridge with type stripping).
import { chromium } from '@playwright/test'
import { createReadStream, existsSync, mkdirSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { installMockBridge, mockLane, mockProfile, stamp } from '../test/e2e/mock-bridge.ts'
import { startServerWorld } from './renderer-server.mjs'
import { descendantsCpuMs } from './proc-cpu.mjs'
import { drive, probes, settle, stopCounting, watch } from './renderer-page.mjs'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const { values: opts } = parseArgs({
  options: {
    /** Where the lanes' events come from: `server` (a real server and fake agents) or `mock` (the e2e mock bridge). */
    feed: { type: 'string', default: 'server' },
    /** Agent-lane counts, one scenario each. */
    lanes: { type: 'string', default: '1,32' },
    /** Terminal lanes for the terminal scenario (0: none). */
    terminals: { type: 'string' },
    seconds: { type: 'string', default: '8' },
    /** Text deltas per second per agent lane. */
    rate: { type: 'string', default: '30' },
    /** Write a CPU profile per scenario into this folder and print the top functions. */
    profile: { type: 'string' },
    /** Write a Chrome trace per scenario into this folder and print where the main thread's time went. */
    trace: { type: 'string' },
    /** Save a screenshot of each scenario's end into this folder. */
    shots: { type: 'string' },
    /** The built renderer to serve (e.g. an unminified build, for readable profiles). */
    dir: { type: 'string', default: path.join(ROOT, 'out/renderer') },
    /** Another build (e.g. a copy of out/renderer from before a change): every scenario runs on both. */
    before: { type: 'string' },
    /** Extra CSS for the page (experiments: what a style costs), e.g. '* { animation: none !important }'. */
    css: { type: 'string' },
    /** Runs of each scenario (per build), interleaved, to see the spread on a busy machine. */
    rounds: { type: 'string', default: '1' },
  },
})
const FEED = opts.feed === 'mock' ? 'mock' : 'server'
/** Terminal lanes only in mock mode (server mode streams agents only). */
const TERMINALS = FEED === 'mock' ? Number(opts.terminals ?? 4) : 0
const SECONDS = Number(opts.seconds)
const RATE = Number(opts.rate)
const WINDOW = { width: 1600, height: 1000 }

/** The builds under test, each served under its own path (the built page loads ./assets). */
const BUILDS = opts.before ? { before: path.resolve(opts.before), after: path.resolve(opts.dir) } : { current: path.resolve(opts.dir) }
for (const dir of Object.values(BUILDS)) {
  if (!existsSync(path.join(dir, 'index.html'))) {
    console.error(`${dir}/index.html is missing: run \`npm run build\` first`)
    process.exit(1)
  }
}

// ---------- the page: out/renderer as static files (the mock bridge stands in for the server)

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.woff2': 'font/woff2' }
const server = http.createServer((req, res) => {
  const [, build, rest] = /^\/([^/]+)\/?(.*)$/.exec(decodeURIComponent(new URL(req.url, 'http://x').pathname)) ?? []
  const dir = BUILDS[build]
  const file = dir && path.join(dir, rest || 'index.html')
  if (!file || !file.startsWith(dir) || !existsSync(file)) {
    res.writeHead(404).end()
    return
  }
  res.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' })
  createReadStream(file).pipe(res)
})
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
const URL_ = `http://127.0.0.1:${server.address().port}/`
const LOAD_AT_START = os.loadavg()

// ---------- the world: lanes with some history, mid-turn

const WORDS =
  'the retry helper gives up one attempt too early because the loop compares before it increments so with three retries only three calls happen in total and the tests never notice since they mock the clock'.split(
    ' ',
  )

/** Three finished turns and a fourth under way: every transcript starts with items of each kind. */
function history(i) {
  const body = []
  for (let t = 0; t < 3; t++) {
    body.push({ type: 'input', text: `Turn ${t} of lane ${i}: look at the retry helper and explain it.` })
    body.push({ type: 'turn.started' })
    body.push({ type: 'tool.started', toolCallId: `h${t}`, toolKind: 'read', title: 'Read src/retry.ts' })
    body.push({ type: 'tool.completed', toolCallId: `h${t}`, status: 'completed', output: 'export async function retry<T>(…)\n'.repeat(8) })
    body.push({
      type: 'message',
      role: 'assistant',
      text: `It retries with **backoff**:\n\n- \`attempt++\` before the check\n- sleeps \`backoff(attempt)\`\n\n${WORDS.join(' ')}`,
    })
    body.push({ type: 'turn.completed', outcome: 'completed' })
  }
  body.push({ type: 'input', text: 'Now fix it and run the tests.' })
  body.push({ type: 'turn.started' })
  return body
}

function mockWorld(agents, terminals) {
  const lanes = []
  const transcripts = {}
  for (let i = 0; i < agents; i++) {
    const id = `agent${i}`
    lanes.push(mockLane({ id, kind: 'codex', profileId: 'codex', title: `agent ${i}`, status: 'busy', createdAt: 1000 + i }))
    transcripts[id] = stamp(id, history(i))
  }
  for (let i = 0; i < terminals; i++) {
    const id = `term${i}`
    lanes.push(mockLane({ id, kind: 'terminal', profileId: 'shell', title: `build ${i}`, status: 'busy', createdAt: 2000 + i }))
    transcripts[id] = stamp(id, [{ type: 'terminal.output', data: `$ npm run build\r\n` }])
  }
  return {
    workspaces: [{ id: 'ws', name: 'switchyard', path: '/home/dev/src/switchyard', addedAt: 1 }],
    profiles: [
      mockProfile({ id: 'shell', name: 'Shell', kind: 'terminal', builtIn: true }),
      mockProfile({ id: 'codex', name: 'Codex', kind: 'codex', preset: 'codex', builtIn: true }),
    ],
    lanes,
    transcripts,
  }
}

// ---------- one scenario

const fmt = (v, digits = 0) => (v === null || Number.isNaN(v) ? '—' : v.toFixed(digits))

async function scenario(browser, name, agents, terminals, build) {
  const context = await browser.newContext({ viewport: WINDOW })
  const page = await context.newPage()
  const errors = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.addInitScript(probes)
  if (opts.css) {
    await page.addInitScript((css) => document.addEventListener('DOMContentLoaded', () => document.head.append(Object.assign(document.createElement('style'), { textContent: css }))), opts.css)
  }
  let world
  let ids
  if (FEED === 'server') {
    world = await startServerWorld({ lanes: agents, serverJs: path.join(BUILDS[build], '../main/server.js') })
    ids = { agentIds: world.laneIds, terminalIds: [] }
    await page.goto(world.url)
  } else {
    await installMockBridge(page, mockWorld(agents, terminals))
    ids = { agentIds: Array.from({ length: agents }, (_, i) => `agent${i}`), terminalIds: Array.from({ length: terminals }, (_, i) => `term${i}`) }
    await page.goto(`${URL_}${build}/`)
  }
  try {
    return await measure(page, context, name, ids, errors, world)
  } finally {
    await context.close()
    await world?.stop()
  }
}

async function measure(page, context, name, ids, errors, world) {
  const agents = ids.agentIds.length
  const terminals = ids.terminalIds.length
  await page.waitForFunction(
    ({ agents, terminals }) =>
      document.querySelectorAll('.lane .structured .t-message').length >= Math.min(agents, 4) * 3 &&
      document.querySelectorAll('.lane').length === agents + terminals &&
      document.querySelectorAll('.lane .xterm-rows').length === terminals,
    { agents, terminals },
    { timeout: 30_000 },
  )
  await page.waitForTimeout(1000)

  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable', { timeDomain: 'timeTicks' })
  if (opts.profile) {
    await cdp.send('Profiler.enable')
    await cdp.send('Profiler.setSamplingInterval', { interval: 500 })
    await cdp.send('Profiler.start')
  }
  if (opts.trace) {
    await cdp.send('Tracing.start', {
      transferMode: 'ReturnAsStream',
      traceConfig: { includedCategories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink', 'v8.execute'] },
    })
  }
  const metrics = async () => Object.fromEntries((await cdp.send('Performance.getMetrics')).metrics.map((m) => [m.name, m.value]))
  const before = await metrics()
  const cpuBefore = descendantsCpuMs()
  const longBefore = await page.evaluate(() => window.__bench.longTasks.length)
  const t0 = Date.now()
  let wall
  let after
  let cpuAfter
  if (world) {
    await page.evaluate(watch, { agentIds: ids.agentIds })
    const streamed = world.stream({ rate: RATE, seconds: SECONDS })
    await page.waitForTimeout(SECONDS * 1000)
    after = await metrics()
    cpuAfter = descendantsCpuMs()
    wall = (Date.now() - t0) / 1000
    await page.evaluate(stopCounting)
    const pushed = await streamed
    await page.evaluate((pushed) => (window.__bench.pushed = pushed), pushed)
  } else {
    await page.evaluate(drive, { agents, terminals, rate: RATE, seconds: SECONDS, words: WORDS })
    await page.waitForTimeout(SECONDS * 1000)
    after = await metrics()
    cpuAfter = descendantsCpuMs()
    wall = (Date.now() - t0) / 1000
    await page.evaluate(stopCounting)
  }
  const end = await page.evaluate(settle, ids)
  const probe = await page.evaluate(
    ({ from }) => ({
      frames: window.__bench.frames,
      elapsed: window.__bench.countedFor / 1000,
      longTasks: window.__bench.longTasks.slice(from).filter((t) => t.start >= window.__bench.t0),
      latency: window.__bench.latency,
      lanesInView: window.__bench.lanesInView,
      pushed: window.__bench.pushed,
    }),
    { from: longBefore },
  )
  if (opts.profile) {
    const { profile } = await cdp.send('Profiler.stop')
    mkdirSync(opts.profile, { recursive: true })
    const file = path.join(opts.profile, `${name.replace(/\W+/g, '-')}.cpuprofile`)
    writeFileSync(file, JSON.stringify(profile))
    printProfile(name, profile, file)
  }
  if (opts.trace) {
    const done = new Promise((resolve) => cdp.once('Tracing.tracingComplete', resolve))
    await cdp.send('Tracing.end')
    const { stream } = await done
    let json = ''
    for (;;) {
      const chunk = await cdp.send('IO.read', { handle: stream, size: 1 << 20 })
      json += chunk.base64Encoded ? Buffer.from(chunk.data, 'base64').toString() : chunk.data
      if (chunk.eof) break
    }
    await cdp.send('IO.close', { handle: stream })
    mkdirSync(opts.trace, { recursive: true })
    const file = path.join(opts.trace, `${name.replace(/\W+/g, '-')}.trace.json`)
    writeFileSync(file, json)
    printTrace(name, JSON.parse(json), file)
  }
  if (opts.shots) {
    mkdirSync(opts.shots, { recursive: true })
    await page.screenshot({ path: path.join(opts.shots, `${name.replace(/\W+/g, '-')}.png`) })
  }
  const heap = (await metrics()).JSHeapUsedSize

  const perSecond = (key) => ((after[key] - before[key]) * 1000) / wall
  const latency = probe.latency.slice().sort((a, b) => a - b)
  const pct = (p) => (latency.length ? latency[Math.min(latency.length - 1, Math.floor((latency.length * p) / 100))] : NaN)
  const deltas = Object.values(probe.pushed).reduce((s, n) => s + (typeof n === 'number' ? n : 0), 0)
  return {
    name,
    deltas: deltas / SECONDS,
    script: perSecond('ScriptDuration'),
    layout: perSecond('LayoutDuration'),
    style: perSecond('RecalcStyleDuration'),
    task: perSecond('TaskDuration'),
    cpuPage: (cpuAfter.chromium - cpuBefore.chromium) / wall,
    // The page's main thread, CPU time (not wall): per second, and per frame drawn (what a frame costs).
    cpuMain: perSecond('ThreadTime'),
    cpuFrame: ((after.ThreadTime - before.ThreadTime) * 1000) / Math.max(1, probe.frames),
    cpuServer: (cpuAfter.other - cpuBefore.other) / wall,
    longCount: probe.longTasks.length,
    longWorst: Math.max(0, ...probe.longTasks.map((t) => t.duration)),
    fps: probe.frames / probe.elapsed,
    heap: heap / 2 ** 20,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
    lanesInView: probe.lanesInView,
    load: os.loadavg()[0],
    behind: `${end.behindInView}/${end.behindOut}`,
    caughtUp: `${fmt(end.inView)}/${fmt(end.back)}`,
    atBottom: end.atBottom,
    errors,
  }
}

/** The functions with the most self time, and what calls the hottest leaves (by name, for a quick read). */
function printProfile(name, profile, file) {
  const self = new Map()
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const dt = new Map()
  profile.samples.forEach((id, i) => dt.set(id, (dt.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)))
  let total = 0
  for (const [id, us] of dt) {
    const n = byId.get(id)
    const f = n.callFrame
    const key = `${f.functionName || '(anonymous)'} ${path.basename(f.url || '')}:${f.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + us)
    total += us
  }
  console.log(`\n${name}: CPU profile ${file} (${(total / 1000).toFixed(0)} ms sampled); top self time:`)
  for (const [key, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 25)) {
    console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${key}`)
  }
}

/** Self time of the renderer main thread's trace events, by name (Paint, Layout, FunctionCall, …). */
function printTrace(name, trace, file) {
  const events = Array.isArray(trace) ? trace : trace.traceEvents
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain')
  const spans = events
    .filter((e) => e.ph === 'X' && main && e.pid === main.pid && e.tid === main.tid && e.dur !== undefined)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur)
  const self = new Map()
  const stack = []
  for (const e of spans) {
    while (stack.length && stack[stack.length - 1].ts + stack[stack.length - 1].dur <= e.ts) stack.pop()
    const parent = stack[stack.length - 1]
    if (parent) self.set(parent.name, (self.get(parent.name) ?? 0) - Math.min(e.dur, parent.ts + parent.dur - e.ts))
    self.set(e.name, (self.get(e.name) ?? 0) + e.dur)
    stack.push(e)
  }
  const top = [...self].filter(([n]) => n !== 'ThreadControllerImpl::RunTask' && n !== 'RunTask').sort((a, b) => b[1] - a[1])
  console.log(`\n${name}: trace ${file}; main-thread self time by event:`)
  for (const [n, us] of top.slice(0, 20)) console.log(`  ${(us / 1000).toFixed(0).padStart(7)} ms  ${n}`)
}

// ---------- run and print

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
})
const rows = []
try {
  for (let round = 1; round <= Number(opts.rounds); round++) {
    for (const n of opts.lanes.split(',').map(Number).filter((n) => n > 0)) {
      for (const build of Object.keys(BUILDS)) {
        const label = `${opts.before ? `${build}: ` : ''}${n} agent lane${n === 1 ? '' : 's'}`
        rows.push({ ...(await scenario(browser, label, n, 0, build)), build, lanes: n, round })
        console.error(`done: ${label} (round ${round})`)
      }
    }
    const terminals = TERMINALS
    if (terminals > 0) {
      for (const build of Object.keys(BUILDS)) {
        const label = `${opts.before ? `${build}: ` : ''}${terminals} terminal lane${terminals === 1 ? '' : 's'}`
        rows.push({ ...(await scenario(browser, label, 0, terminals, build)), build, lanes: 0, round })
        console.error(`done: ${label} (round ${round})`)
      }
    }
  }
} finally {
  await browser.close()
  server.close()
}

const agentRow = (r) => !r.name.includes('terminal')
const table = [
  ['scenario', 'round', 'deltas/s', 'script ms/s', 'layout ms/s', 'style ms/s', 'task ms/s', 'CPU ms/s page/server', 'main CPU ms/s, /frame', 'long tasks', 'worst ms', 'fps', 'heap MB', 'in view', 'agent→DOM p50/p95/p99 ms', 'behind at stop', 'caught up ms', 'at bottom', 'load'],
  ...rows.map((r) => [
    r.name,
    String(r.round),
    fmt(r.deltas),
    fmt(r.script),
    fmt(r.layout),
    fmt(r.style),
    fmt(r.task),
    `${fmt(r.cpuPage)}/${FEED === 'server' ? fmt(r.cpuServer) : '—'}`,
    `${fmt(r.cpuMain)}, ${fmt(r.cpuFrame, 1)}`,
    String(r.longCount),
    fmt(r.longWorst),
    fmt(r.fps, 1),
    fmt(r.heap, 1),
    agentRow(r) ? String(r.lanesInView) : '—',
    agentRow(r) ? `${fmt(r.p50)}/${fmt(r.p95)}/${fmt(r.p99)}` : '—',
    agentRow(r) ? r.behind : '—',
    r.caughtUp,
    agentRow(r) ? r.atBottom : '—',
    fmt(r.load, 1),
  ]),
]
const widths = table[0].map((_, c) => Math.max(...table.map((row) => row[c].length)))
console.log(`\nRenderer (${FEED === "server" ? "server mode: out/main/server.js, fake Codex lanes" : "mock bridge"}), ${WINDOW.width}×${WINDOW.height}, ${SECONDS} s of streaming, ${RATE} deltas/s per agent lane; ${os.cpus().length} cores, load average at start ${LOAD_AT_START.map((l) => l.toFixed(1)).join(' ')}`)
console.log('CPU ms/s: CPU time of all Chromium processes (page) and of the server with its agents, per second of streaming (not')
console.log('inflated by waiting for a core, unlike the rest); main CPU: the same for the page\'s main thread alone, per second and per frame;')
console.log('ms/s: main-thread time per second of wall time; agent→DOM: every delta of every lane in view, from its push to the')
console.log('commit that puts it in the DOM (MutationObserver); behind at stop: deltas not shown yet, lanes in view/out of view;')
console.log('caught up: ms after the stop until the lanes in view show all / after scrolling the last lane into view until it')
console.log('does; at bottom: lanes in view at the end of their transcript, then; load: 1-minute load average after the run')
for (const row of table) console.log(row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  '))

// The many-lane run against the 1-lane run of the same build, round by round: on a shared machine the
// absolute figures move with the load, the ratios less.
const many = Math.max(...rows.map((r) => r.lanes))
const ratios = rows
  .filter((r) => r.lanes === many && many > 1)
  .map((r) => ({ r, one: rows.find((o) => o.lanes === 1 && o.build === r.build && o.round === r.round) }))
  .filter(({ one }) => one)
if (ratios.length) {
  console.log(`\n${many} lanes ÷ 1 lane (same build, same round):`)
  for (const { r, one } of ratios) {
    console.log(
      `  ${r.build.padEnd(7)} round ${r.round}:  p50 ×${fmt(r.p50 / one.p50, 1)}  p99 ×${fmt(r.p99 / one.p99, 1)}  fps ×${fmt(r.fps / one.fps, 2)}  task ms/s ×${fmt(r.task / one.task, 1)}  page CPU ×${fmt(r.cpuPage / one.cpuPage, 1)}`,
    )
  }
}
// Medians over the rounds, per scenario and build: one line each to compare builds on a busy machine.
if (Number(opts.rounds) > 1) {
  const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]
  console.log(`\nMedians over ${opts.rounds} rounds:`)
  for (const name of [...new Set(rows.map((r) => r.name))]) {
    const of = rows.filter((r) => r.name === name)
    const m = (key, digits = 0) => fmt(median(of.map((r) => r[key])), digits)
    console.log(`  ${name.padEnd(widths[0])}  p50/p99 ${m('p50')}/${m('p99')} ms  fps ${m('fps', 1)}  page CPU ${m('cpuPage')} ms/s  main CPU ${m('cpuMain')} ms/s, ${m('cpuFrame', 1)} ms/frame  load ${m('load', 1)}`)
  }
}
for (const r of rows) if (r.errors.length) console.log(`${r.name}: page errors: ${r.errors.slice(0, 3).join(' | ')}`)
