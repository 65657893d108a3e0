import { useState } from 'react'
import type { Lane, Profile } from '../../shared/contract'
import { EditableTitle } from '../ui/EditableTitle'
import { usageBrief } from './navigator-model'
import './navigator.css'

interface Props {
  lanes: readonly Lane[]
  profiles: ReadonlyMap<string, Profile>
  focusedLaneId: string | null
  /** laneId → its column number (1-based), for lanes shown as columns. */
  numbers: ReadonlyMap<string, number>
  /** Lanes with something waiting for the user. */
  needing: ReadonlySet<string>
  onFocus(laneId: string): void
  onRename(laneId: string, title: string): void
}

/** A workspace's lanes in the sidebar: status, title, agent, usage; click goes there, double-click or F2 renames. */
export function LaneNav({ lanes, profiles, focusedLaneId, numbers, needing, onFocus, onRename }: Props) {
  const [renaming, setRenaming] = useState<string | null>(null)
  if (lanes.length === 0) return null
  return (
    <ul className="nav-lanes" aria-label="Lanes">
      {lanes.map((lane) => {
        const agent = profiles.get(lane.profileId)?.name ?? lane.kind
        const usage = usageBrief(lane.usage)
        const number = numbers.get(lane.id)
        const title = lane.title || agent
        return (
          <li key={lane.id}>
            <div
              role="button"
              tabIndex={0}
              className={`nav-lane${lane.id === focusedLaneId ? ' focused' : ''}${number === undefined ? ' hidden-column' : ''}`}
              data-nav-lane-id={lane.id}
              data-status={lane.status}
              aria-current={lane.id === focusedLaneId ? 'true' : undefined}
              aria-label={`${title}, ${agent}, ${lane.status}${needing.has(lane.id) ? ', needs you' : ''}`}
              title={`${title}\n${agent} · ${lane.status}${usage ? ` · ${usage}` : ''}\nDouble-click or F2 to rename`}
              onClick={() => onFocus(lane.id)}
              onDoubleClick={() => setRenaming(lane.id)}
              onKeyDown={(e) => {
                if (e.target !== e.currentTarget) return
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault()
                  onFocus(lane.id)
                } else if (e.key === 'F2') {
                  e.preventDefault()
                  setRenaming(lane.id)
                }
              }}
            >
              <span className="nav-lane-dot" aria-hidden="true" />
              <EditableTitle
                className="nav-lane-title"
                title={title}
                label={`Rename lane ${title}`}
                editing={renaming === lane.id}
                onEditingChange={(on) => setRenaming(on ? lane.id : null)}
                onRename={(next) => onRename(lane.id, next)}
              />
              {needing.has(lane.id) && <span className="nav-lane-flag" aria-hidden="true" />}
              {number !== undefined && <span className="nav-lane-num">{number}</span>}
              <span className="nav-lane-sub">
                <span className="nav-lane-agent">{agent}</span>
                <span className="nav-lane-status">{lane.status}</span>
                {usage && <span className="nav-lane-usage">{usage}</span>}
              </span>
            </div>
          </li>
        )
      })}
    </ul>
  )
}
