import type {
  Bridge,
  ErrorCode,
  MethodInput,
  MethodName,
  MethodOutput,
  RpcError,
  StreamEvent,
  StreamInput,
  StreamName,
} from '../../shared/contract'

/** A failed call: the `{ok:false}` answer of the main side, as an exception. */
export class ClientError extends Error {
  readonly code: ErrorCode
  readonly details: unknown
  constructor(error: RpcError) {
    super(error.message)
    this.name = 'ClientError'
    this.code = error.code
    this.details = error.details
  }
}

export interface Client {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>
  subscribe<S extends StreamName>(
    stream: S,
    input: StreamInput<S>,
    onEvent: (event: StreamEvent<S>) => void,
    onError?: (error: ClientError) => void,
  ): () => void
}

/** The one typed client over whichever host bridge we run in (Electron preload or WebSocket). */
export function createClient(bridge: Bridge): Client {
  return {
    async call(method, input) {
      const result = await bridge.invoke(method, input)
      if (!result.ok) throw new ClientError(result.error)
      return result.value as never
    },
    subscribe(stream, input, onEvent, onError) {
      return bridge.subscribe(
        stream,
        input,
        (event) => onEvent(event as never),
        onError ? (error) => onError(new ClientError(error)) : undefined,
      )
    },
  }
}

/** A human message for anything a call may throw. */
export function errorMessage(error: unknown): string {
  if (error instanceof ClientError) return error.message
  if (error instanceof Error) return error.message
  return String(error)
}
