import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { CSP } from '../../shared/csp'
import { ClientMessage, type ServerMessage } from '../../shared/wire'
import type { Router } from './router'

export interface WsServerOptions {
  router: Router
  host: string
  port: number
  token: string
  /** The built renderer, served at `/`. */
  staticDir: string
}

/** A client this far behind is cut off; it reconnects and catches up from the transcript. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1'])

/** Serves the renderer and the contract over a token-guarded WebSocket at /ws. */
export async function startWsServer(opts: WsServerOptions): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const http = createServer((req, res) => {
    try {
      if (new URL(req.url ?? '/', 'http://placeholder').pathname === '/ws') return answerTokenCheck(req, res)
      serveStatic(opts.staticDir, req, res)
    } catch {
      res.writeHead(400).end() // e.g. a malformed %-escape in the path
    }
  })
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 * 1024 })
  let port = opts.port

  // Loopback binds accept only loopback Host names: a rebound DNS name is someone else's page.
  const hostAllowed = (host: string | undefined): boolean => {
    if (!host) return false
    if (!LOOPBACK.has(opts.host)) return true
    const name = host.replace(/:\d+$/, '')
    return LOOPBACK.has(name) && host.endsWith(`:${port}`)
  }

  // A browser cannot see why an upgrade was refused: a plain GET of the same URL tells the page
  // whether its token is the problem (401) or the server is (no answer). It reveals no more than the upgrade.
  const answerTokenCheck = (req: IncomingMessage, res: ServerResponse) => {
    const token = new URL(req.url ?? '/', 'http://placeholder').searchParams.get('token') ?? ''
    const status = !hostAllowed(req.headers.host) ? 403 : sameSecret(token, opts.token) ? 204 : 401
    res.writeHead(status, { 'Cache-Control': 'no-store', 'Content-Length': 0 }).end()
  }

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://placeholder')
    const refuse = (status: number, reason: string) => {
      socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    }
    if (url.pathname !== '/ws') return refuse(404, 'Not Found')
    if (!sameSecret(url.searchParams.get('token') ?? '', opts.token)) return refuse(401, 'Unauthorized')
    const origin = req.headers.origin
    // Browsers always send Origin; a page from anywhere else must not drive the lanes.
    if (!hostAllowed(req.headers.host) || (origin !== undefined && origin !== `http://${req.headers.host}`)) {
      return refuse(403, 'Forbidden')
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, opts.router))
  })

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port, opts.host, () => resolve())
  })
  port = (http.address() as AddressInfo).port
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host
  return {
    url: `http://${shownHost}:${port}/?token=${opts.token}`,
    port,
    close: async () => {
      for (const ws of wss.clients) ws.terminate()
      await new Promise<void>((r) => http.close(() => r()))
    },
  }
}

function serveClient(ws: WebSocket, router: Router): void {
  const subs = new Map<number, () => void>()
  const send = (msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return
    if (ws.bufferedAmount > MAX_BUFFERED_BYTES) return ws.terminate()
    ws.send(JSON.stringify(msg))
  }
  ws.on('message', async (data, isBinary) => {
    let raw: unknown
    try {
      raw = JSON.parse(isBinary ? '' : data.toString())
    } catch {
      return send({ id: null, ok: false, error: { code: 'invalid_input', message: 'Messages must be JSON text' } })
    }
    const parsed = ClientMessage.safeParse(raw)
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null
      return send({ id, ok: false, error: { code: 'invalid_input', message: 'Not a Switchyard message', details: parsed.error.issues } })
    }
    const msg = parsed.data
    if ('method' in msg) {
      send({ id: msg.id, ...(await router.call(msg.method, msg.input)) })
    } else if ('subscribe' in msg) {
      if (subs.has(msg.id)) return send({ id: msg.id, ok: false, error: { code: 'conflict', message: `Subscription ${msg.id} exists` } })
      const result = router.subscribe(msg.subscribe, msg.input, (event) => send({ sub: msg.id, event }))
      if (result.ok) subs.set(msg.id, result.value)
      send(result.ok ? { id: msg.id, ok: true, value: null } : { id: msg.id, ok: false, error: result.error })
    } else {
      subs.get(msg.unsubscribe)?.()
      subs.delete(msg.unsubscribe)
      send({ id: msg.id, ok: true, value: null })
    }
  })
  ws.on('close', () => {
    for (const end of subs.values()) end()
    subs.clear()
  })
}

function serveStatic(root: string, req: IncomingMessage, res: ServerResponse): void {
  const headers = { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, headers).end()
    return
  }
  const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://placeholder').pathname)
  const file = path.resolve(root, '.' + (pathname === '/' ? '/index.html' : pathname))
  let size = -1
  if (file.startsWith(path.resolve(root) + path.sep)) {
    try {
      const st = statSync(file)
      if (st.isFile()) size = st.size
    } catch {}
  }
  if (size < 0) {
    res.writeHead(404, { ...headers, 'Content-Type': 'text/plain' }).end('Not found')
    return
  }
  res.writeHead(200, {
    ...headers,
    'Content-Type': TYPES[path.extname(file)] ?? 'application/octet-stream',
    'Content-Length': size,
    'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'max-age=31536000, immutable',
  })
  if (req.method === 'HEAD') res.end()
  else createReadStream(file).pipe(res)
}
