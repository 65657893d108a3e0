import { useState } from 'react'
import type { Lane } from '../../shared/contract'
import { useApp } from '../app/context'

/** Archives a lane: its process stops, it leaves the columns, its history stays (Sidebar → Archived). */
export function ArchiveButton({ lane }: { lane: Lane }) {
  const { client, reportError } = useApp()
  const [busy, setBusy] = useState(false)
  return (
    <button
      className="icon-button lane-archive"
      aria-label={`Archive lane ${lane.title}`}
      title="Archive: stop it and keep its history out of the columns"
      disabled={busy}
      onClick={() => {
        setBusy(true)
        // The lane leaves the columns when its record says archived (lanes.status).
        client
          .call('lanes.archive', { laneId: lane.id })
          .catch(reportError)
          .finally(() => setBusy(false))
      }}
    >
      <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
        <path d="M2 3.5h12v3H2zM3 6.5v6.5h10V6.5M6.5 9h3" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" strokeLinecap="round" />
      </svg>
    </button>
  )
}
