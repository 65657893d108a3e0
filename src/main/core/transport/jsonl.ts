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

const DEFAULT_MAX_LINE_BYTES = 64 * 1024 * 1024;

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
  /** The bytes of the pending partial line. */
  private readonly pending = new PendingBytes();
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
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (bytes.length > 0) this.consume(bytes);
  }

  /** Flushes a final unterminated line (if non-blank) and resets the reader. */
  end(): void {
    const discarding = this.discarding;
    const line = this.takePending(undefined);
    this.discarding = false;
    if (!discarding) this.emit(line);
  }

  private consume(chunk: Buffer): void {
    let start = 0;
    let nl = chunk.indexOf(0x0a);
    while (nl !== -1) {
      if (this.discarding) {
        this.discarding = false;
      } else if (this.pending.length > 0) {
        const bytes = this.pending.length + (nl - start);
        if (bytes > this.maxLineBytes) {
          this.pending.clear();
          this.reportTooLong(bytes);
        } else this.emit(this.takePending(chunk.subarray(start, nl)));
      } else if (nl - start > this.maxLineBytes) {
        this.reportTooLong(nl - start);
      } else {
        this.emit(chunk.toString('utf8', start, nl));
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

  /** Returns pending + last, decoded, and clears the pending state (before any callback runs). */
  private takePending(last: Buffer | undefined): string {
    return this.pending.take(last);
  }

  private emit(line: string): void {
    if (line.charCodeAt(line.length - 1) === 13 /* \r */) line = line.slice(0, -1);
    if (line.length === 0 || isBlank(line)) return;
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

/** Whitespace only; stops at the first other character, so a huge line is not copied by trim(). */
function isBlank(line: string): boolean {
  return !/\S/.test(line);
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
