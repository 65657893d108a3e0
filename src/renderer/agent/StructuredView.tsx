import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { Attachment, Lane } from '../../shared/contract'
import type { LaneEvent } from '../../shared/events'
import { useApp } from '../app/context'
import { TranscriptSync } from '../host/transcript-sync'
import { applyEvents, emptyTranscript, type TranscriptState } from './transcript-model'
import { ItemView, ViewState, ViewStateContext, estimateItemHeight, type ItemActions } from './items'
import { Composer, canInterrupt, type ComposerHandle } from './Composer'
import { withUploads } from '../ui/attachments'
import './transcript.css'
import './approvals.css'

const TRANSCRIPT_PAGE = 2000
/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 32

interface Props {
  lane: Lane
  /** The lane's column is in view (not scrolled out of the lanes area). */
  inView: boolean
  /** Bumped on every reconnect: catch up with what was missed. */
  epoch: number
  registerFocus(laneId: string, focus: (() => void) | null): void
  /** The workspace folder: file paths under it are shown relative to it. */
  workspacePath?: string
  /** Shown between the transcript and the composer (e.g. the exit panel). */
  footer?: ReactNode
}

/**
 * A structured agent lane: its transcript (transcript page + live events, folded into view items),
 * virtualized and stuck to the bottom while it streams, and a composer. Memo: a status change of one
 * lane re-renders the app's columns, and the other lanes' views need not follow.
 */
