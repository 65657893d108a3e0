import { describe, expect, test } from 'vitest'
import { staleToastIds, type Toast } from '../../src/renderer/app/toasts'

const toast = (id: number, laneId?: string, kind: Toast['kind'] = 'error'): Toast => ({ id, message: `m${id}`, kind, ...(laneId ? { laneId } : {}) })

describe('error toasts go when what they complained about is fixed', () => {
  test('a lane that recovers (failed → ready) takes its error toasts with it; others stay', () => {
    const toasts = [toast(1, 'a'), toast(2, 'b'), toast(3)]
    const before = new Map([['a', 'failed' as const], ['b', 'failed' as const]])
    expect(staleToastIds(toasts, before, [{ id: 'a', status: 'ready' }, { id: 'b', status: 'failed' }])).toEqual([1])
  })
  test('an error about a lane that is still healthy stays (a send that failed while the lane was ready)', () => {
    expect(staleToastIds([toast(1, 'a')], new Map([['a', 'ready' as const]]), [{ id: 'a', status: 'ready' }])).toEqual([])
  })
  test('a lane closed, archived or deleted takes its toasts; info toasts are left to their timer', () => {
    const before = new Map([['a', 'failed' as const]])
    expect(staleToastIds([toast(1, 'a')], before, [])).toEqual([1])
    expect(staleToastIds([toast(1, 'a')], before, [{ id: 'a', status: 'sleeping', archived: true }])).toEqual([1])
    expect(staleToastIds([toast(1, 'a', 'info')], before, [])).toEqual([])
  })
})
