import { useCallback, useEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { Lane, MethodOutput } from '../../shared/contract'
import { useApp } from '../app/context'
import { archivedLanes, highlightParts, hitKind, relativeTime } from './history-model'
import './history.css'

type Hit = MethodOutput<'history.search'>[number]
type Orphan = MethodOutput<'worktrees.orphans'>[number]

interface Props {
  /** Every lane, archived ones included. */
  lanes: Lane[]
  /** Bumped on every reconnect. */
  epoch: number
  /** Focuses a lane in the columns. */
  onOpenLane(laneId: string): void
  /** A lane came back from the archive (put it in the columns and focus it). */
  onRestored(lane: Lane): void
}

/** The sidebar's history block: search across transcripts, archived lanes, orphaned worktrees. */
export function HistorySidebar(props: Props) {
  const { client, reportError } = useApp()
  const { onRestored } = props
  const restore = useCallback(
    async (laneId: string) => {
      try {
        const lane = await client.call('lanes.restore', { laneId })
        onRestored(lane)
        return true
      } catch (e) {
        reportError(e)
        return false
      }
    },
    [client, reportError, onRestored],
  )
  return (
    <div className="history-sidebar">
      <OrphanNotice epoch={props.epoch} />
      <HistorySearch onOpenLane={props.onOpenLane} onRestore={restore} />
      <ArchivedSection lanes={props.lanes} onRestore={restore} />
    </div>
  )
}

// ---- search

function HistorySearch({ onOpenLane, onRestore }: { onOpenLane(laneId: string): void; onRestore(laneId: string): Promise<boolean> }) {
  const { client } = useApp()
  const [query, setQuery] = useState('')
  const [hits, setHits] = useState<Hit[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [searching, setSearching] = useState(false)
  const [open, setOpen] = useState(false)
  const [active, setActive] = useState(0)
  const [restoreAsk, setRestoreAsk] = useState<Hit | null>(null)
  const [now, setNow] = useState(() => Date.now())
  const box = useRef<HTMLDivElement>(null)

  // Search as the user types, the newest answer winning.
  const seq = useRef(0)
  useEffect(() => {
    const q = query.trim()
    const mine = ++seq.current
    if (!q) {
      setHits(null)
      setError(null)
      setSearching(false)
      return
    }
    setSearching(true)
    const timer = setTimeout(() => {
      client.call('history.search', { query: q, limit: 50 }).then(
        (result) => {
          if (mine !== seq.current) return
          setHits(result)
          setError(null)
          setActive(0)
          setNow(Date.now())
          setSearching(false)
        },
        (e) => {
          if (mine !== seq.current) return
          setError(e instanceof Error ? e.message : String(e))
          setSearching(false)
        },
      )
    }, 200)
    return () => clearTimeout(timer)
  }, [client, query])

  // A click outside closes the results.
  useEffect(() => {
    if (!open) return
    const onDown = (e: MouseEvent) => {
      if (!box.current?.contains(e.target as Node)) setOpen(false)
    }
    window.addEventListener('mousedown', onDown)
    return () => window.removeEventListener('mousedown', onDown)
  }, [open])

  const choose = (hit: Hit) => {
    if (hit.archived) {
      setRestoreAsk(hit)
      return
    }
    setOpen(false)
    onOpenLane(hit.laneId)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      if (open && query) setOpen(false)
      else setQuery('')
    } else if (e.key === 'ArrowDown' && hits?.length) {
      e.preventDefault()
      setOpen(true)
      setActive((a) => Math.min(hits.length - 1, a + 1))
    } else if (e.key === 'ArrowUp' && hits?.length) {
      e.preventDefault()
      setActive((a) => Math.max(0, a - 1))
    } else if (e.key === 'Enter' && hits?.[active]) {
      e.preventDefault()
      choose(hits[active])
    }
  }

  const showResults = open && query.trim().length > 0
  return (
    <div className="history-search" ref={box}>
      <div className="sidebar-section-head">
        <span>History</span>
      </div>
      <div className="history-search-field">
        <svg width="13" height="13" viewBox="0 0 16 16" aria-hidden="true">
          <circle cx="7" cy="7" r="4.5" fill="none" stroke="currentColor" strokeWidth="1.5" />
          <path d="M10.5 10.5 14 14" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
        </svg>
        <input
          className="input"
          type="search"
          aria-label="Search history"
          placeholder="Search all transcripts…"
          value={query}
          spellCheck={false}
          onChange={(e) => {
            setQuery(e.target.value)
            setOpen(true)
            setRestoreAsk(null)
          }}
          onFocus={() => setOpen(true)}
          onKeyDown={onKeyDown}
        />
      </div>
      {showResults && (
        <div className="history-results" role="listbox" aria-label="Search results">
          <div className="history-results-head">
            {searching ? 'Searching…' : error ? null : hits ? `${hits.length}${hits.length === 50 ? '+' : ''} match${hits.length === 1 ? '' : 'es'}` : null}
          </div>
          {error && (
            <div className="history-results-error" role="alert">
              {error}
            </div>
          )}
          {hits && hits.length === 0 && !searching && <div className="history-results-empty">Nothing found for “{query.trim()}”.</div>}
          {restoreAsk && (
            <div className="history-restore-ask" role="alertdialog" aria-label="Restore archived lane">
              <span>
                “{restoreAsk.laneTitle}” is archived. Restore it to the columns?
              </span>
              <div className="history-restore-actions">
                <button className="button button-small button-ghost" onClick={() => setRestoreAsk(null)}>
                  Cancel
                </button>
                <button
                  className="button button-small button-primary"
                  autoFocus
                  onClick={() => {
                    const hit = restoreAsk
                    setRestoreAsk(null)
                    void onRestore(hit.laneId).then((ok) => ok && setOpen(false))
                  }}
                >
                  Restore and open
                </button>
              </div>
            </div>
          )}
          <ul className="history-hits">
            {hits?.map((hit, i) => (
              <li
                key={`${hit.laneId}:${hit.seq}`}
                role="option"
                aria-selected={i === active}
                className={`history-hit${i === active ? ' active' : ''}`}
                onMouseEnter={() => setActive(i)}
                onClick={() => choose(hit)}
              >
                <div className="history-hit-head">
                  <span className="history-hit-lane">{hit.laneTitle}</span>
                  {hit.archived && <span className="lane-tag">archived</span>}
                  <span className="history-hit-kind">{hitKind(hit.type)}</span>
                  <span className="history-hit-time" title={new Date(hit.at).toLocaleString()}>
                    {relativeTime(hit.at, now)}
                  </span>
                </div>
                <div className="history-hit-snippet">
                  {highlightParts(hit.snippet, query).map((part, k) => (part.match ? <mark key={k}>{part.text}</mark> : <span key={k}>{part.text}</span>))}
                </div>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}

// ---- archived lanes

function ArchivedSection({ lanes, onRestore }: { lanes: Lane[]; onRestore(laneId: string): Promise<boolean> }) {
  const { client, reportError } = useApp()
  const archived = archivedLanes(lanes)
  const [open, setOpen] = useState(true)
  const [busy, setBusy] = useState<string | null>(null)
  /** The lane whose Delete asks for confirmation. */
  const [deleting, setDeleting] = useState<string | null>(null)
  const remove = async (laneId: string) => {
    setDeleting(null)
    setBusy(laneId)
    try {
      // The record goes with a `removed` status event; the list follows it.
      await client.call('lanes.deleteArchived', { laneId })
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(null)
    }
  }
  if (archived.length === 0) return null
  const now = Date.now()
  return (
    <section className="archived" aria-label="Archived lanes">
      <button className="sidebar-section-head archived-toggle" aria-expanded={open} onClick={() => setOpen(!open)}>
        <span>
          {open ? '▾' : '▸'} Archived <span className="archived-count">{archived.length}</span>
        </span>
      </button>
      {open && (
        <ul className="archived-list">
          {archived.map((lane) => (
            <li key={lane.id} className="archived-lane" data-lane-id={lane.id}>
              <div className="archived-text">
                <div className="archived-title" title={lane.title}>
                  {lane.title}
                </div>
                <div className="archived-meta">
                  {lane.worktree ? `⎇ ${lane.worktree.branch} · ` : ''}
                  {relativeTime(lane.lastActivityAt, now)}
                </div>
              </div>
              <button
                className="button button-small"
                disabled={busy === lane.id}
                aria-label={`Restore lane ${lane.title}`}
                onClick={() => {
                  setBusy(lane.id)
                  void onRestore(lane.id).finally(() => setBusy(null))
                }}
              >
                Restore
              </button>
              {!lane.worktree && (
                <button className="button button-small button-ghost" disabled={busy === lane.id} aria-label={`Delete lane ${lane.title}`} onClick={() => setDeleting(lane.id)}>
                  Delete
                </button>
              )}
              {deleting === lane.id && (
                <div className="archived-delete-ask" role="alertdialog" aria-label={`Delete ${lane.title} for good`}>
                  <p>Delete “{lane.title}” and its transcript for good? This cannot be undone.</p>
                  <div className="dialog-actions">
                    <button className="button button-small button-ghost" autoFocus onClick={() => setDeleting(null)}>
                      Cancel
                    </button>
                    <button className="button button-small button-danger" onClick={() => void remove(lane.id)}>
                      Delete for good
                    </button>
                  </div>
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

// ---- worktrees no lane owns

function OrphanNotice({ epoch }: { epoch: number }) {
  const { client, reportError } = useApp()
  const [orphans, setOrphans] = useState<Orphan[]>([])
  const [dismissed, setDismissed] = useState(false)
  const [asking, setAsking] = useState<string | null>(null)
  useEffect(() => {
    let cancelled = false
    client.call('worktrees.orphans', {}).then(
      (list) => !cancelled && setOrphans(list),
      // A host without worktree support simply has none to list.
      () => !cancelled && setOrphans([]),
    )
    return () => {
      cancelled = true
    }
  }, [client, epoch])
  if (dismissed || orphans.length === 0) return null
  const remove = async (o: Orphan, deleteBranch: boolean) => {
    setAsking(null)
    try {
      await client.call('worktrees.removeOrphan', { path: o.path, deleteBranch })
      setOrphans((list) => list.filter((x) => x.path !== o.path))
    } catch (e) {
      reportError(e)
    }
  }
  return (
    <div className="orphans" role="region" aria-label="Orphaned worktrees">
      <div className="orphans-head">
        <span>
          {orphans.length} worktree{orphans.length === 1 ? '' : 's'} without a lane
        </span>
        <button className="icon-button" aria-label="Dismiss" title="Hide until next start" onClick={() => setDismissed(true)}>
          ×
        </button>
      </div>
      <ul className="orphans-list">
        {orphans.map((o) => (
          <li key={o.path} className="orphan" data-path={o.path}>
            <div className="orphan-text" title={`${o.path}\nrepository: ${o.repoPath}`}>
              <div className="orphan-branch">⎇ {o.branch ?? 'detached'}</div>
              <div className="orphan-path">
                <bdi dir="ltr">{o.path}</bdi>
              </div>
            </div>
            {asking === o.path ? (
              <div className="orphan-ask">
                <button className="button button-small button-danger" onClick={() => void remove(o, false)}>
                  Delete
                </button>
                {o.branch && (
                  <button className="button button-small button-danger" onClick={() => void remove(o, true)} title={`Also delete branch ${o.branch}`}>
                    + branch
                  </button>
                )}
                <button className="icon-button" aria-label="Cancel" onClick={() => setAsking(null)}>
                  ×
                </button>
              </div>
            ) : (
              <button className="button button-small button-ghost" aria-label={`Delete worktree ${o.path}`} onClick={() => setAsking(o.path)}>
                Delete
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  )
}

/** Puts the cursor in the sidebar's history search (the palette's "Search history"). */
export function focusHistorySearch(): void {
  const input = document.querySelector<HTMLInputElement>('.history-search input')
  input?.focus()
  input?.select()
}
