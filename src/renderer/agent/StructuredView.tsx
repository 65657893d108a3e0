import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { flushSync } from 'react-dom'
import { useVirtualizer, type Virtualizer } from '@tanstack/react-virtual'
import type { Attachment, Lane } from '../../shared/contract'
import type { LaneEvent } from '../../shared/events'
import { useApp } from '../app/context'
import { TranscriptSync } from '../host/transcript-sync'
import { applyEvents, emptyTranscript, type TranscriptState } from './transcript-model'
import { ItemView, ViewState, ViewStateContext, estimateItemHeight, type ItemActions } from './items'
import { Composer, canInterrupt, type ComposerHandle } from './Composer'
import { withUploads } from '../ui/attachments'
import { FrameBatch } from './frame-batch'
import { followToBottom } from './follow-bottom'
import './transcript.css'
import './approvals.css'

const TRANSCRIPT_PAGE = 2000
/** Within this many pixels of the end counts as "at the bottom". */
const BOTTOM_SLACK = 32

/** All lanes of the window fold in their events in one frame and one React commit. */
const laneFrames = new FrameBatch(
  { requestFrame: (run) => requestAnimationFrame(run), setTimer: (run, ms) => setTimeout(run, ms) },
  (run) => flushSync(run),
)

/**
 * A row's height without forcing a layout: the ResizeObserver's entry when there is one, else what
 * is known (the last measurement, or the estimate). The default reads `offsetHeight` when a row
 * mounts, inside React's commit: one synchronous layout per lane per new row.
 */
