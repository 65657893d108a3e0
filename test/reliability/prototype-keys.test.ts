import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { z } from 'zod'
import { EnvName, Id, methods, streams } from '../../src/shared/contract'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { Router } from '../../src/main/rpc/router'
import { startWsServer } from '../../src/main/rpc/ws-server'
import { testCore, waitFor, type TestCore } from '../support/core'

/**
 * Every method of the contract, with every string (and every record key) set to a name that means
 * something to a plain JS object. Sent as JSON text over the real WebSocket, so `__proto__` arrives
 * as an own key, as an attacker's would. Afterwards the server still answers and no built-in changed.
 */
const PROTO_NAMES = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty'] as const

type Def = { type: string; [k: string]: any }
const defOf = (s: z.ZodType): Def => (s as any)._zod.def

/** A value for `schema` with every string `name`, every record keyed by `name`; `ids` override Id fields by key. */
function sample(schema: z.ZodType, name: string, ids: Record<string, string>, key = '', extras = false): unknown {
  const def = defOf(schema)
  switch (def.type) {
    case 'optional':
    case 'default':
    case 'nullable':
    case 'readonly':
    case 'catch':
      return sample(def.innerType, name, ids, key, extras)
    case 'pipe':
      return sample(def.in, name, ids, key, extras)
    case 'object':
      return Object.fromEntries([
        ...Object.entries(def.shape as Record<string, z.ZodType>).map(([k, v]) => [k, sample(v, name, ids, k, extras)]),
        // The classic pollution payloads ride along as extra own keys, as JSON.parse makes them.
        ...(extras ? [['__proto__', { polluted: 'yes' }], ['constructor', { prototype: { polluted: 'yes' } }]] : []),
      ])
    case 'record':
      // fromEntries makes an own `__proto__` key, as JSON.parse does.
      return Object.fromEntries([[name, sample(def.valueType, name, ids, key, extras)]])
    case 'array':
      return [sample(def.element, name, ids, key, extras)]
    case 'union':
      return sample(def.options[0], name, ids, key, extras)
    case 'string':
      return ids[key] ?? name
    case 'number':
      return [1, 2, 0, 24, 80].find((n) => schema.safeParse(n).success) ?? 1
    case 'boolean':
      return false
    case 'enum':
      return Object.values(def.entries)[0]
    case 'literal':
      return def.values[0]
    default:
      return name
  }
}

let core: TestCore
let server: Awaited<ReturnType<typeof startWsServer>>
const token = 'proto-token-0123456789abcdef'
const uncaught: string[] = []
const recordUncaught = (err: unknown) => uncaught.push(String((err as Error)?.stack ?? err))

