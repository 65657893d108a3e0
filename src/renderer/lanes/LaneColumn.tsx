import { memo, useEffect, useRef, useState } from 'react'
import { TerminalCheckpoints } from '../agent/TerminalCheckpoints'
import type { Lane, Profile, Workspace } from '../../shared/contract'
import { TerminalView } from '../terminal/TerminalView'
import { StructuredView } from '../agent/StructuredView'
import { contextPercent, formatTokens, usageParts, usageTitle } from '../ui/format'

/** Context fill (%) from which a lane header shows it. */
const CONTEXT_SHOWN_FROM = 50
import { ModeSelect } from './ModeSelect'
import { StatusBadge } from './StatusBadge'
import { exitSummary, isEnded, isRunning } from './lane-state'
import { LaneGitInfo } from '../review/LaneGit'
import { ReviewPanel } from '../review/ReviewPanel'
import { canReview } from '../review/review-model'
import { ArchiveButton } from '../history/ArchiveButton'
import { LaneLink } from '../lane-links/LaneLink'
import { EditableTitle } from '../ui/EditableTitle'
import { ColumnResizer } from '../layout/ColumnResizer'
import { HostMark } from '../hosts/HostMark'
import './lanes.css'

interface Props {
  lane: Lane
  index: number
  workspace: Workspace | undefined
  profile: Profile | undefined
  /** The lane whose agent created this one. */
  parent?: Lane
  focused: boolean
  epoch: number
  shortcutPrefix: string
  onFocus(laneId: string): void
  onStop(lane: Lane): void
  onRestart(lane: Lane): void
  onClose(lane: Lane): void
  registerFocus(laneId: string, focus: (() => void) | null): void
  /** Tells the window whether the column is scrolled into view (off-screen lanes raise a notice). */
  onVisibility(laneId: string, inView: boolean): void
  onRename(lane: Lane, title: string): void
  /** The width the user gave the column (px), if any. */
  width?: number
  maximized: boolean
  onResize(lane: Lane, width: number | null): void
  onToggleMaximize(lane: Lane): void
}

