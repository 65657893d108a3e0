import { describe, expect, it } from 'vitest'
import { nextLookIn, noClientDecision, NoClientWatch, type NoClientInput } from '../../src/main/core/hosts/no-client-reaper'

const H = 3_600_000
const base: NoClientInput = {
  clients: 0,
  lastClientAt: 0,
  now: 8 * H,
  afterHours: 8,
  lanes: [
    { id: 'ready', status: 'ready' },
    { id: 'asleep', status: 'sleeping' },
  ],
  schedules: 0,
}

describe('noClientDecision', () => {
  it('sleeps the ready lanes and exits once the period has run out with nothing else running', () => {
    expect(noClientDecision(base)).toEqual({ sleep: ['ready'], exit: true })
  })

  it('does nothing before the period is over, while a client is connected, or when set to 0', () => {
    expect(noClientDecision({ ...base, now: 8 * H - 1 })).toEqual({ sleep: [], exit: false })
    expect(noClientDecision({ ...base, clients: 1, now: 100 * H })).toEqual({ sleep: [], exit: false })
    expect(noClientDecision({ ...base, afterHours: 0, now: 1e12 })).toEqual({ sleep: [], exit: false })
  })

  it('leaves busy, waiting and starting lanes to finish, and stays up for them', () => {
    for (const status of ['busy', 'waiting', 'starting'] as const) {
      const d = noClientDecision({ ...base, lanes: [...base.lanes, { id: 'working', status }] })
      expect(d).toEqual({ sleep: ['ready'], exit: false })
    }
  })

  it('stays up for an enabled schedule (an ended core would not run it)', () => {
    expect(noClientDecision({ ...base, schedules: 1 })).toEqual({ sleep: ['ready'], exit: false })
  })

  it('takes fractions of an hour', () => {
    expect(noClientDecision({ ...base, afterHours: 0.5, now: H / 2 }).sleep).toEqual(['ready'])
  })
})

describe('nextLookIn', () => {
  it('looks when the period runs out, at most a minute away and at least 50 ms', () => {
    expect(nextLookIn({ lastClientAt: 0, now: 0, afterHours: 8 })).toBe(60_000)
    expect(nextLookIn({ lastClientAt: 0, now: 0, afterHours: 10 / H })).toBe(50)
    expect(nextLookIn({ lastClientAt: 0, now: 0, afterHours: 700 / H })).toBe(700)
    expect(nextLookIn({ lastClientAt: 0, now: 0, afterHours: 0 })).toBe(60_000)
  })

  it('once run out, looks again every period (1 s to a minute) for running turns to end, not in a tight loop', () => {
    expect(nextLookIn({ lastClientAt: 0, now: 1e9, afterHours: 1 })).toBe(60_000)
    expect(nextLookIn({ lastClientAt: 0, now: 1e9, afterHours: 10 / H })).toBe(1000)
    expect(nextLookIn({ lastClientAt: 0, now: 1e9, afterHours: 5000 / H })).toBe(5000)
  })
})

describe('NoClientWatch', () => {
  function watch(lanes: { id: string; status: 'ready' | 'busy' | 'sleeping' }[]) {
    let now = 0
    const slept: string[][] = []
    let exits = 0
    const w = new NoClientWatch({
      afterHours: () => 1,
      lanes: () => lanes,
      schedules: () => 0,
      sleep: async (ids) => void slept.push(ids),
      exit: () => exits++,
      now: () => now,
    })
    return { w, slept, exits: () => exits, at: (t: number) => (now = t) }
  }

  it('counts from when the last client left; a lane scoping its connection does not count as a client leaving', async () => {
    const t = watch([{ id: 'a', status: 'ready' }])
    const leave = t.w.open()
    t.at(2 * H)
    expect((await t.w.look()).sleep).toEqual([]) // a client is connected
    leave()
    t.at(2.5 * H)
    expect((await t.w.look()).sleep).toEqual([])
    const lane = t.w.open()
    t.at(3 * H)
    lane(false)
    t.at(3 * H + 1)
    expect((await t.w.look()).sleep).toEqual(['a']) // the lane's connection did not restart the clock
    expect(t.slept).toEqual([['a']])
    expect(t.exits()).toBe(1)
    t.w.stop()
  })

  it('does not exit while a lane is busy, and leaving twice counts once', async () => {
    const t = watch([{ id: 'b', status: 'busy' }])
    const leave = t.w.open()
    const other = t.w.open()
    leave()
    leave()
    t.at(5 * H)
    expect(await t.w.look()).toEqual({ sleep: [], exit: false }) // `other` is still connected
    other()
    t.at(7 * H)
    expect(await t.w.look()).toEqual({ sleep: [], exit: false }) // the busy lane keeps it up
    expect(t.exits()).toBe(0)
    t.w.stop()
  })
})

describe('the setting as typed', () => {
  it('takes 0 (never), whole and fractional hours; refuses the rest in words', async () => {
    const { parseHours } = await import('../../src/renderer/settings/NumberSetting')
    expect(parseHours('0')).toEqual({ ok: true, value: 0 })
    expect(parseHours(' 8 ')).toEqual({ ok: true, value: 8 })
    expect(parseHours('0.5')).toEqual({ ok: true, value: 0.5 })
    for (const bad of ['', '-1', 'abc', '1e3', '9000']) expect(parseHours(bad)).toEqual({ ok: false, message: 'Hours from 0 (never) to 8760' })
  })
})
