import { useEffect, useRef } from 'react'
import type { Lane } from '../../shared/contract'
import { useApp } from '../app/context'
import { shortcutFor } from '../app/shortcuts'
import { FlowWriter } from './flow'
import { snapshotPrefix } from './snapshot'
import { mountTerminal } from './xterm'
import { TranscriptSync } from '../host/transcript-sync'
import { ClientError } from '../host/client'
import { quotePath, useFileDrop } from '../ui/attachments'
import './terminal.css'

const TRANSCRIPT_PAGE = 2000
const RESIZE_DEBOUNCE_MS = 100

interface Props {
  lane: Lane
  /** Bumped on every reconnect: catch up with what was missed. */
  epoch: number
  /** Registers how to focus this terminal (null on unmount). */
  registerFocus(laneId: string, focus: (() => void) | null): void
}

/**
 * A terminal lane: xterm shows main's snapshot of the screen (instant at any history size), then the live
 * events after it; while the lane floods, main sends only its newest output and the view redraws from a
 * fresh snapshot. Typing goes to `lanes.send`.
 */
export function TerminalView({ lane, epoch, registerFocus }: Props) {
  const { client, reportError, notify, mac, getPathForFile } = useApp()
  const containerRef = useRef<HTMLDivElement>(null)
  const syncRef = useRef<TranscriptSync | null>(null)
  const laneId = lane.id
  // The size the lane has now, read once at mount: resize only when the fitted size differs.
  const initialSize = useRef({ cols: lane.cols, rows: lane.rows })

  useEffect(() => {
    const container = containerRef.current
    if (!container) return
    const mounted = mountTerminal(container, (kind) => {
      container.dataset.renderer = kind
    })
    const { term, fit } = mounted
    let disposed = false

    term.attachCustomKeyEventHandler((e) => shortcutFor(e, mac, 'terminal') === null)
    const dataSub = term.onData((input) => {
      client.call('lanes.send', { laneId, input }).catch(reportError)
    })
    registerFocus(laneId, () => term.focus())

    // Flow-controlled: what follows the snapshot goes in as xterm parses it, never as one giant write.
    const writer = new FlowWriter(term)
    const sync = new TranscriptSync(
      (after) => client.call('lanes.transcript', { laneId, after, limit: TRANSCRIPT_PAGE }),
      (event) => {
        if (event.type === 'terminal.output') writer.write(event.data)
      },
      reportError,
      // The first snapshot, and a fresh one whenever the view is far behind (a flood, a long disconnection).
      async () => {
        writer.drop()
        let snapshot
        try {
          snapshot = await client.call('lanes.terminalSnapshot', { laneId })
        } catch (error) {
          // A host's core from before snapshots: replay its transcript from the start, as it was.
          if (error instanceof ClientError && error.code === 'unknown_method') return null
          throw error
        }
        if (disposed) return snapshot.seq
        // Drawn at the size it was taken at (≤ 3 MB, one write), then fitted: xterm reflows it as on any resize.
        await new Promise<void>((resolve) => term.write('', resolve)) // after what xterm still holds
        if (disposed) return snapshot.seq
        if (term.cols !== snapshot.cols || term.rows !== snapshot.rows) term.resize(snapshot.cols, snapshot.rows)
        term.write(snapshotPrefix(snapshot.data, term.options.scrollback ?? 0, term.rows))
        await new Promise<void>((resolve) => term.write(snapshot.data, resolve))
        refit()
        return snapshot.seq
      },
    )
    syncRef.current = sync
    // Live events first (buffered by the sync meanwhile), then the snapshot: nothing falls between them.
    const unsubscribe = client.subscribe('lanes.events', { laneId, skipFloods: true }, (event) => sync.live(event), reportError)
    void sync.catchUp()

    // Fit to the container; tell the lane its new size once it settles.
    let sent = { ...initialSize.current }
    let timer: ReturnType<typeof setTimeout> | undefined
    const sendSize = () => {
      timer = undefined
      if (disposed) return
      const size = { cols: term.cols, rows: term.rows }
      if (size.cols === sent.cols && size.rows === sent.rows) return
      sent = size
      client.call('lanes.resize', { laneId, ...size }).catch(reportError)
    }
    const refit = () => {
      if (disposed || container.clientWidth === 0 || container.clientHeight === 0) return
      try {
        fit.fit()
      } catch {
        return
      }
      if (timer) clearTimeout(timer)
      timer = setTimeout(sendSize, RESIZE_DEBOUNCE_MS)
    }
    const observer = new ResizeObserver(() => refit())
    observer.observe(container)
    refit()

    return () => {
      disposed = true
      observer.disconnect()
      if (timer) clearTimeout(timer)
      unsubscribe()
      sync.dispose()
      writer.dispose()
      syncRef.current = null
      dataSub.dispose()
      registerFocus(laneId, null)
      mounted.dispose()
    }
  }, [client, reportError, mac, laneId, registerFocus])

  // After a reconnect, fetch what the lane printed meanwhile.
  const firstEpoch = useRef(epoch)
  useEffect(() => {
    if (epoch === firstEpoch.current) return
    void syncRef.current?.catchUp()
  }, [epoch])

  // Files dropped on a terminal are typed in as their quoted paths, as terminals do.
  const drop = useFileDrop((files) => {
    const paths = files.map((f) => getPathForFile?.(f) ?? '').filter((p) => p.length > 0)
    if (paths.length === 0) {
      notify('A browser does not tell the page where a dropped file lives, so its path cannot be typed into the terminal.', 'info')
      return
    }
    const windows = /^win/i.test(navigator.platform)
    client.call('lanes.send', { laneId, input: `${paths.map((p) => quotePath(p, windows)).join(' ')} ` }).catch(reportError)
    containerRef.current?.querySelector('textarea')?.focus()
  })

  return (
    <div className={`terminal${drop.over ? ' terminal-drop' : ''}`} ref={containerRef} data-lane-terminal={laneId} {...drop.handlers} />
  )
}