export const StructuredView = memo(function StructuredView({ lane, inView: inViewProp, epoch, registerFocus, workspacePath, footer }: Props) {
  const { client, reportError } = useApp()
  const laneId = lane.id
  const [transcript, setTranscript] = useState<TranscriptState>(emptyTranscript)
  const [loaded, setLoaded] = useState(false)
  const syncRef = useRef<TranscriptSync | null>(null)
  const composer = useRef<ComposerHandle>(null)
  const inView = useRef(inViewProp)
  const flushNow = useRef(() => {})
  const viewState = useMemo(() => new ViewState(), [])
  viewState.root = workspacePath
  /** Follow new content to the bottom (false once the user scrolled up). */
  const stick = useRef(true)

  // ---- events in: batched per frame, so a fast stream renders once per frame
  useEffect(() => {
    let pending: LaneEvent[] = []
    let frame = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    const flush = () => {
      cancelAnimationFrame(frame)
      clearTimeout(timer)
      frame = 0
      timer = undefined
      if (pending.length === 0) return
      const batch = pending
      pending = []
      setTranscript((state) => applyEvents(state, batch))
    }
    flushNow.current = flush
    const schedule = () => {
      if (frame || timer) return
      // Out of view, the slow timer only: with many lanes open, rendering every one of them each frame
      // starves the ones in view.
      if (inView.current) frame = requestAnimationFrame(flush)
      // A hidden window gets no frames: flush anyway, less often.
      timer = setTimeout(flush, 250)
    }
    const sync = new TranscriptSync(
      (after) => client.call('lanes.transcript', { laneId, after, limit: TRANSCRIPT_PAGE }),
      (event) => {
        pending.push(event)
        schedule()
      },
      reportError,
    )
    syncRef.current = sync
    const unsubscribe = client.subscribe('lanes.events', { laneId }, (event) => sync.live(event), reportError)
    void sync.catchUp().then(() => {
      flush()
      setLoaded(true)
    })
    return () => {
      unsubscribe()
      sync.dispose()
      syncRef.current = null
      cancelAnimationFrame(frame)
      clearTimeout(timer)
    }
  }, [client, reportError, laneId])

  // Back in view: show what came meanwhile at once.
  useEffect(() => {
    inView.current = inViewProp
    if (inViewProp) flushNow.current()
  }, [inViewProp])

  const firstEpoch = useRef(epoch)
  useEffect(() => {
    if (epoch === firstEpoch.current) return
    void syncRef.current?.catchUp()
  }, [epoch])

  useEffect(() => {
    registerFocus(laneId, () => composer.current?.focus())
    return () => registerFocus(laneId, null)
  }, [laneId, registerFocus])

  // ---- actions
  const actions = useMemo<ItemActions>(
    () => ({
      laneId,
      approve: (requestId, optionId, answers) =>
        client.call('lanes.approve', { laneId, requestId, optionId, answers }).then(
          () => undefined,
          (e) => reportError(e, { laneId }),
        ),
      retry: (prompt) =>
        client.call('lanes.send', { laneId, input: prompt }).then(
          () => undefined,
          (e) => reportError(e, { laneId }),
        ),
    }),
    [client, reportError, laneId],
  )
  const send = useCallback(
    async (text: string, attachments: Attachment[]) => {
      try {
        // Large dropped files go ahead in pieces: one message carries at most MAX_MESSAGE_BYTES.
        const sendable = await withUploads(text, attachments, (piece) => client.call('attachments.upload', piece))
        await client.call('lanes.send', { laneId, input: text, ...(sendable.length > 0 ? { attachments: sendable } : {}) })
        stick.current = true
        return true
      } catch (e) {
        reportError(e, { laneId })
        return false
      }
    },
    [client, reportError, laneId],
  )
  const status = lane.status
  const interrupt = useCallback(() => {
    client.call('lanes.interrupt', { laneId }).catch((e) => reportError(e, { laneId }))
  }, [client, reportError, laneId])
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && canInterrupt(status) && !e.defaultPrevented) {
      e.preventDefault()
      interrupt()
    }
  }

  // ---- the list: virtualized, stuck to the bottom unless the user scrolled up
  const items = transcript.items
  const scroller = useRef<HTMLDivElement>(null)
  const dragging = useRef(false)
  const [detached, setDetached] = useState(false)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => estimateItemHeight(items[i]),
    getItemKey: (i) => items[i].id,
    overscan: 6,
    paddingStart: 10,
    paddingEnd: 6,
  })
  const totalSize = virtualizer.getTotalSize()

  const toBottom = useCallback(() => {
    const el = scroller.current
    if (el) el.scrollTop = el.scrollHeight
  }, [])
  const unstick = () => {
    stick.current = false
  }
  const onScroll = () => {
    const el = scroller.current
    if (!el) return
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight
    if (distance <= BOTTOM_SLACK) stick.current = true
    else if (dragging.current) stick.current = false
    setDetached(!stick.current && distance > BOTTOM_SLACK)
  }
  // New content, a row measured taller, a busy footer: follow it while stuck.
  useLayoutEffect(() => {
    if (stick.current) toBottom()
  }, [items, totalSize, status, toBottom])
  useEffect(() => {
    const el = scroller.current
    if (!el) return
    const observer = new ResizeObserver(() => stick.current && toBottom())
    observer.observe(el)
    // A scrollbar drag may end anywhere on the page.
    const release = () => (dragging.current = false)
    window.addEventListener('pointerup', release)
    window.addEventListener('pointercancel', release)
    return () => {
      observer.disconnect()
      window.removeEventListener('pointerup', release)
      window.removeEventListener('pointercancel', release)
    }
  }, [toBottom])

  const jump = () => {
    stick.current = true
    setDetached(false)
    toBottom()
    // Rows measured on the way down change the height once more.
    requestAnimationFrame(toBottom)
  }

  const busy = status === 'busy' || status === 'waiting' || status === 'starting'
  const empty = loaded && items.length === 0

  return (
    <ViewStateContext.Provider value={viewState}>
      <div className="structured" data-lane-structured={laneId} onKeyDown={onKeyDown}>
        <div className="transcript-wrap">
          <div
            className="transcript"
            ref={scroller}
            tabIndex={-1}
            onScroll={onScroll}
            onWheel={(e) => e.deltaY < 0 && unstick()}
            onPointerDown={(e) => {
              // The scrollbar: a press on the scroller itself, not on a row.
              if (e.target === e.currentTarget) dragging.current = true
            }}
              onKeyDown={(e) => {
              if (['PageUp', 'ArrowUp', 'Home'].includes(e.key)) unstick()
            }}
          >
            <div className="transcript-rows" style={{ height: totalSize }}>
              {virtualizer.getVirtualItems().map((row) => (
                <div
                  key={row.key}
                  className="transcript-row"
                  data-index={row.index}
                  data-kind={items[row.index].kind}
                  ref={virtualizer.measureElement}
                  style={{ transform: `translateY(${row.start}px)` }}
                >
                  <ItemView item={items[row.index]} actions={actions} />
                </div>
              ))}
            </div>
            {empty && <TranscriptEmpty status={status} />}
            {busy && <WorkingLine status={status} />}
          </div>
          {detached && (
            <button className="jump-latest" onClick={jump}>
              ↓ Jump to latest
            </button>
          )}
        </div>
        {footer}
        <Composer ref={composer} laneId={laneId} status={status} onSend={send} onInterrupt={interrupt} />
      </div>
    </ViewStateContext.Provider>
  )
})

function WorkingLine({ status }: { status: Lane['status'] }) {
  if (status === 'waiting') {
    return (
      <div className="working working-waiting" role="status">
        <span className="working-dot" /> Waiting for your answer above
      </div>
    )
  }
  return (
    <div className="working" role="status">
      <span className="working-dots" aria-hidden="true">
        <span />
        <span />
        <span />
      </span>
      {status === 'starting' ? 'Starting the agent…' : 'Working…'}
    </div>
  )
}

function TranscriptEmpty({ status }: { status: Lane['status'] }) {
  return (
    <div className="transcript-empty">
      <div className="transcript-empty-title">{status === 'starting' ? 'Starting…' : 'No messages yet'}</div>
      <div>Ask the agent something below. Its replies, tool calls and requests for approval show here.</div>
    </div>
  )
}
