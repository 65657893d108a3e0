import type { Page } from '@playwright/test'
import { expect, test } from './fixtures'
import { installMockBridge } from './mock-bridge'
import { twelveLanes } from './twelve-lanes'

/**
 * Lanes created by an agent (issue 12) in the navigator: under their parent, indented, naming it, and
 * still reachable; a child whose parent is in another workspace stays in its own group and names it.
 */

const rowIds = (page: Page, group: number) => page.locator('.workspace-group').nth(group).locator('.nav-lane').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset.navLaneId))

test('child lanes sit under their parent and name it; a click on one goes to its column', async ({ page, server }) => {
  const world = twelveLanes({ quiet: true })
  // l1 (api, Codex) fanned out to l10 and l3; l10 in turn made l2; l9 (infra) made l4 in web.
  const parents: Record<string, string> = { l10: 'l1', l3: 'l1', l2: 'l10', l4: 'l9' }
  world.lanes = world.lanes.map((l) => (parents[l.id] ? { ...l, parentLaneId: parents[l.id] } : l))
  await page.setViewportSize({ width: 1600, height: 1000 })
  await installMockBridge(page, world)
  await page.goto(server.url)
  await expect(page.locator('.nav-lane')).toHaveCount(12)

  // api: l1, then its children in column order (l3, l10), l10's child l2 deeper.
  await expect.poll(() => rowIds(page, 0)).toEqual(['l1', 'l3', 'l10', 'l2'])
  const row = (id: string) => page.locator(`.nav-lane[data-nav-lane-id="${id}"]`)
  await expect(row('l3')).toHaveAttribute('data-parent-lane-id', 'l1')
  await expect(row('l3').locator('.nav-lane-parent')).toHaveText('↳ Fix the flaky retry test')
  await expect(row('l2')).toHaveAttribute('aria-label', /created by Document the webhook payloads/)
  const indent = (id: string) => row(id).evaluate((el) => el.getBoundingClientRect().left)
  expect(await indent('l3')).toBeGreaterThan(await indent('l1'))
  expect(await indent('l2')).toBeGreaterThan(await indent('l10'))
  await expect(row('l1').locator('.nav-lane-parent')).toHaveCount(0)

  // A parent in another workspace: the child stays in its own group, top level, and names it.
  await expect(row('l4').locator('.nav-lane-parent')).toHaveText('↳ Rotate the staging certificates')
  expect(await indent('l4')).toBe(await indent('l1'))

  await row('l2').click()
  await expect(page.locator('.lane[data-lane-id="l2"]')).toHaveClass(/focused/)
})
