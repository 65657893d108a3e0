import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import WebSocket from 'ws'
import { MAX_INPUT_BYTES, MAX_MESSAGE_BYTES } from '../../src/shared/contract'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { MAX_SUBSCRIPTIONS, startWsServer } from '../../src/main/rpc/ws-server'
import { withUploads } from '../../src/renderer/ui/attachments'
import { testCore, waitFor, waitForOutput, type TestCore } from '../support/core'

/**
 * A hostile or broken client sends frames the server cannot take. Each closes that client with a close
 * code; the server stays up and every other client keeps working.
 */
let core: TestCore
let server: Awaited<ReturnType<typeof startWsServer>>
const token = 'frames-token-0123456789abcdef'
const logged: string[] = []
/** What would have ended a server process: this test runs the server in its own process. */
const uncaught: string[] = []
const recordUncaught = (err: unknown) => uncaught.push(String((err as Error)?.message ?? err))

beforeAll(async () => {
  process.on('uncaughtException', recordUncaught)
  core = testCore()
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  server = await startWsServer({ router, host: '127.0.0.1', port: 0, token, staticDir: core.dataDir, log: (line) => logged.push(line) })
})
afterEach(() => {
  expect(uncaught.splice(0), 'uncaught exceptions (each would have ended the server)').toEqual([])
})
afterAll(async () => {
  process.off('uncaughtException', recordUncaught)
  await server?.close()
  await core?.close()
})

const origin = () => ({ Origin: `http://127.0.0.1:${server.port}` })

/** A well-behaved client that stays connected through the whole file. */
function client() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`, { headers: origin() })
  const inbox: any[] = []
  let nextId = 1
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString())))
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
  ws.on('error', () => {}) // the close code is what the tests read
  const opened = new Promise((r) => ws.on('open', r))
  return {
    ws,
    inbox,
    opened,
    closed,
    async call(method: string, input?: unknown) {
      const id = nextId++
      ws.send(JSON.stringify({ id, method, input }))
      return waitFor(`reply ${id} to ${method}`, () => inbox.find((m) => m.id === id), 15_000)
    },
  }
}

/** A WebSocket written by hand over a TCP socket, for frames no library sends. */
async function rawClient() {
  const socket = net.connect(server.port, '127.0.0.1')
  socket.on('error', () => {})
  const key = randomBytes(16).toString('base64')
  socket.write(
    `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  )
  let received = Buffer.alloc(0)
  socket.on('data', (d) => (received = Buffer.concat([received, d])))
  const ended = new Promise<void>((r) => socket.on('close', () => r()))
  await waitFor('101 Switching Protocols', () => received.includes('\r\n\r\n') && received.toString('latin1').startsWith('HTTP/1.1 101'))
  received = received.subarray(received.indexOf('\r\n\r\n') + 4)
  return {
    write: (bytes: Buffer) => socket.write(bytes),
    /** The code of the server's close frame, once the server has hung up. */
    async closeCode(): Promise<number | undefined> {
      await ended
      const opcode = received[0]! & 0x0f
      return opcode === 0x8 && received.length >= 4 ? received.readUInt16BE(2) : undefined
    },
    destroy: () => socket.destroy(),
  }
}

/** One WebSocket frame: a client's frames are masked unless told otherwise. */
function frame(opcode: number, payload: Buffer, opts: { masked?: boolean; rsv?: number; fin?: boolean } = {}): Buffer {
  const masked = opts.masked ?? true
  const head = [(opts.fin === false ? 0 : 0x80) | ((opts.rsv ?? 0) << 4) | opcode]
  const maskBit = masked ? 0x80 : 0
  let lengthBytes: Buffer
  if (payload.length < 126) lengthBytes = Buffer.from([maskBit | payload.length])
  else if (payload.length < 65536) {
    lengthBytes = Buffer.alloc(3)
    lengthBytes[0] = maskBit | 126
    lengthBytes.writeUInt16BE(payload.length, 1)
  } else {
    lengthBytes = Buffer.alloc(9)
    lengthBytes[0] = maskBit | 127
    lengthBytes.writeBigUInt64BE(BigInt(payload.length), 1)
  }
  if (!masked) return Buffer.concat([Buffer.from(head), lengthBytes, payload])
  const mask = randomBytes(4)
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!))
  return Buffer.concat([Buffer.from(head), lengthBytes, mask, body])
}

