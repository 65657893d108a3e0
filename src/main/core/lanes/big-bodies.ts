import { createHash, type Hash } from 'node:crypto'
import type { LaneEventBody } from '../../../shared/events'

/** Longest text (UTF-16 units) one stored line or WebSocket frame carries; longer streams go in pieces. */
export const PIECE_CHARS = 1 << 20
/** From this size, a final message that repeats its deltas is stored as a reference to them. */
export const DEDUPE_MIN_CHARS = 64 * 1024

/** Cuts `text` into pieces of at most `size` units, never between the halves of a surrogate pair. */
export function splitText(text: string, size = PIECE_CHARS): string[] {
  if (text.length <= size) return [text]
  const pieces: string[] = []
  for (let at = 0; at < text.length; ) {
    let end = Math.min(at + size, text.length)
    const code = text.charCodeAt(end - 1)
    if (end < text.length && code >= 0xd800 && code <= 0xdbff) end-- // a high surrogate: keep its pair whole
    pieces.push(text.slice(at, end))
    at = end
  }
  return pieces
}

/** Hashes a long string a piece at a time, so it is never encoded whole into one more buffer. */
function hashInPieces(hash: Hash, text: string): Hash {
  for (const piece of splitText(text)) hash.update(piece)
  return hash
}

type Delta = Extract<LaneEventBody, { type: 'text.delta' }>
type Message = Extract<LaneEventBody, { type: 'message' }>

/**
 * Shapes a lane's events so a huge body is stored once and travels in pieces: long deltas and terminal
 * frames are split into ≤ PIECE_CHARS events; an assistant message that repeats the text its deltas
 * streamed is kept as `{text: '', streamed: true}` (the deltas hold it); a long message that streamed
 * nothing is sent as deltas plus such a message. Agents send both deltas and the final message, so
 * without this a 50 MB answer is stored twice and sent as one 50 MB frame.
 */
export class BodyShaper {
  /**
   * The assistant text streamed since the last message boundary: its length and a running hash. Below
   * DEDUPE_MIN_CHARS no message is deduplicated, so the deltas are only kept (`pieces`) and hashed once
   * the stream reaches that size: a delta of an ordinary answer costs no hashing.
   */
  private stream: { messageId: string | undefined; length: number; pieces: string[]; hash: Hash | undefined } | undefined

  shape(body: LaneEventBody): LaneEventBody[] {
    switch (body.type) {
      case 'text.delta':
        this.streamed(body)
        return body.text.length > PIECE_CHARS ? splitText(body.text).map((text) => ({ ...body, text })) : [body]
      case 'reasoning.delta':
        return body.text.length > PIECE_CHARS ? splitText(body.text).map((text) => ({ ...body, text })) : [body]
      case 'terminal.output':
        return body.data.length > PIECE_CHARS ? splitText(body.data).map((data) => ({ ...body, data })) : [body]
      case 'message':
        return this.message(body)
      case 'status':
      case 'usage':
        return [body]
      default:
        this.stream = undefined
        return [body]
    }
  }

  private streamed(delta: Delta): void {
    if (this.stream && this.stream.messageId !== delta.messageId) this.stream = undefined
    const stream = (this.stream ??= { messageId: delta.messageId, length: 0, pieces: [], hash: undefined })
    stream.length += delta.text.length
    if (stream.hash) hashInPieces(stream.hash, delta.text)
    else if (stream.length < DEDUPE_MIN_CHARS) stream.pieces.push(delta.text)
    else {
      const hash = createHash('sha256')
      for (const piece of stream.pieces) hash.update(piece)
      stream.hash = hashInPieces(hash, delta.text)
      stream.pieces = []
    }
  }

  private message(body: Message): LaneEventBody[] {
    const stream = this.stream
    this.stream = undefined
    if (body.role !== 'assistant' || body.text.length < DEDUPE_MIN_CHARS) return [body]
    if (stream) {
      const sameMessage = stream.messageId === undefined || body.messageId === undefined || stream.messageId === body.messageId
      if (sameMessage && stream.length === body.text.length && stream.hash && stream.hash.digest('hex') === hashInPieces(createHash('sha256'), body.text).digest('hex')) {
        return [{ ...body, text: '', streamed: true }]
      }
      return [body] // it says something other than its deltas: keep it whole
    }
    if (body.text.length <= PIECE_CHARS) return [body]
    const ids = body.messageId ? { messageId: body.messageId } : {}
    return [...splitText(body.text).map((text): LaneEventBody => ({ type: 'text.delta', ...ids, text })), { ...body, text: '', streamed: true }]
  }
}
