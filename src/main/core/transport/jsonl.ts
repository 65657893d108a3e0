import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { PendingBytes } from './pending-bytes';

// JSON Lines framing. Splits on "\n" only: U+2028/U+2029 are legal raw inside JSON strings
// (JSON.stringify emits them unescaped), so splitting on them, as node:readline does, corrupts lines.

export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }
}

export interface LineReaderOptions {
  /** Longest accepted line in UTF-8 bytes (excluding the terminator). Default 64 MiB. */
  maxLineBytes?: number;
}

/**
 * Receives each line through `take` (undefined for a blank line). Calling it hands the line over and
 * the reader lets go of it, so a consumer that parses in a frame of its own keeps no copy alive.
 */
export type LineSink = (take: () => string | undefined) => void;

/**
 * A consumer of lines: `takes` gets each line one at a time; `takesDecoded`, if given, instead gets a chunk's
 * complete lines decoded together ("\n"-separated, at most DECODE_WHOLE_BYTES, so never a huge line) and
 * splits them itself, which spares a call chain per line.
 */
export interface LineConsumer {
  takes: LineSink;
  takesDecoded?: (text: string) => void;
}

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
/** Up to this many bytes, a chunk's complete lines are decoded together and handed over as slices (see emitLines). */
const DECODE_WHOLE_BYTES = 1 << 20;
/**
 * They are decoded about this many bytes at a time, cut at a newline: a small string is parsed while it is
 * still in the CPU cache, and one non-Latin-1 character makes fewer lines two-byte strings (which parse
 * slower). 16 KiB was the fastest of 4–64 KiB for recorded Claude output (~5% of the pipeline's time).
 */
const DECODE_PIECE_BYTES = 16 * 1024;

/**
 * Incremental line splitter: feed Buffers/strings; calls onLine for each complete line.
 * Works on bytes: "\n" (0x0a) never occurs inside a multi-byte UTF-8 character, so a line is decoded
 * once, whole. A partial line is held as bytes (no decoded copies; see PendingBytes), so a huge line
 * costs its bytes and the decoded string at the moment it completes.
 * Callbacks should not throw; if one does, the error propagates out of push() and the rest of that
 * chunk is dropped (the reader itself stays usable).
 */
export class LineReader {
  private readonly maxLineBytes: number;
  /** Complete lines of a chunk up to this many bytes are decoded together (never more than maxLineBytes). */
  private readonly decodeWholeBytes: number;
  /** The bytes of the pending partial line. */
  private readonly pending = new PendingBytes();
  /** True after an over-long line was reported, until its terminating "\n". */
  private discarding = false;

  /** The line being handed over, until the sink takes it (see LineSink). */
  private taken = '';
  private readonly sink: LineSink;
  private readonly sinkDecoded: ((text: string) => void) | undefined;

