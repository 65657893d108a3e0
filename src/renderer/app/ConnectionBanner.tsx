import type { ConnectionState } from '../host/ws-bridge'

/** What a browser page says about its connection to the server; nothing while it is fine. */
export function ConnectionBanner({ state }: { state: ConnectionState }) {
  if (state === 'unauthorized') {
    return (
      <div className="banner" role="alert">
        This link needs its token — copy the full URL the server printed.
      </div>
    )
  }
  if (state === 'reconnecting') {
    return (
      <div className="banner" role="status">
        Disconnected — reconnecting…
      </div>
    )
  }
  return null
}
