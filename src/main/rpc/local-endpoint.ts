/**
 * The local endpoint: the contract on a Unix socket (a named pipe on Windows) that only this user can
 * open, found from the data dir. The CLI and `switchyard mcp` talk to a running app or server through it.
 *
 * Who may connect is decided by file rights: the socket lives in a 0700 directory owned by us and is
 * itself 0600. Node offers no SO_PEERCRED, so the peer's uid is not checked separately; the directory
 * is what every platform honours (some BSDs ignore a socket's own mode).
 */
import { createHash } from 'node:crypto'
import { chmodSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { AppError } from '../core/errors'
import { serveStream, StreamClient, type ServeOptions } from './stream-transport'

/** Longest Unix socket path every platform accepts (macOS: 104 bytes with the terminator). */
const MAX_SOCKET_PATH = 100
export const ENDPOINT_FILE = 'endpoint.json'

export interface EndpointInfo {
  /** Socket path or pipe name. */
  path: string
  pid: number
  mode: 'electron' | 'server'
}

const uid = () => (typeof process.getuid === 'function' ? process.getuid() : -1)

/** A directory only we may enter: created 0700, refused if someone else owns it or it is a link. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  if (process.platform === 'win32') return
  const st = lstatSync(dir)
  if (!st.isDirectory() || st.uid !== uid()) throw new AppError('conflict', `${dir} is not a directory owned by you; refusing to put the socket there`)
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700)
}

/** Where the endpoint of a data dir lives: in it when the path is short enough, else in a private temp dir. */
export function endpointPath(dataDir: string): string {
  const hash = createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 16)
  if (process.platform === 'win32') return `\\\\.\\pipe\\switchyard-${os.userInfo().username}-${hash}`
  const inData = path.join(dataDir, 'run', 'switchyard.sock')
  if (Buffer.byteLength(inData) <= MAX_SOCKET_PATH) return inData
  return path.join(os.tmpdir(), `switchyard-${uid()}`, `${hash}.sock`)
}

/** Whether something answers on the socket. */
function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(socketPath)
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
}

export interface LocalEndpoint {
  path: string
  close(): Promise<void>
}

/**
 * Listens on the data dir's endpoint and records it in `endpoint.json` (0600). Refuses when another
 * process already serves this data dir; a stale socket from a crash is replaced.
 */
export async function startLocalEndpoint(opts: {
  dataDir: string
  mode: EndpointInfo['mode']
  serve: (socket: net.Socket) => ServeOptions
}): Promise<LocalEndpoint> {
  ensurePrivateDir(opts.dataDir)
  const socketPath = endpointPath(opts.dataDir)
  if (process.platform !== 'win32') {
    ensurePrivateDir(path.dirname(socketPath))
    if (await answers(socketPath)) throw new AppError('conflict', `Another Switchyard already serves ${opts.dataDir} (${socketPath})`)
    rmSync(socketPath, { force: true })
  }
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    serveStream(socket, opts.serve(socket))
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(socketPath, () => resolve())
  })
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600)
  const info: EndpointInfo = { path: socketPath, pid: process.pid, mode: opts.mode }
  const file = path.join(opts.dataDir, ENDPOINT_FILE)
  writeFileSync(`${file}.tmp`, JSON.stringify(info) + '\n', { mode: 0o600 })
  renameSync(`${file}.tmp`, file)
  return {
    path: socketPath,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => server.close(() => r()))
      try {
        const current = JSON.parse(readFileSync(file, 'utf8')) as EndpointInfo
        if (current.pid === process.pid) rmSync(file, { force: true })
      } catch {}
    },
  }
}

/** Connects to the endpoint of a data dir; `not_running` when nothing serves it, `refused` (EACCES) as conflict. */
export async function connectLocalEndpoint(dataDir: string): Promise<StreamClient> {
  let socketPath = endpointPath(dataDir)
  try {
    socketPath = (JSON.parse(readFileSync(path.join(dataDir, ENDPOINT_FILE), 'utf8')) as EndpointInfo).path ?? socketPath
  } catch {}
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(socketPath)
    s.once('connect', () => resolve(s))
    s.once('error', reject)
  }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'EACCES' || err.code === 'EPERM') throw new AppError('refused', `Not allowed to open ${socketPath}: it belongs to another user`)
    throw new AppError('not_running', `No Switchyard is running on ${dataDir} (start the app or \`npm run serve\`, or pass --data-dir)`)
  })
  return new StreamClient(socket)
}