  /** `onLine` gets each line; a LineConsumer instead takes it, so it need not keep it alive. */
  constructor(
    onLine: ((line: string) => void) | LineConsumer,
    private readonly onError: (err: ProtocolError) => void,
    opts: LineReaderOptions = {},
  ) {
    this.sink = typeof onLine === 'function' ? (take) => { const line = take(); if (line !== undefined) onLine(line); } : onLine.takes;
    this.sinkDecoded = typeof onLine === 'function' ? undefined : onLine.takesDecoded;
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!(max > 0)) throw new RangeError(`maxLineBytes must be positive, got ${max}`);
    this.maxLineBytes = max;
    this.decodeWholeBytes = Math.min(max, DECODE_WHOLE_BYTES);
  }

  push(chunk: Buffer | string): void {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.length > 0) this.consume(bytes);
  }

  /** Flushes a final unterminated line (if non-blank) and resets the reader. */
  end(): void {
    const discarding = this.discarding;
    this.taken = this.pending.take();
    this.discarding = false;
    if (discarding) this.taken = '';
    else this.emit();
  }

  private consume(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(0x0a);
    while (nl !== -1) {
      if (!this.discarding && this.pending.length === 0) {
        // The chunk's complete lines, decoded a piece at a time when they are few bytes (see emitLines).
        const last = chunk.lastIndexOf(0x0a);
        if (last - start <= this.decodeWholeBytes) {
          this.emitLines(chunk, start, last);
          start = last + 1;
          break;
        }
      }
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pending.length > 0) {
        const bytes = this.pending.length + (nl - start);
        if (bytes > this.maxLineBytes) {
          this.pending.clear();
          this.reportTooLong(bytes);
        } else {
          this.taken = this.pending.take(chunk.subarray(start, nl));
          this.emit();
        }
      } else if (nl - start > this.maxLineBytes) {
        this.reportTooLong(nl - start);
      } else {
        this.taken = chunk.toString('utf8', start, nl);
        this.emit();
      }
      start = nl + 1;
      nl = chunk.indexOf(0x0a, start);
    }
    if (start < chunk.length && !this.discarding) {
      if (this.pending.length + (chunk.length - start) > this.maxLineBytes) {
        // Report now rather than buffering an unbounded line; drop bytes until the next "\n".
        const bytes = this.pending.length + (chunk.length - start);
        this.pending.clear();
        this.discarding = true;
        this.reportTooLong(bytes, true);
        return;
      }
      // A small rest of a big chunk is copied, so it does not keep the whole chunk alive.
      const rest = start === 0 ? chunk : chunk.length - start < chunk.length / 2 ? Buffer.from(chunk.subarray(start)) : chunk.subarray(start);
      this.pending.append(rest);
    }
  }

  /** The complete lines in chunk[start, last), decoded DECODE_PIECE_BYTES or so at a time, cut at a newline. */
  private emitLines(chunk: Buffer, start: number, last: number): void {
    while (last - start > DECODE_PIECE_BYTES) {
      let cut = chunk.lastIndexOf(0x0a, start + DECODE_PIECE_BYTES);
      // A line longer than a piece goes alone.
      if (cut < start) cut = chunk.indexOf(0x0a, start + DECODE_PIECE_BYTES);
      if (cut >= last) break;
      this.emitDecoded(chunk.toString('utf8', start, cut));
      start = cut + 1;
    }
    this.emitDecoded(chunk.toString('utf8', start, last));
  }

  /**
   * Hands over each line of `text` (complete lines, "\n"-separated) as a slice of it: one decode per piece
   * instead of one per line. Only for a few bytes (DECODE_WHOLE_BYTES): the slices keep `text` alive while
   * its lines are handled, which must not be the case for a huge line.
   */
  private emitDecoded(text: string): void {
    if (this.sinkDecoded) return this.sinkDecoded(text);
    eachLine(text, (line) => {
      this.taken = line;
      this.emit();
    });
  }

  /** Hands `taken` to the sink. No frame on the stack holds the line while the sink's consumer runs. */
  private emit(): void {
    this.sink(this.takeLine);
  }

  /** The line being handed over, without its "\r", or undefined for a blank one; it is let go here. */
  private readonly takeLine = (): string | undefined => {
    const line = this.taken;
    this.taken = '';
    return lineOrBlank(line);
  };

  private reportTooLong(bytes: number, partial = false): void {
    const size = partial ? `more than ${this.maxLineBytes}` : String(bytes);
    this.onError(
      new ProtocolError(`line too long: ${size} bytes (limit ${this.maxLineBytes})`, {
        maxLineBytes: this.maxLineBytes,
        bytes,
        partial,
      }),
    );
  }
}

/** Each "\n"-separated line of `text` (complete lines, the last without its "\n"), as a slice of it. */
function eachLine(text: string, fn: (line: string) => void): void {
  let from = 0;
  for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', from)) {
    fn(text.slice(from, end));
    from = end + 1;
  }
  fn(from === 0 ? text : text.slice(from));
}

/** `line` without its "\r", or undefined for a blank one. */
function lineOrBlank(line: string): string | undefined {
  if (line.charCodeAt(line.length - 1) === 13 /* \r */) line = line.slice(0, -1);
  // A line that starts with a visible ASCII character ('{' for every JSON object) is not blank.
  const first = line.charCodeAt(0);
  return line.length === 0 || ((first <= 32 || first >= 127) && isBlank(line)) ? undefined : line;
}