function rowHeight(el: Element, entry: ResizeObserverEntry | undefined, v: Virtualizer<HTMLDivElement, Element>): number {
  const box = entry?.borderBoxSize?.[0]
  if (box) return Math.round(box.blockSize)
  const index = v.indexFromElement(el)
  return v.itemSizeCache.get(v.options.getItemKey(index)) ?? v.options.estimateSize(index)
}

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
  /** The transcript with every event received, shown or not yet (out of view). */
  const folded = useRef(transcript)
  const [loaded, setLoaded] = useState(false)
  const syncRef = useRef<TranscriptSync | null>(null)
  const composer = useRef<ComposerHandle>(null)
  const inView = useRef(inViewProp)
  const flushNow = useRef(() => {})
  /** Holds the lane's live stream (in view) or lets it go (out of view); true when it just attached. */
  const attach = useRef<(on: boolean) => boolean>(() => false)
  const viewState = useMemo(() => new ViewState(), [])
  viewState.root = workspacePath
  /** Follow new content to the bottom (false once the user scrolled up). */
  const stick = useRef(true)

  // ---- events in: batched per frame with the other lanes, so a fast stream renders once per frame.
  // Out of view, the lane lets its live stream go: with many lanes open, receiving (let alone
  // rendering) the deltas of lanes nobody sees starves the ones in view. Back in view, it subscribes
  // again and catches up from the transcript by seq (TranscriptSync), and shows it at once.
  useEffect(() => {
    let pending: LaneEvent[] = []
    let unseen = false
    const flush = () => {
      laneFrames.cancel(flush)
      if (pending.length > 0) {
        folded.current = applyEvents(folded.current, pending)
        pending = []
        unseen = true
      }
      if (!unseen || !inView.current) return
      unseen = false
      setTranscript(folded.current)
    }
    flushNow.current = flush
    const schedule = () => laneFrames.schedule(flush, inView.current)
    const sync = new TranscriptSync(
      (after) => client.call('lanes.transcript', { laneId, after, limit: TRANSCRIPT_PAGE }),
      (event) => {
        pending.push(event)
        schedule()
      },
      reportError,
    )
    syncRef.current = sync
    let unsubscribe: (() => void) | null = null
    attach.current = (on) => {
      if (on === (unsubscribe !== null)) return false
      if (!on) {
        unsubscribe?.()
        unsubscribe = null
        return false
      }
      unsubscribe = client.subscribe('lanes.events', { laneId }, (event) => sync.live(event), reportError)
      return true
    }
    // Subscribed before the transcript is read: what it emits meanwhile waits in the sync's buffer.
    attach.current(inView.current)
    void sync.catchUp().then(() => {
      flush()
      setLoaded(true)
    })
    return () => {
      attach.current(false)
      sync.dispose()
      syncRef.current = null
      laneFrames.cancel(flush)
    }
  }, [client, reportError, laneId])

  // Out of view: let the stream go. Back in view: subscribe, read what came meanwhile from the
  // transcript, and show it at once, at the end if it follows the end.
  useEffect(() => {
    inView.current = inViewProp
    if (!inViewProp) {
      attach.current(false)
      return
    }
    if (attach.current(true)) void syncRef.current?.catchUp()
    flushNow.current()
    if (stick.current && scroller.current) followToBottom(scroller.current)
  }, [inViewProp])

  const firstEpoch = useRef(epoch)
  useEffect(() => {
    // Out of view there is nothing to catch up with: coming back into view does it.
    if (epoch === firstEpoch.current || !inView.current) return
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
  /** The rows' height last followed: a change while stuck scrolls to the new end. */
  const followedSize = useRef(0)
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => estimateItemHeight(items[i]),
    getItemKey: (i) => items[i].id,
    overscan: 6,
    paddingStart: 10,
    paddingEnd: 6,
    measureElement: rowHeight,
    // A row measured taller (the streaming message, every frame) or a scroll moves rows and sizes the
    // list in the DOM, without a React render of the lane; only a change of the rows in range renders.
    directDomUpdates: true,
    directDomUpdatesMode: 'position',
    // A render for a new range goes with the other lanes' batch, not in a synchronous render of its own.
    useFlushSync: false,
    // A row measured taller (the list's height written above): follow the new end while stuck.
    onChange: (v) => {
      const size = v.getTotalSize()
      if (size === followedSize.current) return
      followedSize.current = size
      if (stick.current && inView.current && scroller.current) followToBottom(scroller.current)
    },
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
    // Stuck and no scrollbar drag: nothing to decide, and no layout to read (this lane's own follow
    // scrolls it every frame while it streams). A wheel or key that scrolls up unsticks it first.
    if (stick.current && !dragging.current) return setDetached(false)
    if (!el) return
    const distance = el.scrollHeight - el.scrollTop - el.clientHeight
    if (distance <= BOTTOM_SLACK) stick.current = true
    else if (dragging.current) stick.current = false
    setDetached(!stick.current && distance > BOTTOM_SLACK)
  }
  // New content, a busy footer: follow it while stuck (a row measured taller: `onChange` above). Written
  // at the next frame with the other lanes' scrollers (followToBottom). Out of view it waits: scrolling
  // a lane nobody sees would lay it out for nothing.
  useLayoutEffect(() => {
    if (stick.current && inView.current && scroller.current) followToBottom(scroller.current)
  }, [items, totalSize, status])
  useEffect(() => {
    const el = scroller.current
    if (!el) return
    const observer = new ResizeObserver(() => stick.current && inView.current && followToBottom(el))
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
  const last = items[items.length - 1]
  const streamingText = last?.kind === 'message' && last.streaming

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
            {/* The virtualizer writes the list's height and the rows' `top` itself (directDomUpdates). */}
            <div className="transcript-rows" ref={virtualizer.containerRef}>
              {virtualizer.getVirtualItems().map((row) => (
                <div key={row.key} className="transcript-row" data-index={row.index} data-kind={items[row.index].kind} ref={virtualizer.measureElement}>
                  <ItemView item={items[row.index]} actions={actions} />
                </div>
              ))}
            </div>
            {empty && <TranscriptEmpty status={status} />}
            {busy && <WorkingLine status={status} still={streamingText} />}
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

/**
 * `still`: text is streaming in, and its caret shows the agent at work: the dots rest. Three pulsing
 * dots per lane in view cost the 32-lane bench about a third of its frame rate (bench/renderer.bench.mjs).
 */
function WorkingLine({ status, still }: { status: Lane['status']; still: boolean }) {
  if (status === 'waiting') {
    return (
      <div className="working working-waiting" role="status">
        <span className="working-dot" /> Waiting for your answer above
      </div>
    )
  }
  return (
    <div className="working" role="status">
      <span className={`working-dots${still ? ' still' : ''}`} aria-hidden="true">
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
