/**
 * The contract over any byte stream (a Unix socket, a named pipe, later SSH stdio): the WebSocket's
 * wire messages (shared/wire.ts), one JSON object per line. Server and client halves; plain Node.
 */
import type { Duplex } from 'node:stream'
import { encodeServerMessage, readClientMessage, type ServerMessage } from '../../shared/wire'
import type { Result, RpcError } from '../../shared/contract'
import type { Router } from './router'

/** What a connection is served from: the router, or a narrowed view of it (lane-scope.ts). */
export type ContractServer = Pick<Router, 'call' | 'subscribe'>

/** A line longer than this ends the connection: a prompt may be 1 MiB of text, JSON-escaped. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024
/** A reader that stops reading gets cut off rather than growing our memory. */
const MAX_PENDING_WRITE_BYTES = 64 * 1024 * 1024

/** Calls `onLine` for every complete line; ends the stream when one grows past `maxBytes`. */
export function readLines(stream: Duplex, onLine: (line: string) => void, maxBytes = MAX_LINE_BYTES): void {
  let chunks: Buffer[] = []
  let size = 0
  stream.on('data', (data: Buffer) => {
    let start = 0
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, start)) {
      const line = Buffer.concat([...chunks, data.subarray(start, nl)]).toString('utf8')
      chunks = []
      size = 0
      start = nl + 1
      if (line.trim()) onLine(line)
    }
    if (start < data.length) {
      chunks.push(data.subarray(start))
      size += data.length - start
      if (size > maxBytes) stream.destroy(new Error(`line longer than ${maxBytes} bytes`))
    }
  })
}

export interface ServeOptions {
  /** Handles methods the transport itself answers (e.g. the endpoint's lane-token scoping) before the router. */
  intercept?: (method: string, input: unknown) => Promise<Result<unknown>> | undefined
  /** What serves this connection now (it may change after an intercepted call, e.g. once scoped). */
  router: () => ContractServer
}

/** Serves one connection: exactly the WebSocket's message handling, framed by newlines. */
export function serveStream(stream: Duplex, opts: ServeOptions): void {
  const subs = new Map<number, () => void>()
  const send = (msg: ServerMessage, encodedEvent?: string) => {
    if (stream.destroyed || !stream.writable) return
    if (stream.writableLength > MAX_PENDING_WRITE_BYTES) return void stream.destroy()
    stream.write(encodeServerMessage(msg, encodedEvent) + '\n')
  }
  const endAll = () => {
    for (const end of subs.values()) end()
    subs.clear()
  }
  stream.on('close', endAll)
  stream.on('error', () => stream.destroy())
  readLines(stream, async (line) => {
    const read = readClientMessage(line)
    if ('refusal' in read) return send(read.refusal)
    const { msg } = read
    if ('method' in msg) {
      const result = (await opts.intercept?.(msg.method, msg.input)) ?? (await opts.router().call(msg.method, msg.input))
      send({ id: msg.id, ...result })
    } else if ('subscribe' in msg) {
      if (subs.has(msg.id)) return send({ id: msg.id, ok: false, error: { code: 'conflict', message: `Subscription ${msg.id} exists` } })
      const result = opts.router().subscribe(msg.subscribe, msg.input, (event, encoded) => send({ sub: msg.id, event }, encoded))
      if (result.ok) {
        if (stream.destroyed) return result.value()
        subs.set(msg.id, result.value)
      }
      send(result.ok ? { id: msg.id, ok: true, value: null } : { id: msg.id, ok: false, error: result.error })
    } else {
      subs.get(msg.unsubscribe)?.()
      subs.delete(msg.unsubscribe)
      send({ id: msg.id, ok: true, value: null })
    }
  })
}

export class ConnectionClosedError extends Error {}

/** The client half: calls and subscriptions over one stream. */
export class StreamClient {
  private nextId = 1
  private readonly pending = new Map<number, (r: Result<unknown>) => void>()
  private readonly listeners = new Map<number, (event: unknown) => void>()
  private closedError: RpcError | undefined

  constructor(private readonly stream: Duplex) {
    readLines(stream, (line) => {
      let msg: ServerMessage
      try {
        msg = JSON.parse(line)
      } catch {
        return
      }
      if ('sub' in msg) return this.listeners.get(msg.sub)?.(msg.event)
      if (msg.id === null) return
      const done = this.pending.get(msg.id)
      this.pending.delete(msg.id)
      done?.(msg.ok ? { ok: true, value: msg.value } : { ok: false, error: msg.error })
    })
    const onGone = (err?: Error) => {
      this.closedError ??= { code: 'not_running', message: `Connection to Switchyard closed${err ? `: ${err.message}` : ''}` }
      for (const done of this.pending.values()) done({ ok: false, error: this.closedError })
      this.pending.clear()
      this.onClose?.(this.closedError)
    }
    stream.on('error', onGone)
    stream.on('close', () => onGone())
  }

  /** Called once when the connection ends. */
  onClose: ((error: RpcError) => void) | undefined

  call(method: string, input?: unknown): Promise<Result<unknown>> {
    if (this.closedError) return Promise.resolve({ ok: false, error: this.closedError })
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.stream.write(JSON.stringify({ id, method, ...(input === undefined ? {} : { input }) }) + '\n')
    })
  }

  /** Resolves once the server accepted the subscription; events arrive through `onEvent`. */
  async subscribe(stream: string, input: unknown, onEvent: (event: unknown) => void): Promise<Result<() => void>> {
    if (this.closedError) return { ok: false, error: this.closedError }
    const id = this.nextId++
    this.listeners.set(id, onEvent)
    const accepted = await new Promise<Result<unknown>>((resolve) => {
      this.pending.set(id, resolve)
      this.stream.write(JSON.stringify({ id, subscribe: stream, ...(input === undefined ? {} : { input }) }) + '\n')
    })
    if (!accepted.ok) {
      this.listeners.delete(id)
      return accepted
    }
    return {
      ok: true,
      value: () => {
        this.listeners.delete(id)
        if (this.closedError) return
        const unsubId = this.nextId++
        this.stream.write(JSON.stringify({ id: unsubId, unsubscribe: id }) + '\n')
      },
    }
  }

  close(): void {
    this.stream.end()
    this.stream.destroy()
  }
}
