import type { LaneEventBody } from '../../src/shared/events'
import { expect, test } from './fixtures'
import { mockCalls, mockLane, mockProfile, openStructuredLane, pushEvents, stamp, type MockWorld } from './mock-bridge'

/** Cards that fit a narrow lane, and a retried request shown once. Driven by the scripted host (mock-bridge.ts). */

function world(events: LaneEventBody[]): MockWorld {
  return {
    workspaces: [{ id: 'ws', name: 'switchyard', path: '/home/dev/src/switchyard', addedAt: 1 }],
    profiles: [mockProfile({ id: 'shell', name: 'Shell', kind: 'terminal', builtIn: true }), mockProfile({ id: 'pi', name: 'pi', kind: 'pi', builtIn: true })],
    lanes: [mockLane({ id: 'lane1', kind: 'pi', profileId: 'pi', title: 'narrow', status: 'waiting' })],
    transcripts: { lane1: stamp('lane1', events) },
  }
}

const LONG = 'Always allow `npm run test -- --reporter=verbose --coverage` in /home/dev/src/switchyard for this session'

test('approval buttons wrap inside the card in a 360 px lane', async ({ page, server }) => {
  await page.setViewportSize({ width: 420, height: 800 })
  const lane = await openStructuredLane(
    page,
    server.url,
    world([
      { type: 'process.started', command: 'pi' },
      { type: 'input', text: 'run the tests' },
      { type: 'turn.started' },
      { type: 'tool.started', toolCallId: 't1', toolKind: 'execute', title: 'npm test', command: 'npm test' },
      {
        type: 'approval.requested',
        requestId: 'r1',
        toolCallId: 't1',
        title: 'Run `npm run test -- --reporter=verbose --coverage`?',
        options: [
          { id: 'once', label: 'Allow once', kind: 'allow_once' },
          { id: 'always', label: LONG, kind: 'allow_always' },
          { id: 'no', label: 'Reject', kind: 'reject_once' },
        ],
      },
    ]),
  )
  const sidebarToggle = page.getByRole('button', { name: 'Collapse the sidebar' })
  if (await sidebarToggle.isVisible()) await sidebarToggle.click()
  const laneBox = (await lane.boundingBox())!
  expect(laneBox.width).toBeLessThanOrEqual(400)
  const card = lane.locator('.t-approval').last()
  await expect(card.getByRole('button', { name: LONG })).toBeVisible()
  const cardBox = (await card.boundingBox())!
  for (const button of await card.getByRole('button').all()) {
    const b = (await button.boundingBox())!
    expect(b.x + b.width, await button.innerText()).toBeLessThanOrEqual(cardBox.x + cardBox.width + 0.5)
    expect(b.x).toBeGreaterThanOrEqual(cardBox.x - 0.5)
  }
  // Nothing scrolls sideways.
  expect(await lane.locator('.structured').evaluate((el) => el.scrollWidth <= el.clientWidth + 1)).toBe(true)
  await page.screenshot({ path: test.info().outputPath('approval-360.png') })
})

test('a request retried three times is one card with its count and a Retry button that sends the prompt again', async ({ page, server }) => {
  const lane = await openStructuredLane(page, server.url, world([{ type: 'process.started', command: 'pi' }]))
  await pushEvents(page, 'lane1', [
    { type: 'input', text: 'summarise the changelog' },
    { type: 'turn.started' },
    { type: 'error', message: '429 Too Many Requests', retry: { attempt: 1, maxAttempts: 3 } },
  ])
  await expect(lane.locator('.t-error')).toHaveCount(1)
  await expect(lane.locator('.t-error')).toContainText('retrying · 1 retry so far')
  await pushEvents(page, 'lane1', [
    { type: 'error', message: '429 Too Many Requests', retry: { attempt: 2, maxAttempts: 3 } },
    { type: 'error', message: '503 Service Unavailable', retry: { attempt: 3, maxAttempts: 3 } },
    { type: 'turn.completed', outcome: 'failed', message: '503 Service Unavailable' },
  ])
  const card = lane.locator('.t-error')
  await expect(card).toHaveCount(1)
  await expect(card).toContainText('503 Service Unavailable')
  await expect(card).toContainText('after 3 retries')
  await expect(lane.locator('.t-turn')).toHaveCount(1)
  // The card comes before the one "Turn failed" line.
  const order = await lane.locator('.t-error, .t-turn').evaluateAll((els) => els.map((e) => (e.classList.contains('t-error') ? 'error' : 'turn')))
  expect(order).toEqual(['error', 'turn'])
  await card.getByRole('button', { name: 'Retry' }).click()
  await expect.poll(async () => (await mockCalls(page)).filter((c) => c.method === 'lanes.send').map((c) => c.input)).toEqual([{ laneId: 'lane1', input: 'summarise the changelog' }])
})
