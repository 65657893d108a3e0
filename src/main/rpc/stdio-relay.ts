/**
 * `server.js --stdio`: the contract on stdin/stdout for a client on the other end of an SSH channel.
 *
 * The core itself does not live in this process: SSH ends it when the connection drops, and the lanes
 * must keep running then. So this process is only a pipe to the data dir's headless core (its local
 * endpoint), which it starts, detached, when none is running. Same router, same wire as every transport.
 */
import { spawn } from 'node:child_process'
import { mkdirSync, openSync, readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import { endpointPath, ENDPOINT_FILE } from './local-endpoint'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function socketOf(dataDir: string): string {
  try {
    return (JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as { path?: string }).path ?? endpointPath(dataDir)
  } catch {
    return endpointPath(dataDir)
  }
}

function connect(socketPath: string): Promise<net.Socket | undefined> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath)
    s.once('connect', () => resolve(s))
    s.once('error', () => resolve(undefined))
  })
}

/** Connects to the data dir's core, starting a detached headless one (logging to headless.log) if none answers. */
export async function connectOrStartCore(opts: { dataDir: string; serverJs: string; timeoutMs?: number }): Promise<net.Socket> {
  const first = await connect(socketOf(opts.dataDir))
  if (first) return first
  mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 })
  const log = openSync(path.join(opts.dataDir, 'headless.log'), 'a', 0o600)
  const child = spawn(process.execPath, [opts.serverJs, '--headless', '--data-dir', opts.dataDir], {
    detached: true,
    stdio: ['ignore', log, log],
  })
  child.unref()
  const deadline = Date.now() + (opts.timeoutMs ?? 30_000)
  while (Date.now() < deadline) {
    await sleep(100)
    const s = await connect(socketOf(opts.dataDir))
    if (s) return s
    if (child.exitCode !== null) break
  }
  throw new Error(`the headless core did not start (see ${path.join(opts.dataDir, 'headless.log')})`)
}

/** Pipes stdin/stdout to the core until either side ends. */
export async function relayStdio(opts: { dataDir: string; serverJs: string }): Promise<void> {
  const socket = await connectOrStartCore(opts)
  process.stdin.pipe(socket)
  socket.pipe(process.stdout)
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve())
    process.stdin.once('end', () => resolve())
    process.stdin.once('close', () => resolve())
  })
  socket.destroy()
}
