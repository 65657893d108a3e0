/**
 * The pure parts of checkpoints and finishing in the renderer and main: which checkpoint events become
 * transcript markers and what they say, the PR summary, the restore note and the rewind target.
 */
import { describe, expect, it } from 'vitest'
import { checkpointLabel } from '../../src/renderer/agent/CheckpointMarker'
import { applyEvents, emptyTranscript } from '../../src/renderer/agent/transcript-model'
import { prSummary } from '../../src/renderer/review/FinishBar'
import { firstDroppedTurn, restoreNote } from '../../src/main/core/lanes/checkpoint-service'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'

const stamp = (bodies: LaneEventBody[]) => bodies.map((b, i) => ({ ...b, laneId: 'l', seq: i + 1, at: i }) as LaneEvent)
const ck = (n: number, turn: number, phase: 'start' | 'end' | 'restore', changed = true, restoring?: number): LaneEventBody => ({
  type: 'checkpoint',
  n,
  turn,
  phase,
  commit: 'c'.repeat(40),
  changed,
  ...(restoring ? { restoring } : {}),
})

describe('checkpoint markers', () => {
  it('one marker per turn boundary: the first start, every end, a start only where the files changed between turns, and restores', () => {
    const state = applyEvents(
      emptyTranscript(),
      stamp([ck(1, 1, 'start'), { type: 'input', text: 'a' }, ck(2, 1, 'end'), ck(3, 2, 'start', false), { type: 'input', text: 'b' }, ck(4, 2, 'end'), ck(5, 3, 'start', true), ck(6, 3, 'restore', true, 2)]),
    )
    const markers = state.items.filter((i) => i.kind === 'checkpoint')
    expect(markers.map((m) => m.kind === 'checkpoint' && m.n)).toEqual([1, 2, 4, 5, 6])
    expect(markers.map((m) => m.kind === 'checkpoint' && checkpointLabel(m))).toEqual([
      'Files before the first turn',
      'Files at the end of turn 1',
      'Files at the end of turn 2',
      'Files before turn 3',
      'Files restored to checkpoint 2; this is how they were before',
    ])
  })

  it('restore note and rewind target name the right turn', () => {
    expect(restoreNote({ turn: 1, phase: 'end' })).toContain('restored the files to how they were at the end of turn 1')
    expect(restoreNote({ turn: 2, phase: 'start' }, 'src/a.ts')).toContain('restored src/a.ts to how it was at the start of turn 2')
    expect(firstDroppedTurn({ turn: 1, phase: 'end' })).toBe(2)
    expect(firstDroppedTurn({ turn: 2, phase: 'start' })).toBe(2)
  })

  it('PR summary: state and checks', () => {
    expect(prSummary({ number: 7, url: 'u', state: 'OPEN', draft: false, checks: { passed: 2, failed: 1, pending: 0 } })).toBe('PR #7 open · checks 2 ✓ 1 ✗ 0 …')
    expect(prSummary({ number: 8, url: 'u', state: 'OPEN', draft: true, checks: { passed: 0, failed: 0, pending: 0 } })).toBe('PR #8 draft')
    expect(prSummary({ number: 9, url: 'u', state: 'MERGED', draft: false, checks: { passed: 0, failed: 0, pending: 0 } })).toBe('PR #9 merged')
  })
})
