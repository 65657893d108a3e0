import { useEffect, useState } from 'react'
import type { ConnectionState, WsBridge } from './ws-bridge'

/**
 * The host connection's state, and an epoch bumped on every reconnect so
 * views can refetch what they may have missed. Without a WebSocket (Electron) it is always open.
 */
export function useConnection(ws: WsBridge | undefined): { state: ConnectionState; epoch: number } {
  const [state, setState] = useState<ConnectionState>(ws ? ws.state : 'open')
  const [epoch, setEpoch] = useState(0)
  useEffect(() => {
    if (!ws) return
    // Calls made before a first successful open fail too, so any open after a drop refetches.
    let dropped = ws.state === 'reconnecting'
    setState(ws.state)
    return ws.onState((next) => {
      setState(next)
      if (next === 'reconnecting') dropped = true
      if (next === 'open' && dropped) {
        dropped = false
        setEpoch((n) => n + 1)
      }
    })
  }, [ws])
  return { state, epoch }
}