describe('bad frames close only the client that sent them', () => {
  let bystander: ReturnType<typeof client>
  beforeAll(async () => {
    bystander = client()
    await bystander.opened
  })
  /** After every bad frame: the bystander's connection is open and answered. */
  async function bystanderStillServed() {
    expect(bystander.ws.readyState).toBe(WebSocket.OPEN)
    expect((await bystander.call('app.info')).value).toMatchObject({ name: 'Switchyard' })
  }

  it('a frame over the transport limit: 1009, and a log line', async () => {
    const bad = client()
    await bad.opened
    bad.ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1))
    expect(await bad.closed).toBe(1009)
    await waitFor(`a log line in ${JSON.stringify(logged)}`, () => logged.some((l) => /client .*closed \(1009\)/i.test(l)), 2000)
    await bystanderStillServed()
  })

  it('a text frame that is not UTF-8: 1007', async () => {
    const bad = client()
    await bad.opened
    bad.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false })
    expect(await bad.closed).toBe(1007)
    await bystanderStillServed()
  })

  it('an unmasked frame, a reserved opcode, a reserved bit: 1002', async () => {
    for (const bytes of [
      frame(0x1, Buffer.from('{"id":1,"method":"app.info"}'), { masked: false }),
      frame(0x3, Buffer.from('hi')),
      frame(0xb, Buffer.from('hi')),
      frame(0x1, Buffer.from('{}'), { rsv: 2 }),
      frame(0x8, Buffer.from([0x03])), // a close frame with half a code
      frame(0x0, Buffer.from('{}')), // a continuation of nothing
    ]) {
      const bad = await rawClient()
      bad.write(bytes)
      expect(await bad.closeCode()).toBe(1002)
      await bystanderStillServed()
    }
  })

  it('a message in fragments that together pass the limit: 1009', async () => {
    const bad = await rawClient()
    const half = Buffer.alloc(MAX_MESSAGE_BYTES / 2 + 1, 0x20)
    bad.write(Buffer.concat([frame(0x1, half, { fin: false }), frame(0x0, half)]))
    expect(await bad.closeCode()).toBe(1009)
    await bystanderStillServed()
  })

  it('a client that hangs up mid-frame', async () => {
    const bad = await rawClient()
    bad.write(frame(0x1, Buffer.alloc(100_000, 0x20)).subarray(0, 50_000))
    bad.destroy()
    await bystanderStillServed()
  })

  it('five attachments of 1 MiB in one lanes.send: refused by the contract, never a dead server', async () => {
    const attachments = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, content: 'a'.repeat(1 << 20) }))
    const input = { laneId: 'lane_nowhere', input: 'read these', attachments }
    // Over IPC (no frame limit) the contract answers: invalid_input, saying how to send large files.
    const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
    const direct = await router.call('lanes.send', input)
    expect(direct).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    expect(JSON.stringify(direct)).toMatch(/upload/i)
    // Over the WebSocket it cannot even be one frame: that client is closed, the server answers others.
    const bad = client()
    await bad.opened
    bad.ws.send(JSON.stringify({ id: 1, method: 'lanes.send', input }))
    expect(await bad.closed).toBe(1009)
    await bystanderStillServed()
  })

  it('the same five files sent as the browser does: uploaded in pieces, the agent gets their paths', async () => {
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile({ command: '/bin/cat' }).id })
    const contents = Array.from({ length: 5 }, (_, i) => String(i).repeat(1 << 20))
    const c = client()
    await c.opened
    const call = async (method: string, input: unknown) => {
      const reply = await c.call(method, input)
      if (!reply.ok) throw new Error(`${method}: ${reply.error.message}`)
      return reply.value
    }
    const attachments = await withUploads('read these', contents.map((content, i) => ({ name: `../f${i}.txt`, content })), (piece) => call('attachments.upload', piece))
    expect(attachments.filter((a) => a.uploadId).length).toBeGreaterThan(0)
    await call('lanes.send', { laneId: lane.id, input: 'read these', attachments })
    const output = await waitForOutput(core, lane.id, /Attached files:[\s\S]*f4\.txt/)
    // The pty echoes the prompt and cat prints it again: each path shows twice.
    const paths = [...new Set([...output.matchAll(/- (\/\S+uploads\/\S+)/g)].map((m) => m[1]!.trim()))]
    expect(paths.length).toBe(attachments.filter((a) => a.uploadId).length)
    for (const p of paths) {
      expect(p.startsWith(path.join(core.dataDir, 'uploads') + path.sep)).toBe(true) // `../` stayed in the name
      const i = Number(path.basename(p).match(/f(\d)\.txt/)![1])
      expect(readFileSync(p, 'utf8')).toBe(contents[i])
    }
    await bystanderStillServed()
    c.ws.close()
  })

  it('what the contract accepts fits in one frame, and it refuses more before the transport would', async () => {
    // A control character is 6 bytes in JSON (\u0001): the contract counts the encoded size, not characters.
    const controls = (encodedBytes: number) => ({ laneId: 'lane_nowhere', input: 'go', attachments: [{ name: 'c.txt', content: '\u0001'.repeat(encodedBytes / 6) }] })
    const edge = controls(MAX_INPUT_BYTES - 6000)
    const over = controls(MAX_INPUT_BYTES + 6000)
    expect(JSON.stringify({ id: 1, method: 'lanes.send', input: over }).length).toBeLessThan(MAX_MESSAGE_BYTES)
    const c = client()
    await c.opened
    // Past the transport and the contract: the handler answers (no such lane).
    expect((await c.call('lanes.send', edge)).error.code).toBe('not_found')
    // Past the transport, refused by the contract: the connection stays.
    expect((await c.call('lanes.send', over)).error.code).toBe('invalid_input')
    expect((await c.call('app.info')).ok).toBe(true)
    c.ws.close()
  })
})

