import { createContext, useContext } from 'react'
import type { Host } from '../../shared/contract'
import { hostOf } from '../host/lane-ref'
import './host-mark.css'

/** The hosts the window knows, by id: for naming the machine a lane or workspace lives on. */
export const HostsContext = createContext<ReadonlyMap<string, Host>>(new Map())

/** The name of the host a record (a lane, a workspace…) lives on; undefined for this machine's. */
export function useHostName(id: string): string | undefined {
  const hosts = useContext(HostsContext)
  const hostId = hostOf(id)
  return hostId ? (hosts.get(hostId)?.name ?? hostId) : undefined
}

/** "on HOST" beside a record that lives on another machine; nothing for this machine's. */
export function HostMark({ id, className }: { id: string; className?: string }) {
  const hosts = useContext(HostsContext)
  const hostId = hostOf(id)
  if (!hostId) return null
  const host = hosts.get(hostId)
  const name = host?.name ?? hostId
  const away = host !== undefined && host.status !== 'connected'
  return (
    <span className={`host-mark${away ? ' host-mark-away' : ''}${className ? ` ${className}` : ''}`} data-host-id={hostId} title={`On ${name}${host ? ` (${host.destination}, ${host.status})` : ''}${away ? ': shown as last seen; its lanes run on there' : ''}`}>
      {name}
      {away && ' · away'}
    </span>
  )
}
