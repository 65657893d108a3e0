import { describe, expect, test } from 'vitest'
import type { Lane } from '../../src/shared/contract'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'
import { applyAttentionEvent, attentionItems, markSeen, nextAttentionLane, windowTitle, type LiveAttention } from '../../src/renderer/attention/attention-model'
import { laneAfter, usageBrief, visibleLanes } from '../../src/renderer/navigator/navigator-model'
import { shortcutFor, shortcutLabel, type KeyLike } from '../../src/renderer/app/shortcuts'
import { mayRun } from '../../src/renderer/app/commands'

const lane = (id: string, fields: Partial<Lane> = {}): Lane => ({
  id,
  workspaceId: 'w1',
  profileId: 'p',
  kind: 'codex',
  title: id,
  status: 'ready',
  createdAt: 1,
  lastActivityAt: 1,
  cols: 80,
  rows: 24,
  ...fields,
})
let seq = 0
const ev = (laneId: string, body: LaneEventBody, at = ++seq): LaneEvent => ({ ...body, laneId, seq: at, at }) as LaneEvent
const ASK: LaneEventBody = { type: 'approval.requested', requestId: 'r1', title: 'Run `rm -rf build`?', options: [{ id: 'y', label: 'Yes', kind: 'allow_once' }] }

function run(events: LaneEvent[]): LiveAttention {
  return events.reduce<LiveAttention>((live, e) => applyAttentionEvent(live, e), [])
}

describe('attention', () => {
  test('an approval needs the user while its lane waits; resolving it clears it', () => {
    const waiting = [lane('a', { status: 'waiting' })]
    const live = run([ev('a', ASK)])
    expect(attentionItems(waiting, live)).toMatchObject([{ laneId: 'a', kind: 'approval', text: 'Run `rm -rf build`?', answer: { requestId: 'r1', options: [{ id: 'y' }] } }])
    const resolved = applyAttentionEvent(live, ev('a', { type: 'approval.resolved', requestId: 'r1', optionId: 'y', by: 'user' }))
    expect(attentionItems([lane('a', { status: 'busy' })], resolved)).toEqual([])
  })

  test('a question is a question; the lane status is the truth (a request seen while not waiting does not count)', () => {
    const q = { ...ASK, requestId: 'q1', title: 'Which branch?', questions: [{ id: 'b', question: 'Which branch?', options: [] }] } as unknown as LaneEventBody
    const live = run([ev('a', q)])
    expect(attentionItems([lane('a', { status: 'waiting' })], live)).toMatchObject([{ kind: 'question', text: 'Which branch?' }])
    expect(attentionItems([lane('a', { status: 'waiting' })], live)[0].answer).toBeUndefined()
    expect(attentionItems([lane('a', { status: 'busy' })], live)).toEqual([])
  })

  test('a waiting lane whose request this window never saw (asked before a reload) still needs the user', () => {
    expect(attentionItems([lane('a', { status: 'waiting', lastActivityAt: 5 })], [])).toMatchObject([{ laneId: 'a', kind: 'approval', text: 'Waiting for you' }])
  })

  test('failed turns, failed lanes and finished background turns; newest first; archived lanes never', () => {
    const lanes = [
      lane('t'),
      lane('f', { status: 'failed', lastActivityAt: 50, exit: { exitCode: 1, signal: null, message: 'codex exited with code 1', lastLines: [] } }),
      lane('b', { background: true }),
      lane('z', { status: 'waiting', archived: true }),
      lane('fg'),
    ]
    const live = run(
      [
        ev('t', { type: 'turn.completed', outcome: 'failed', message: '429 Too Many Requests' }, 10),
        ev('b', { type: 'turn.completed', outcome: 'completed' }, 100),
        ev('fg', { type: 'turn.completed', outcome: 'completed' }, 110), // a foreground turn that ends is not news
      ],
    )
    expect(attentionItems(lanes, live).map((i) => [i.laneId, i.kind, i.text])).toEqual([
      ['b', 'backgroundDone', 'Finished in the background'],
      ['f', 'laneFailed', 'codex exited with code 1'],
      ['t', 'turnFailed', '429 Too Many Requests'],
    ])
    // Looking at a lane settles what only informed; a new turn does too.
    expect(attentionItems(lanes, markSeen(live, 'b')).map((i) => i.laneId)).toEqual(['f', 't'])
    expect(attentionItems(lanes, applyAttentionEvent(live, ev('t', { type: 'turn.started' }))).map((i) => i.laneId)).toEqual(['b', 'f'])
  })

  test('next lane that needs the user: after the current one in column order, wrapping', () => {
    const items = attentionItems([lane('a', { status: 'waiting' }), lane('b'), lane('c', { status: 'failed' })], [])
    const order = ['a', 'b', 'c']
    expect(nextAttentionLane(items, order, null)).toBe('a')
    expect(nextAttentionLane(items, order, 'a')).toBe('c')
    expect(nextAttentionLane(items, order, 'c')).toBe('a')
    expect(nextAttentionLane(items, order, 'b')).toBe('c')
    expect(nextAttentionLane([], order, 'a')).toBeNull()
  })

  test('the window title carries the count', () => {
    expect(windowTitle(0)).toBe('Switchyard')
    expect(windowTitle(3)).toBe('(3) Switchyard')
  })
})

