import { z } from 'zod'
import {
  encodedBytes,
  MAX_INPUT_BYTES,
  methods,
  streams,
  type MethodArgs,
  type MethodName,
  type MethodOutput,
  type Result,
  type RpcError,
  type StreamArgs,
  type StreamEvent,
  type StreamName,
} from '../../shared/contract'
import { AppError } from '../core/errors'

export type Handlers = { [M in MethodName]: (input: MethodArgs<M>) => Promise<MethodOutput<M>> | MethodOutput<M> }
/** `encoded`, when given, is the event's JSON text: a transport may send it instead of encoding the event again. */
export type StreamEmit<E> = (event: E, encoded?: string) => void
export type StreamSources = { [S in StreamName]: (input: StreamArgs<S>, emit: StreamEmit<StreamEvent<S>>) => () => void }

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key)

export function toRpcError(err: unknown): RpcError {
  if (err instanceof AppError) return { code: err.code, message: err.message, details: err.details }
  if (err instanceof z.ZodError) return { code: 'invalid_input', message: z.prettifyError(err), details: err.issues }
  console.error('switchyard: internal error', err)
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) }
}

function tooLarge(size: number): RpcError {
  const mib = (n: number) => `${(n / (1 << 20)).toFixed(1)} MiB`
  return {
    code: 'invalid_input',
    message: `This message is ${Number.isFinite(size) ? mib(size) : 'not JSON'}; one message carries at most ${mib(MAX_INPUT_BYTES)}. Attach large files by path or upload them in pieces (attachments.upload).`,
    details: { size, max: MAX_INPUT_BYTES },
  }
}

/**
 * Serves the contract: every input is validated before a handler sees it, and every failure comes
 * back as a structured error. Nothing here throws to the transport.
 */
export class Router {
  constructor(
    private readonly handlers: Handlers,
    private readonly sources: StreamSources,
  ) {}

  async call(method: string, input: unknown): Promise<Result<unknown>> {
    if (!has(methods, method)) return { ok: false, error: { code: 'unknown_method', message: `Unknown method: ${method}` } }
    const name = method as MethodName
    // The same bound over IPC as over the WebSocket: nothing valid here is too big for a frame.
    const size = encodedBytes(input)
    if (size > MAX_INPUT_BYTES) return { ok: false, error: tooLarge(size) }
    const parsed = methods[name].input.safeParse(input)
    if (!parsed.success) return { ok: false, error: toRpcError(parsed.error) }
    try {
      const handler = this.handlers[name] as (input: unknown) => unknown
      return { ok: true, value: (await handler(parsed.data)) ?? null }
    } catch (err) {
      return { ok: false, error: toRpcError(err) }
    }
  }

  /** Starts a stream; the returned function ends it. */
  subscribe(stream: string, input: unknown, emit: StreamEmit<unknown>): Result<() => void> {
    if (!has(streams, stream)) return { ok: false, error: { code: 'unknown_method', message: `Unknown stream: ${stream}` } }
    const name = stream as StreamName
    const parsed = streams[name].input.safeParse(input)
    if (!parsed.success) return { ok: false, error: toRpcError(parsed.error) }
    try {
      const source = this.sources[name] as (input: unknown, emit: StreamEmit<unknown>) => () => void
      return { ok: true, value: source(parsed.data, emit) }
    } catch (err) {
      return { ok: false, error: toRpcError(err) }
    }
  }
}