function client() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${token}`)
  const inbox: any[] = []
  let nextId = 1
  ws.on('message', (d) => inbox.push(JSON.parse(d.toString())))
  ws.on('error', () => {})
  const opened = new Promise((r) => ws.on('open', r))
  const reply = (id: number) => waitFor(`reply ${id}`, () => inbox.find((m) => m.id === id), 30_000)
  return {
    ws,
    opened,
    async call(method: string, input: unknown) {
      const id = nextId++
      ws.send(JSON.stringify({ id, method, input }))
      return reply(id)
    },
    async subscribe(stream: string, input: unknown) {
      const id = nextId++
      ws.send(JSON.stringify({ id, subscribe: stream, input }))
      return reply(id)
    },
  }
}

/** The built-ins an attacker's key could reach. */
function builtInsIntact(): void {
  expect(typeof Object.prototype.hasOwnProperty).toBe('function')
  expect(typeof Object.keys).toBe('function')
  expect(({}).constructor).toBe(Object)
  expect(Object.getPrototypeOf({})).toBe(Object.prototype)
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(ownNamesBefore)
  for (const n of PROTO_NAMES) expect(Object.prototype.hasOwnProperty.call(Object.prototype, n)).toBe(n !== 'prototype')
  expect(({} as Record<string, unknown>).polluted).toBeUndefined()
}
const ownNamesBefore = Object.getOwnPropertyNames(Object.prototype).sort()

beforeAll(async () => {
  process.on('uncaughtException', recordUncaught)
  process.on('unhandledRejection', recordUncaught)
  core = testCore()
  const router = new Router(createHandlers(core, { mode: 'server', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
  server = await startWsServer({ router, host: '127.0.0.1', port: 0, token, staticDir: core.dataDir, log: () => {} })
})
afterAll(async () => {
  process.off('uncaughtException', recordUncaught)
  process.off('unhandledRejection', recordUncaught)
  await server?.close()
  await core?.close()
})

describe('prototype keys', () => {
  it('ids and variable names refuse them at the contract', () => {
    for (const n of ['__proto__', 'constructor', 'prototype']) {
      expect(Id.safeParse(n).success, n).toBe(false)
      expect(EnvName.safeParse(n).success, n).toBe(false)
    }
    expect(Id.safeParse('lane_abc-1').success).toBe(true)
    expect(EnvName.safeParse('OPENAI_API_KEY').success).toBe(true)
  })

  it('every method, every string field set to each name: answered, nothing polluted, the server lives', async () => {
    const c = client()
    await c.opened
    const profile = core.profile({ command: '/bin/cat' })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    // Destructive methods last, so the rest meet real records.
    const order = Object.keys(methods).sort((a, b) => Number(/remove|archive/.test(a)) - Number(/remove|archive/.test(b)))
    const answers: string[] = []
    for (const name of PROTO_NAMES) {
      // Every string the name (ids too); real ids and every other string the name; that again with
      // pollution payloads as extra keys of every object.
      const realIds = { laneId: lane.id, profileId: profile.id, workspaceId: core.workspace.id }
      for (const [ids, extras] of [[{}, false], [realIds, false], [realIds, true]] as const) {
        for (const method of order) {
          const input = sample(methods[method as keyof typeof methods].input as z.ZodType, name, ids, '', extras)
          const reply = await c.call(method, input)
          expect(reply, `${method} ${JSON.stringify(input)}`).toHaveProperty('ok')
          if (!reply.ok) {
            expect(reply.error.code, `${method} ${JSON.stringify(input)}: ${reply.error.message}`).not.toBe('internal')
            answers.push(`${method}: ${reply.error.code}`)
          } else answers.push(`${method}: ok`)
          builtInsIntact()
        }
        for (const stream of Object.keys(streams)) {
          const reply = await c.subscribe(stream, sample(streams[stream as keyof typeof streams].input as z.ZodType, name, ids, '', extras))
          expect(reply).toHaveProperty('ok')
        }
      }
      // The method and stream names themselves.
      expect((await c.call(name, {})).error.code).toBe('unknown_method')
      expect((await c.subscribe(name, {})).error.code).toBe('unknown_method')
    }
    builtInsIntact()
    expect(uncaught).toEqual([])
    // Still serving, with working stores.
    expect((await c.call('app.info', undefined)).ok).toBe(true)
    expect((await c.call('profiles.list', undefined)).ok).toBe(true)
    expect((await c.call('secrets.set', { profileId: profile.id, name: 'TOKEN', value: 'v' })).ok).toBe(true)
    expect((await c.call('secrets.list', { profileId: profile.id })).value).toEqual(expect.arrayContaining([{ name: 'TOKEN', set: true }]))
    expect(answers.length).toBeGreaterThan(Object.keys(methods).length * PROTO_NAMES.length)
    c.ws.close()
  }, 120_000)

  it('secrets: the issue\'s calls are refused and change nothing; an unknown profile is not_found', async () => {
    const c = client()
    await c.opened
    for (const [profileId, name] of [
      ['__proto__', 'hasOwnProperty'],
      ['constructor', 'keys'],
      ['prototype', 'x'],
    ]) {
      expect((await c.call('secrets.remove', { profileId, name })).error.code).toBe('invalid_input')
      expect((await c.call('secrets.set', { profileId, name, value: 'x' })).error.code).toBe('invalid_input')
    }
    builtInsIntact()
    expect((await c.call('secrets.remove', { profileId: 'no_such_profile', name: 'X' })).error.code).toBe('not_found')
    expect((await c.call('secrets.list', { profileId: 'no_such_profile' })).error.code).toBe('not_found')
    // Names have a sane bound.
    const profile = core.profile()
    expect((await c.call('secrets.set', { profileId: profile.id, name: 'A'.repeat(3_900_000), value: 'x' })).error.code).toBe('invalid_input')
    expect((await c.call('secrets.set', { profileId: profile.id, name: 'A'.repeat(257), value: 'x' })).error.code).toBe('invalid_input')
    expect((await c.call('secrets.set', { profileId: profile.id, name: 'A'.repeat(256), value: 'x' })).ok).toBe(true)
    c.ws.close()
  })

  it('a vault file written with prototype keys (an older build, a hand edit) is read without harm', async () => {
    const { fileSecretStore } = await import('../../src/main/core/secrets')
    const { writeFileSync } = await import('node:fs')
    const path = await import('node:path')
    writeFileSync(path.join(core.dataDir, 'secrets.json'), '{"__proto__":{"polluted":"yes"},"constructor":{"keys":"x"},"p1":{"A":"1"}}')
    const store = fileSecretStore(core.dataDir)
    expect(store.values('p1')).toEqual({ A: '1' })
    expect(store.names('__proto__')).toEqual(['polluted'])
    store.remove('__proto__', 'polluted')
    store.remove('constructor', 'keys')
    expect(store.names('__proto__')).toEqual([])
    builtInsIntact()
  })
})
