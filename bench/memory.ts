// Peak memory of the main process for one huge agent message and for a flood of small events, through
// the whole path: agent stdout → JSONL → Claude adapter → lane → transcript → WebSocket client.
// `node node_modules/jiti/lib/jiti-cli.mjs bench/memory.ts [big MB] [flood count]` prints the figures;
// test/reliability/memory.test.ts asserts bounds on the same run.
import { spawn } from 'node:child_process'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import WebSocket from 'ws'

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.join(here, '..')

export interface MemoryFigures {
  scenario: string
  baselineMb: number
  /** Peak RSS over the whole run, and over the live part (until turn.completed reached the client). */
  peakMb: number
  livePeakMb: number
  /** The kernel's peak (maxRSS) until then: below kernelPeakMb when reading the transcript back set the peak. */
  liveKernelPeakMb: number
  kernelPeakMb: number
  endMb: number
  transcriptMb: number
  /** The server cut the live client off (it then reconnected to read the transcript). */
  disconnected: boolean
  /** Bytes of lanes.events frames the client received, and the largest one. */
  receivedMb: number
  largestFrameMb: number
  /** Events the transcript gives back when paged through over the WebSocket afterwards. */
  replayedEvents: number
  seconds: number
}

/** Runs bench/memory-server.ts in a child, drives one prompt through a WebSocket client, and reports. */
export async function measure(prompt: string, timeoutMs = 240_000): Promise<MemoryFigures> {
  const started = Date.now()
  const child = spawn(process.execPath, [...(process.env.MEM_FLAGS ? process.env.MEM_FLAGS.split(' ') : []), '--expose-gc', path.join(root, 'node_modules/jiti/lib/jiti-cli.mjs'), path.join(here, 'memory-server.ts')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const all = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  // The figures are the JSON lines; anything else (say, --trace-gc's lines) is passed through.
  const lines = { next: async () => { for (;;) { const r = await all.next(); if (r.done || String(r.value).startsWith('{')) return r; process.stderr.write(`${r.value}\n`) } } }
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  try {
    const ready = JSON.parse(String((await lines.next()).value))
    let received = 0
    let largest = 0
    let disconnected = false as boolean
    let closing = false
    let turnDone!: () => void
    const done = new Promise<void>((r) => (turnDone = r))
    let ws = await connect(ready.url, (msg, bytes) => {
      received += bytes
      largest = Math.max(largest, bytes)
      if (msg.event.type === 'turn.completed') turnDone()
    })
    ws.socket.on('close', () => {
      disconnected ||= !closing
      turnDone()
    })
    await ws.call({ subscribe: 'lanes.events', input: { laneId: ready.laneId } })
    const sent = await ws.call({ method: 'lanes.send', input: { laneId: ready.laneId, input: prompt } })
    if (!sent.ok) throw new Error(`lanes.send: ${JSON.stringify(sent.error)}`)
    await done
    child.kill('SIGUSR2')
    const live = JSON.parse(String((await lines.next()).value))
    // A client that was cut off reconnects; either way it catches up from the transcript.
    if (disconnected) {
      await waitForIdle(ready.url, ready.laneId)
      ws = await connect(ready.url, () => {})
    }
    let after = 0
    let replayed = 0
    for (;;) {
      const page = await ws.call({ method: 'lanes.transcript', input: { laneId: ready.laneId, after, limit: 1000 } })
      if (!page.ok) throw new Error(`lanes.transcript: ${JSON.stringify(page.error)}`)
      replayed += page.value.events.length
      after = page.value.next
      if (page.value.done) break
    }
    closing = true
    ws.socket.close()
    child.kill('SIGTERM')
    // The final report is the line with the kernel's figure (a checkpoint line may come first).
    type ServerFigures = Pick<MemoryFigures, 'baselineMb' | 'peakMb' | 'kernelPeakMb' | 'endMb' | 'transcriptMb'>
    let end = {} as ServerFigures
    while (end.kernelPeakMb === undefined) end = JSON.parse(String((await lines.next()).value))
    return {
      scenario: prompt,
      ...end,
      livePeakMb: live.peakMb,
      liveKernelPeakMb: live.liveKernelPeakMb,
      disconnected,
      receivedMb: +(received / (1 << 20)).toFixed(1),
      largestFrameMb: +(largest / (1 << 20)).toFixed(1),
      replayedEvents: replayed,
      seconds: +((Date.now() - started) / 1000).toFixed(1),
    }
  } finally {
    clearTimeout(timer)
    if (child.exitCode === null) child.kill('SIGKILL')
  }
}

/** A WebSocket client of the contract: `call` sends one request and resolves with its reply. */
export async function connect(url: string, onEvent: (msg: any, bytes: number) => void) {
  const socket = new WebSocket(url, { maxPayload: 1 << 30 })
  await new Promise((r, j) => (socket.once('open', r), socket.once('error', j)))
  let nextId = 1
  const replies = new Map<number, (msg: any) => void>()
  const rejects = new Set<(err: Error) => void>()
  socket.on('close', () => {
    for (const reject of rejects) reject(new Error('the server closed the connection'))
  })
  socket.on('message', (data: Buffer) => {
    const msg = JSON.parse(data.toString())
    if (msg.sub !== undefined) onEvent(msg, data.length)
    else replies.get(msg.id)?.(msg)
  })
  const call = (body: object) =>
    new Promise<any>((resolve, reject) => {
      const id = nextId++
      replies.set(id, (msg) => (rejects.delete(reject), resolve(msg)))
      rejects.add(reject)
      socket.send(JSON.stringify({ id, ...body }))
    })
  return { socket, call }
}

/** Waits until the lane is back to ready (its turn is over), asking over fresh connections. */
async function waitForIdle(url: string, laneId: string): Promise<void> {
  for (;;) {
    const c = await connect(url, () => {})
    const lanes = await c.call({ method: 'lanes.list', input: {} })
    c.socket.close()
    if (lanes.value.find((l: { id: string }) => l.id === laneId)?.status === 'ready') return
    await new Promise((r) => setTimeout(r, 200))
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const big = Number(process.argv[2] ?? 50)
  const flood = Number(process.argv[3] ?? 1_000_000)
  for (const prompt of [`big:${big}`, `flood:${flood}`]) console.log(JSON.stringify(await measure(prompt)))
}
