/**
 * The per-window frame batch the lane views share: every lane in view renders in one frame (one
 * commit), lanes out of view only on the slow timer.
 */
import { describe, expect, it as test } from 'vitest'
import { FrameBatch, SLOW_FLUSH_MS, type FrameClock } from '../../src/renderer/agent/frame-batch'

/** A clock the test advances by hand: frames and timers run when told. */
function manualClock() {
  let frames: (() => void)[] = []
  let timers: { run: () => void; ms: number }[] = []
  const clock: FrameClock = {
    requestFrame: (run) => frames.push(run),
    setTimer: (run, ms) => timers.push({ run, ms }),
  }
  return {
    clock,
    pendingFrames: () => frames.length,
    pendingTimers: () => timers.map((t) => t.ms),
    frame() {
      const due = frames
      frames = []
      due.forEach((run) => run())
    },
    timer() {
      const due = timers
      timers = []
      due.forEach((t) => t.run())
    },
  }
}

describe('FrameBatch', () => {
  test('many lanes in view: one frame request, and all of them flush inside one commit', () => {
    const c = manualClock()
    const commits: string[][] = []
    let current: string[] | null = null
    const batch = new FrameBatch(c.clock, (run) => {
      current = []
      run()
      commits.push(current)
      current = null
    })
    const ran: string[] = []
    const lanes = Array.from({ length: 32 }, (_, i) => () => {
      ran.push(`lane${i}`)
      current?.push(`lane${i}`)
    })
    // Each lane asks many times (once per event) before the frame comes.
    for (let round = 0; round < 5; round++) for (const flush of lanes) batch.schedule(flush, true)
    expect(c.pendingFrames()).toBe(1)
    c.frame()
    expect(commits).toHaveLength(1)
    expect(commits[0]).toHaveLength(32)
    expect(ran).toHaveLength(32)
    // The slow timer that backs the frame up finds nothing left to do.
    c.timer()
    expect(ran).toHaveLength(32)
    expect(commits).toHaveLength(1)
  })

  test('a lane out of view waits for the slow timer, not the next frame', () => {
    const c = manualClock()
    const batch = new FrameBatch(c.clock)
    const ran: string[] = []
    batch.schedule(() => ran.push('hidden'), false)
    expect(c.pendingFrames()).toBe(0)
    expect(c.pendingTimers()).toEqual([SLOW_FLUSH_MS])
    c.frame()
    expect(ran).toEqual([])
    c.timer()
    expect(ran).toEqual(['hidden'])
  })

  test('a window without frames (hidden) still flushes the lanes in view on the slow timer, once', () => {
    const c = manualClock()
    const batch = new FrameBatch(c.clock)
    const ran: string[] = []
    const flush = () => ran.push('lane')
    batch.schedule(flush, true)
    c.timer()
    expect(ran).toEqual(['lane'])
    // The frame that finally comes has nothing left for it.
    c.frame()
    expect(ran).toEqual(['lane'])
  })

  test('a cancelled flush (its lane closed) never runs', () => {
    const c = manualClock()
    const batch = new FrameBatch(c.clock)
    const ran: string[] = []
    const flush = () => ran.push('closed')
    batch.schedule(flush, true)
    batch.cancel(flush)
    c.frame()
    c.timer()
    expect(ran).toEqual([])
  })

  test('work scheduled during a flush goes to the next frame, not lost', () => {
    const c = manualClock()
    const batch = new FrameBatch(c.clock)
    const ran: string[] = []
    const second = () => ran.push('second')
    batch.schedule(() => {
      ran.push('first')
      batch.schedule(second, true)
    }, true)
    c.frame()
    expect(ran).toEqual(['first'])
    expect(c.pendingFrames()).toBe(1)
    c.frame()
    expect(ran).toEqual(['first', 'second'])
  })
})
