// A huge JSONL line is not held whole: its one giant string value is decoded in pieces straight from
// the bytes as they arrive, so main never holds a 50 MB line's bytes, its decoded line and its parsed
// text at once (each 50 MB). The rest of the line (small) is parsed as usual with a placeholder.
import { randomBytes } from 'node:crypto'
import { PendingBytes } from './pending-bytes'
import { joinFragments } from './pieced-text'

/** From this many pending bytes, a line inside a string value decodes that value in pieces. */
export const HUGE_LINE_BYTES = 8 << 20
/**
 * Decoded bytes per fragment: a fragment is a piece BodyShaper sends as is (≤ PIECE_CHARS), a heap string
 * (under Node's external-string mark, ~1,031,913 bytes) in V8's large-object space.
 */
const FRAGMENT_BYTES = 1000 << 10
/** Stands for the huge string in the rest of the line; a nonce, so no agent's text is taken for it. */
export const HUGE_STRING_PLACEHOLDER = `\u0000switchyard-huge-string-${randomBytes(8).toString('hex')}`

const QUOTE = 0x22
const BACKSLASH = 0x5c
const SIMPLE_ESCAPES: Record<number, number> = { 0x22: 0x22, 0x5c: 0x5c, 0x2f: 0x2f, 0x62: 0x08, 0x66: 0x0c, 0x6e: 0x0a, 0x72: 0x0d, 0x74: 0x09 }

/**
 * Where the JSON string that is open at the end of `bytes` starts (its opening quote), or -1 if the bytes
 * end outside a string. Jumps from quote to quote; a quote after an odd run of backslashes is escaped.
 */
export function openStringStart(bytes: Buffer): number {
  let open = -1
  for (let at = bytes.indexOf(QUOTE); at !== -1; at = bytes.indexOf(QUOTE, at + 1)) {
    if (open === -1) open = at
    else if (!escaped(bytes, at)) open = -1
  }
  return open
}

function escaped(bytes: Buffer, quote: number): boolean {
  let n = 0
  while (quote - n - 1 >= 0 && bytes[quote - n - 1] === BACKSLASH) n++
  return n % 2 === 1
}

/**
 * Decodes the contents of one JSON string fed as bytes in any pieces, up to its closing quote, into
 * fragments of about FRAGMENT_BYTES: escapes (also split at a piece edge, and `\uXXXX` surrogate pairs)
 * are written as UTF-8 into a scratch buffer next to the raw bytes, which is decoded when full at a
 * character boundary. A lone surrogate (legal JSON, not UTF-8) becomes a fragment of its own.
 * Lenient where JSON.parse is strict: raw control characters are kept.
 */
export class JsonStringPieces {
  readonly fragments: string[] = []
  /** True once the closing quote was seen; false with `error` set on a malformed escape. */
  closed = false
  error: string | undefined
  /** Bytes fed so far (for the line-length limit). */
  bytes = 0
  private scratch = Buffer.allocUnsafe(FRAGMENT_BYTES)
  private used = 0
  /** The bytes of an escape cut at a piece edge. */
  private carry: Buffer | undefined
  /** A `\uD800`–`\uDBFF` escape waiting for its low half. */
  private high = -1

  /** Feeds bytes; returns the index in `bytes` of the closing quote, or -1 if the string goes on. */
  feed(bytes: Buffer): number {
    if (this.closed || this.error) return -1
    this.bytes += bytes.length
    const carried = this.carry?.length ?? 0
    const input = carried ? Buffer.concat([this.carry!, bytes]) : bytes
    this.carry = undefined
    let at = 0
    let quote = input.indexOf(QUOTE)
    let backslash = input.indexOf(BACKSLASH)
    for (;;) {
      const stop = quote === -1 ? backslash : backslash === -1 ? quote : Math.min(quote, backslash)
      if (stop === -1) {
        this.raw(input, at, input.length)
        return -1
      }
      this.raw(input, at, stop)
      if (stop === quote) {
        this.lone()
        this.closed = true
        this.flush()
        this.bytes -= input.length - stop
        return stop - carried
      }
      const length = this.escape(input, stop)
      if (length === 0) {
        this.carry = Buffer.from(input.subarray(stop))
        return -1
      }
      if (length < 0) return -1
      at = stop + length
      if (quote !== -1 && quote < at) quote = input.indexOf(QUOTE, at) // (-1: none left in this input)
      backslash = input.indexOf(BACKSLASH, at)
    }
  }

  /** Decodes the escape at `at`; its length, 0 if it is cut off, -1 if malformed (error set). */
  private escape(input: Buffer, at: number): number {
    if (at + 1 >= input.length) return 0
    const kind = input[at + 1]!
    const simple = SIMPLE_ESCAPES[kind]
    if (simple !== undefined) {
      this.lone()
      this.byte(simple)
      return 2
    }
    if (kind !== 0x75 /* u */) return this.fail(`bad escape \\${String.fromCharCode(kind)}`)
    if (at + 6 > input.length) return 0
    const hex = input.toString('latin1', at + 2, at + 6)
    if (!/^[0-9a-fA-F]{4}$/.test(hex)) return this.fail('bad \\u escape')
    const code = Number.parseInt(hex, 16)
    if (this.high !== -1 && code >= 0xdc00 && code <= 0xdfff) {
      this.utf8(0x10000 + ((this.high - 0xd800) << 10) + (code - 0xdc00))
      this.high = -1
    } else {
      this.lone()
      if (code >= 0xd800 && code <= 0xdbff) this.high = code
      else if (code >= 0xdc00 && code <= 0xdfff) this.loneUnit(code)
      else this.utf8(code)
    }
    return 6
  }

