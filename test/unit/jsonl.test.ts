import { describe, it, expect } from 'vitest';
import { LineReader, JsonlReader, ProtocolError, encodeJsonl } from '../../src/main/core/transport/jsonl';

function lineCollector(opts?: { maxLineBytes?: number }) {
  const lines: string[] = [];
  const errors: ProtocolError[] = [];
  const reader = new LineReader((l) => lines.push(l), (e) => errors.push(e), opts);
  return { reader, lines, errors };
}

function jsonCollector(opts?: { maxLineBytes?: number }) {
  const values: unknown[] = [];
  const errors: ProtocolError[] = [];
  const reader = new JsonlReader((v) => values.push(v), (e) => errors.push(e), opts);
  return { reader, values, errors };
}

const VALUES: unknown[] = [
  { text: 'café é' },
  { emoji: '😀 grin 😀', n: 1 },
  { sep: 'line\u2028separator and paragraph\u2029separator' },
  ['mixed', '\u2028', '😀é', { nested: 'a\\nb' }],
  'plain string',
  42,
];

// \r\n, blank and whitespace-only lines, and a final record with no terminator.
const MIXED_TEXT =
  JSON.stringify(VALUES[0]) + '\n' +
  '\n' +
  JSON.stringify(VALUES[1]) + '\r\n' +
  '   \t \r\n' +
  JSON.stringify(VALUES[2]) + '\n' +
  JSON.stringify(VALUES[3]) + '\r\n' +
  '\n\n' +
  JSON.stringify(VALUES[4]) + '\n' +
  JSON.stringify(VALUES[5]);

