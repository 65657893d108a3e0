import { describe, expect, it } from 'vitest'
import { judgeLag, SLOW_CLIENT, type SlowClientRule } from '../../src/main/rpc/slow-client'

const rule: SlowClientRule = { bytes: 100, forMs: 1000, hardBytes: 10_000 }

describe('when a client is too slow', () => {
  it('behind for a moment (one large message) is fine; catching up resets the clock', () => {
    let r = judgeLag(rule, {}, 5000, 0)
    expect(r).toEqual({ lag: { behindSince: 0 }, cutOff: false })
    r = judgeLag(rule, r.lag, 4000, 900)
    expect(r.cutOff).toBe(false)
    r = judgeLag(rule, r.lag, 50, 950) // caught up
    expect(r).toEqual({ lag: {}, cutOff: false })
    r = judgeLag(rule, r.lag, 5000, 1500)
    expect(r).toEqual({ lag: { behindSince: 1500 }, cutOff: false })
  })
  it('behind for longer than the rule allows, or far past the hard limit at once: cut off', () => {
    const r = judgeLag(rule, { behindSince: 0 }, 200, 1001)
    expect(r.cutOff).toBe(true)
    expect(judgeLag(rule, {}, 10_001, 0).cutOff).toBe(true)
  })
  it('the default rule lets one 50 MB message through', () => {
    expect(judgeLag(SLOW_CLIENT, {}, 50 << 20, 0).cutOff).toBe(false)
  })
})
