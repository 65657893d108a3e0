import { useEffect, useMemo, useState } from 'react'
import type { Bridge, Host } from '../../shared/contract'
import { createClient, type Client } from '../host/client'

/** This machine's hosts, kept current from `hosts.status` (none where the window has no hosts). */
export function useHostList(bridge: Bridge | undefined, reportError: (e: unknown) => void): { hosts: Host[]; client: Client | undefined } {
  const client = useMemo(() => (bridge ? createClient(bridge) : undefined), [bridge])
  const [hosts, setHosts] = useState<Host[]>([])
  useEffect(() => {
    if (!client) return
    let live = true
    void client.call('hosts.list', {}).then((list) => live && setHosts(list), reportError)
    const stop = client.subscribe('hosts.status', {}, (h) => setHosts((list) => (list.some((x) => x.id === h.id) ? list.map((x) => (x.id === h.id ? h : x)) : [...list, h])), reportError)
    return () => {
      live = false
      stop()
    }
  }, [client, reportError])
  return { hosts, client }
}
