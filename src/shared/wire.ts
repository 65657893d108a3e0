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