describe('LineReader', () => {
  it('splits on \\n only, keeping U+2028/U+2029 inside lines', () => {
    const { reader, lines } = lineCollector();
    reader.push('a\u2028b\u2029c\nd\n');
    expect(lines).toEqual(['a\u2028b\u2029c', 'd']);
  });

  it('strips exactly one trailing \\r', () => {
    const { reader, lines } = lineCollector();
    reader.push('one\r\ntwo\r\r\nthree\rx\n');
    expect(lines).toEqual(['one', 'two\r', 'three\rx']);
  });

  it('handles \\r\\n split across chunks', () => {
    const { reader, lines } = lineCollector();
    reader.push('abc\r');
    reader.push('\ndef\r');
    reader.push('\n');
    expect(lines).toEqual(['abc', 'def']);
  });

  it('skips blank and whitespace-only lines', () => {
    const { reader, lines } = lineCollector();
    reader.push('\n\n  \n\t\r\n \r\nx\n\n');
    reader.end();
    expect(lines).toEqual(['x']);
  });

  it('skips lines of Unicode whitespace only, and keeps a line that starts with a non-ASCII letter', () => {
    const { reader, lines } = lineCollector();
    reader.push('\u00a0\u3000 \n\u2028\n\u00e9t\u00e9\n\u00a0x\n');
    expect(lines).toEqual(['\u00e9t\u00e9', '\u00a0x']);
  });

  it('skips lines of Unicode whitespace (what \\s matches), keeps a line with anything else', () => {
    const { reader, lines } = lineCollector();
    reader.push('\u00a0\u2000\u200a\u2028\u3000\ufeff\u202f\u205f\u1680\v\f\n\u200b\n \u00a0x\n');
    reader.end();
    expect(lines).toEqual(['\u200b', ' \u00a0x']); // U+200B (zero width space) is not whitespace to \s
  });

  it('keeps no hidden reference to a parsed line (a 50 MB line stayed alive as RegExp.input until the next match)', () => {
    const { reader, values } = jsonCollector();
    const line = JSON.stringify({ text: 'x'.repeat(1000), marker: 'held' });
    /(?:)/.test('before');
    reader.push(line + '\n');
    expect(values).toHaveLength(1);
    // The legacy static RegExp.input is the subject of the last successful match anywhere in the realm.
    expect((RegExp as unknown as { input: string }).input).not.toContain('"marker":"held"');
  });

  it('frees a huge line as soon as it is parsed, before its value is used (it lives outside the heap, where V8 would keep it through the burst)', () => {
    // External strings: what lives outside the heap less the buffers (whose accounting lags a GC's sweep).
    const stringsOutsideHeap = () => process.memoryUsage().external - process.memoryUsage().arrayBuffers;
    const chars = 40 << 20;
    let whileUsed: number | undefined;
    const reader = new JsonlReader(
      (value) => {
        expect((value as { text: string }).text).toHaveLength(chars);
        whileUsed = stringsOutsideHeap();
      },
      (err) => expect.unreachable(err.message),
    );
    const before = stringsOutsideHeap();
    // In 64 KiB chunks, as a pipe delivers it, so no 40 MB buffer of the test's own stays alive.
    reader.push('{"text":"');
    for (let sent = 0; sent < chars; sent += 1 << 16) reader.push(Buffer.alloc(1 << 16, 'x'));
    reader.push('"}\n');
    // The decoded line alone would be 40 MiB here (the rest is noise of the accounting).
    expect(whileUsed! - before).toBeLessThan(20 << 20);
  });

  it('flushes a final unterminated line on end(), but not a blank one', () => {
    const { reader, lines } = lineCollector();
    reader.push('first\nsecond');
    expect(lines).toEqual(['first']);
    reader.end();
    expect(lines).toEqual(['first', 'second']);

    const b = lineCollector();
    b.reader.push('x\n  \r');
    b.reader.end();
    expect(b.lines).toEqual(['x']);
  });

  it('reassembles multibyte UTF-8 split at every byte', () => {
    const text = 'é😀\u2028ü\n中文\n';
    const bytes = Buffer.from(text);
    const { reader, lines } = lineCollector();
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    reader.end();
    expect(lines).toEqual(['é😀\u2028ü', '中文']);
  });

  it('replaces a truncated UTF-8 sequence at end() instead of dropping or throwing', () => {
    const { reader, lines } = lineCollector();
    reader.push(Buffer.from('ok\nab'));
    reader.push(Buffer.from('😀').subarray(0, 2));
    reader.end();
    expect(lines).toEqual(['ok', 'ab\ufffd']);
  });

  it('accepts strings and Buffers interchangeably', () => {
    const { reader, lines } = lineCollector();
    reader.push('a');
    reader.push(Buffer.from('b\nc'));
    reader.push('d\n');
    expect(lines).toEqual(['ab', 'cd']);
  });

  it('parses many small lines in one chunk', () => {
    const n = 100_000;
    const chunk = Array.from({ length: n }, (_, i) => `line ${i}`).join('\n') + '\n';
    const { reader, lines } = lineCollector();
    reader.push(Buffer.from(chunk));
    expect(lines.length).toBe(n);
    expect(lines[0]).toBe('line 0');
    expect(lines[n - 1]).toBe(`line ${n - 1}`);
  });

  it('keeps the order of small lines around a line of several MB in the same chunk, and of lines of every size across chunks', () => {
    const big = 'b'.repeat(3 * 1024 * 1024);
    const expected = ['a1', 'a2', big, 'c1', 'x'.repeat(70_000), 'c2'];
    const bytes = Buffer.from(expected.join('\n') + '\n');
    for (const size of [bytes.length, 65536, 1 << 20, 777]) {
      const { reader, lines } = lineCollector();
      for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
      expect(lines.map((l) => l.length)).toEqual(expected.map((l) => l.length));
      expect(lines).toEqual(expected);
    }
  });

  it('is reusable after end()', () => {
    const { reader, lines } = lineCollector();
    reader.push('a');
    reader.end();
    reader.push('b\n');
    reader.end();
    expect(lines).toEqual(['a', 'b']);
  });

  it('rejects a non-positive maxLineBytes', () => {
    expect(() => new LineReader(() => {}, () => {}, { maxLineBytes: 0 })).toThrow(RangeError);
  });
});

