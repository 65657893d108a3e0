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
import { mbPerS, median, within, type RatioFigures } from './figures'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, '..')
export const END = 'END-OF-STREAM'
/** 6 MB random → 8.1 MB of base64 in 76-character lines; waits for Enter so that spawning is not timed. */
export const FLOOD = `read go; head -c 6000000 /dev/urandom | base64; echo ${END}; exec sleep 600`
export const MIN_BYTES = 8_000_000

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
export async function rawPtyRead(): Promise<{ ms: number; bytes: number }> {
  const pty = nodePty.spawn('/bin/sh', ['-c', FLOOD], { name: 'xterm-256color', cols: 120, rows: 30, cwd: root, env: { ...process.env, TERM: 'xterm-256color' } as Record<string, string>, encoding: 'utf8' })
  try {
    await new Promise((r) => setTimeout(r, 100)) // the shell is at its `read`
    let done!: () => void
    const finished = new Promise<void>((r) => (done = r))
    const w = endWatcher(done)
    pty.onData((d) => w.push(d))
    const t0 = performance.now()
    pty.write('\r')
    await within(finished, 60_000, 'the end of the flood from the bare pty')
    return { ms: performance.now() - t0, bytes: w.bytes() }
  } finally {
    pty.kill('SIGKILL')
  }
}

export type PtyServer = { url: string; page: string; workspaceId: string; profileId: string }

/** Runs bench/pty-server.ts in a child (serving `staticDir` if given) for `use`, then stops it. */
export async function withPtyServer<T>(use: (server: PtyServer) => Promise<T>, opts: { staticDir?: string; timeoutMs?: number } = {}): Promise<T> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules/jiti/lib/jiti-cli.mjs'), path.join(here, 'pty-server.ts'), FLOOD, ...(opts.staticDir ? [opts.staticDir] : [])], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 240_000)
  try {
    const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next()
    if (first.done) throw new Error('the server child exited before it listened')
    return await use(JSON.parse(String(first.value)) as PtyServer)
  } finally {
    clearTimeout(timer)
    child.kill('SIGTERM')
    const exited = new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
    child.kill('SIGKILL')
  }
}

/** A contract client of `server`; lanes it creates run the flood, which starts at Enter (`lanes.send`). */
export async function floodClient(server: PtyServer, onOutput: (data: string) => void = () => {}) {
  const ws = await connect(server.url, (msg) => {
    if (msg.event?.type === 'terminal.output') onOutput(msg.event.data)
  })
  const call = async (body: object) => {
    const reply = await ws.call(body)
    if (!reply.ok) throw new Error(`${JSON.stringify(body).slice(0, 80)}: ${JSON.stringify(reply.error)}`)
    return reply.value
  }
  return {
    call,
    createLane: async (): Promise<string> => (await call({ method: 'lanes.create', input: { workspaceId: server.workspaceId, profileId: server.profileId } })).id,
    close: () => ws.socket.close(),
  }
}

/** Ms from `lanes.send` of Enter until a WebSocket client received the whole flood from a new lane. */
async function laneToClient(server: PtyServer): Promise<{ ms: number; bytes: number }> {
  let done!: () => void
  const finished = new Promise<void>((r) => (done = r))
  const w = endWatcher(done)
  const client = await floodClient(server, (data) => w.push(data))
  try {
    const laneId = await client.createLane()
    await client.call({ subscribe: 'lanes.events', input: { laneId, types: ['terminal.output'] } })
    await new Promise((r) => setTimeout(r, 100))
    const t0 = performance.now()
    await client.call({ method: 'lanes.send', input: { laneId, input: '\r' } })
    await within(finished, 120_000, 'the end of the flood at the WebSocket client')
    const ms = performance.now() - t0
    await client.call({ method: 'lanes.remove', input: { laneId } })
    return { ms, bytes: w.bytes() }
  } finally {
    client.close()
  }
}


/** `rounds` of each, alternated, after one of each as a warm-up. */
export async function ptyToClientVsRaw(rounds: number): Promise<RatioFigures> {
  return withPtyServer(async (server) => {
    const ratios: number[] = []
    const laneRates: number[] = []
    const rawRates: number[] = []
    for (let i = 0; i <= rounds; i++) {
      const lane = await laneToClient(server)
      const raw = await rawPtyRead()
      if (lane.bytes < MIN_BYTES || raw.bytes < MIN_BYTES) throw new Error(`only ${lane.bytes} / ${raw.bytes} bytes arrived`)
      if (i === 0) continue
      ratios.push(raw.ms / lane.ms)
      laneRates.push(mbPerS(lane.bytes, lane.ms))
      rawRates.push(mbPerS(raw.bytes, raw.ms))
    }
    return { ratios, note: `8 MB of base64 lines; median ${median(laneRates).toFixed(0)} MB/s to the client, ${median(rawRates).toFixed(0)} MB/s raw` }
  })
}
