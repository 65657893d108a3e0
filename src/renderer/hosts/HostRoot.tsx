import { useEffect, useMemo, useState } from 'react'
import { App, type AppProps } from '../app/App'
import { createClient } from '../host/client'
import { hostBridge } from './host-bridge'

/**
 * The window shows one machine at a time: this one, or a host opened from the Hosts panel, whose
 * whole workbench (workspaces, profiles, lanes, review, history) then runs through `hostBridge`.
 * Remounted on a switch, so nothing of one machine's state leaks into the other's view.
 */
export function HostRoot({ bridge, ws }: Pick<AppProps, 'bridge' | 'ws'>) {
  const [current, setCurrent] = useState<{ id: string; name: string } | null>(null)
  const local = useMemo(() => createClient(bridge), [bridge])
  // A host that fails while shown (its key changed, say): back to this machine, the panel says why.
  useEffect(() => {
    if (!current) return
    return local.subscribe('hosts.status', {}, (h) => {
      if (h.id === current.id && h.status === 'failed') setCurrent(null)
    })
  }, [local, current])
  const shown = useMemo(() => (current ? hostBridge(bridge, current.id) : bridge), [bridge, current])
  const hosts = useMemo(
    () => ({
      bridge,
      current,
      open: (hostId: string | null) => {
        if (!hostId) return setCurrent(null)
        void local.call('hosts.list', {}).then((list) => {
          const h = list.find((x) => x.id === hostId)
          if (h) setCurrent({ id: h.id, name: h.name })
        })
      },
    }),
    [bridge, current, local],
  )
  return <App key={current?.id ?? 'local'} bridge={shown} ws={ws} hosts={hosts} />
}
