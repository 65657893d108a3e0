import { describe, expect, it } from 'vitest'
import { MAX_MODELS, toModelChoices } from '../../src/main/core/agents/model-probe'
import { ModelCatalog } from '../../src/main/core/profiles/model-catalog'
import { ModelChoice } from '../../src/shared/contract'

describe('ModelCatalog', () => {
  it('asks once per TTL, shares an ask under way, and asks again on refresh or after the TTL', async () => {
    let now = 0
    let asks = 0
    const catalog = new ModelCatalog(async () => [{ id: `m${++asks}`, name: 'M' }], () => now, 1000)
    const [a, b] = await Promise.all([catalog.list('p'), catalog.list('p')])
    expect(a).toEqual([{ id: 'm1', name: 'M' }])
    expect(b).toBe(a)
    now = 999
    expect(await catalog.list('p')).toEqual([{ id: 'm1', name: 'M' }])
    expect(await catalog.list('p', true)).toEqual([{ id: 'm2', name: 'M' }])
    now = 2000
    expect(await catalog.list('p')).toEqual([{ id: 'm3', name: 'M' }])
    catalog.forget('p')
    expect(await catalog.list('p')).toEqual([{ id: 'm4', name: 'M' }])
  })

  it('keeps no failed ask: the next one tries again', async () => {
    let fail = true
    const catalog = new ModelCatalog(async () => {
      if (fail) throw new Error('agent not logged in')
      return [{ id: 'ok', name: 'OK' }]
    })
    await expect(catalog.list('p')).rejects.toThrow('not logged in')
    fail = false
    expect(await catalog.list('p')).toEqual([{ id: 'ok', name: 'OK' }])
  })
})

describe('toModelChoices', () => {
  it('keeps only ids that can be a model id, once each, with names and descriptions trimmed to the contract', () => {
    const choices = toModelChoices([
      { id: 'good', name: '  Good  ', description: '' },
      { id: '--dangerously-skip-permissions', name: 'flag' },
      { id: 'has space', name: 'x' },
      { id: 42, name: 'number' },
      { id: 'good', name: 'again' },
      { id: 'long-name', name: 'n'.repeat(500), description: 'd'.repeat(5000) },
      { id: 'constructor' },
    ])
    expect(choices.map((c) => c.id)).toEqual(['good', 'long-name', 'constructor'])
    expect(choices[0]).toEqual({ id: 'good', name: 'Good' })
    expect(choices[2]).toEqual({ id: 'constructor', name: 'constructor' })
    for (const c of choices) expect(ModelChoice.safeParse(c).success).toBe(true)
  })

  it('stops at a menu-sized list', () => {
    const many = Array.from({ length: 5000 }, (_, i) => ({ id: `m${i}` }))
    expect(toModelChoices(many)).toHaveLength(MAX_MODELS)
  })
})

describe('context fill of pi and ACP', () => {
  it("pi's get_session_stats contextUsage; nothing right after a compaction (null tokens) or without a window", async () => {
    const { contextFromStats } = await import('../../src/main/core/agents/pi')
    expect(contextFromStats({ contextUsage: { tokens: 60000, contextWindow: 200000, percent: 30 } })).toEqual({ usedTokens: 60000, windowTokens: 200000 })
    expect(contextFromStats({ contextUsage: { tokens: null, contextWindow: 200000, percent: null } })).toBeUndefined()
    expect(contextFromStats({ contextUsage: { tokens: 5, contextWindow: 0 } })).toBeUndefined()
    expect(contextFromStats({})).toBeUndefined()
    expect(contextFromStats(null)).toBeUndefined()
  })

  it("ACP's usage_update used/size", async () => {
    const { contextOfUpdate } = await import('../../src/main/core/agents/acp-content')
    expect(contextOfUpdate({ used: 100, size: 1000 })).toEqual({ usedTokens: 100, windowTokens: 1000 })
    expect(contextOfUpdate({ used: -1, size: 1000 })).toBeUndefined()
    expect(contextOfUpdate({ used: 1, size: Infinity })).toBeUndefined()
    expect(contextOfUpdate({ used: '1', size: 10 })).toBeUndefined()
  })
})