/** Memo: a column renders when its own lane (or its other props) changes, not with every other lane's. */
export const LaneColumn = memo(function LaneColumn(props: Props) {
  const { lane, workspace, profile, focused } = props
  const title = lane.title || profile?.name || 'Lane'
  const structured = lane.kind !== 'terminal'
  const usage = usageParts(lane.usage)
  // The header is crowded at 3+ lanes: the fill shows once it starts to matter (the Usage panel has every lane's).
  const contextFill = contextPercent(lane.context)
  const exitPanel = isEnded(lane.status) || lane.diskError ? <ExitPanel lane={lane} onRestart={() => props.onRestart(lane)} /> : null
  const [reviewOpen, setReviewOpen] = useState(false)
  const [checkpointsOpen, setCheckpointsOpen] = useState(false)
  // Review opens full-width: it maximises the lane, and gives the columns back on close if it was what maximised it.
  const maximizedForReview = useRef(false)
  const toggleReview = (open: boolean) => {
    setReviewOpen(open)
    if (open && !props.maximized) {
      maximizedForReview.current = true
      props.onToggleMaximize(lane)
    } else if (!open && maximizedForReview.current) {
      maximizedForReview.current = false
      if (props.maximized) props.onToggleMaximize(lane)
    }
  }
  const review = reviewOpen && canReview(lane) ? <ReviewPanel lane={lane} onClose={() => toggleReview(false)} /> : null
  // Whether the column is in view: the lanes area scrolls sideways, and with many lanes most are out of
  // it. Out of view, a lane renders its stream less often and stops its pulses (see app.css).
  const section = useRef<HTMLElement>(null)
  const [inView, setInView] = useState(true)
  const [renaming, setRenaming] = useState(false)
  const { onVisibility } = props
  useEffect(() => {
    const observer = new IntersectionObserver((entries) => {
      const visible = entries[entries.length - 1].isIntersecting
      setInView(visible)
      onVisibility(lane.id, visible)
    })
    if (section.current) observer.observe(section.current)
    return () => {
      observer.disconnect()
      onVisibility(lane.id, false)
    }
  }, [lane.id, onVisibility])
  return (
    <section
      ref={section}
      className={`lane${focused ? ' focused' : ''}${props.width ? ' sized' : ''}${props.maximized ? ' maximized' : ''}`}
      style={props.width ? { width: props.width } : undefined}
      data-lane-id={lane.id}
      data-status={lane.status}
      data-offscreen={inView ? undefined : ''}
      aria-label={`Lane ${title}`}
      onFocus={() => props.onFocus(lane.id)}
      onMouseDown={() => props.onFocus(lane.id)}
    >
      <header className="lane-head">
        <div className="lane-title-row">
          {props.index < 9 && (
            <span className="lane-index" title={`${props.shortcutPrefix}${props.index + 1} focuses this lane`}>
              {props.index + 1}
            </span>
          )}
          <h2 className="lane-title" title={`${title} (double-click to rename)`} onDoubleClick={() => setRenaming(true)}>
            <EditableTitle
              title={title}
              label={`Rename lane ${title}`}
              editing={renaming}
              onEditingChange={setRenaming}
              onRename={(next) => props.onRename(lane, next)}
            />
          </h2>
          <HostMark id={lane.id} />
          <StatusBadge status={lane.status} />
          <div className="lane-actions">
            {canReview(lane) && (
              <button
                className={`button button-small button-ghost lane-review-button${reviewOpen ? ' active' : ''}`}
                aria-pressed={reviewOpen}
                onClick={() => toggleReview(!reviewOpen)}
                title="The lane's changes: diff, discard, commit, comment"
              >
                Review
              </button>
            )}
            {!structured && (
              <button
                className={`button button-small button-ghost${checkpointsOpen ? ' active' : ''}`}
                aria-pressed={checkpointsOpen}
                onClick={() => setCheckpointsOpen(!checkpointsOpen)}
                title="Save the lane's files now; see, diff and restore earlier checkpoints"
              >
                Checkpoints
              </button>
            )}
            {isRunning(lane.status) && (
              <button className="button button-small button-ghost" onClick={() => props.onStop(lane)} title="Stop the lane's process">
                Stop
              </button>
            )}
            {lane.purpose !== 'login' && <ArchiveButton lane={lane} />}
            <button
              className={`icon-button lane-maximize${props.maximized ? ' active' : ''}`}
              aria-label={props.maximized ? 'Restore the columns' : `Maximise lane ${title}`}
              aria-pressed={props.maximized}
              title={`${props.maximized ? 'Restore the columns' : 'Maximise this lane'} (${props.shortcutPrefix === '⌘' ? '⇧⌘' : 'Ctrl+Shift+'}Enter)`}
              onClick={() => props.onToggleMaximize(lane)}
            >
              {props.maximized ? '⤡' : '⤢'}
            </button>
            <button
              className="icon-button lane-close"
              aria-label={`Close lane ${title}`}
              title={`Close lane (${props.shortcutPrefix === '⌘' ? '⌘W' : 'Ctrl+Shift+W'})`}
              onClick={() => props.onClose(lane)}
            >
              ×
            </button>
          </div>
        </div>
        <div className="lane-meta">
          <span className="lane-workspace" title={workspace?.path}>
            {workspace?.name ?? 'unknown workspace'}
          </span>
          <span className="sep">·</span>
          <span className="lane-profile" title={lane.pid !== undefined ? `pid ${lane.pid}` : undefined}>
            {profile?.name ?? lane.kind}
          </span>
          {lane.purpose === 'login' && <span className="lane-tag">login</span>}
          {props.parent && (
            <span className="lane-parent">
              from <LaneLink laneId={props.parent.id} title={props.parent.title} />
            </span>
          )}
          <ModeSelect lane={lane} />
          <LaneGitInfo lane={lane} />
          {lane.pid !== undefined && isRunning(lane.status) && usage.length === 0 && (
            <>
              <span className="sep">·</span>
              <span className="lane-pid">pid {lane.pid}</span>
            </>
          )}
          {usage.length > 0 && (
            <span className="lane-usage" title={usageTitle(lane.usage)} aria-label="Usage">
              {usage.map((part, i) => (
                <span key={i} className={part.startsWith('$') ? 'usage-cost' : undefined}>
                  {part}
                </span>
              ))}
              {contextFill !== null && contextFill >= CONTEXT_SHOWN_FROM && (
                <span
                  className={`usage-context${contextFill >= 80 ? ' usage-context-high' : ''}`}
                  title={`Context window: ${formatTokens(lane.context!.usedTokens)} of ${formatTokens(lane.context!.windowTokens)} tokens`}
                >
                  ctx {contextFill}%
                </span>
              )}
            </span>
          )}
        </div>
      </header>
      {structured ? (
        <div className="lane-body">
          <StructuredView
            lane={lane}
            inView={inView}
            epoch={props.epoch}
            registerFocus={props.registerFocus}
            workspacePath={workspace?.path}
            footer={exitPanel}
          />
          {review}
        </div>
      ) : (
        <div className="lane-body">
          <TerminalView lane={lane} epoch={props.epoch} registerFocus={props.registerFocus} />
          {lane.status === 'sleeping' && <div className="lane-hint">sleeping — type to wake</div>}
          {exitPanel}
          {checkpointsOpen && <TerminalCheckpoints laneId={lane.id} onClose={() => setCheckpointsOpen(false)} />}
          {review}
        </div>
      )}
      <ColumnResizer
        laneTitle={title}
        width={() => section.current?.getBoundingClientRect().width ?? 360}
        setWidth={props.width}
        areaWidth={() => section.current?.parentElement?.clientWidth ?? window.innerWidth}
        onResize={(width) => props.onResize(lane, width)}
      />
    </section>
  )
})

function ExitPanel({ lane, onRestart }: { lane: Lane; onRestart(): void }) {
  const disk = lane.diskError
  const failed = lane.status === 'failed' || disk !== undefined
  const lastLines = lane.exit?.lastLines ?? []
  return (
    <div className={`exit-panel${failed ? ' exit-failed' : ''}`} role={failed ? 'alert' : 'status'}>
      <div className="exit-head">
        <strong>{disk ? 'Disk error' : failed ? 'Failed' : 'Exited'}</strong>
        <span className="exit-message">
          {disk ? `${disk.message}${disk.unsaved ? ` (${disk.unsaved} events not saved yet)` : ''}. Free some space, then Resume.` : exitSummary(lane)}
        </span>
        <button className="button button-small button-primary" onClick={onRestart}>
          {disk ? 'Resume' : 'Restart'}
        </button>
      </div>
      {failed && lastLines.length > 0 && <pre className="exit-lines">{lastLines.join('\n')}</pre>}
    </div>
  )
}
