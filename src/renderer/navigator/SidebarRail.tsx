import type { UiCommand } from '../app/commands'
import './navigator.css'

/** The collapsed sidebar: a button to expand it, and the count of what waits (a click goes there). */
export function SidebarRail({ waiting, nextKey, run, hosts }: { waiting: number; nextKey: string; run(command: UiCommand): void; hosts?: boolean }) {
  return (
    <div className="sidebar-rail">
      <button className="icon-button" aria-label="Expand the sidebar" title="Expand the sidebar" onClick={() => run({ type: 'toggleSidebar' })}>
        »
      </button>
      {hosts && (
        <button className="icon-button" aria-label="Hosts" title="Hosts: lanes on other machines over SSH" onClick={() => run({ type: 'openHosts' })}>
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round">
            <rect x="2" y="2.5" width="12" height="4" rx="1" />
            <rect x="2" y="9.5" width="12" height="4" rx="1" />
            <path d="M4.5 4.5h.01M4.5 11.5h.01" />
          </svg>
        </button>
      )}
      {waiting > 0 && (
        <button className="count attention-count active" title={`${waiting} waiting: go to the next (${nextKey})`} onClick={() => run({ type: 'nextAttention' })}>
          {waiting}
        </button>
      )}
    </div>
  )
}
