import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdirSync, writeFileSync } from 'node:fs'
import { get } from 'node:http'
import path from 'node:path'
import WebSocket from 'ws'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { startWsServer } from '../../src/main/rpc/ws-server'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

let core: TestCore
let server: Awaited<ReturnType<typeof startWsServer>>
const token = 'test-token-0123456789abcdef'
let staticDir: string

beforeAll(async () => {
  core = testCore()
  staticDir = tempDir('switchyard-static-')
  mkdirSync(path.join(staticDir, 'assets'))
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Switchyard</title>')
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)')
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  server = await startWsServer({ router, host: '127.0.0.1', port: 0, token, staticDir })
})
afterAll(async () => {
  await server.close()
  await core.close()
})

const wsUrl = (t?: string) => `ws://127.0.0.1:${server.port}/ws${t === undefined ? '' : `?token=${encodeURIComponent(t)}`}`

/** Resolves with the HTTP status the upgrade was refused with, or 101 when it was accepted. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers })
    ws.on('open', () => (ws.close(), resolve(101)))
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)))
  })
}

function connect() {
  const ws = new WebSocket(wsUrl(token), { headers: { Origin: `http://127.0.0.1:${server.port}` } })
  const inbox: any[] = []
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString())))
  const opened = new Promise((r) => ws.on('open', r))
  const reply = (id: number) => waitFor(`reply ${id}`, () => inbox.find((m) => m.id === id))
  return { ws, inbox, opened, reply, send: (m: unknown) => ws.send(typeof m === 'string' ? m : JSON.stringify(m)) }
}

describe('server mode', () => {
  it('refuses a missing or wrong token', async () => {
    expect(await upgradeStatus(wsUrl())).toBe(401)
    expect(await upgradeStatus(wsUrl('wrong'))).toBe(401)
    expect(await upgradeStatus(wsUrl(token.slice(0, -1)))).toBe(401)
    expect(await upgradeStatus(wsUrl(token))).toBe(101)
  })

  it('tells a plain GET of the socket URL whether its token is good, since a browser cannot see a refused upgrade', async () => {
    // node:http, not fetch: fetch will not send a Host header of our choosing.
    const check = (t?: string, headers: Record<string, string> = {}) =>
      new Promise<number>((resolve, reject) => {
        get(wsUrl(t).replace('ws:', 'http:'), { headers }, (res) => (res.resume(), resolve(res.statusCode ?? 0))).on('error', reject)
      })
    expect(await check(token)).toBe(204)
    expect(await check()).toBe(401)
    expect(await check('wrong')).toBe(401)
    expect(await check(token, { Host: `evil.example:${server.port}` })).toBe(403)
  })

  it('refuses a foreign Origin and a foreign Host even with the token', async () => {
    expect(await upgradeStatus(wsUrl(token), { Origin: 'http://evil.example' })).toBe(403)
    expect(await upgradeStatus(wsUrl(token), { Origin: `http://localhost:${server.port + 1}` })).toBe(403)
    // DNS rebinding: the attacker's name resolves to us, so Host and Origin agree with each other.
    expect(await upgradeStatus(wsUrl(token), { Host: `evil.example:${server.port}`, Origin: `http://evil.example:${server.port}` })).toBe(403)
    expect(await upgradeStatus(wsUrl(token), { Origin: `http://127.0.0.1:${server.port}` })).toBe(101)
  })

  it('answers calls, refuses bad messages without dropping the connection, and streams events', async () => {
    const c = connect()
    await c.opened
    c.send('not json')
    c.send({ id: 1, method: 'lanes.create', input: { workspaceId: 3 } })
    c.send({ id: 2, method: 'no.such' })
    c.send({ id: 3, method: 'app.info' })
    c.send({ id: 4, subscribe: 'lanes.status' })
    expect((await waitFor('bad json', () => c.inbox.find((m) => m.id === null))).error.code).toBe('invalid_input')
    expect((await c.reply(1)).error.code).toBe('invalid_input')
    expect((await c.reply(2)).error.code).toBe('unknown_method')
    expect((await c.reply(3)).value).toMatchObject({ name: 'Switchyard', mode: 'server', canPickFolder: false })
    expect(await c.reply(4)).toEqual({ id: 4, ok: true, value: null })
    c.send({ id: 5, method: 'lanes.create', input: { workspaceId: core.workspace.id, profileId: core.profile().id } })
    const lane = (await c.reply(5)).value
    expect(lane.status).toBe('ready')
    await waitFor('status event', () => c.inbox.find((m) => m.sub === 4 && m.event.type === 'upsert' && m.event.lane.id === lane.id))
    c.send({ id: 6, unsubscribe: 4 })
    await c.reply(6)
    const before = c.inbox.length
    c.send({ id: 7, method: 'lanes.stop', input: { laneId: lane.id } })
    await c.reply(7)
    expect(c.inbox.slice(before).filter((m) => m.sub === 4)).toEqual([])
    c.ws.close()
  })

  it('serves the renderer with a CSP and nothing outside it', async () => {
    const base = `http://127.0.0.1:${server.port}`
    const index = await fetch(`${base}/?token=${token}`)
    expect(index.status).toBe(200)
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'")
    expect(await index.text()).toContain('<title>Switchyard</title>')
    expect((await fetch(`${base}/assets/app.js`)).headers.get('content-type')).toContain('javascript')
    expect((await fetch(`${base}/../package.json`)).status).toBe(404)
    expect((await fetch(`${base}/%2e%2e/%2e%2e/etc/passwd`)).status).toBe(404)
    expect((await fetch(`${base}/%E0%A4%A`)).status).toBe(400)
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405)
  })
})
