import type { Bridge } from '../../shared/contract'

/**
 * The contract of one remote host, as a Bridge: every call goes through `hosts.call`, every stream
 * through `hosts.events` (kept across reconnects by main). `createClient(hostBridge(bridge, id))` is a
 * typed client for that host, so any view written against a Client works on a host unchanged.
 */
export function hostBridge(bridge: Bridge, hostId: string): Bridge {
  return {
    invoke: (method, input) => bridge.invoke('hosts.call', { hostId, method, ...(input === undefined ? {} : { input }) }),
    subscribe: (stream, input, onEvent, onError) =>
      LOCAL_STREAMS.has(stream)
        ? bridge.subscribe(stream, input, onEvent, onError)
        : bridge.subscribe('hosts.events', { hostId, stream, ...(input === undefined ? {} : { input }) }, onEvent, onError),
  }
}

/** This machine's menu, tray and shortcuts still drive the window while it shows a host. */
const LOCAL_STREAMS = new Set(['app.commands'])
