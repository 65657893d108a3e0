import { describe, expect, it } from 'vitest'
import { splitText } from '../../src/main/core/lanes/big-bodies'
import { HUGE_LINE_BYTES, JsonStringPieces, openStringStart } from '../../src/main/core/transport/huge-line'
import { JsonlReader, type ProtocolError } from '../../src/main/core/transport/jsonl'
import { fragmentsOf } from '../../src/main/core/transport/pieced-text'

/** Decodes the JSON string literal `json` (with its quotes) fed in pieces of `size` bytes. */
function decodeInPieces(json: string, size: number): { text: string; fragments: string[]; rest: string } {
  const bytes = Buffer.from(json.slice(1))
  const pieces = new JsonStringPieces()
  let rest = ''
  for (let at = 0; at < bytes.length; at += size) {
    const chunk = bytes.subarray(at, at + size)
    const end = pieces.feed(chunk)
    if (end !== -1) {
      rest = chunk.subarray(end + 1).toString() + bytes.subarray(at + size).toString()
      break
    }
  }
  expect(pieces.error).toBeUndefined()
  expect(pieces.closed).toBe(true)
  return { text: pieces.fragments.join(''), fragments: pieces.fragments, rest }
}

describe('JsonStringPieces', () => {
  const tricky = 'a"b\\c/\b\f\n\r\t\u0001 ä€𝄞 \u2028\u2029 😀 end'

  it('decodes escapes, multi-byte characters and surrogate pairs cut at every piece edge', () => {
    const json = JSON.stringify(tricky) + ',"next":1}'
    for (let size = 1; size <= 12; size++) expect(decodeInPieces(json, size)).toMatchObject({ text: tricky, rest: ',"next":1}' })
  })

  it('decodes \\uXXXX escapes, a surrogate pair split between pieces, and lone surrogates', () => {
    // JSON.stringify keeps non-ASCII raw; the agent may escape it.
    const json = '"\\u00e9\\u20AC\\ud834\\udd1e x\\ud800 \\udc00\\ud83d"'
    const want = JSON.parse(json) as string
    for (let size = 1; size <= 14; size++) expect(decodeInPieces(json, size).text).toBe(want)
  })

  it('makes fragments that never split a character, also for a long text', () => {
    const text = '𝄞ä€ "quoted" \\ and a line\n'.repeat(100_000)
    const { text: decoded, fragments } = decodeInPieces(JSON.stringify(text), 65_536)
    expect(decoded).toBe(text)
    expect(fragments.length).toBeGreaterThan(2)
    for (const f of fragments) expect(f.charCodeAt(f.length - 1) >= 0xd800 && f.charCodeAt(f.length - 1) <= 0xdbff).toBe(false)
  })

  it('reports a malformed escape', () => {
    const pieces = new JsonStringPieces()
    expect(pieces.feed(Buffer.from('ab\\x"'))).toBe(-1)
    expect(pieces.error).toMatch(/bad escape/)
  })

  it('finds the string open at the end of some bytes', () => {
    expect(openStringStart(Buffer.from('{"a":"b\\"c'))).toBe(5)
    expect(openStringStart(Buffer.from('{"a":"b\\\\"'))).toBe(-1)
    expect(openStringStart(Buffer.from('{"a":1'))).toBe(-1)
  })
})

describe('JsonlReader with a huge line', () => {
  const big = '𝄞 "x" \\ line\n'.repeat(Math.ceil((HUGE_LINE_BYTES * 1.5) / 16))

  function read(json: string, size: number): { values: unknown[]; errors: ProtocolError[] } {
    const values: unknown[] = []
    const errors: ProtocolError[] = []
    const reader = new JsonlReader((v) => values.push(v), (e) => errors.push(e))
    const bytes = Buffer.from(json)
    for (let at = 0; at < bytes.length; at += size) reader.push(bytes.subarray(at, at + size))
    reader.end()
    return { values, errors }
  }

  it('gives the same values as JSON.parse, with the line around the string and lines after it', () => {
    const record = { type: 'stream_event', event: { delta: { type: 'text_delta', text: big } }, after: ['é', 2] }
    const { values, errors } = read(`${JSON.stringify(record)}\n{"n":1}\n`, 65_536)
    expect(errors).toEqual([])
    expect(values).toEqual([record, { n: 1 }])
  })

  it('hands BodyShaper the decoded fragments while the value is handled (no slicing of the whole)', () => {
    let pieces: string[] = []
    let fragments: string[] | undefined
    const reader = new JsonlReader((v) => {
      const text = (v as { text: string }).text
      fragments = fragmentsOf(text)
      pieces = splitText(text)
    }, () => {})
    const bytes = Buffer.from(`${JSON.stringify({ text: big })}\n`)
    for (let at = 0; at < bytes.length; at += 65_536) reader.push(bytes.subarray(at, at + 65_536))
    expect(fragments?.length).toBeGreaterThan(2)
    expect(pieces.join('')).toBe(big)
    expect(Math.max(...pieces.map((p) => p.length))).toBeLessThanOrEqual(1 << 20)
  })

  it('reports a huge line with a malformed escape or an unterminated string, and reads on', () => {
    const bad = `{"text":"${'a'.repeat(HUGE_LINE_BYTES)}\\q"}\n{"n":1}\n`
    const { values, errors } = read(bad, 1 << 20)
    expect(values).toEqual([{ n: 1 }])
    expect(errors).toHaveLength(1)
    const unterminated = read(`{"text":"${'a'.repeat(HUGE_LINE_BYTES + 10)}`, 1 << 20)
    expect(unterminated.values).toEqual([])
    expect(unterminated.errors).toHaveLength(1)
  })

  it('parses a huge line of many small values normally', () => {
    const record = { items: Array.from({ length: 1_200_000 }, (_, i) => `v${i}`) }
    expect(read(`${JSON.stringify(record)}\n`, 65_536).values).toEqual([record])
  })
})
