import type { UiCommand } from '../app/commands'
import './navigator.css'

/** The collapsed sidebar: a button to expand it, and the count of what waits (a click goes there). */
export function SidebarRail({ waiting, nextKey, run }: { waiting: number; nextKey: string; run(command: UiCommand): void }) {
  return (
    <div className="sidebar-rail">
      <button className="icon-button" aria-label="Expand the sidebar" title="Expand the sidebar" onClick={() => run({ type: 'toggleSidebar' })}>
        »
      </button>
      {waiting > 0 && (
        <button className="count attention-count active" title={`${waiting} waiting: go to the next (${nextKey})`} onClick={() => run({ type: 'nextAttention' })}>
          {waiting}
        </button>
      )}
    </div>
  )
}
