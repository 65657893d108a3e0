// JSON-RPC 2.0 peer over any message transport. Both sides may send requests (agents ask the client
// for approvals), so one class plays client and server. Framing is the caller's job.

export interface RpcErrorObject {
  code: number;
  message: string;
  data?: unknown;
}

export const RpcErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** Implementation-defined (-32000..-32099): no response within timeoutMs. */
  RequestTimeout: -32000,
  /** Implementation-defined: the peer was closed before a response arrived. */
  ConnectionClosed: -32001,
} as const;

export class JsonRpcError extends Error {
  override readonly name = 'JsonRpcError';
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
  }

  toObject(): RpcErrorObject {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export interface JsonRpcPeerOptions {
  /** Sends one message; the caller frames it (e.g. encodeJsonl). */
  send: (message: object) => void;
  /** Codex's app-server omits the "jsonrpc":"2.0" field; default true (include it). Incoming messages are accepted with or without it either way. */
  jsonrpcField?: boolean;
  /** Requests from the other side. Throw JsonRpcError for a specific error; without a handler every request gets -32601. */
  /** `id` is the request's own id, for protocols that refer back to it (Codex's serverRequest/resolved). */
  onRequest?: (method: string, params: unknown, id: string | number | null) => unknown | Promise<unknown>;
  onNotification?: (method: string, params: unknown) => void;
  /** Malformed or unexpected input (e.g. a response with an unknown id); handle() never throws. */
  onProtocolError?: (err: Error, message?: unknown) => void;
}

type Id = number | string;

interface Pending {
  method: string;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
  cleanup: () => void;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

export class JsonRpcPeer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedWith: Error | undefined;
  private readonly withField: boolean;

  constructor(private readonly opts: JsonRpcPeerOptions) {
    this.withField = opts.jsonrpcField ?? true;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  get closed(): boolean {
    return this.closedWith !== undefined;
  }

  request<T = unknown>(
    method: string,
    params?: unknown,
    opts: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<T> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    const { timeoutMs, signal } = opts;
    if (signal?.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => {
        this.pending.delete(id);
        cleanup();
        reject(signal!.reason);
      };
      const cleanup = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, cleanup });
      if (timeoutMs !== undefined && timeoutMs !== Infinity) {
        timer = setTimeout(() => {
          this.pending.delete(id);
          cleanup();
          reject(new JsonRpcError(RpcErrorCode.RequestTimeout, `request "${method}" timed out after ${timeoutMs} ms`));
        }, timeoutMs);
        // A lost response must not keep the process alive.
        timer.unref?.();
      }
      signal?.addEventListener('abort', onAbort, { once: true });
      // Registered before sending: a synchronous transport may deliver the response inside send().
      try {
        this.opts.send(this.message(params === undefined ? { id, method } : { id, method, params }));
      } catch (err) {
        if (this.pending.delete(id)) {
          cleanup();
          reject(err);
        }
      }
    });
  }

  notify(method: string, params?: unknown): void {
    if (this.closedWith) return; // nowhere to send it
    this.opts.send(this.message(params === undefined ? { method } : { method, params }));
  }

  /** Feed each parsed incoming JSON value. Never throws. */
  handle(message: unknown): void {
    if (this.closedWith) return;
    if (Array.isArray(message)) {
      if (message.length === 0) this.protocolError(new JsonRpcError(RpcErrorCode.InvalidRequest, 'empty batch'), message);
      for (const m of message) this.handleOne(m);
      return;
    }
    this.handleOne(message);
  }

  /** Rejects all pending requests; later request() calls reject immediately. Idempotent. */
  close(reason?: Error): void {
    if (this.closedWith) return;
    const err = reason ?? new JsonRpcError(RpcErrorCode.ConnectionClosed, 'connection closed');
    this.closedWith = err;
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.cleanup();
      p.reject(err);
    }
  }

  private message(body: Record<string, unknown>): object {
    return this.withField ? { jsonrpc: '2.0', ...body } : body;
  }

  private handleOne(msg: unknown): void {
    if (!isObject(msg)) {
      this.protocolError(new JsonRpcError(RpcErrorCode.InvalidRequest, 'message is not an object'), msg);
      return;
    }
    if ('method' in msg) {
      const { id, method } = msg;
      const hasId = 'id' in msg && id !== undefined;
      if (hasId && typeof id !== 'number' && typeof id !== 'string' && id !== null) {
        this.protocolError(new JsonRpcError(RpcErrorCode.InvalidRequest, 'invalid request id'), msg);
        return;
      }
      if (typeof method !== 'string') {
        const err = new JsonRpcError(RpcErrorCode.InvalidRequest, 'method is not a string');
        this.protocolError(err, msg);
        if (hasId) this.respondError(id as Id | null, err);
        return;
      }
      if (hasId) this.handleRequest(id as Id | null, method, msg.params);
      else this.handleNotification(method, msg.params);
      return;
    }
    if ('result' in msg || 'error' in msg || 'id' in msg) {
      this.handleResponse(msg);
      return;
    }
    this.protocolError(new JsonRpcError(RpcErrorCode.InvalidRequest, 'not a request, notification or response'), msg);
  }

  private handleResponse(msg: Record<string, unknown>): void {
    const key = typeof msg.id === 'number' ? msg.id : typeof msg.id === 'string' && /^(0|[1-9]\d*)$/.test(msg.id) ? Number(msg.id) : undefined;
    const p = key === undefined ? undefined : this.pending.get(key);
    if (!p) {
      // Includes id:null error responses: the peer could not parse something we sent.
      this.protocolError(new Error(`response with unknown id ${JSON.stringify(msg.id)}`), msg);
      return;
    }
    this.pending.delete(key!);
    p.cleanup();
    const error = msg.error;
    if (error !== undefined && error !== null) {
      if (isObject(error) && typeof error.code === 'number' && typeof error.message === 'string') {
        p.reject(new JsonRpcError(error.code, error.message, error.data));
      } else {
        p.reject(new JsonRpcError(RpcErrorCode.InternalError, `malformed error in response to "${p.method}"`, error));
      }
    } else if ('result' in msg) {
      p.resolve(msg.result);
    } else {
      const err = new JsonRpcError(RpcErrorCode.InvalidRequest, `response to "${p.method}" has neither result nor error`, msg);
      this.protocolError(err, msg);
      p.reject(err);
    }
  }

  private handleNotification(method: string, params: unknown): void {
    if (!this.opts.onNotification) return;
    try {
      this.opts.onNotification(method, params);
    } catch (err) {
      this.protocolError(asError(err), { method, params });
    }
  }

  private handleRequest(id: Id | null, method: string, params: unknown): void {
    const handler = this.opts.onRequest;
    if (!handler) {
      this.respondError(id, new JsonRpcError(RpcErrorCode.MethodNotFound, `Method not found: ${method}`));
      return;
    }
    let result: unknown;
    try {
      result = handler(method, params, id);
    } catch (err) {
      this.respondError(id, err);
      return;
    }
    if (isThenable(result)) {
      // Answered whenever it settles, e.g. after a user approves.
      Promise.resolve(result).then(
        (value) => this.respondResult(id, value),
        (err: unknown) => this.respondError(id, err),
      );
    } else {
      this.respondResult(id, result);
    }
  }

  private respondResult(id: Id | null, result: unknown): void {
    // undefined would drop the key and leave an invalid response.
    const failure = this.sendResponse({ id, result: result === undefined ? null : result }, false);
    // E.g. a result JSON cannot encode: the peer still gets an answer.
    if (failure) this.respondError(id, new JsonRpcError(RpcErrorCode.InternalError, `result could not be sent: ${failure.message}`));
  }

  private respondError(id: Id | null, err: unknown): void {
    const e =
      err instanceof JsonRpcError
        ? err
        : new JsonRpcError(RpcErrorCode.InternalError, err instanceof Error ? err.message : String(err));
    this.sendResponse({ id, error: e.toObject() });
  }

  /** Returns the error if send threw (also reported to onProtocolError unless `report` is false). */
  private sendResponse(body: Record<string, unknown>, report = true): Error | undefined {
    if (this.closedWith) return undefined;
    try {
      this.opts.send(this.message(body));
      return undefined;
    } catch (err) {
      const e = asError(err);
      if (report) this.protocolError(e, body);
      return e;
    }
  }

  private protocolError(err: Error, message?: unknown): void {
    try {
      this.opts.onProtocolError?.(err, message);
    } catch {
      // A throwing error callback must not break handle().
    }
  }
}

function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
