/**
 * The local endpoint as an attacker or a crash would meet it: garbage lines, a line that never ends,
 * a client that vanishes mid-subscription, and many clients at once. Real sockets, a real router.
 */
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { connectLocalEndpoint, startLocalEndpoint, type LocalEndpoint } from '../../src/main/rpc/local-endpoint'
import { Router } from '../../src/main/rpc/router'
import { MAX_LINE_BYTES } from '../../src/main/rpc/stream-transport'
import { testCore, waitFor, type TestCore } from '../support/core'

let core: TestCore
let endpoint: LocalEndpoint
let subscribers = 0

beforeAll(async () => {
  core = testCore()
  const sources = createStreamSources(core)
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), {
    ...sources,
    // Counts live subscriptions, to see that a vanished client leaves none behind.
    'lanes.status': (input, emit) => {
      subscribers++
      const end = sources['lanes.status'](input, emit)
      return () => (subscribers--, end())
    },
  })
  endpoint = await startLocalEndpoint({ dataDir: core.dataDir, mode: 'server', serve: () => ({ router: () => router }) })
})
afterAll(async () => {
  await endpoint?.close()
  await core?.close()
})

/** A raw socket: what it was sent back, line by line. */
async function raw() {
  const socket = net.connect(endpoint.path)
  await new Promise((r) => socket.once('connect', r))
  let buffer = ''
  socket.on('data', (d) => (buffer += d))
  socket.on('error', () => {}) // the endpoint cutting us off is what one test wants
  const closed = new Promise<void>((r) => socket.once('close', () => r()))
  return { socket, closed, lines: () => buffer.split('\n').filter(Boolean).map((l) => JSON.parse(l)) }
}

describe('local endpoint under abuse', () => {
  it('answers garbage with an error and keeps serving the same connection', async () => {
    const c = await raw()
    c.socket.write('not json\n{"id":1}\n{"id":2,"method":"nope.nope"}\n\n{"id":3,"method":"app.info"}\n')
    await waitFor('four answers', () => c.lines().length >= 4)
    const [garbage, shapeless, unknown, info] = c.lines()
    expect(garbage).toMatchObject({ id: null, ok: false, error: { code: 'invalid_input' } })
    expect(shapeless).toMatchObject({ id: 1, ok: false, error: { code: 'invalid_input' } })
    expect(unknown).toMatchObject({ id: 2, ok: false, error: { code: 'unknown_method' } })
    expect(info).toMatchObject({ id: 3, ok: true, value: { name: 'Switchyard', mode: 'server' } })
    c.socket.destroy()
  })

  it('cuts off a line that never ends instead of buffering it', async () => {
    const c = await raw()
    const chunk = Buffer.alloc(1 << 20, 'a')
    for (let sent = 0; sent <= MAX_LINE_BYTES && !c.socket.destroyed; sent += chunk.length) {
      if (!c.socket.write(chunk)) await new Promise((r) => c.socket.once('drain', r).once('close', r))
    }
    await c.closed
    // And the endpoint still serves others.
    const client = await connectLocalEndpoint(core.dataDir)
    expect(await client.call('app.info')).toMatchObject({ ok: true })
    client.close()
  }, 60_000)

  it('a client that vanishes mid-subscription leaves no subscription behind; 50 clients at once are all answered', async () => {
    const before = subscribers
    const c = await raw()
    c.socket.write('{"id":1,"subscribe":"lanes.status"}\n')
    await waitFor('subscribed', () => subscribers === before + 1)
    c.socket.destroy()
    await waitFor('unsubscribed', () => subscribers === before)

    const clients = await Promise.all(Array.from({ length: 50 }, () => connectLocalEndpoint(core.dataDir)))
    const answers = await Promise.all(clients.map((cl) => cl.call('lanes.list')))
    expect(answers.every((a) => a.ok)).toBe(true)
    for (const cl of clients) cl.close()
  })
})
