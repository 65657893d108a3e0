import { useEffect, useMemo, useRef, useState } from 'react'
import type { Host } from '../../shared/contract'
import { App, type AppProps } from '../app/App'
import { createClient } from '../host/client'
import { useConnection } from '../host/connection'
import { createHostsBridge } from '../host/hosts-bridge'
import { hostBridge } from './host-bridge'
import { HostsContext } from './HostMark'

/**
 * The window shows this machine together with every connected host: their workspaces and lanes side
 * by side, through one hosts bridge that routes each call to the core a record lives on. "Open" on a
 * host still shows that host alone (its profiles, settings and folders), remounted on a switch so
 * nothing of one view's state leaks into the other's.
 */
export function HostRoot({ bridge, ws }: Pick<AppProps, 'bridge' | 'ws'>) {
  const [current, setCurrent] = useState<{ id: string; name: string } | null>(null)
  const local = useMemo(() => createClient(bridge), [bridge])
  const hosts = useHostList(local, useConnection(ws).epoch)
  // A host that fails while shown (its key changed, say): back to this machine, the panel says why.
  useEffect(() => {
    if (current && hosts.get(current.id)?.status === 'failed') setCurrent(null)
  }, [hosts, current])

  const combined = useMemo(() => createHostsBridge(bridge), [bridge])
  // The hosts the combined view shows are the connected ones; each change is an epoch for the views
  // that list (lanes, workspaces, attention, history), so they ask again and subscribe anew. Set here,
  // before the effects of this render run, so they see the new set.
  // A host that dropped (or is reconnecting) stays shown as last listed, marked away, while its lanes
  // run on there; one that failed (a changed key, say) or was removed is not shown.
  const ids = (pick: (h: Host) => boolean) => [...hosts.values()].filter(pick).map((h) => h.id).sort()
  const connected = ids((h) => h.status === 'connected')
  const away = ids((h) => h.status === 'disconnected' || h.status === 'connecting')
  const key = `${connected.join(' ')}|${away.join(' ')}`
  const hostsEpoch = useRef({ key: '', n: 0 })
  if (hostsEpoch.current.key !== key) {
    combined.setHosts(connected, away)
    hostsEpoch.current = { key, n: hostsEpoch.current.n + 1 }
  }

  const shown = useMemo(() => (current ? hostBridge(bridge, current.id) : combined), [bridge, current, combined])
  const epoch = current ? 0 : hostsEpoch.current.n
  const switcher = useMemo(
    () => ({
      bridge,
      current,
      epoch,
      open: (hostId: string | null) => {
        const h = hostId ? hosts.get(hostId) : undefined
        setCurrent(h ? { id: h.id, name: h.name } : null)
      },
    }),
    [bridge, current, hosts, epoch],
  )
  return (
    <HostsContext.Provider value={hosts}>
      <App key={current?.id ?? 'local'} bridge={shown} ws={ws} hosts={switcher} />
    </HostsContext.Provider>
  )
}

/** Every host and its connection state, kept current by `hosts.status` and listed again on reconnect. */
function useHostList(local: ReturnType<typeof createClient>, epoch: number): ReadonlyMap<string, Host> {
  const [hosts, setHosts] = useState<ReadonlyMap<string, Host>>(new Map())
  useEffect(() => {
    let cancelled = false
    let listed = false
    const early: Host[] = []
    const apply = (h: Host) => setHosts((m) => new Map(m).set(h.id, h))
    const unsubscribe = local.subscribe('hosts.status', {}, (h) => (listed ? apply(h) : early.push(h)))
    local
      .call('hosts.list', {})
      .then((list) => {
        if (cancelled) return
        listed = true
        setHosts(new Map(list.map((h) => [h.id, h])))
        for (const h of early) apply(h)
      })
      .catch(() => undefined) // the Hosts panel says what went wrong
    return () => {
      cancelled = true
      unsubscribe()
    }
  }, [local, epoch])
  return hosts
}
