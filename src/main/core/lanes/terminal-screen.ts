import { createRequire } from 'node:module'
import type { SerializeAddon as SerializeAddonType } from '@xterm/addon-serialize'
import type { Terminal as TerminalType } from '@xterm/headless'
import type { LaneEvent } from '../../../shared/events'
import { encodedBytes } from '../../../shared/contract/wire'
import { TERMINAL_SCROLLBACK, lineFeeds } from '../../../shared/terminal'
import { FLOOD_WINDOW_MS, countOutput, floods, type FloodWindow } from './flood'

// Both packages ship CommonJS only as their Node entry. Not named `require`: the main bundle declares its own.
const requireCjs = createRequire(import.meta.url)
const { Terminal } = requireCjs('@xterm/headless') as typeof import('@xterm/headless')
const { SerializeAddon } = requireCjs('@xterm/addon-serialize') as typeof import('@xterm/addon-serialize')

/** Most bytes of transcript lines read to rebuild a screen: a month of history costs a read of its end only. */
export const TAIL_MAX_BYTES = 8 * 1024 * 1024
/** Unparsed characters a live screen may hold; past it (a flood) the screen is dropped and rebuilt from the tail when asked. */
export const BACKLOG_MAX_CHARS = 16 * 1024 * 1024
/** A snapshot's size on the wire at most (JSON): one reply within the WebSocket frame limit. */
export const SNAPSHOT_MAX_BYTES = 3 * 1024 * 1024
/** Screens kept at once; the least recently used beyond it is dropped (and rebuilt from its tail on demand). */
export const MAX_SCREENS = 16

export interface TerminalSnapshot {
  /** Escape sequences that redraw the screen and its scrollback in a fresh terminal of `cols` × `rows`. */
  data: string
  /** The last event the screen reflects: a client follows the lane's events after it. */
  seq: number
  cols: number
  rows: number
}

/**
 * A predicate for `Transcript.tail`: true until the terminal output seen (newest first) holds `lines`
 * line feeds, i.e. until what is read fills the scrollback and the screen.
 */
export function untilLines(lines: number): (event: LaneEvent) => boolean {
  let seen = 0
  return (event) => {
    if (event.type === 'terminal.output') seen += lineFeeds(event.data)
    return seen < lines
  }
}

/**
 * The serialization with the most scrollback (from `full` lines, halving) whose JSON fits `maxBytes`; the
 * screen itself (0 lines of scrollback) always goes.
 */
export function serializeWithin(full: number, maxBytes: number, render: (scrollback: number) => string): string {
  for (let n = full; ; n = Math.floor(n / 2)) {
    const data = render(n)
    if (n === 0 || encodedBytes(data) <= maxBytes) return data
  }
}

type Tail = { events: readonly LaneEvent[]; lastSeq: number; cols: number; rows: number }

/**
 * A tail's output as a snapshot, cut to the lines that fill the scrollback and screen: written into a fresh
 * terminal it draws what a screen rebuilt from the tail would. Too big (redraws, not lines): undefined.
 */
export function rawSnapshot({ events, lastSeq, cols, rows }: Tail, maxBytes = SNAPSHOT_MAX_BYTES): TerminalSnapshot | undefined {
  const data = lastLines(events.flatMap((e) => (e.type === 'terminal.output' ? [e.data] : [])).join(''), TERMINAL_SCROLLBACK + rows)
  return encodedBytes(data) <= maxBytes ? { data, seq: lastSeq, cols, rows } : undefined
}

/** The end of `text` that holds its last `lines` line feeds (all of it if it has no more). */
export function lastLines(text: string, lines: number): string {
  let at = text.length
  for (let n = 0; n <= lines; n++) {
    at = text.lastIndexOf('\n', at - 1)
    if (at < 0) return text
  }
  return text.slice(at + 1)
}

/**
 * One terminal lane's screen, kept in main by @xterm/headless from the same bytes the pty wrote, so a
 * client attaching gets the screen and scrollback as one serialized string plus the seq it reflects, then
 * follows the live events after that seq (the way editors reattach terminals), whatever the history's size.
 */
export class TerminalScreen {
  private readonly term: TerminalType
  private readonly serializer: SerializeAddonType
  /** The last seq handed to `write`, and the last one xterm has parsed. */
  private queuedSeq: number
  private parsedSeq: number
  private unparsed = 0
  /** Snapshots waiting for the parser: refused if the screen is dropped first. */
  private readonly waiting = new Set<(err: Error) => void>()