describe('LineReader line length limit', () => {
  it('accepts a line of exactly maxLineBytes and rejects one byte more (counted in UTF-8 bytes)', () => {
    const { reader, lines, errors } = lineCollector({ maxLineBytes: 10 });
    reader.push('0123456789\n');
    reader.push('ééééé\n'); // 10 bytes
    reader.push('éééééé\n'); // 12 bytes, 6 UTF-16 units
    reader.push('01234567890\n');
    reader.push('after\n');
    expect(lines).toEqual(['0123456789', 'ééééé', 'after']);
    expect(errors.length).toBe(2);
    expect(errors[0]).toBeInstanceOf(ProtocolError);
    expect(errors[0].message).toMatch(/too long/);
  });

  it('reports an over-long partial line promptly and only once, then recovers', () => {
    const { reader, lines, errors } = lineCollector({ maxLineBytes: 16 });
    reader.push('good\n');
    for (let i = 0; i < 16; i++) reader.push('x');
    expect(errors.length).toBe(0);
    reader.push('x'); // 17th byte of the partial line
    expect(errors.length).toBe(1);
    expect(errors[0].details).toMatchObject({ maxLineBytes: 16, partial: true });
    // Keeps discarding without further errors or unbounded buffering.
    for (let i = 0; i < 10_000; i++) reader.push('yyyyyyyyyy');
    expect(errors.length).toBe(1);
    reader.push('still the long line\nnext\n');
    reader.push('x'.repeat(5) + '\n');
    expect(lines).toEqual(['good', 'next', 'xxxxx']);
    expect(errors.length).toBe(1);
  });

  it('reports an over-long line completed across chunks', () => {
    const { reader, lines, errors } = lineCollector({ maxLineBytes: 8 });
    reader.push('abcde');
    reader.push('fghij\nok\n');
    expect(lines).toEqual(['ok']);
    expect(errors.length).toBe(1);
  });

  it('does not flush a discarded line on end()', () => {
    const { reader, lines, errors } = lineCollector({ maxLineBytes: 4 });
    reader.push('123456789');
    reader.end();
    expect(lines).toEqual([]);
    expect(errors.length).toBe(1);
    reader.push('abc\n');
    expect(lines).toEqual(['abc']);
  });

  it('recovers in JsonlReader: later lines still parse', () => {
    const { reader, values, errors } = jsonCollector({ maxLineBytes: 32 });
    reader.push(encodeJsonl({ a: 'x'.repeat(100) }) + encodeJsonl({ b: 1 }));
    reader.push('{"c":"' + 'y'.repeat(50));
    reader.push('"}\n' + encodeJsonl({ d: 2 }));
    expect(values).toEqual([{ b: 1 }, { d: 2 }]);
    expect(errors.length).toBe(2);
  });
});

