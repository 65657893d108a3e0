import { describe, it, expect } from 'vitest';
import { JsonRpcError, JsonRpcPeer, RpcErrorCode, type JsonRpcPeerOptions } from '../../src/main/core/transport/jsonrpc';
import { JsonlReader, encodeJsonl } from '../../src/main/core/transport/jsonl';

type PeerOpts = Omit<JsonRpcPeerOptions, 'send'>;

/** Two peers back-to-back through real JSONL framing, delivered asynchronously like a pipe. */
function wire(aOpts: PeerOpts = {}, bOpts: PeerOpts = {}) {
  const aLines: string[] = []; // raw lines written by a
  const bLines: string[] = [];
  const framingErrors: Error[] = [];
  let a!: JsonRpcPeer;
  let b!: JsonRpcPeer;
  const toB = new JsonlReader((v) => b.handle(v), (e) => framingErrors.push(e));
  const toA = new JsonlReader((v) => a.handle(v), (e) => framingErrors.push(e));
  const pipe = (lines: string[], reader: JsonlReader) => (message: object) => {
    const line = encodeJsonl(message);
    lines.push(line);
    const bytes = Buffer.from(line);
    // Split mid-line to exercise framing, then deliver on a later tick.
    const cut = Math.floor(bytes.length / 2);
    setImmediate(() => {
      reader.push(bytes.subarray(0, cut));
      reader.push(bytes.subarray(cut));
    });
  };
  a = new JsonRpcPeer({ ...aOpts, send: pipe(aLines, toB) });
  b = new JsonRpcPeer({ ...bOpts, send: pipe(bLines, toA) });
  return { a, b, aLines, bLines, framingErrors };
}

/** A peer whose outgoing messages are captured, for scripting the other side by hand. */
function captured(opts: PeerOpts = {}) {
  const sent: Record<string, unknown>[] = [];
  const protocolErrors: { err: Error; message?: unknown }[] = [];
  const peer = new JsonRpcPeer({
    onProtocolError: (err, message) => protocolErrors.push({ err, message }),
    ...opts,
    send: (m) => sent.push(m as Record<string, unknown>),
  });
  return { peer, sent, protocolErrors };
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const tick = () => new Promise<void>((r) => setImmediate(r));
async function settle(times = 5) {
  for (let i = 0; i < times; i++) await tick();
}

describe('JsonRpcPeer over JSONL', () => {
  it('makes requests in both directions', async () => {
    const { a, b, framingErrors } = wire(
      { onRequest: (method, params, id) => ({ from: 'a', method, params, id }) },
      { onRequest: (method, params, id) => ({ from: 'b', method, params, id }) },
    );
    const [x, y] = await Promise.all([
      a.request('sum', { nums: [1, 2], text: 'é😀\u2028' }),
      b.request('ping'),
    ]);
    // The handler sees the request's own id (protocols refer back to server requests by it).
    expect(x).toEqual({ from: 'b', method: 'sum', params: { nums: [1, 2], text: 'é😀\u2028' }, id: 1 });
    expect(y).toEqual({ from: 'a', method: 'ping', id: 1 });
    expect(a.pendingCount).toBe(0);
    expect(b.pendingCount).toBe(0);
    expect(framingErrors).toEqual([]);
  });

  it('delivers notifications in order', async () => {
    const got: [string, unknown][] = [];
    const { a } = wire({}, { onNotification: (m, p) => got.push([m, p]) });
    a.notify('progress', { pct: 10 });
    a.notify('progress', { pct: 50 });
    a.notify('done');
    await settle();
    expect(got).toEqual([
      ['progress', { pct: 10 }],
      ['progress', { pct: 50 }],
      ['done', undefined],
    ]);
  });

  it('includes "jsonrpc":"2.0" by default and omits it when jsonrpcField is false', async () => {
    const { a, b, aLines, bLines } = wire({ jsonrpcField: false }, { onRequest: () => 'ok' });
    expect(await a.request('m', [1])).toBe('ok');
    a.notify('n');
    await settle();
    expect(aLines.map((l) => JSON.parse(l))).toEqual([{ id: expect.anything(), method: 'm', params: [1] }, { method: 'n' }]);
    expect(JSON.parse(bLines[0])).toEqual({ jsonrpc: '2.0', id: expect.anything(), result: 'ok' });
    // a (no field) accepted b's response that carries the field, and b accepted a's request without it.
    expect(a.pendingCount).toBe(0);
  });

  it('rejects with JsonRpcError carrying code, message and data from an error response', async () => {
    const { a } = wire({}, {
      onRequest: (method) => {
        if (method === 'typed') throw new JsonRpcError(-32602, 'bad params', { field: 'x' });
        if (method === 'plain') throw new Error('kaboom');
        if (method === 'nonerror') throw 'a string';
        return null;
      },
    });
    const typed = await a.request('typed').catch((e: unknown) => e);
    expect(typed).toBeInstanceOf(JsonRpcError);
    expect(typed).toMatchObject({ code: -32602, message: 'bad params', data: { field: 'x' } });

    const plain = await a.request('plain').catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(JsonRpcError);
    expect(plain).toMatchObject({ code: RpcErrorCode.InternalError, message: 'kaboom' });

    const nonError = await a.request('nonerror').catch((e: unknown) => e);
    expect(nonError).toMatchObject({ code: -32603, message: 'a string' });
  });

  it('answers -32601 Method not found when there is no onRequest', async () => {
    const { a } = wire();
    const err = await a.request('nope').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsonRpcError);
    expect((err as JsonRpcError).code).toBe(-32601);
    expect((err as JsonRpcError).message).toMatch(/Method not found/);
  });

  it('sends async handler results when they resolve (e.g. after an approval)', async () => {
    const approval = deferred<{ decision: string }>();
    const { a, b, bLines } = wire({}, { onRequest: () => approval.promise });
    let settled = false;
    const p = a.request('approve').then((v) => ((settled = true), v));
    await settle();
    expect(settled).toBe(false);
    expect(bLines).toEqual([]);
    expect(a.pendingCount).toBe(1);
    // The peer keeps serving other traffic meanwhile.
    const other = wire({}, { onRequest: () => 1 });
    expect(await other.a.request('x')).toBe(1);
    approval.resolve({ decision: 'accept' });
    expect(await p).toEqual({ decision: 'accept' });
    expect(a.pendingCount).toBe(0);
    expect(b.pendingCount).toBe(0);
  });

  it('turns an async handler rejection into an error response', async () => {
    const { a } = wire({}, { onRequest: async () => { throw new JsonRpcError(4001, 'declined'); } });
    await expect(a.request('approve')).rejects.toMatchObject({ code: 4001, message: 'declined' });
  });

  it('answers a handler returning undefined with result null', async () => {
    const { a, bLines } = wire({}, { onRequest: () => undefined });
    expect(await a.request('void')).toBeNull();
    expect(JSON.parse(bLines[0])).toHaveProperty('result', null);
  });
});

