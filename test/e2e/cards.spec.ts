import type { LaneEventBody } from '../../src/shared/events'
import { expect, test } from './fixtures'
import { installMockBridge, mockCalls, mockLane, mockProfile, openStructuredLane, pushEvents, stamp, type MockWorld } from './mock-bridge'

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

test('an error toast about a lane goes once the lane recovers, and sits clear of the composers', async ({ page, server }) => {
  const w = world([{ type: 'process.started', command: 'pi' }])
  w.lanes = [{ ...w.lanes[0], status: 'failed', exit: { exitCode: 1, signal: null, message: 'pi exited with code 1', lastLines: [] } }]
  await installMockBridge(page, w)
  await page.goto(server.url)
  const lane = page.locator('.lane').first()
  // The scripted host refuses lanes.start: an error toast about this lane.
  await lane.getByRole('button', { name: 'Restart' }).click()
  const toast = page.getByRole('region', { name: 'Notifications' }).getByRole('alert')
  await expect(toast).toContainText('mock: lanes.start')
  const t = (await toast.boundingBox())!
  const composer = (await lane.locator('textarea').boundingBox())!
  const overlaps = t.x < composer.x + composer.width && composer.x < t.x + t.width && t.y < composer.y + composer.height && composer.y < t.y + t.height
  expect(overlaps).toBe(false)
  // The lane coming back (restarted from elsewhere) takes the toast away.
  await page.evaluate(() => {
    const mock = (window as unknown as { __mock: { setLane(l: unknown): void; world: { lanes: { status: string }[] } } }).__mock
    mock.setLane({ ...mock.world.lanes[0], status: 'ready', exit: undefined })
  })
  await expect(toast).toHaveCount(0)
})

test('an interrupted turn that used nothing does not say "0 in · 0 out"', async ({ page, server }) => {
  const lane = await openStructuredLane(page, server.url, world([{ type: 'process.started', command: 'pi' }]))
  await pushEvents(page, 'lane1', [
    { type: 'input', text: 'never mind' },
    { type: 'turn.started' },
    { type: 'usage', turn: { inputTokens: 0, outputTokens: 0 } },
    { type: 'turn.completed', outcome: 'interrupted' },
  ])
  const line = lane.locator('.t-turn')
  await expect(line).toContainText('Interrupted')
  await expect(line).not.toContainText('0 in')
  await expect(line).not.toContainText('0 out')
})