  constructor(cols: number, rows: number, seq: number, readonly scrollback = TERMINAL_SCROLLBACK) {
    this.term = new Terminal({ cols, rows, scrollback, allowProposedApi: true })
    this.serializer = new SerializeAddon()
    this.term.loadAddon(this.serializer as never)
    this.queuedSeq = seq
    this.parsedSeq = seq
  }

  get seq(): number {
    return this.queuedSeq
  }

  /** Characters handed to xterm and not parsed yet. */
  get backlog(): number {
    return this.unparsed
  }

  /** Whether a snapshot waits for the parser (dropping the screen now would refuse it). */
  get snapshotting(): boolean {
    return this.waiting.size > 0
  }

  get cols(): number {
    return this.term.cols
  }

  get rows(): number {
    return this.term.rows
  }

  /** Feeds one event in seq order: output is drawn, any other event only moves the seq. Older seqs are ignored. */
  feed(event: LaneEvent): void {
    if (event.seq <= this.queuedSeq) return
    this.write(event.type === 'terminal.output' ? event.data : '', event.seq)
  }

  /** Output already known to end at `seq` (a rebuild from the transcript's tail). */
  write(data: string, seq: number): void {
    this.queuedSeq = Math.max(this.queuedSeq, seq)
    this.unparsed += data.length
    this.term.write(data, () => {
      this.unparsed -= data.length
      this.parsedSeq = Math.max(this.parsedSeq, seq)
    })
  }

  resize(cols: number, rows: number): void {
    if (cols !== this.term.cols || rows !== this.term.rows) this.term.resize(cols, rows)
  }

  /** The screen and scrollback once everything fed so far is parsed, serialized within SNAPSHOT_MAX_BYTES. */
  snapshot(maxBytes = SNAPSHOT_MAX_BYTES): Promise<TerminalSnapshot> {
    return new Promise((resolve, reject) => {
      this.waiting.add(reject)
      // Serialized inside the callback: nothing written later is parsed yet, so data and seq agree exactly.
      this.term.write('', () => {
        this.waiting.delete(reject)
        try {
          const data = serializeWithin(this.scrollback, maxBytes, (scrollback) => this.serializer.serialize({ scrollback }))
          resolve({ data, seq: this.parsedSeq, cols: this.term.cols, rows: this.term.rows })
        } catch (err) {
          reject(err)
        }
      })
    })
  }

  dispose(): void {
    for (const reject of this.waiting) reject(new ScreenDropped())
    this.waiting.clear()
    this.term.dispose()
  }
}

class ScreenDropped extends Error {
  constructor() {
    super('The terminal screen was dropped before it could be serialized')
  }
}

/** What the screens read of a lane: its transcript's tail (`Transcript.tail`) and its size. */
export interface ScreenSource {
  tail(laneId: string, maxBytes: number, more: (event: LaneEvent) => boolean): { events: readonly LaneEvent[]; lastSeq: number }
  size(laneId: string): { cols: number; rows: number }
}

/**
 * The terminal lanes' screens. A lane's screen is built from its transcript's tail (only the lines that
 * fill the scrollback, at most TAIL_MAX_BYTES) on its first output or first snapshot, then follows its
 * events. At most `max` are kept (least recently used dropped); a screen whose output floods (`floods`:
 * parsing it is wasted, as all but the last scrollback scrolls away, on the thread that sends the lane's
 * events), or flooded past BACKLOG_MAX_CHARS unparsed, is dropped too. A dropped screen is rebuilt only
 * when a client asks for a snapshot, never by output, so a flood or a hundred chatty lanes cost main
 * neither parsing nor memory beyond that.
 */
export class TerminalScreens {
  /** In use order, least recent first. */
  private readonly screens = new Map<string, TerminalScreen>()
  /** Lanes whose screen was dropped: rebuilt by a snapshot request, not by their output. */
  private readonly lazy = new Set<string>()
  /** Per lane: its output in the current flood window. */
  private readonly recent = new Map<string, FloodWindow>()

  constructor(
    private readonly source: ScreenSource,
    private readonly max = MAX_SCREENS,
    private readonly now: () => number = Date.now,
  ) {}

