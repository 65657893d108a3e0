// JSON Lines framing. Splits on "\n" only: U+2028/U+2029 are legal raw inside JSON strings
// (JSON.stringify emits them unescaped), so splitting on them, as node:readline does, corrupts lines.
import { StringDecoder } from 'node:string_decoder';

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

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;
// Small pieces of a long partial line are merged in groups of this size, so that a huge line fed in
// tiny chunks neither holds millions of array slots nor re-copies the whole prefix on every chunk.
const MERGE_PIECES = 1024;

/**
 * Incremental line splitter: feed Buffers/strings; calls onLine for each complete line.
 * Callbacks should not throw; if one does, the error propagates out of push() and the rest of that
 * chunk is dropped (the reader itself stays usable).
 */
export class LineReader {
  private readonly maxLineBytes: number;
  private decoder = new StringDecoder('utf8');
  /** Merged pieces of the pending partial line. */
  private pieces: string[] = [];
  /** Recent small pieces, merged into `pieces` every MERGE_PIECES. */
  private tail: string[] = [];
  private pendingBytes = 0;
  /** True after an over-long line was reported, until its terminating "\n". */
  private discarding = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly onError: (err: ProtocolError) => void,
    opts: LineReaderOptions = {},
  ) {
    const max = opts.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
    if (!(max > 0)) throw new RangeError(`maxLineBytes must be positive, got ${max}`);
    this.maxLineBytes = max;
  }

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    if (text.length > 0) this.consume(text);
  }

  /** Flushes a final unterminated line (if non-blank) and resets the reader. */
  end(): void {
    const rest = this.decoder.end();
    if (rest.length > 0) this.consume(rest);
    const discarding = this.discarding;
    const line = this.takePending('');
    this.discarding = false;
    if (!discarding) this.emit(line);
  }

  private consume(text: string): void {
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl !== -1) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.hasPending()) {
        const segment = text.slice(start, nl);
        const bytes = this.pendingBytes + Buffer.byteLength(segment);
        const line = this.takePending(segment);
        if (bytes > this.maxLineBytes) this.reportTooLong(bytes);
        else this.emit(line);
      } else {
        const line = text.slice(start, nl);
        // UTF-16 length bounds the byte length: len <= bytes <= 3 * len.
        if (line.length * 3 <= this.maxLineBytes) this.emit(line);
        else {
          const bytes = line.length > this.maxLineBytes ? line.length : Buffer.byteLength(line);
          if (bytes > this.maxLineBytes) this.reportTooLong(bytes);
          else this.emit(line);
        }
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (start < text.length && !this.discarding) {
      const rest = start === 0 ? text : text.slice(start);
      this.pendingBytes += Buffer.byteLength(rest);
      if (this.pendingBytes > this.maxLineBytes) {
        // Report now rather than buffering an unbounded line; drop bytes until the next "\n".
        const bytes = this.pendingBytes;
        this.takePending('');
        this.discarding = true;
        this.reportTooLong(bytes, true);
        return;
      }
      this.tail.push(rest);
      if (this.tail.length >= MERGE_PIECES) {
        this.pieces.push(this.tail.join(''));
        this.tail.length = 0;
      }
    }
  }

  private hasPending(): boolean {
    return this.pieces.length > 0 || this.tail.length > 0;
  }

  /** Returns pending + last and clears the pending state (before any callback runs). */
  private takePending(last: string): string {
    let line: string;
    if (this.pieces.length === 0 && this.tail.length === 0) line = last;
    else {
      if (this.tail.length > 0) this.pieces.push(this.tail.join(''));
      if (last.length > 0) this.pieces.push(last);
      line = this.pieces.length === 1 ? this.pieces[0]! : this.pieces.join('');
    }
    this.pieces = [];
    this.tail = [];
    this.pendingBytes = 0;
    return line;
  }

  private emit(line: string): void {
    if (line.charCodeAt(line.length - 1) === 13 /* \r */) line = line.slice(0, -1);
    if (line.length === 0 || line.trim().length === 0) return;
    this.onLine(line);
  }

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
    this.lines = new LineReader(
      (line) => {
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (err) {
          const reason = err instanceof Error ? err.message : String(err);
          onError(new ProtocolError(`malformed JSON line: ${reason}`, { line: line.slice(0, 200) }));
          return;
        }
        onValue(value);
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
