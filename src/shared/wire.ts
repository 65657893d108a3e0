import { z } from 'zod'
import { RpcError } from './contract'

/** Server mode's WebSocket messages (docs/server-protocol.md). The payloads are the contract's. */
const ReqId = z.number().int().nonnegative()
export const ClientMessage = z.union([
  z.object({ id: ReqId, method: z.string(), input: z.unknown().optional() }).strict(),
  z.object({ id: ReqId, subscribe: z.string(), input: z.unknown().optional() }).strict(),
  z.object({ id: ReqId, unsubscribe: ReqId }).strict(),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export type ServerMessage =
  | { id: number | null; ok: true; value: unknown }
  | { id: number | null; ok: false; error: RpcError }
  | { sub: number; event: unknown }

/**
 * A server message as JSON text. A subscription's event whose JSON is at hand (`encodedEvent`, exactly
 * JSON.stringify(event)) is put in the envelope as it is: the same text, without encoding the event again.
 */
export function encodeServerMessage(msg: ServerMessage, encodedEvent?: string): string {
  if (encodedEvent !== undefined && 'sub' in msg) return `{"sub":${JSON.stringify(msg.sub)},"event":${encodedEvent}}`
  return JSON.stringify(msg)
}

/** A client's text as a message, or the answer that refuses it (with the request's id where it had one). */
export function readClientMessage(text: string): { msg: ClientMessage } | { refusal: ServerMessage } {
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch {
    return { refusal: { id: null, ok: false, error: { code: 'invalid_input', message: 'Messages must be JSON text' } } }
  }
  const parsed = ClientMessage.safeParse(raw)
  if (parsed.success) return { msg: parsed.data }
  const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : null
  return { refusal: { id, ok: false, error: { code: 'invalid_input', message: 'Not a Switchyard message', details: parsed.error.issues } } }
}