  /** A terminal lane's event, once it is on disk (the tail then holds it). */
  feed(event: LaneEvent): void {
    const laneId = event.laneId
    try {
      // Metered even while dropped: a screen a snapshot rebuilt mid-flood is dropped at the flood's next output.
      const flood = event.type === 'terminal.output' && this.flooding(laneId, event.data)
      let screen = this.screens.get(laneId)
      if (!screen) {
        if (event.type !== 'terminal.output' || this.lazy.has(laneId)) return
        screen = this.open(laneId)
      } else if (event.type === 'terminal.output') this.touch(laneId, screen)
      // Not while a snapshot waits: a client attaching during a flood gets its screen, not an error.
      if (flood && !screen.snapshotting) return this.drop(laneId)
      screen.feed(event)
      if (screen.backlog > BACKLOG_MAX_CHARS) this.drop(laneId)
    } catch {
      // This runs in the lane's publishing path: a tail that cannot be read (EIO…) costs the screen, not
      // the lane. A client's snapshot request rebuilds it and is told the error if it persists.
      this.drop(laneId)
    }
  }

  resize(laneId: string, cols: number, rows: number): void {
    this.screens.get(laneId)?.resize(cols, rows)
  }

  async snapshot(laneId: string): Promise<TerminalSnapshot> {
    for (let attempt = 0; ; attempt++) {
      let screen = this.screens.get(laneId)
      if (!screen) {
        const tail = this.readTail(laneId)
        // Mid-flood the tail's output is the snapshot as it is: the client parses it, and main neither
        // parses nor serializes (~120 ms for 10,000 lines) a screen the flood's next output would drop.
        const window = this.outputWindow(laneId)
        const raw = window && floods(window) ? rawSnapshot(tail) : undefined
        if (raw) return raw
        screen = this.open(laneId, tail)
      }
      this.lazy.delete(laneId)
      this.touch(laneId, screen)
      try {
        return await screen.snapshot()
      } catch (err) {
        // Dropped meanwhile (a flood, or evicted): once more from the tail, which now holds that output.
        if (!(err instanceof ScreenDropped) || attempt > 0) throw err
      }
    }
  }

  /** Frees the lane's screen; `forget`: the lane is gone, nothing is rebuilt for it. */
  drop(laneId: string, forget = false): void {
    this.screens.get(laneId)?.dispose()
    this.screens.delete(laneId)
    if (forget) {
      this.lazy.delete(laneId)
      this.recent.delete(laneId)
    } else this.lazy.add(laneId)
  }

  get size(): number {
    return this.screens.size
  }

  dispose(): void {
    for (const laneId of [...this.screens.keys()]) this.drop(laneId, true)
  }

  /** The lane's output in the current flood window (undefined once a window has passed without output). */
  outputWindow(laneId: string): FloodWindow | undefined {
    const window = this.recent.get(laneId)
    return window && this.now() - window.since < FLOOD_WINDOW_MS ? window : undefined
  }

  /** Counts output of the lane: true while its window floods. */
  private flooding(laneId: string, data: string): boolean {
    const window = countOutput(this.recent.get(laneId), data, this.now())
    this.recent.set(laneId, window)
    return floods(window)
  }

  private touch(laneId: string, screen: TerminalScreen): void {
    this.screens.delete(laneId)
    this.screens.set(laneId, screen)
  }

  /** The lane's output that fills its scrollback and screen (at most TAIL_MAX_BYTES), at its size now. */
  private readTail(laneId: string): Tail {
    const { cols, rows } = this.source.size(laneId)
    return { ...this.source.tail(laneId, TAIL_MAX_BYTES, untilLines(TERMINAL_SCROLLBACK + rows)), cols, rows }
  }

  private open(laneId: string, tail = this.readTail(laneId)): TerminalScreen {
    const { events, lastSeq, cols, rows } = tail
    // Reading the tail publishes what was queued, which may have opened the screen already.
    const opened = this.screens.get(laneId)
    if (opened) return opened
    const screen = new TerminalScreen(cols, rows, 0)
    for (const event of events) if (event.type === 'terminal.output') screen.write(event.data, event.seq)
    screen.write('', lastSeq)
    this.screens.set(laneId, screen)
    this.lazy.delete(laneId)
    for (const [id] of this.screens) {
      if (this.screens.size <= this.max) break
      if (id !== laneId) this.drop(id)
    }
    return screen
  }
}
