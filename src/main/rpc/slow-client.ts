/**
 * When to give up on a client that does not keep up. One large message (a 50 MB agent line) leaves a
 * healthy client far behind for a moment; a client that stays behind for a long time is stuck or too
 * slow, and everything queued for it grows main's memory. It reconnects and catches up from the
 * transcript, so cutting it off loses nothing.
 */
export interface SlowClientRule {
  /** Behind by more than this … */
  bytes: number
  /** … for longer than this, without once catching up: cut off. */
  forMs: number
  /** Behind by more than this at all: cut off at once (memory comes first). */
  hardBytes: number
}

const MiB = 1 << 20
export const SLOW_CLIENT: SlowClientRule = { bytes: 8 * MiB, forMs: 30_000, hardBytes: 512 * MiB }

export interface Lag {
  /** Since when the client has been behind by more than `rule.bytes`, if it is. */
  behindSince?: number
}

/** The client's lag after seeing `buffered` bytes queued at `now`, and whether to cut it off. */
export function judgeLag(rule: SlowClientRule, lag: Lag, buffered: number, now: number): { lag: Lag; cutOff: boolean } {
  if (buffered > rule.hardBytes) return { lag, cutOff: true }
  if (buffered <= rule.bytes) return { lag: {}, cutOff: false }
  const behindSince = lag.behindSince ?? now
  return { lag: { behindSince }, cutOff: now - behindSince > rule.forMs }
}