/**
 * Whitespace only; stops at the first other character, so a huge line is not copied by trim(). Not a
 * RegExp: a successful match keeps its subject alive as the legacy `RegExp.input` until the next match
 * anywhere, which held a 50 MB line in memory until the next huge line was decoded beside it.
 */
function isBlank(line: string): boolean {
  for (let i = 0; i < line.length; i++) if (!isJsWhitespace(line.charCodeAt(i))) return false;
  return true;
}

/** What `\s` matches: ASCII whitespace, NBSP, the Unicode space separators, LS/PS, BOM. */
function isJsWhitespace(c: number): boolean {
  if (c <= 0x20) return c === 0x20 || (c >= 0x09 && c <= 0x0d);
  if (c < 0xa0) return false;
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Takes a line and parses it, in a frame of its own that has returned before the value is used: a
 * 50 MB line's decoded string is garbage while its value goes through the lane, not held by a caller.
 * `size.chars` gets the line's length.
 */
function parseTaken(take: () => string | undefined, onError: (err: ProtocolError) => void, size: { chars: number }): unknown {
  const line = take();
  size.chars = line?.length ?? 0;
  return parseLine(line, onError);
}

/**
 * From this many characters a parsed line's string is collected at once (see collectGarbage): a full GC
 * costs 15–40 ms here, under half of what parsing 8 MB of JSON does.
 */
const HUGE_LINE_CHARS = 8 << 20;

let gc: (() => void) | undefined | null;
/**
 * A full garbage collection, now. A huge line's decoded string lives outside the V8 heap (an external
 * string), so it adds no heap pressure and V8 frees it only at a later full GC, after the burst of
 * shaping, writing and sending its value has allocated as much again beside it. Collected right after
 * the parse, a 50 MB message peaks at +146 MB instead of +171 MB (docs/memory.md, round seven). `gc` is
 * exposed the way jest-leak-detector does it when Node was not started with --expose-gc.
 */
function collectGarbage(): void {
  if (gc === undefined) {
    try {
      if (typeof globalThis.gc !== 'function') setFlagsFromString('--expose-gc');
      gc = (globalThis.gc ?? runInNewContext('gc')) as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}

/** The line's JSON value, or NOTHING for a blank line (undefined) or a malformed one (reported). */
function parseLine(line: string | undefined, onError: (err: ProtocolError) => void): unknown {
  if (line === undefined) return NOTHING;
  try {
    return JSON.parse(line);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    onError(new ProtocolError(`malformed JSON line: ${reason}`, { line: line.slice(0, 200) }));
    return NOTHING;
  }
}
const NOTHING = Symbol('no value');

/**
 * Parses each line as JSON. Malformed JSON is reported through onError and reading continues;
 * the caller decides whether that fails the lane.
 */
export class JsonlReader {
  private readonly lines: LineReader;

  constructor(
    onValue: (value: unknown) => void,
    onError: (err: ProtocolError) => void,
    opts?: LineReaderOptions,
  ) {
    const size = { chars: 0 };
    this.lines = new LineReader(
      {
        takes: (take) => {
          const value = parseTaken(take, onError, size);
          if (size.chars >= HUGE_LINE_CHARS) collectGarbage();
          if (value !== NOTHING) onValue(value);
        },
        // A chunk's small lines: split and parsed here (no sink → take → parse chain per line).
        takesDecoded: (text) =>
          eachLine(text, (line) => {
            const value = parseLine(lineOrBlank(line), onError);
            if (value !== NOTHING) onValue(value);
          }),
      },
      onError,
      opts,
    );
  }

  push(chunk: Buffer | string): void {
    this.lines.push(chunk);
  }

  end(): void {
    this.lines.end();
  }
}

/** One JSON Lines record. JSON.stringify escapes "\n" inside strings, so the record is one line. */
export function encodeJsonl(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`cannot encode ${typeof value} as JSON`);
  return json + '\n';
}
