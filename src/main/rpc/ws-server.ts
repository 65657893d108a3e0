import { createReadStream, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import { timingSafeEqual } from 'node:crypto'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Duplex } from 'node:stream'
import { WebSocketServer, type WebSocket } from 'ws'
import { MAX_MESSAGE_BYTES } from '../../shared/contract'
import { CSP } from '../../shared/csp'
import { encodeServerMessage, readClientMessage, type ServerMessage } from '../../shared/wire'
import type { Router } from './router'
import { judgeLag, SLOW_CLIENT, type Lag, type SlowClientRule } from './slow-client'

export interface WsServerOptions {
  router: Router
  host: string
  port: number
  token: string
  /** The built renderer, served at `/`. */
  staticDir: string
  /** Where a client's faults are reported (stderr by default). */
  log?: (line: string) => void
  /** When a client that does not keep up is cut off (tests shorten it). */
  slowClient?: SlowClientRule
}

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
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`))
  const slowClient = opts.slowClient ?? SLOW_CLIENT
  // The contract's limits derive from the same constant: every valid input fits in one frame.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES })
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
    // A reset during or after the handshake is that client's problem, never the server's.
    socket.on('error', () => socket.destroy())
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
    const who = `client ${req.socket.remoteAddress}:${req.socket.remotePort}`
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, opts.router, { who, log, slowClient }))
  })

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject)
    http.listen(opts.port, opts.host, () => resolve())
  })
  port = (http.address() as AddressInfo).port
  // After listen, an accept error (EMFILE under a flood, say) is logged; the server keeps serving.
  http.on('error', (err) => log(`switchyard: http server: ${err.message}`))
  wss.on('error', (err) => log(`switchyard: websocket server: ${err.message}`))
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

interface ClientContext {
  /** The client as the log names it. */
  who: string
  log: (line: string) => void
  slowClient: SlowClientRule
}

/** Per client: open subscriptions and calls not yet answered. A client needs a handful of each. */
export const MAX_SUBSCRIPTIONS = 256
export const MAX_CALLS_IN_FLIGHT = 1024

/** The close code `ws` sent for a protocol error (kept on the error under a symbol), or its error code. */
function closeCodeOf(err: Error): string {
  const status = Object.getOwnPropertySymbols(err).find((s) => s.description === 'status-code')
  return String(status ? (err as unknown as Record<symbol, unknown>)[status] : ((err as NodeJS.ErrnoException).code ?? 'error'))
}

/**
 * One client's calls and subscriptions. Whatever it sends, it can at worst close its own connection:
 * a frame `ws` refuses (too large: 1009, not UTF-8: 1007, unmasked or reserved bits/opcodes: 1002) is
 * closed with that code and logged.
 */
function serveClient(ws: WebSocket, router: Router, ctx: ClientContext): void {
  const subs = new Map<number, () => void>()
  let lag: Lag = {}
  let inFlight = 0
  let lagTimer: NodeJS.Timeout | undefined

  const checkLag = () => {
    const verdict = judgeLag(ctx.slowClient, lag, ws.bufferedAmount, Date.now())
    lag = verdict.lag
    if (verdict.cutOff) {
      ctx.log(`switchyard: ${ctx.who} cut off: ${ws.bufferedAmount} bytes behind (${ctx.slowClient.bytes} allowed for ${ctx.slowClient.forMs} ms)`)
      ws.terminate()
    } else if (lag.behindSince !== undefined) {
      // Behind: look again even if nothing more is sent, so catching up (or not) is seen.
      lagTimer ??= setInterval(checkLag, Math.max(10, Math.min(1000, ctx.slowClient.forMs / 4))).unref()
    } else if (lagTimer) {
      clearInterval(lagTimer)
      lagTimer = undefined
    }
  }
  const send = (msg: ServerMessage, encodedEvent?: string) => {
    if (ws.readyState !== ws.OPEN) return
    let text: string
    try {
      text = encodeServerMessage(msg, encodedEvent)
    } catch (err) {
      // A value JSON cannot carry is a bug of ours; the client hears about it, the server goes on.
      ctx.log(`switchyard: ${ctx.who}: could not encode a message: ${(err as Error).message}`)
      if ('id' in msg) text = JSON.stringify({ id: msg.id, ok: false, error: { code: 'internal', message: 'The answer could not be encoded' } })
      else return
    }
    ws.send(text)
    checkLag()
  }
  const receive = async (data: unknown, isBinary: boolean) => {
    const read = readClientMessage(isBinary ? '' : String(data))
    if ('refusal' in read) return send(read.refusal)
    const { msg } = read
    if ('method' in msg) {
      if (inFlight >= MAX_CALLS_IN_FLIGHT) {
        return send({ id: msg.id, ok: false, error: { code: 'limit_reached', message: `At most ${MAX_CALLS_IN_FLIGHT} calls at once; wait for answers` } })
      }
      inFlight++
      try {
        send({ id: msg.id, ...(await router.call(msg.method, msg.input)) })
      } finally {
        inFlight--
      }
    } else if ('subscribe' in msg) {
      if (subs.has(msg.id)) return send({ id: msg.id, ok: false, error: { code: 'conflict', message: `Subscription ${msg.id} exists` } })
      if (subs.size >= MAX_SUBSCRIPTIONS) {
        return send({ id: msg.id, ok: false, error: { code: 'limit_reached', message: `At most ${MAX_SUBSCRIPTIONS} subscriptions per connection` } })
      }
      const result = router.subscribe(msg.subscribe, msg.input, (event, encoded) => send({ sub: msg.id, event }, encoded))
      if (result.ok) {
        // A subscription that arrives as the socket closes would never be ended by 'close'.
        if (ws.readyState !== ws.OPEN) return result.value()
        subs.set(msg.id, result.value)
      }
      send(result.ok ? { id: msg.id, ok: true, value: null } : { id: msg.id, ok: false, error: result.error })
    } else {
      subs.get(msg.unsubscribe)?.()
      subs.delete(msg.unsubscribe)
      send({ id: msg.id, ok: true, value: null })
    }
  }
  ws.on('message', (data, isBinary) => {
    receive(data, isBinary).catch((err: unknown) => ctx.log(`switchyard: ${ctx.who}: ${(err as Error)?.stack ?? err}`))
  })
  // Without this listener a bad frame is an uncaught 'error' and ends the whole process.
  // `ws` has already sent the close frame; the socket may linger until the client answers it.
  ws.on('error', (err) => ctx.log(`switchyard: ${ctx.who} closed (${closeCodeOf(err)}): ${err.message}`))
  ws.on('close', () => {
    clearInterval(lagTimer)
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
  // The file may go between stat and read (a rebuild): that response fails, not the server.
  else createReadStream(file).on('error', () => res.destroy()).pipe(res)
}
