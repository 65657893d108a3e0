import { TERMINAL_SCROLLBACK, lineFeeds } from '../../../shared/terminal'

/**
 * What a terminal lane's output is measured over: it floods when one window holds more than anyone reads.
 * Main's screens stop parsing a flood (`TerminalScreens`); views drawn from snapshots get only its newest
 * output and redraw (`FloodGate`).
 */
export const FLOOD_WINDOW_MS = 1000
/** Lines scrolled per window past which main's screen stops parsing (~30 times a reader's pace). */
export const FLOOD_LINES = 2000
/** Characters per window past which main's screen stops parsing, scrolling or not (a full-screen program redrawing). */
export const FLOOD_CHARS = 2 * 1024 * 1024

/** Cursor up (CUU `ESC [ n A`, CPL `ESC [ n F`) and reverse index (`ESC M`): a redraw moving back up. */
const UP = /\x1b(?:\[(\d*)[AF]|M)/g

/**
 * About how many lines `data` scrolls: its line feeds less its moves up. A program that redraws in
 * place (Ink's TUIs erase and rewrite their lines each frame) scrolls about none; `cat` of a log scrolls
 * every line. May be negative for one piece; a window's sum evens out.
 */
export function scrolledLines(data: string): number {
  let lines = lineFeeds(data)
  if (data.includes('\x1b')) for (const m of data.matchAll(UP)) lines -= Math.min(Number(m[1]) || 1, 1000)
  return lines
}

/** Output this soon after a window that outran a scrollback goes on with its flood into the next window. */
export const FLOOD_GOES_ON_MS = 100

export interface FloodWindow {
  since: number
  /** When its last output came. */
  last: number
  chars: number
  lines: number
  /** It began while a flood went on: the window before outran a scrollback, and output had not paused. */
  afterFlood: boolean
}

/** Counts `data` into a lane's window, starting a new one when FLOOD_WINDOW_MS have passed. */
export function countOutput(window: FloodWindow | undefined, data: string, now: number): FloodWindow {
  let w = window
  if (!w || now - w.since >= FLOOD_WINDOW_MS) {
    // Carried from the window's own lines only, so a trickle after a flood is judged on itself a window later.
    const afterFlood = w !== undefined && w.lines > TERMINAL_SCROLLBACK && now - w.last < FLOOD_GOES_ON_MS
    w = { since: now, last: now, chars: 0, lines: 0, afterFlood }
  }
  w.last = now
  w.chars += data.length
  if (data.length > 0) w.lines += scrolledLines(data)
  return w
}

/**
 * The window scrolled more lines than a scrollback holds (a view redraws all of it for less than parsing
 * them), or goes on with such a flood: a long flood is not let through a scrollback at a time each second.
 */
export const outrunsScrollback = (w: FloodWindow): boolean => w.afterFlood || w.lines > TERMINAL_SCROLLBACK

/** More than main's screen should parse: scrolling away, or FLOOD_CHARS of anything. */
export const floods = (w: FloodWindow): boolean => w.afterFlood || w.lines > FLOOD_LINES || w.chars > FLOOD_CHARS
