import { MAX_MESSAGE_BYTES, utf8Bytes, type Bridge, type Result, type RpcError } from '../../shared/contract'
import type { ClientMessage, ServerMessage } from '../../shared/wire'

/**
 * The Bridge of server mode: the contract over one WebSocket.
 *
 * Wire format (JSON text frames):
 *   → {"id":1,"method":"lanes.create","input":{…}}      ← {"id":1,"ok":true,"value":…} | {"id":1,"ok":false,"error":{…}}
 *   → {"id":2,"subscribe":"lanes.events","input":{…}}   ← {"id":2,"ok":true,"value":null}, then {"sub":2,"event":{…}}…
 *   → {"id":3,"unsubscribe":2}                          ← {"id":3,"ok":true,"value":null}
 *
 * Messages wait in a queue until the socket is open. When it closes, calls in flight fail with
 * `internal`/`disconnected`, the bridge reconnects with backoff and re-subscribes every live
 * subscription (events emitted while disconnected are lost: listen to `onState` to catch up).
 *
 * A browser is not told why an upgrade was refused, so after each failed connection the bridge asks
 * the server over plain HTTP whether its token is good (`GET /ws?token=…`: 204, or 401). A refused
 * token (none in the link, or one from an earlier run of the server) ends in `unauthorized` and no
 * more attempts; a server that does not answer is just down, and the bridge keeps trying.
 */

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized'

export interface WsBridge extends Bridge {
  readonly state: ConnectionState
  /** Called on every state change; returns an unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void
  close(): void
}

export interface WsBridgeOptions {
  url: string
  /** For tests: a WebSocket constructor. */
  WebSocket?: new (url: string) => WebSocket
  /** Reconnect delay after the n-th consecutive failure (n ≥ 1). */
  backoff?: (attempt: number) => number
  /** Whether the server refuses our token; by default `GET` on the http(s) form of `url`. */
  tokenRefused?: () => Promise<boolean>
}

/** WebSocket.OPEN (a constant of the standard; test doubles need not define it). */
const OPEN = 1

export const DISCONNECTED: RpcError = { code: 'internal', message: 'disconnected' }

export function defaultBackoff(attempt: number): number {
  return Math.min(5000, 250 * 2 ** Math.max(0, attempt - 1))
}

/** `ws(s)://<host>/ws?token=<token>` for the page at `location`, with the token from its `?token=`. */
export function wsUrlFor(location: { protocol: string; host: string; search: string }): string {
  const token = new URLSearchParams(location.search).get('token') ?? ''
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws'
  return `${scheme}://${location.host}/ws?token=${encodeURIComponent(token)}`
}

/** The server's answer to `GET /ws?token=…`: 401 means the token is wrong, anything else (or nothing) does not. */
export async function tokenRefusedAt(url: string): Promise<boolean> {
  try {
    const res = await fetch(url.replace(/^ws/, 'http'), { cache: 'no-store' })
    return res.status === 401
  } catch {
    return false
  }
}

interface Subscription {
  stream: string
  input: unknown
  onEvent: (event: unknown) => void
  onError?: (error: RpcError) => void
  /** The wire id of its subscribe message on the current connection. */
  wireId?: number
}

