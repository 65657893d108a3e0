import { describe, expect, it } from 'vitest'
import type { Bridge, Result } from '../../src/shared/contract'
import { createHostsBridge } from '../../src/renderer/host/hosts-bridge'

/** This machine's core with one lane, and a host relay that answers until the host drops. */
function localWithHost() {
  const state = { hostUp: true, hostCalls: 0 }
  const local: Bridge = {
    async invoke(method, input): Promise<Result<unknown>> {
      if (method === 'lanes.list') return { ok: true, value: [{ id: 'here1', workspaceId: 'w1' }] }
      if (method === 'hosts.call') {
        state.hostCalls++
        const { method: m } = input as { method: string }
        if (!state.hostUp) return { ok: false, error: { code: 'not_running', message: 'host disconnected' } }
        if (m === 'lanes.list') return { ok: true, value: [{ id: 'far1', workspaceId: 'w9' }] }
      }
      return { ok: false, error: { code: 'unknown_method', message: method } }
    },
    subscribe: () => () => undefined,
  }
  return { local, state }
}

describe('a host that drops stays in the window as last listed', () => {
  it('lists its lanes from their last answer while it is away, and forgets them once it is gone', async () => {
    const { local, state } = localWithHost()
    const bridge = createHostsBridge(local)
    bridge.setHosts(['h1'])
    const ids = async () => ((await bridge.invoke('lanes.list', {})) as { value: Array<{ id: string }> }).value.map((l) => l.id)
    expect(await ids()).toEqual(['here1', 'far1@h1'])

    // Dropped while a list was asked: its last answer stands in.
    state.hostUp = false
    expect(await ids()).toEqual(['here1', 'far1@h1'])

    // Marked away: not asked at all, still shown.
    const before = state.hostCalls
    bridge.setHosts([], ['h1'])
    expect(await ids()).toEqual(['here1', 'far1@h1'])
    expect(state.hostCalls).toBe(before)

    // Removed (or failed): gone.
    bridge.setHosts([], [])
    expect(await ids()).toEqual(['here1'])
    bridge.setHosts([], ['h1'])
    expect(await ids()).toEqual(['here1'])
  })

  it('a host never listed while connected contributes nothing while away', async () => {
    const { local } = localWithHost()
    const bridge = createHostsBridge(local)
    bridge.setHosts([], ['h2'])
    const r = (await bridge.invoke('lanes.list', {})) as { value: Array<{ id: string }> }
    expect(r.value.map((l) => l.id)).toEqual(['here1'])
  })
})
