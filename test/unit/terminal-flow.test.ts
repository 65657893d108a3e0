import { describe, expect, it } from 'vitest'
import { FlowWriter, IN_FLIGHT_CHARS, WRITE_CHARS } from '../../src/renderer/terminal/flow'

/** A terminal that parses only when told to, like xterm under load: callbacks fire on `parse()`. */
function slowTerminal() {
  const written: string[] = []
  const callbacks: (() => void)[] = []
  let inFlight = 0
  let maxInFlight = 0
  return {
    written,
    get maxInFlight() {
      return maxInFlight
    },
    write(data: string, cb?: () => void) {
      written.push(data)
      inFlight += data.length
      maxInFlight = Math.max(maxInFlight, inFlight)
      callbacks.push(() => {
        inFlight -= data.length
        cb?.()
      })
    },
    parseAll() {
      while (callbacks.length) callbacks.shift()!()
    },
  }
}

describe('flow-controlled writes into xterm', () => {
  it('a 100 MB history never has more than ~1 MB unparsed in xterm, arrives whole and in order, in bounded writes', () => {
    const term = slowTerminal()
    const w = new FlowWriter(term)
    const line = 'x'.repeat(1023) + '\n'
    const pieces = 100 * 1024 // 100 MB in 1 KiB events, as a transcript page delivers them
    for (let i = 0; i < pieces; i++) w.write(line)
    w.write('é😀'.repeat(300_000)) // one huge event with multi-unit characters
    expect(term.maxInFlight).toBeLessThanOrEqual(IN_FLIGHT_CHARS + WRITE_CHARS)
    expect(w.backlog).toBeGreaterThan(90 * 1024 * 1024) // the rest waits for xterm, not inside it
    term.parseAll()
    expect(w.backlog).toBe(0)
    expect(term.maxInFlight).toBeLessThanOrEqual(IN_FLIGHT_CHARS + WRITE_CHARS)
    expect(term.written.every((piece) => piece.length <= WRITE_CHARS)).toBe(true)
    const all = term.written.join('')
    expect(all.length).toBe(pieces * 1024 + 'é😀'.length * 300_000)
    expect(all.endsWith('é😀'.repeat(10))).toBe(true)
    expect(all.slice(0, 2048)).toBe(line + line)
    // Small events are joined once xterm is behind (the first ~1 MB goes out as it comes, for latency).
    expect(term.written.length).toBeLessThan(pieces / 50)
  })

  it('after dispose nothing more is written', () => {
    const term = slowTerminal()
    const w = new FlowWriter(term)
    for (let i = 0; i < 10; i++) w.write('y'.repeat(WRITE_CHARS))
    const before = term.written.length
    w.dispose()
    term.parseAll()
    w.write('late')
    expect(term.written.length).toBe(before)
  })

  it('drop forgets what waits (a snapshot replaces it) and keeps what xterm holds; writing goes on after it', () => {
    const term = slowTerminal()
    const w = new FlowWriter(term)
    for (let i = 0; i < 10; i++) w.write(String(i).repeat(WRITE_CHARS))
    const handed = term.written.length
    expect(w.backlog).toBeGreaterThan(0)
    w.drop()
    expect(w.backlog).toBe(0)
    term.parseAll()
    w.write('after')
    expect(term.written.length).toBe(handed + 1)
    expect(term.written.at(-1)).toBe('after')
  })
})
