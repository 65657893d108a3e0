import type { Page } from '@playwright/test'
import type { Lane } from '../../src/shared/contract'
import { expect, test } from './fixtures'
import { installMockBridge, mockCalls, pushEvents } from './mock-bridge'
import { twelveLanes } from './twelve-lanes'

/**
 * The attention inbox with twelve lanes, driven by the normalized lane events and status a host sends
 * (the mock bridge in the page the real server serves): an off-screen lane that starts waiting shows
 * in the window title, the inbox and a notice; one key goes there; the same for every agent kind.
 */

const setLane = (page: Page, lane: Lane) =>
  page.evaluate((l) => (window as unknown as { __mock: { setLane(l: Lane): void } }).__mock.setLane(l), lane)

async function open(page: Page, url: string) {
  const world = twelveLanes({ quiet: true })
  await page.setViewportSize({ width: 1600, height: 1000 })
  await installMockBridge(page, world)
  await page.goto(url)
  await expect(page.locator('.nav-lane')).toHaveCount(12)
  const lane = (id: string) => world.lanes.find((l) => l.id === id)!
  return { lane }
}

const ASK = {
  type: 'approval.requested' as const,
  requestId: 'req',
  toolCallId: 'run',
  title: 'Run `npm test`?',
  detail: 'npm test',
  options: [
    { id: 'allow', label: 'Allow once', kind: 'allow_once' as const },
    { id: 'reject', label: 'Reject', kind: 'reject_once' as const },
  ],
}

test('an off-screen lane that starts waiting: window title, inbox, notice; one key goes there; answered in place it clears', async ({ page, server }) => {
  const { lane } = await open(page, server.url)
  await expect(page).toHaveTitle('Switchyard')
  await expect(page.locator('.attention-empty')).toBeVisible()
  const column = page.locator('.lane[data-lane-id="l12"]')
  await expect(column).not.toBeInViewport()

  // Lane 12 (Codex, scrolled out of view) asks: the event and the status, as main sends them.
  await pushEvents(page, 'l12', [{ type: 'turn.started' }, { type: 'tool.started', toolCallId: 'run', toolKind: 'execute', title: 'npm test', command: 'npm test' }, ASK])
  await setLane(page, { ...lane('l12'), status: 'waiting' })

  await expect(page).toHaveTitle('(1) Switchyard')
  const items = page.locator('.attention-item')
  await expect(items).toHaveCount(1)
  await expect(items.first()).toContainText('Upgrade the CI runners to Node 24')
  await expect(items.first()).toContainText('Run `npm test`?')
  const notice = page.locator('.toast', { hasText: 'needs you' })
  await expect(notice).toContainText('Upgrade the CI runners to Node 24 needs you: Run `npm test`?')
  await expect(page.locator('.nav-lane[data-nav-lane-id="l12"] .nav-lane-flag')).toBeVisible()

  // One key: the next lane that needs the user, scrolled into view and focused.
  await page.keyboard.press('Control+Shift+A')
  await expect(column).toHaveClass(/focused/)
  await expect(column).toBeInViewport()

  // Answered in place, in the lane's card: the request is settled and nothing waits any more.
  await column.locator('.t-approval').getByRole('button', { name: 'Allow once' }).click()
  expect((await mockCalls(page)).filter((c) => c.method === 'lanes.approve')).toEqual([
    { method: 'lanes.approve', input: { laneId: 'l12', requestId: 'req', optionId: 'allow' } },
  ])
  await setLane(page, { ...lane('l12'), status: 'busy' })
  await expect(page).toHaveTitle('Switchyard')
  await expect(items).toHaveCount(0)

  // A lane in view that starts waiting raises no notice (the user sees it), but counts.
  await page.locator('.toast .icon-button').click()
  await pushEvents(page, 'l12', [{ ...ASK, requestId: 'req2' }])
  await setLane(page, { ...lane('l12'), status: 'waiting' })
  await expect(page).toHaveTitle('(1) Switchyard')
  await expect(page.locator('.toast', { hasText: 'needs you' })).toHaveCount(0)

  // Answered in place from the inbox: allow once / reject once, without going to the lane.
  const answers = page.getByRole('group', { name: 'Answer: Run `npm test`?' })
  await expect(answers.getByRole('button')).toHaveText(['Allow once', 'Reject'])
  await answers.getByRole('button', { name: 'Reject' }).click()
  expect((await mockCalls(page)).filter((c) => c.method === 'lanes.approve').at(-1)).toEqual({
    method: 'lanes.approve',
    input: { laneId: 'l12', requestId: 'req2', optionId: 'reject' },
  })
  await setLane(page, { ...lane('l12'), status: 'ready' })
  await expect(items).toHaveCount(0)
})

