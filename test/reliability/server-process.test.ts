import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import WebSocket from 'ws'
import { MAX_MESSAGE_BYTES } from '../../src/shared/contract'
import { tempDirsDeletedAfterAll, waitFor } from '../support/core'

const tempDir = tempDirsDeletedAfterAll()

/**
 * The reproductions against the built server process itself (`npm test` builds before it runs
 * Vitest): each one used to end the process with status 1. Here the process answers after every one.
 */
const SERVER = path.resolve('out/main/server.js')
const built = existsSync(SERVER)
if (!built) console.warn(`server-process.test.ts: skipped, ${SERVER} is not built (run \`npm run build\`)`)

let server: ChildProcess | undefined
let url = ''
let exited: number | null | undefined

// One server per test: a reproduction that ends the process must not take the next test with it.
beforeEach(async () => {
  if (!built) return
  exited = undefined
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--data-dir', tempDir('switchyard-server-data-')], { stdio: ['ignore', 'pipe', 'pipe'] })
  server = child
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.resume()
  child.on('exit', (code) => (exited = code))
  const line = (await waitFor('the server line', () => out.match(/listening on http:\/\/([^/]+)\/\?token=(\S+)/), 30_000))!
  url = `ws://${line[1]}/ws?token=${line[2]}`
})
afterEach(async () => {
  if (!server || exited !== undefined) return
  server.kill('SIGTERM')
  await waitFor('the server to stop', () => exited !== undefined, 20_000)
  expect(exited, 'a clean stop after all that').toBe(0)
})

function client() {
  const ws = new WebSocket(url, { maxPayload: 0 })
  const inbox: any[] = []
  let nextId = 1
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString())))
  ws.on('error', () => {})
  const closed = new Promise<number>((r) => ws.on('close', (code) => r(code)))
  // A server that died refuses the connection: fail at once rather than time out.
  const opened = new Promise((resolve, reject) => {
    ws.on('open', resolve)
    ws.on('close', (code) => reject(new Error(`closed before it opened (${code}); server exit status ${exited}`)))
  })
  return {
    ws,
    opened,
    closed,
    async call(method: string, input?: unknown) {
      const id = nextId++
      ws.send(JSON.stringify({ id, method, input }))
      return waitFor(`reply ${id} to ${method}`, () => inbox.find((m) => m.id === id), 20_000)
    },
  }
}

async function stillServing() {
  expect(exited, 'the server process exited').toBeUndefined()
  const c = client()
  await c.opened
  expect((await c.call('app.info')).value).toMatchObject({ name: 'Switchyard', mode: 'server' })
  c.ws.close()
}

describe.skipIf(!built)('the server process', () => {
  it('lives through a frame over the limit and a text frame that is not UTF-8', async () => {
    const big = client()
    await big.opened
    big.ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1))
    expect(await big.closed).toBe(1009)
    await stillServing()
    const utf = client()
    await utf.opened
    utf.ws.send(Buffer.from([0x22, 0xc3, 0x28, 0x22]), { binary: false })
    expect(await utf.closed).toBe(1007)
    await stillServing()
  })

  it('lives through five attachments of 1 MiB in one lanes.send', async () => {
    const c = client()
    await c.opened
    const attachments = Array.from({ length: 5 }, (_, i) => ({ name: `f${i}.txt`, content: 'a'.repeat(1 << 20) }))
    c.ws.send(JSON.stringify({ id: 1, method: 'lanes.send', input: { laneId: 'lane_x', input: 'read', attachments } }))
    expect(await c.closed).toBe(1009)
    await stillServing()
  })

  it('lives through secrets.remove with prototype keys, and its built-ins still work', async () => {
    const c = client()
    await c.opened
    expect((await c.call('secrets.remove', { profileId: '__proto__', name: 'hasOwnProperty' })).error.code).toBe('invalid_input')
    expect((await c.call('secrets.remove', { profileId: 'constructor', name: 'keys' })).error.code).toBe('invalid_input')
    expect((await c.call('secrets.remove', { profileId: 'no_such_profile', name: 'X' })).error.code).toBe('not_found')
    // The calls that crashed next, before: anything using hasOwnProperty or Object.keys.
    expect((await c.call('profiles.list')).ok).toBe(true)
    expect((await c.call('secrets.list', { profileId: 'shell' })).ok).toBe(true)
    c.ws.close()
    await stillServing()
  })
})