describe('JsonRpcPeer correlation', () => {
  it('resolves out-of-order responses by id', async () => {
    const { peer, sent } = captured();
    const p1 = peer.request('one');
    const p2 = peer.request('two');
    const p3 = peer.request('three');
    expect(peer.pendingCount).toBe(3);
    const ids = sent.map((m) => m.id);
    expect(new Set(ids).size).toBe(3);
    expect(ids.every((id) => Number.isInteger(id))).toBe(true);
    peer.handle({ id: ids[2], result: 3 });
    peer.handle({ jsonrpc: '2.0', id: ids[0], result: 1 });
    peer.handle({ id: ids[1], result: 2 });
    expect(await Promise.all([p1, p2, p3])).toEqual([1, 2, 3]);
    expect(peer.pendingCount).toBe(0);
  });

  it('accepts a response whose id comes back as a numeric string', async () => {
    const { peer, sent } = captured();
    const p = peer.request('m');
    peer.handle({ id: String(sent[0].id), result: 'ok' });
    expect(await p).toBe('ok');
  });

  it('echoes string and number ids of incoming requests', async () => {
    const { peer, sent } = captured({ onRequest: (m) => m });
    peer.handle({ id: 'abc-1', method: 'x' });
    peer.handle({ id: 7, method: 'y' });
    expect(sent).toEqual([
      { jsonrpc: '2.0', id: 'abc-1', result: 'x' },
      { jsonrpc: '2.0', id: 7, result: 'y' },
    ]);
  });

  it('reports a response with an unknown id to onProtocolError, including a duplicate response', async () => {
    const { peer, sent, protocolErrors } = captured();
    peer.handle({ id: 999, result: 1 });
    expect(protocolErrors.length).toBe(1);
    expect(protocolErrors[0].err.message).toMatch(/unknown id/);
    expect(protocolErrors[0].message).toEqual({ id: 999, result: 1 });

    const p = peer.request('m');
    peer.handle({ id: sent[0].id, result: 'first' });
    peer.handle({ id: sent[0].id, result: 'second' });
    expect(await p).toBe('first');
    expect(protocolErrors.length).toBe(2);
  });

  it('rejects a pending request whose response has neither result nor error', async () => {
    const { peer, sent, protocolErrors } = captured();
    const p = peer.request('m');
    peer.handle({ id: sent[0].id });
    await expect(p).rejects.toBeInstanceOf(JsonRpcError);
    expect(protocolErrors.length).toBe(1);
  });

  it('rejects with -32603 for a malformed error object', async () => {
    const { peer, sent } = captured();
    const p = peer.request('m');
    peer.handle({ id: sent[0].id, error: 'oops' });
    await expect(p).rejects.toMatchObject({ code: -32603, data: 'oops' });
  });
});

