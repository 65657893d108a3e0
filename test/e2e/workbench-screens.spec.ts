import { expect, test } from './fixtures'
import { installMockBridge, pushEvents } from './mock-bridge'
import { twelveLanes } from './twelve-lanes'

/**
 * Twelve lanes in three workspaces at the two window sizes users work at: the navigator lists every
 * lane, the inbox what needs the user. Screenshots go to the test output (and SCREENS_DIR if set).
 */

for (const [width, height] of [
  [1600, 1000],
  [1000, 700],
] as const) {
  test(`12 lanes at ${width}×${height}: every lane in the navigator, the waiting one in the inbox`, async ({ page, server }) => {
    await page.setViewportSize({ width, height })
    await installMockBridge(page, twelveLanes())
    await page.goto(server.url)
    await expect(page.locator('.nav-lane')).toHaveCount(12)
    await expect(page.locator('.attention-item')).toHaveCount(2) // the waiting lane and the failed one
    await expect(page).toHaveTitle('(2) Switchyard')
    // Nothing in the sidebar is wider than the sidebar.
    const overflow = await page.locator('.sidebar').evaluate((el) => el.scrollWidth - el.clientWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    // The request arrives live (as it would while the window is open): the inbox can answer it in place.
    await pushEvents(page, 'l12', [{ type: 'approval.requested', requestId: 'req', toolCallId: 'run', title: 'Run `npm test`?', options: [{ id: 'allow', label: 'Allow once', kind: 'allow_once' }, { id: 'reject', label: 'Reject', kind: 'reject_once' }] }])
    await expect(page.getByRole('group', { name: 'Answer: Run `npm test`?' })).toBeVisible()
    expect(await page.locator('.sidebar').evaluate((el) => el.scrollWidth - el.clientWidth)).toBeLessThanOrEqual(0)
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme })
      await expect(page.locator('html')).toHaveAttribute('data-theme', scheme)
      const shot = `workbench-12-lanes-${width}x${height}-${scheme}.png`
      await page.screenshot({ path: test.info().outputPath(shot) })
      if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/${shot}` })
    }
  })
}