export function createWsBridge(options: WsBridgeOptions): WsBridge {
  const WS = options.WebSocket ?? WebSocket
  const backoff = options.backoff ?? defaultBackoff
  const tokenRefused = options.tokenRefused ?? (() => tokenRefusedAt(options.url))

  let state: ConnectionState = 'connecting'
  let socket: WebSocket | undefined
  let closed = false
  let failures = 0
  let timer: ReturnType<typeof setTimeout> | undefined
  let nextId = 1
  let queue: string[] = []
  /** Calls sent (or queued) on the current connection, by wire id. */
  const pending = new Map<number, (result: Result<unknown>) => void>()
  /** Subscribe acks we wait for, by wire id. */
  const acks = new Map<number, Subscription>()
  /** Live subscriptions, by wire id on the current connection. */
  const byWireId = new Map<number, Subscription>()
  const subscriptions = new Set<Subscription>()
  const listeners = new Set<(state: ConnectionState) => void>()

  function setState(next: ConnectionState): void {
    if (state === next) return
    state = next
    for (const listener of [...listeners]) listener(next)
  }

  function send(message: ClientMessage): void {
    sendText(JSON.stringify(message))
  }

  function sendText(text: string): void {
    if (socket && socket.readyState === OPEN) socket.send(text)
    else queue.push(text)
  }

  function sendSubscribe(sub: Subscription): void {
    const id = nextId++
    sub.wireId = id
    acks.set(id, sub)
    byWireId.set(id, sub)
    send({ id, subscribe: sub.stream, input: sub.input })
  }

  function connect(): void {
    if (closed) return
    let ws: WebSocket
    try {
      ws = new WS(options.url)
    } catch {
      scheduleReconnect()
      return
    }
    socket = ws
    ws.onopen = () => {
      if (socket !== ws) return
      failures = 0
      const waiting = queue
      queue = []
      for (const text of waiting) ws.send(text)
      setState('open')
    }
    ws.onmessage = (message) => {
      if (socket !== ws || typeof message.data !== 'string') return
      let data: ServerMessage
      try {
        data = JSON.parse(message.data) as ServerMessage
      } catch {
        return
      }
      receive(data)
    }
    ws.onclose = () => {
      if (socket !== ws) return
      socket = undefined
      dropConnection()
      scheduleReconnect()
      void tokenRefused().then((refused) => {
        if (refused && !closed) giveUp()
      })
    }
    ws.onerror = () => {
      // onclose follows and does the work.
    }
  }

  function receive(data: ServerMessage): void {
    if ('sub' in data) {
      byWireId.get(data.sub)?.onEvent(data.event)
      return
    }
    if (data.id === null) return // an answer to a message the server could not read
    const call = pending.get(data.id)
    if (call) {
      pending.delete(data.id)
      call(data.ok ? { ok: true, value: data.value } : { ok: false, error: data.error })
      return
    }
    const sub = acks.get(data.id)
    if (sub) {
      acks.delete(data.id)
      if (!data.ok) {
        byWireId.delete(data.id)
        subscriptions.delete(sub)
        sub.onError?.(data.error)
      }
    }
  }

  /** The connection is gone: fail calls in flight; subscriptions wait to be re-sent. */
  function dropConnection(): void {
    queue = []
    acks.clear()
    byWireId.clear()
    for (const sub of subscriptions) sub.wireId = undefined
    const calls = [...pending.values()]
    pending.clear()
    for (const call of calls) call({ ok: false, error: DISCONNECTED })
  }

  /** The token is refused: retrying cannot help, only the server's printed URL can. */
  function giveUp(): void {
    closed = true
    if (timer) clearTimeout(timer)
    timer = undefined
    const ws = socket
    socket = undefined
    dropConnection()
    ws?.close()
    setState('unauthorized')
  }

  function scheduleReconnect(): void {
    if (closed) return
    setState('reconnecting')
    failures++
    timer = setTimeout(() => {
      timer = undefined
      for (const sub of subscriptions) sendSubscribe(sub)
      connect()
    }, backoff(failures))
  }

  connect()

  return {
    get state() {
      return state
    },
    onState(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    invoke(method, input) {
      // While reconnecting, fail fast rather than run the action at some surprising later time.
      if (closed || state === 'reconnecting') return Promise.resolve({ ok: false, error: DISCONNECTED })
      const id = nextId++
      // The server would close the whole connection for a frame over its limit: refuse this call alone.
      const text = JSON.stringify({ id, method, input } satisfies ClientMessage)
      if (text !== undefined && utf8Bytes(text) > MAX_MESSAGE_BYTES) {
        const message = `This message is over ${MAX_MESSAGE_BYTES >> 20} MiB; attach large files by path or let them upload in pieces`
        return Promise.resolve({ ok: false, error: { code: 'invalid_input', message } })
      }
      return new Promise((resolve) => {
        pending.set(id, resolve)
        sendText(text)
      })
    },
    subscribe(stream, input, onEvent, onError) {
      const sub: Subscription = { stream, input, onEvent, onError }
      subscriptions.add(sub)
      // While reconnecting, the reconnect sends it.
      if (!closed && state !== 'reconnecting') sendSubscribe(sub)
      return () => {
        if (!subscriptions.delete(sub)) return
        const wireId = sub.wireId
        if (wireId === undefined) return
        byWireId.delete(wireId)
        acks.delete(wireId)
        // Sent now, or queued right behind its (still queued) subscribe.
        const id = nextId++
        pending.set(id, () => {})
        send({ id, unsubscribe: wireId })
      }
    },
    close() {
      closed = true
      if (timer) clearTimeout(timer)
      const ws = socket
      socket = undefined
      dropConnection()
      subscriptions.clear()
      ws?.close()
    },
  }
}
