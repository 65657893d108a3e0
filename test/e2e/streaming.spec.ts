import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { installMockBridge, pushEvents } from './mock-bridge'
import { twelveLanes } from './twelve-lanes'

/**
 * Many lanes streaming at once: lanes in view render every frame and stay at their end; a lane out of
 * view skips rendering while it streams, and shows everything, at its end, once scrolled into view.
 */

/** A long reply in `count` deltas, the last one ending with `marker`. */
function deltas(count: number, marker: string) {
  return Array.from({ length: count }, (_, i) => ({
    type: 'text.delta' as const,
    text: i === count - 1 ? ` ${marker}` : ` word ${i} of the reply${i % 10 === 9 ? '\n\n' : ''}`,
  }))
}

/** Whether the lane's transcript is scrolled to its end. */
const atEnd = (page: Page, laneId: string) =>
  page.locator(`.lane[data-lane-id="${laneId}"] .transcript`).evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight <= 32)

test('a lane streaming out of view shows all of it at its end when scrolled into view; lanes in view follow live', async ({ page, server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await installMockBridge(page, twelveLanes({ quiet: true }))
  await page.goto(server.url)
  const near = page.locator('.lane[data-lane-id="l1"]')
  const far = page.locator('.lane[data-lane-id="l11"]')
  await expect(near.locator('.structured')).toBeVisible()
  // l11 is out of the lanes area at this width.
  await expect(far).toHaveAttribute('data-offscreen', '')

  await pushEvents(page, 'l1', [{ type: 'input', text: 'Explain it at length' }, { type: 'turn.started' }])
  await pushEvents(page, 'l11', [{ type: 'input', text: 'Explain it at length' }, { type: 'turn.started' }])
  for (let round = 0; round < 4; round++) {
    await pushEvents(page, 'l1', deltas(60, `NEAR-END-${round}`))
    await pushEvents(page, 'l11', deltas(60, `FAR-END-${round}`))
  }
  await expect(near.locator('.t-message').last()).toContainText('NEAR-END-3')
  await expect.poll(() => atEnd(page, 'l1')).toBe(true)

  await far.scrollIntoViewIfNeeded()
  await expect(far).not.toHaveAttribute('data-offscreen', '')
  await expect(far.locator('.t-message').last()).toContainText('FAR-END-3')
  await expect.poll(() => atEnd(page, 'l11')).toBe(true)
  // Everything came, once and in order.
  const text = (await far.locator('.t-message').last().textContent()) ?? ''
  expect(text.match(/FAR-END-\d/g)).toEqual(['FAR-END-0', 'FAR-END-1', 'FAR-END-2', 'FAR-END-3'])
})

test("a busy lane's Working dots pulse while it runs a tool and rest while its reply streams (the caret shows it)", async ({ page, server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await installMockBridge(page, twelveLanes({ quiet: true }))
  await page.goto(server.url)
  const lane = page.locator('.lane[data-lane-id="l2"]')
  await expect(lane).toHaveAttribute('data-status', 'busy')
  const dot = lane.locator('.working-dots span').first()
  const animation = () => dot.evaluate((el) => getComputedStyle(el).animationName)

  await pushEvents(page, 'l2', [{ type: 'tool.started', toolCallId: 'dots-1', toolKind: 'execute', title: 'npm test', command: 'npm test' }])
  await expect(lane.locator('.t-tool').last()).toContainText('npm test')
  await expect.poll(animation).toBe('pulse')

  await pushEvents(page, 'l2', [
    { type: 'tool.completed', toolCallId: 'dots-1', status: 'completed', output: 'ok', exitCode: 0 },
    { type: 'text.delta', text: 'All tests pass, STREAMING-NOW' },
  ])
  await expect(lane.locator('.t-message').last()).toContainText('STREAMING-NOW')
  await expect(lane.locator('.working-dots')).toHaveClass(/still/)
  await expect.poll(animation).toBe('none')
})