describe('a client that does not keep up', () => {
  /** A server with a short slow-client rule, pushing `app.commands` events the test emits. */
  async function serverWithRule() {
    const lines: string[] = []
    const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
    const s = await startWsServer({
      router,
      host: '127.0.0.1',
      port: 0,
      token,
      staticDir: core.dataDir,
      log: (l) => lines.push(l),
      slowClient: { bytes: 4 << 20, forMs: 1500, hardBytes: 256 << 20 },
    })
    return { s, lines }
  }
  const bigCommand = (mib: number) => ({ type: 'workspaceAdded' as const, workspace: { id: 'ws_big', name: 'n'.repeat(mib << 20), path: '/', addedAt: 0 } })

  it('one large message does not cut off a client that reads', async () => {
    const { s } = await serverWithRule()
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=${token}`, { maxPayload: 0 })
    const got: number[] = []
    let closed = false
    ws.on('close', () => (closed = true))
    ws.on('message', (d) => got.push((d as Buffer).length))
    await new Promise((r) => ws.on('open', r))
    ws.send(JSON.stringify({ id: 1, subscribe: 'app.commands' }))
    await waitFor('subscribed', () => got.length > 0)
    // 40 MiB at once (far over the rule's 4 MiB), then small ones right behind it.
    core.commands.emit(bigCommand(40))
    for (let i = 0; i < 5; i++) core.commands.emit({ type: 'newLane' })
    await waitFor('all six events', () => got.length >= 7, 15_000)
    expect(got.some((n) => n > 40 << 20)).toBe(true)
    expect(closed).toBe(false)
    ws.close()
    await s.close()
  })

  it('a client that stays behind is cut off, with a log line; others are unaffected', async () => {
    const { s, lines } = await serverWithRule()
    // A raw client that subscribes and then never reads.
    const socket = net.connect(s.port, '127.0.0.1')
    socket.on('error', () => {})
    const ended = new Promise<void>((r) => socket.on('close', () => r()))
    socket.write(
      `GET /ws?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${s.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
    let head = ''
    const onData = (d: Buffer) => (head += d.toString('latin1'))
    socket.on('data', onData)
    await waitFor('101', () => head.includes('\r\n\r\n'))
    socket.write(frame(0x1, Buffer.from(JSON.stringify({ id: 1, subscribe: 'app.commands' }))))
    await waitFor('subscribe ack', () => head.includes('"id":1'))
    socket.off('data', onData)
    socket.pause()
    const reader = new WebSocket(`ws://127.0.0.1:${s.port}/ws?token=${token}`, { maxPayload: 0 })
    let readerGot = 0
    reader.on('message', () => readerGot++)
    await new Promise((r) => reader.on('open', r))
    reader.send(JSON.stringify({ id: 1, subscribe: 'app.commands' }))
    await waitFor('reader subscribed', () => readerGot > 0)
    const started = Date.now()
    // 1 MiB every 100 ms: the stalled client falls behind and stays behind.
    const pump = setInterval(() => core.commands.emit(bigCommand(1)), 100)
    try {
      await waitFor('the stalled client cut off', () => lines.some((l) => /cut off/.test(l)), 15_000)
      socket.resume() // a paused socket never sees its end
      await ended
    } finally {
      clearInterval(pump)
    }
    // Not before the rule's grace time.
    expect(Date.now() - started).toBeGreaterThan(1500)
    expect(reader.readyState).toBe(WebSocket.OPEN)
    const before = readerGot
    core.commands.emit({ type: 'newLane' })
    await waitFor('the reader still served', () => readerGot > before)
    reader.close()
    await s.close()
  })
})

describe('a client that asks for too much', () => {
  it('subscriptions per connection are bounded; the connection stays', async () => {
    const c = client()
    await c.opened
    for (let id = 1; id <= MAX_SUBSCRIPTIONS + 1; id++) c.ws.send(JSON.stringify({ id: 1000 + id, subscribe: 'app.commands' }))
    const reply = (id: number) => waitFor(`reply ${id}`, () => c.inbox.find((m) => m.id === id))
    expect((await reply(1000 + MAX_SUBSCRIPTIONS)).ok).toBe(true)
    expect((await reply(1000 + MAX_SUBSCRIPTIONS + 1)).error.code).toBe('limit_reached')
    expect((await c.call('app.info')).ok).toBe(true)
    c.ws.close()
  })
})
