/** Message and upload sizes, and counting a value's bytes on the wire: the bounds both transports enforce. */

const KiB = 1024
const MiB = 1024 * KiB

/**
 * The largest message between a client and main: the WebSocket's frame limit. Every input limit below
 * derives from it, so whatever the contract accepts fits in one frame (and IPC refuses the same).
 */
export const MAX_MESSAGE_BYTES = 4 * MiB
/** An input's size as JSON, leaving room for its envelope (`{"id":…,"method":…,"input":…}`). */
export const MAX_INPUT_BYTES = MAX_MESSAGE_BYTES - 16 * KiB

/** Node's Buffer where there is one (main): it counts without a JS loop. */
const nodeBuffer = (globalThis as { Buffer?: { byteLength(s: string, encoding: 'utf8'): number } }).Buffer

/** UTF-8 bytes of a string: Node's count in main, this loop in the browser. */
export function utf8Bytes(s: string): number {
  return nodeBuffer ? nodeBuffer.byteLength(s, 'utf8') : countUtf8(s)
}

/** UTF-8 bytes of a string, counted without encoding it (a lone surrogate counts as U+FFFD, as encoders write it). */
export function countUtf8(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4 // a surrogate pair is one 4-byte character
      i++
    } else n += 3
  }
  return n
}

/** An input's size on the wire (JSON, UTF-8), or Infinity for what JSON cannot carry. */
export function encodedBytes(input: unknown): number {
  try {
    const text = JSON.stringify(input)
    return text === undefined ? 0 : utf8Bytes(text)
  } catch {
    return Infinity
  }
}


/**
 * One piece of an upload, in characters: even a piece of control characters (6 bytes each as JSON)
 * fits in one message, so a file of any size crosses the WebSocket in frames it accepts.
 */
export const UPLOAD_CHUNK_CHARS = Math.floor((MAX_INPUT_BYTES - 4 * KiB) / 6)
/** All pieces of one upload together (UTF-8 bytes on disk). */
export const MAX_UPLOAD_BYTES = 64 * MiB
