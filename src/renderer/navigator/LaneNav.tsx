import { useState } from 'react'
import type { Lane, Profile } from '../../shared/contract'
import { EditableTitle } from '../ui/EditableTitle'
import { navRows, usageBrief } from './navigator-model'
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
  /** Puts a lane before another in the column order (null: last). */
  onMove(laneId: string, beforeId: string | null): void
  pinned: ReadonlySet<string>
  /** Every lane in column order (a move is relative to it). */
  all: readonly Lane[]
}

const DRAG_TYPE = 'application/x-switchyard-lane'

/** A workspace's lanes in the sidebar: status, title, agent, usage; click goes there, double-click or F2 renames. */
export function LaneNav({ lanes, profiles, focusedLaneId, numbers, needing, onFocus, onRename, onMove, pinned, all }: Props) {
  const [renaming, setRenaming] = useState<string | null>(null)
  const [dropTarget, setDropTarget] = useState<string | null>(null)
  /** Alt+↑/↓: one place up or down among this workspace's lanes. */
  const step = (laneId: string, dir: -1 | 1) => {
    const i = lanes.findIndex((l) => l.id === laneId)
    const sibling = lanes[i + dir]
    if (!sibling) return
    if (dir < 0) onMove(laneId, sibling.id)
    else onMove(laneId, all[all.findIndex((l) => l.id === sibling.id) + 1]?.id ?? null)
  }
  if (lanes.length === 0) return null
  return (
    <ul className="nav-lanes" aria-label="Lanes">
      {navRows(lanes, all).map(({ lane, depth, parent }) => {
        const parentTitle = parent ? parent.title || (profiles.get(parent.profileId)?.name ?? parent.kind) : undefined
        const agent = profiles.get(lane.profileId)?.name ?? lane.kind
        const usage = usageBrief(lane.usage)
        const number = numbers.get(lane.id)
        const title = lane.title || agent
        return (
          <li key={lane.id} className={depth > 0 ? 'nav-child' : undefined} style={depth > 0 ? { paddingLeft: `${Math.min(depth, 4) * 12}px` } : undefined}>
            <div
              role="button"
              tabIndex={0}
              className={`nav-lane${lane.id === focusedLaneId ? ' focused' : ''}${number === undefined ? ' hidden-column' : ''}${dropTarget === lane.id ? ' drop-before' : ''}`}
              draggable={renaming !== lane.id}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, lane.id)
                e.dataTransfer.effectAllowed = 'move'
              }}
              onDragOver={(e) => {
                if (!e.dataTransfer.types.includes(DRAG_TYPE)) return
                e.preventDefault()
                e.dataTransfer.dropEffect = 'move'
                setDropTarget(lane.id)
              }}
              onDragLeave={() => setDropTarget((t) => (t === lane.id ? null : t))}
              onDrop={(e) => {
                const dragged = e.dataTransfer.getData(DRAG_TYPE)
                setDropTarget(null)
                if (!dragged || dragged === lane.id) return
                e.preventDefault()
                onMove(dragged, lane.id)
              }}
              data-nav-lane-id={lane.id}
              data-parent-lane-id={parent?.id}
              data-status={lane.status}
              aria-current={lane.id === focusedLaneId ? 'true' : undefined}
              aria-label={`${title}, ${agent}, ${lane.status}${parentTitle ? `, created by ${parentTitle}` : ''}${needing.has(lane.id) ? ', needs you' : ''}`}
              title={`${title}\n${agent} · ${lane.status}${usage ? ` · ${usage}` : ''}${parentTitle ? `\ncreated by ${parentTitle}` : ''}\nDouble-click or F2 to rename; drag or Alt+↑/↓ to reorder`}
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
                } else if (e.altKey && (e.key === 'ArrowUp' || e.key === 'ArrowDown')) {
                  e.preventDefault()
                  step(lane.id, e.key === 'ArrowUp' ? -1 : 1)
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
              {pinned.has(lane.id) && (
                <svg className="nav-lane-pin" width="10" height="10" viewBox="0 0 16 16" aria-label="pinned" role="img">
                  <path d="M5 1h6l-1 5 3 3H9l-1 6-1-6H3l3-3z" fill="currentColor" />
                </svg>
              )}
              {needing.has(lane.id) && <span className="nav-lane-flag" aria-hidden="true" />}
              {number !== undefined && <span className="nav-lane-num">{number}</span>}
              <span className="nav-lane-sub">
                {parentTitle && <span className="nav-lane-parent">↳ {parentTitle}</span>}
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