describe('JsonRpcPeer lifecycle', () => {
  it('rejects all pending requests on close and later requests immediately', async () => {
    const { peer, sent } = captured();
    const p1 = peer.request('a');
    const p2 = peer.request('b');
    peer.close();
    await expect(p1).rejects.toMatchObject({ message: 'connection closed' });
    await expect(p2).rejects.toBeInstanceOf(JsonRpcError);
    expect(peer.pendingCount).toBe(0);
    expect(peer.closed).toBe(true);

    const count = sent.length;
    await expect(peer.request('c')).rejects.toBeInstanceOf(JsonRpcError);
    peer.notify('n');
    expect(sent.length).toBe(count); // nothing written after close
  });

  it('rejects with the given reason on close', async () => {
    const { peer } = captured();
    const p = peer.request('a');
    const reason = new Error('agent exited with code 1');
    peer.close(reason);
    await expect(p).rejects.toBe(reason);
    await expect(peer.request('b')).rejects.toBe(reason);
  });

  it('does not answer requests whose async handler settles after close', async () => {
    const d = deferred<string>();
    const { peer, sent } = captured({ onRequest: () => d.promise });
    peer.handle({ id: 1, method: 'slow' });
    peer.close();
    d.resolve('late');
    await settle();
    expect(sent).toEqual([]);
  });

  it('times out, drops the pending entry, and reports a late response as unknown', async () => {
    const { peer, sent, protocolErrors } = captured();
    const p = peer.request('slow', undefined, { timeoutMs: 20 });
    expect(peer.pendingCount).toBe(1);
    const err = await p.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(JsonRpcError);
    expect((err as JsonRpcError).code).toBe(RpcErrorCode.RequestTimeout);
    expect((err as JsonRpcError).message).toMatch(/timed out/);
    expect(peer.pendingCount).toBe(0);
    peer.handle({ id: sent[0].id, result: 'too late' });
    expect(protocolErrors.length).toBe(1);
  });

  it('does not time out a request answered in time', async () => {
    const { a } = wire({}, { onRequest: () => 'fast' });
    expect(await a.request('m', undefined, { timeoutMs: 5_000 })).toBe('fast');
    expect(a.pendingCount).toBe(0);
  });

  it('rejects with the abort reason when the signal aborts', async () => {
    const { peer } = captured();
    const ac = new AbortController();
    const p = peer.request('m', undefined, { signal: ac.signal });
    const reason = new Error('user cancelled');
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    expect(peer.pendingCount).toBe(0);

    const sentBefore = captured();
    await expect(sentBefore.peer.request('m', undefined, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(sentBefore.sent).toEqual([]);
  });

  it('rejects (does not throw) when send throws', async () => {
    const peer = new JsonRpcPeer({ send: () => { throw new Error('EPIPE'); } });
    const p = peer.request('m');
    await expect(p).rejects.toThrow('EPIPE');
    expect(peer.pendingCount).toBe(0);
  });
});

describe('JsonRpcPeer input validation', () => {
  it('never throws out of handle() for invalid shapes', () => {
    const { peer, protocolErrors } = captured();
    for (const bad of [null, 42, 'str', true, {}, { foo: 1 }, { id: { x: 1 }, method: 'm' }, [], [null]]) {
      expect(() => peer.handle(bad)).not.toThrow();
    }
    expect(protocolErrors.length).toBe(9);
  });

  it('answers -32600 to a request whose method is not a string', () => {
    const { peer, sent, protocolErrors } = captured();
    peer.handle({ jsonrpc: '2.0', id: 5, method: 42 });
    expect(sent).toEqual([{ jsonrpc: '2.0', id: 5, error: { code: -32600, message: expect.any(String) } }]);
    expect(protocolErrors.length).toBe(1);
  });

  it('handles a batch element-wise', async () => {
    const notes: string[] = [];
    const { peer, sent, protocolErrors } = captured({
      onRequest: (m, p) => ({ m, p }),
      onNotification: (m) => notes.push(m),
    });
    const pending = peer.request('mine');
    const myId = sent[0].id;
    peer.handle([
      { jsonrpc: '2.0', id: 'r1', method: 'echo', params: [1] },
      { jsonrpc: '2.0', method: 'note' },
      42,
      { jsonrpc: '2.0', id: myId, result: 'yours' },
    ]);
    expect(await pending).toBe('yours');
    expect(notes).toEqual(['note']);
    expect(sent.slice(1)).toEqual([{ jsonrpc: '2.0', id: 'r1', result: { m: 'echo', p: [1] } }]);
    expect(protocolErrors.length).toBe(1);
  });

  it('reports, rather than throws, when a notification handler throws', () => {
    const { peer, protocolErrors } = captured({ onNotification: () => { throw new Error('handler bug'); } });
    expect(() => peer.handle({ method: 'n' })).not.toThrow();
    expect(protocolErrors[0].err.message).toBe('handler bug');
  });

  it('survives a throwing onProtocolError', () => {
    const peer = new JsonRpcPeer({ send: () => {}, onProtocolError: () => { throw new Error('x'); } });
    expect(() => peer.handle(null)).not.toThrow();
  });

  it('sends an error response when a result cannot be encoded', () => {
    const sent: string[] = [];
    const peer = new JsonRpcPeer({ send: (m) => sent.push(encodeJsonl(m)), onRequest: () => ({ big: 1n }) });
    peer.handle({ id: 1, method: 'm' });
    expect(sent.length).toBe(1);
    expect(JSON.parse(sent[0])).toMatchObject({ id: 1, error: { code: -32603 } });
  });
});