describe('JsonlReader', () => {
  it('decodes records across every possible split point (multibyte, U+2028/U+2029, \\r\\n, blank lines)', () => {
    const bytes = Buffer.from(MIXED_TEXT);
    expect(bytes.length).toBeGreaterThan(MIXED_TEXT.length); // really multibyte
    for (let i = 0; i <= bytes.length; i++) {
      const { reader, values, errors } = jsonCollector();
      reader.push(bytes.subarray(0, i));
      reader.push(bytes.subarray(i));
      reader.end();
      expect(errors, `split at ${i}`).toEqual([]);
      expect(values, `split at ${i}`).toEqual(VALUES);
    }
  });

  it('decodes records across every pair of split points', () => {
    const bytes = Buffer.from(MIXED_TEXT);
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i; j <= bytes.length; j++) {
        const { reader, values, errors } = jsonCollector();
        reader.push(bytes.subarray(0, i));
        reader.push(bytes.subarray(i, j));
        reader.push(bytes.subarray(j));
        reader.end();
        if (errors.length || values.length !== VALUES.length) {
          throw new Error(`split at ${i},${j}: ${JSON.stringify({ values, errors: errors.map((e) => e.message) })}`);
        }
        expect(values).toEqual(VALUES);
      }
    }
  });

  it('decodes byte-by-byte', () => {
    const bytes = Buffer.from(MIXED_TEXT);
    const { reader, values, errors } = jsonCollector();
    for (let i = 0; i < bytes.length; i++) reader.push(bytes.subarray(i, i + 1));
    reader.end();
    expect(errors).toEqual([]);
    expect(values).toEqual(VALUES);
  });

  it('reports malformed JSON without stopping later lines', () => {
    const { reader, values, errors } = jsonCollector();
    reader.push('{"a":1}\n{bad json\n[1,2\n{"b":2}\n');
    reader.push('not json either');
    reader.end();
    expect(values).toEqual([{ a: 1 }, { b: 2 }]);
    expect(errors.length).toBe(3);
    expect(errors.every((e) => e instanceof ProtocolError)).toBe(true);
    expect(errors[0].message).toMatch(/malformed JSON/);
    expect(errors[0].details).toEqual({ line: '{bad json' });
    expect(errors[1].details).toEqual({ line: '[1,2' });
    expect(errors[2].details).toEqual({ line: 'not json either' });
  });

  it('truncates the reported malformed line to 200 characters', () => {
    const { reader, errors } = jsonCollector();
    reader.push('{' + 'z'.repeat(1000) + '\n');
    expect(errors.length).toBe(1);
    expect((errors[0].details as { line: string }).line).toBe(('{' + 'z'.repeat(1000)).slice(0, 200));
  });

  it('hands over every line of a large chunk in order (decoded in pieces cut at newlines, lines longer than a piece whole)', () => {
    const values = Array.from({ length: 400 }, (_, i) => (i % 97 === 0 ? { i, long: 'é😀x'.repeat(9000 + i) } : { i, text: `line ${i} ${'é'.repeat(i % 50)}` }));
    const bytes = Buffer.from(values.map((v) => encodeJsonl(v)).join('') + '\n  \n' + encodeJsonl({ last: true }));
    expect(bytes.length).toBeGreaterThan(200_000);
    for (const size of [bytes.length, 65536, 16385]) {
      const got = jsonCollector();
      for (let pos = 0; pos < bytes.length; pos += size) got.reader.push(bytes.subarray(pos, pos + size));
      expect(got.errors).toEqual([]);
      expect(got.values).toEqual([...values, { last: true }]);
    }
  });

  it('assembles a 5 MB line arriving in chunks of 1 byte to 4 KB', () => {
    const big = { kind: 'big', payload: 'abcdé😀\u2028xyz'.repeat(400_000) };
    const bytes = Buffer.from(encodeJsonl(big) + encodeJsonl({ after: true }));
    expect(bytes.length).toBeGreaterThan(5_000_000);
    for (const sizes of [[1], [1, 2, 3, 5, 7, 11, 64, 4096], [4096]]) {
      const { reader, values, errors } = jsonCollector();
      let pos = 0;
      let k = 0;
      while (pos < bytes.length) {
        const n = sizes[k++ % sizes.length];
        reader.push(bytes.subarray(pos, pos + n));
        pos += n;
      }
      reader.end();
      expect(errors).toEqual([]);
      expect(values.length).toBe(2);
      expect((values[0] as typeof big).payload === big.payload).toBe(true);
      expect(values[1]).toEqual({ after: true });
    }
  });
});

describe('encodeJsonl', () => {
  it('produces exactly one line per value and round-trips', () => {
    const value = { s: 'multi\nline\r\n', u: '\u2028\u2029', e: '😀' };
    const line = encodeJsonl(value);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(line).toContain('\u2028'); // left raw by JSON.stringify; our reader copes
    const { reader, values } = jsonCollector();
    reader.push(line);
    expect(values).toEqual([value]);
  });

  it('throws for values JSON cannot represent', () => {
    expect(() => encodeJsonl(undefined)).toThrow(TypeError);
    expect(() => encodeJsonl(() => 1)).toThrow(TypeError);
  });
});
