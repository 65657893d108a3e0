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

export interface FloodWindow {
  since: number
  chars: number
  lines: number
}

/** Counts `data` into a lane's window, starting a new one when FLOOD_WINDOW_MS have passed. */
export function countOutput(window: FloodWindow | undefined, data: string, now: number): FloodWindow {
  const w = !window || now - window.since >= FLOOD_WINDOW_MS ? { since: now, chars: 0, lines: 0 } : window
  w.chars += data.length
  if (data.length > 0) w.lines += scrolledLines(data)
  return w
}

/** The window scrolled more lines than a scrollback holds: a view redraws all of it for less than parsing them. */
export const outrunsScrollback = (w: FloodWindow): boolean => w.lines > TERMINAL_SCROLLBACK

/** More than main's screen should parse: scrolling away, or FLOOD_CHARS of anything. */
export const floods = (w: FloodWindow): boolean => w.lines > FLOOD_LINES || w.chars > FLOOD_CHARS
