// pty → WebSocket client vs raw pty read: a terminal lane in a server-mode child (bench/pty-server.ts)
// prints ~8 MB of base64 lines; a WebSocket client subscribed to the lane's events times from its
// `lanes.send` of Enter until it has received all of it. The baseline reads the same command's output
// from a bare node-pty in this process, from the same Enter to the same end marker.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import * as nodePty from 'node-pty'
import { connect } from './memory'
import type { RatioFigures } from './lane-start'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, '..')
const END = 'END-OF-STREAM'
/** 6 MB random → 8.1 MB of base64 in 76-character lines; waits for Enter so that spawning is not timed. */
export const FLOOD = `read go; head -c 6000000 /dev/urandom | base64; echo ${END}; exec sleep 600`
const MIN_BYTES = 8_000_000

/** Calls `done` when `END` has gone by in the chunks given to the returned function (it may be split). */
function endWatcher(done: () => void) {
  let tail = ''
  let bytes = 0
  return {
    push(data: string) {
      bytes += data.length
      tail = (tail + data).slice(-64)
      // The echoed `echo END…` never shows: the command runs from `sh -c`, not typed.
      if (tail.includes(END)) done()
    },
    bytes: () => bytes,
  }
}

/** Ms from Enter until the whole flood was read from a bare pty. */
async function rawPtyRead(): Promise<{ ms: number; bytes: number }> {
  const pty = nodePty.spawn('/bin/sh', ['-c', FLOOD], { name: 'xterm-256color', cols: 120, rows: 30, cwd: root, env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>, encoding: 'utf8' })
  try {
    await new Promise((r) => setTimeout(r, 100)) // the shell is at its `read`
    let done!: () => void
    const finished = new Promise<void>((r) => (done = r))
    const w = endWatcher(done)
    pty.onData((d) => w.push(d))
    const t0 = performance.now()
    pty.write('\r')
    await finished
    return { ms: performance.now() - t0, bytes: w.bytes() }
  } finally {
    pty.kill('SIGKILL')
  }
}

type Server = { url: string; workspaceId: string; profileId: string }

/** Ms from `lanes.send` of Enter until a WebSocket client received the whole flood from a new lane. */
async function laneToClient(server: Server): Promise<{ ms: number; bytes: number }> {
  let done!: () => void
  const finished = new Promise<void>((r) => (done = r))
  const w = endWatcher(done)
  const ws = await connect(server.url, (msg) => {
    if (msg.event?.type === 'terminal.output') w.push(msg.event.data)
  })
  try {
    const created = await ws.call({ method: 'lanes.create', input: { workspaceId: server.workspaceId, profileId: server.profileId } })
    if (!created.ok) throw new Error(`lanes.create: ${JSON.stringify(created.error)}`)
    const laneId = created.value.id
    await ws.call({ subscribe: 'lanes.events', input: { laneId, types: ['terminal.output'] } })
    await new Promise((r) => setTimeout(r, 100))
    const t0 = performance.now()
    const sent = await ws.call({ method: 'lanes.send', input: { laneId, input: '\r' } })
    if (!sent.ok) throw new Error(`lanes.send: ${JSON.stringify(sent.error)}`)
    await finished
    const ms = performance.now() - t0
    await ws.call({ method: 'lanes.remove', input: { laneId } })
    return { ms, bytes: w.bytes() }
  } finally {
    ws.socket.close()
  }
}

/** `rounds` of each, alternated, after one of each as a warm-up. */
export async function ptyToClientVsRaw(rounds: number, timeoutMs = 180_000): Promise<RatioFigures> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/jiti/lib/jiti-cli.mjs'), path.join(here, 'pty-server.ts'), FLOOD], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  try {
    const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()
    if (first.done) throw new Error('the server child exited before it listened')
    const server = JSON.parse(String(first.value)) as Server
    const ratios: number[] = []
    const mb: number[] = []
    for (let i = 0; i <= rounds; i++) {
      const lane = await laneToClient(server)
      const raw = await rawPtyRead()
      if (lane.bytes < MIN_BYTES || raw.bytes < MIN_BYTES) throw new Error(`only ${lane.bytes} / ${raw.bytes} bytes arrived`)
      if (i === 0) continue
      ratios.push(raw.ms / lane.ms)
      mb.push(lane.bytes / (1 << 20) / (lane.ms / 1000), raw.bytes / (1 << 20) / (raw.ms / 1000))
    }
    const laneRates = mb.filter((_, i) => i % 2 === 0).sort((a, b) => a - b)
    const rawRates = mb.filter((_, i) => i % 2 === 1).sort((a, b) => a - b)
    const med = (xs: number[]) => xs[xs.length >> 1].toFixed(0)
    return { ratios, note: `8 MB of base64 lines; median ${med(laneRates)} MB/s to the client, ${med(rawRates)} MB/s raw` }
  } finally {
    clearTimeout(timer)
    child.kill('SIGTERM')
    const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    child.kill('SIGKILL')
  }
}
