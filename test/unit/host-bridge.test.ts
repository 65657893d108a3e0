import { describe, expect, it } from 'vitest'
import { Router } from '../../src/main/rpc/router'
import { createClient, ClientError } from '../../src/renderer/host/client'
import { hostBridge } from '../../src/renderer/hosts/host-bridge'
import type { Bridge } from '../../src/shared/contract'

/** A bridge straight onto a router whose only handlers are the relays, recording what reaches them. */
function relayRouter() {
  const seen: unknown[] = []
  const handlers = new Proxy({}, {
    get: (_t, name) => (input: { method: string }) => {
      seen.push({ name, input })
      return [{ id: 'w1' }]
    },
  })
  const sources = new Proxy({}, {
    get: (_t, name) => (input: unknown, emit: (e: unknown) => void) => {
      seen.push({ name, input })
      emit({ type: 'removed', laneId: 'l1' })
      return () => undefined
    },
  })
  const router = new Router(handlers as never, sources as never)
  const bridge: Bridge = {
    invoke: (method, input) => router.call(method, input),
    subscribe: (stream, input, onEvent) => {
      const r = router.subscribe(stream, input, onEvent)
      return r.ok ? r.value : () => undefined
    },
  }
  return { bridge, seen }
}

describe('a host as a Bridge', () => {
  it('sends every call through hosts.call and every stream through hosts.events, validated by the contract', async () => {
    const { bridge, seen } = relayRouter()
    const client = createClient(hostBridge(bridge, 'host_1'))
    expect(await client.call('workspaces.list', undefined)).toEqual([{ id: 'w1' }])
    const got: unknown[] = []
    client.subscribe('lanes.status', undefined, (e) => got.push(e))
    expect(seen).toEqual([
      { name: 'hosts.call', input: { hostId: 'host_1', method: 'workspaces.list' } },
      { name: 'hosts.events', input: { hostId: 'host_1', stream: 'lanes.status' } },
    ])
    expect(got).toEqual([{ type: 'removed', laneId: 'l1' }])
  })

  it('keeps this machine\'s menu and tray commands (app.commands) local', () => {
    const { bridge, seen } = relayRouter()
    createClient(hostBridge(bridge, 'host_1')).subscribe('app.commands', undefined, () => undefined)
    expect(seen).toEqual([{ name: 'app.commands', input: undefined }])
  })

  it('refuses to relay a relay', async () => {
    const { bridge } = relayRouter()
    const err = await createClient(hostBridge(bridge, 'host_1')).call('hosts.list' as never, {} as never).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ClientError)
    expect((err as ClientError).code).toBe('invalid_input')
  })
})