  private fail(message: string): number {
    this.error = message
    return -1
  }

  /** A pending high surrogate that got no low half: kept as is. */
  private lone(): void {
    if (this.high === -1) return
    const high = this.high
    this.high = -1
    this.loneUnit(high)
  }

  private loneUnit(code: number): void {
    this.flush()
    this.fragments.push(String.fromCharCode(code))
  }

  private raw(input: Buffer, from: number, to: number): void {
    if (from < to) this.lone()
    while (from < to) {
      const n = Math.min(to - from, this.scratch.length - this.used)
      input.copy(this.scratch, this.used, from, from + n)
      this.used += n
      from += n
      if (this.used === this.scratch.length) this.flush(true)
    }
  }

  private byte(value: number): void {
    if (this.used === this.scratch.length) this.flush(true)
    this.scratch[this.used++] = value
  }

  private utf8(code: number): void {
    if (this.used + 4 > this.scratch.length) this.flush(true)
    this.used += this.scratch.write(String.fromCodePoint(code), this.used, 'utf8')
  }

  /** Decodes the scratch into a fragment; `partial`: keep an incomplete UTF-8 character for the next. */
  private flush(partial = false): void {
    let cut = this.used
    if (partial) cut = characterBoundary(this.scratch, this.used)
    if (cut > 0) this.fragments.push(this.scratch.toString('utf8', 0, cut))
    // toString copied the bytes: the scratch is reused, an incomplete character moved to its start.
    this.scratch.copyWithin(0, cut, this.used)
    this.used -= cut
  }
}

/** The end of the last complete UTF-8 character in bytes[0, end). */
function characterBoundary(bytes: Buffer, end: number): number {
  let lead = end - 1
  while (lead > 0 && end - lead < 4 && (bytes[lead]! & 0xc0) === 0x80) lead--
  const first = bytes[lead]!
  const size = first >= 0xf0 ? 4 : first >= 0xe0 ? 3 : first >= 0xc0 ? 2 : 1
  return lead + size > end ? lead : end
}

/**
 * The pending bytes of a JSONL line, where a huge line's giant string is decoded in pieces as it arrives:
 * past HUGE_LINE_BYTES, if the line is inside a string value, the bytes before it are kept, the string is
 * decoded by JsonStringPieces, and the bytes after it are pending as usual. `take` then gives the line
 * with HUGE_STRING_PLACEHOLDER in that string's place and `takeHugeString` the string (a rope of pieces).
 */
export class PiecedPendingBytes {
  private bytes = new PendingBytes()
  private huge: { prefix: Buffer; text: JsonStringPieces; suffix: PendingBytes } | undefined
  /** The line was looked at once past HUGE_LINE_BYTES (and was not inside a string). */
  private checked = false
  private hugeString: string | undefined

  get length(): number {
    const huge = this.huge
    return huge ? huge.prefix.length + huge.text.bytes + huge.suffix.length : this.bytes.length
  }

  append(bytes: Buffer): void {
    const huge = this.huge
    if (!huge) {
      this.bytes.append(bytes)
      if (!this.checked && this.bytes.length >= HUGE_LINE_BYTES) this.startHuge()
      return
    }
    if (!huge.text.closed) {
      const end = huge.text.feed(bytes)
      if (end === -1) return
      bytes = bytes.subarray(end + 1)
    }
    if (bytes.length > 0) huge.suffix.append(bytes)
  }

  take(last?: Buffer): string {
    if (last && last.length > 0) this.append(last)
    const huge = this.huge
    this.reset()
    if (!huge) return this.bytes.take()
    const prefix = huge.prefix.toString('utf8')
    // Unterminated or malformed: a line JSON.parse rejects, so it is reported as malformed.
    if (!huge.text.closed) return `${prefix}"…${huge.text.error ?? 'unterminated string'}`
    this.hugeString = joinFragments(huge.text.fragments)
    return `${prefix}${JSON.stringify(HUGE_STRING_PLACEHOLDER)}${huge.suffix.take()}`
  }

  /** The huge string of the line last taken (once), if it had one. */
  takeHugeString(): string | undefined {
    const text = this.hugeString
    this.hugeString = undefined
    return text
  }

  clear(): void {
    this.huge?.suffix.clear()
    this.bytes.clear()
    this.reset()
  }

  private reset(): void {
    this.huge = undefined
    this.checked = false
    this.hugeString = undefined
  }

  private startHuge(): void {
    this.checked = true
    const line = this.bytes.bytes()
    if (!line) return
    const open = openStringStart(line)
    if (open === -1) return
    const text = new JsonStringPieces()
    const prefix = Buffer.from(line.subarray(0, open))
    text.feed(line.subarray(open + 1))
    this.bytes.clear()
    this.huge = { prefix, text, suffix: new PendingBytes() }
  }
}