describe('navigator', () => {
  test('a workspace filter limits the columns; next/previous wrap and start at an end', () => {
    const lanes = [lane('a'), lane('b', { workspaceId: 'w2' }), lane('c')]
    expect(visibleLanes(lanes, 'w2').map((l) => l.id)).toEqual(['b'])
    expect(visibleLanes(lanes, null).map((l) => l.id)).toEqual(['a', 'b', 'c'])
    const order = ['a', 'b', 'c']
    expect(laneAfter(order, 'c', 1)).toBe('a')
    expect(laneAfter(order, 'a', -1)).toBe('c')
    expect(laneAfter(order, null, 1)).toBe('a')
    expect(laneAfter(order, null, -1)).toBe('c')
    expect(laneAfter([], 'a', 1)).toBeNull()
  })

  test('usage in a row: tokens in and out together, cost when there is one', () => {
    expect(usageBrief(undefined)).toBe('')
    expect(usageBrief({ inputTokens: 18_420, outputTokens: 1_312, costUsd: 0.0734 })).toBe('20k · $0.07')
    expect(usageBrief({ inputTokens: 900, outputTokens: 50 })).toBe('950')
  })

  const key = (k: string, code: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, code, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods })
  test('Shift shortcuts reach any lane: switcher, next/previous, next needing the user; labels say so', () => {
    expect(shortcutFor(key('P', 'KeyP', { ctrlKey: true, shiftKey: true }), false)).toEqual({ type: 'openLaneSwitcher' })
    expect(shortcutFor(key('}', 'BracketRight', { ctrlKey: true, shiftKey: true }), false)).toEqual({ type: 'nextLane' })
    expect(shortcutFor(key('{', 'BracketLeft', { metaKey: true, shiftKey: true }), true)).toEqual({ type: 'previousLane' })
    expect(shortcutFor(key('A', 'KeyA', { ctrlKey: true, shiftKey: true }), false)).toEqual({ type: 'nextAttention' })
    expect(shortcutFor(key('A', 'KeyA', { ctrlKey: true, shiftKey: true }), true)).toBeNull() // Ctrl stays the terminal's on macOS
    expect(shortcutFor(key('p', 'KeyP', { ctrlKey: true }), false)).toBeNull() // Ctrl+P is the shell's history
    expect(shortcutLabel({ type: 'nextAttention' }, false)).toBe('Ctrl+Shift+A')
    expect(shortcutLabel({ type: 'nextLane' }, true)).toBe('⇧⌘]')
  })

  test('the lane switcher, like the palette, opens only over nothing or over the palette', () => {
    expect(mayRun({ type: 'openLaneSwitcher' }, null)).toBe(true)
    expect(mayRun({ type: 'openLaneSwitcher' }, { kind: 'palette' })).toBe(true)
    expect(mayRun({ type: 'openLaneSwitcher' }, { kind: 'settings' })).toBe(false)
    expect(mayRun({ type: 'nextAttention' }, { kind: 'newLane' })).toBe(false)
  })
})

describe('column layout', () => {
  test('widths clamp to [280, area]; keys step by 32 (128 with Shift); gone lanes are forgotten', async () => {
    const { clampWidth, widthAfterKey, withWidth, pruneLayout, EMPTY_LAYOUT } = await import('../../src/renderer/layout/layout-model')
    expect(clampWidth(100, 1200)).toBe(280)
    expect(clampWidth(5000, 1200)).toBe(1200)
    expect(clampWidth(Number.NaN, 1200)).toBe(360)
    expect(widthAfterKey('ArrowRight', false, 400, 1200)).toBe(432)
    expect(widthAfterKey('ArrowLeft', true, 400, 1200)).toBe(280)
    expect(widthAfterKey('End', false, 400, 1200)).toBe(1200)
    expect(widthAfterKey('a', false, 400, 1200)).toBeNull()
    const layout = withWidth(withWidth({ ...EMPTY_LAYOUT, maximized: 'b' }, 'a', 500), 'b', 300)
    expect(withWidth(layout, 'a', null).widths).toEqual({ b: 300 })
    expect(pruneLayout(layout, ['a'])).toEqual({ widths: { a: 500 }, maximized: null })
    expect(pruneLayout(layout, ['a', 'b'])).toBe(layout)
  })
  test('order: pinned first, then the order the user made, then the rest as they came; a move puts a lane before another', async () => {
    const { orderLanes, moveInOrder, togglePinned, EMPTY_LAYOUT } = await import('../../src/renderer/layout/layout-model')
    const lanes = ['a', 'b', 'c', 'd'].map((id) => ({ id }))
    expect(orderLanes(lanes, {}).map((l) => l.id)).toEqual(['a', 'b', 'c', 'd'])
    expect(orderLanes(lanes, { order: ['c', 'a'] }).map((l) => l.id)).toEqual(['c', 'a', 'b', 'd'])
    expect(orderLanes(lanes, { order: ['c', 'a'], pinned: ['d'] }).map((l) => l.id)).toEqual(['d', 'c', 'a', 'b'])
    expect(moveInOrder(['a', 'b', 'c', 'd'], 'd', 'b')).toEqual(['a', 'd', 'b', 'c'])
    expect(moveInOrder(['a', 'b', 'c', 'd'], 'a', null)).toEqual(['b', 'c', 'd', 'a'])
    expect(moveInOrder(['a', 'b'], 'a', 'gone')).toEqual(['a', 'b'])
    expect(togglePinned(togglePinned(EMPTY_LAYOUT, 'x'), 'x').pinned).toEqual([])
  })
  test('Ctrl+Shift+Enter maximises (⇧⌘Enter on macOS)', () => {
    const k = { key: 'Enter', code: 'Enter', ctrlKey: true, metaKey: false, altKey: false, shiftKey: true }
    expect(shortcutFor(k, false)).toEqual({ type: 'toggleMaximize' })
    expect(shortcutFor({ ...k, shiftKey: false }, false)).toBeNull()
    expect(shortcutLabel({ type: 'toggleMaximize' }, true)).toBe('⇧⌘Enter')
  })
})
