/** The parent's transcript links the tool call that created a lane to that lane. */
import { describe, expect, it } from 'vitest'
import { applyEvents, emptyTranscript } from '../../src/renderer/agent/transcript-model'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'

const events = (...bodies: LaneEventBody[]): LaneEvent[] => bodies.map((b, i) => ({ ...b, laneId: 'parent', seq: i + 1, at: 0 }) as LaneEvent)

describe('lane.child in the transcript model', () => {
  it('attaches to the create_lane call that was running, and survives its completion', () => {
    const s = applyEvents(
      emptyTranscript(),
      events(
        { type: 'tool.started', toolCallId: 'c1', title: 'switchyard: list_lanes' },
        { type: 'tool.completed', toolCallId: 'c1', status: 'completed' },
        { type: 'tool.started', toolCallId: 'c2', title: 'switchyard: create_lane' },
        { type: 'lane.child', childLaneId: 'lane_child', title: 'worker' },
        { type: 'tool.completed', toolCallId: 'c2', status: 'completed', output: '{}' },
      ),
    )
    const tools = s.items.filter((i) => i.kind === 'tool')
    expect(tools.map((t) => (t.kind === 'tool' ? t.child : undefined))).toEqual([undefined, { laneId: 'lane_child', title: 'worker' }])
  })

  it('without a tool call to attach to, it is a notice', () => {
    const s = applyEvents(emptyTranscript(), events({ type: 'lane.child', childLaneId: 'x', title: 'worker' }))
    expect(s.items).toMatchObject([{ kind: 'notice', text: 'Created lane worker' }])
  })
})