test('the same for every kind: a question (Claude), a failed turn (pi), a failed lane (Codex), a finished background turn (Gemini)', async ({ page, server }) => {
  const { lane } = await open(page, server.url)
  await pushEvents(page, 'l2', [
    { ...ASK, requestId: 'q', title: 'Which limiter?', questions: [{ id: 'which', question: 'Which limiter?', options: [{ label: 'token bucket' }, { label: 'sliding window' }] }], options: [{ id: 'submit', label: 'Submit', kind: 'other' }] },
  ])
  await setLane(page, { ...lane('l2'), status: 'waiting' })
  await pushEvents(page, 'l4', [{ type: 'turn.started' }, { type: 'turn.completed', outcome: 'failed', message: '429 Too Many Requests' }])
  await setLane(page, { ...lane('l6'), status: 'failed', lastActivityAt: Date.now(), exit: { exitCode: 1, signal: null, message: 'codex exited with code 1', lastLines: [] } })
  await setLane(page, { ...lane('l5'), background: true })
  await pushEvents(page, 'l5', [{ type: 'turn.started' }, { type: 'turn.completed', outcome: 'completed' }])

  await expect(page).toHaveTitle('(4) Switchyard')
  const items = page.locator('.attention-item')
  await expect(items).toHaveCount(4)
  const byLane = (id: string) => page.locator(`.attention-item[data-attention-lane-id="${id}"]`)
  await expect(byLane('l2')).toContainText('Question')
  await expect(byLane('l2')).toContainText('Which limiter?')
  await expect(page.locator('.attention-answers')).toHaveCount(0) // a question is answered in its lane's form
  await expect(byLane('l4')).toContainText('Turn failed')
  await expect(byLane('l4')).toContainText('429 Too Many Requests')
  await expect(byLane('l6')).toContainText('Lane failed')
  await expect(byLane('l5')).toContainText('Finished in the background')

  // The palette lists them too, with the key.
  await page.keyboard.press('Control+k')
  await expect(page.getByRole('option', { name: /Next lane that needs you \(4\)/ })).toContainText('Ctrl+Shift+A')
  await page.keyboard.press('Escape')

  // Going to a lane settles what only informed (the failed turn); requests and failures stay.
  await byLane('l4').click()
  await expect(page.locator('.lane[data-lane-id="l4"]')).toHaveClass(/focused/)
  await expect(items).toHaveCount(3)
  // The key walks them in column order from the focused lane, wrapping: l5 (settled by the visit), l6, l2.
  await page.keyboard.press('Control+Shift+A')
  await expect(page.locator('.lane[data-lane-id="l5"]')).toHaveClass(/focused/)
  await expect(items).toHaveCount(2)
  await page.keyboard.press('Control+Shift+A')
  await expect(page.locator('.lane[data-lane-id="l6"]')).toHaveClass(/focused/)
  await page.keyboard.press('Control+Shift+A')
  await expect(page.locator('.lane[data-lane-id="l2"]')).toHaveClass(/focused/)
  await expect(page).toHaveTitle('(2) Switchyard')
})
