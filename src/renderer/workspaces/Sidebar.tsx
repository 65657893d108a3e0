import { Fragment, useState, type ReactNode } from 'react'
import type { Lane, MethodOutput, Profile, Workspace } from '../../shared/contract'
import { LaneNav } from '../navigator/LaneNav'
import { byMachine, hostOf } from '../host/lane-ref'
import { useHostName } from '../hosts/HostMark'
import { FolderBrowser } from './FolderBrowser'
import './sidebar.css'

interface Props {
  workspaces: Workspace[]
  lanes: Lane[]
  info: MethodOutput<'app.info'> | null
  /** The workspace whose lanes are the columns (null: every lane). */
  filterId: string | null
  onFilter(workspaceId: string | null): void
  profiles: ReadonlyMap<string, Profile>
  focusedLaneId: string | null
  /** laneId → column number, for lanes shown as columns. */
  laneNumbers: ReadonlyMap<string, number>
  /** Lanes with something waiting for the user. */
  needing: ReadonlySet<string>
  onFocusLane(laneId: string): void
  onRenameLane(laneId: string, title: string): void
  onMoveLane(laneId: string, beforeId: string | null): void
  pinned: ReadonlySet<string>
  onCollapse(): void
  /** The attention inbox, above the workspaces. */
  inbox?: ReactNode
  /** Opens the native folder dialog (only when the host can). */
  onPick(): void
  onAddPath(path: string): Promise<boolean>
  onRemove(workspace: Workspace): void
  pathInputOpen: boolean
  setPathInputOpen(open: boolean): void
  onOpenProfiles(): void
  onOpenSettings(): void
  /** Remote hosts (absent: no button). */
  onOpenHosts?(): void
  /** The remote host this window shows, if not this machine. */
  hostName?: string
  /** More sidebar sections (history search, archived lanes), above the nav. */
  children?: ReactNode
}

export function Sidebar(props: Props) {
  const { lanes, info, filterId, pathInputOpen, setPathInputOpen } = props
  const canPick = info?.canPickFolder === true
  const workspaces = byMachine(props.workspaces)
  const hostsShown = workspaces.some((w) => hostOf(w.id) !== undefined)
  return (
    <aside className="sidebar">
      <div className="brand">
        <span className="brand-mark" aria-hidden="true" />
        <span className="brand-name">Switchyard</span>
        <button className="icon-button sidebar-collapse" aria-label="Collapse the sidebar" title="Collapse the sidebar" onClick={props.onCollapse}>
          «
        </button>
      </div>
      {props.inbox}
      <div className="sidebar-section-head">
        <span>Workspaces</span>
        <button
          className="button button-small"
          onClick={() => (canPick ? props.onPick() : setPathInputOpen(!pathInputOpen))}
          title={canPick ? 'Choose a folder' : 'Add a folder by its path'}
        >
          + Add folder
        </button>
      </div>
      {pathInputOpen && <FolderBrowser onAdd={props.onAddPath} onCancel={() => setPathInputOpen(false)} />}
      {workspaces.length === 0 && !pathInputOpen && (
        <p className="sidebar-hint">Add a folder, or drop one anywhere on the window.</p>
      )}
      <ul className="workspace-list" aria-label="Workspaces">
        {workspaces.length > 1 && (
          <li
            className={`workspace-all${filterId === null ? ' selected' : ''}`}
            aria-current={filterId === null ? 'true' : undefined}
            onClick={() => props.onFilter(null)}
          >
            <div className="workspace-name">
              <span className="workspace-name-text">All lanes</span>
              {lanes.length > 0 && <span className="count">{lanes.length}</span>}
            </div>
          </li>
        )}
        {workspaces.map((w, i) => {
          const own = lanes.filter((l) => l.workspaceId === w.id)
          const count = own.length
          // Grouped by machine (the list comes this machine's first, then each host's): a heading where one begins.
          const heading = hostsShown && (i === 0 || hostOf(workspaces[i - 1].id) !== hostOf(w.id))
          return (
            <Fragment key={w.id}>
            {heading && <MachineHeading id={w.id} />}
            <li className="workspace-group" data-host-id={hostOf(w.id)}>
            <div
              className={`workspace${w.id === filterId ? ' selected' : ''}`}
              data-workspace-id={w.id}
              aria-current={w.id === filterId ? 'true' : undefined}
              title={w.id === filterId ? 'Showing only this workspace: click to show every lane' : 'Show only this workspace'}
              onClick={() => props.onFilter(w.id === filterId ? null : w.id)}
            >
              <div className="workspace-text">
                <div className="workspace-name">
                  <span className="workspace-name-text">{w.name}</span>
                  {count > 0 && <span className="count" title={`${count} lane${count === 1 ? '' : 's'}`}>{count}</span>}
                </div>
                <div className="workspace-path" title={w.path}>
                  {/* Ellipsized at the start (the end of a path says most); the path itself stays LTR. */}
                  <bdi dir="ltr">{w.path}</bdi>
                </div>
              </div>
              <button
                className="icon-button workspace-remove"
                aria-label={`Remove workspace ${w.name}`}
                title="Remove workspace"
                onClick={(e) => {
                  e.stopPropagation()
                  props.onRemove(w)
                }}
              >
                ×
              </button>
            </div>
            <LaneNav
              lanes={own}
              profiles={props.profiles}
              focusedLaneId={props.focusedLaneId}
              numbers={props.laneNumbers}
              needing={props.needing}
              onFocus={props.onFocusLane}
              onRename={props.onRenameLane}
              onMove={props.onMoveLane}
              pinned={props.pinned}
              all={lanes}
            />
            </li>
            </Fragment>
          )
        })}
      </ul>
      {props.children}
      <div className="sidebar-nav">
        <button className="sidebar-nav-button" onClick={props.onOpenProfiles} title="Agents, profiles, approval policies, logins">
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
            <path
              d="M8 8a3 3 0 1 0 0-6 3 3 0 0 0 0 6Zm-5.5 6c0-2.5 2.5-4 5.5-4s5.5 1.5 5.5 4"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.4"
              strokeLinecap="round"
            />
          </svg>
          Profiles
        </button>
        {props.onOpenHosts && (
          <button className="sidebar-nav-button" onClick={props.onOpenHosts} title="Lanes on other machines over SSH">
            Hosts
          </button>
        )}
        <button className="sidebar-nav-button" onClick={props.onOpenSettings} title="Theme, process limit, tray, notifications">
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.4" strokeLinecap="round">
            <path d="M2.5 4.5h6m3 0h2M2.5 8h1.5m3 0h6.5M2.5 11.5h7m3 0h1" />
            <circle cx="10" cy="4.5" r="1.5" />
            <circle cx="5.5" cy="8" r="1.5" />
            <circle cx="11" cy="11.5" r="1.5" />
          </svg>
          Settings
        </button>
      </div>
      <div className="sidebar-foot">
        {info ? (
          <span title={info.dataDir}>
            {props.hostName ? <strong className="sidebar-host">on {props.hostName} · </strong> : null}
            {info.mode} · v{info.version}
          </span>
        ) : (
          <span>connecting…</span>
        )}
      </div>
    </aside>
  )
}

/** Where a machine's workspaces begin in the list: this machine, or a host by name. */
function MachineHeading({ id }: { id: string }) {
  const name = useHostName(id)
  return (
    <li className="workspace-host" data-host-id={hostOf(id)} aria-hidden="true">
      {name ? `⇄ ${name}` : 'This machine'}
    </li>
  )
}
