import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import type { Terminal as TerminalType } from '@xterm/headless'
import { snapshotPrefix } from '../../src/renderer/terminal/snapshot'

const { Terminal } = createRequire(import.meta.url)('@xterm/headless') as typeof import('@xterm/headless')
const COLS = 60
const ROWS = 12
const SCROLLBACK = 500

const write = (term: TerminalType, data: string) => new Promise<void>((r) => term.write(data, r))

/** Everything of a terminal a user could see or that changes what keys and the mouse send. */
function state(term: TerminalType) {
  const b = term.buffer.active
  const lines: string[] = []
  for (let i = 0; i < b.length; i++) lines.push(b.getLine(i)!.translateToString(true))
  const cell = b.getLine(b.baseY + b.cursorY)!.getCell(0)!
  return { type: b.type, lines, cursor: [b.cursorX, b.cursorY], modes: term.modes, fg: cell.getFgColor() }
}

describe('snapshotPrefix: drawing a snapshot over a terminal that shows something', () => {
  // A terminal left by a full-screen program: alternate screen, mouse reports, bracketed paste, app keys,
  // a colour set, a scroll region, insert mode; and a full scrollback of old lines.
  const dirty = async () => {
    const term = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true })
    for (let i = 0; i < SCROLLBACK + ROWS; i++) await write(term, `old ${i}\r\n`)
    await write(term, '\x1b[?1049h\x1b[?1000h\x1b[?1006h\x1b[?2004h\x1b[?1h\x1b[4h\x1b[31m\x1b[3;8r\x1b[5;5Hfull-screen program')
    return term
  }

  it('a flood tail (more lines than the terminal holds) drawn with a soft reset leaves what a fresh terminal shows', async () => {
    const data = Array.from({ length: SCROLLBACK + ROWS + 40 }, (_, i) => `row ${i} \x1b[1mbold\x1b[0m`).join('\r\n') + '\r\n$ '
    expect(snapshotPrefix(data, SCROLLBACK, ROWS)).not.toBe('\x1bc')
    const fresh = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true })
    await write(fresh, data)
    const term = await dirty()
    await write(term, snapshotPrefix(data, SCROLLBACK, ROWS) + data)
    expect(state(term)).toEqual(state(fresh))
    expect(state(term).lines.at(-1)).toBe('$ ')
    expect(state(term).lines.some((l) => l.startsWith('old'))).toBe(false)
  })

  it('a short snapshot (a quiet lane) gets a full reset: nothing of before is left', async () => {
    const data = 'hello\r\n\x1b[32mworld\x1b[0m\r\n$ '
    expect(snapshotPrefix(data, SCROLLBACK, ROWS)).toBe('\x1bc')
    const fresh = new Terminal({ cols: COLS, rows: ROWS, scrollback: SCROLLBACK, allowProposedApi: true })
    await write(fresh, data)
    const term = await dirty()
    await write(term, snapshotPrefix(data, SCROLLBACK, ROWS) + data)
    expect(state(term)).toEqual(state(fresh))
  })
})
