import { expect, test } from './fixtures'
import { installMockBridge } from './mock-bridge'
import { twelveLanes } from './twelve-lanes'

/** Column layout: drag, keys and double-click on a column's edge; one lane maximised; both survive a reload. */

test('columns resize by drag and by keys, reset by double-click; a maximised lane fills the area; the layout survives a reload', async ({ page, server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await installMockBridge(page, twelveLanes({ quiet: true }))
  await page.goto(server.url)
  const first = page.locator('.lane[data-lane-id="l1"]')
  const second = page.locator('.lane[data-lane-id="l2"]')
  await expect(first).toBeVisible()
  const width = async (lane = first) => (await lane.boundingBox())!.width
  const start = await width()

  // Drag the right edge 200 px.
  const handle = first.getByRole('separator', { name: /Resize lane/ })
  const box = (await handle.boundingBox())!
  await page.mouse.move(box.x + box.width / 2, box.y + 300)
  await page.mouse.down()
  await page.mouse.move(box.x + box.width / 2 + 100, box.y + 300, { steps: 4 })
  await page.mouse.move(box.x + box.width / 2 + 200, box.y + 300, { steps: 4 })
  await page.mouse.up()
  await expect.poll(() => width()).toBeGreaterThan(start + 190)
  const dragged = await width()
  expect(dragged).toBeLessThan(start + 210)

  // Keys: → widens by 32.
  await handle.focus()
  await page.keyboard.press('ArrowRight')
  await expect.poll(() => width()).toBeCloseTo(dragged + 32, 0)
  const sized = await width()

  // A reload keeps it.
  await page.reload()
  await expect(first).toBeVisible()
  await expect.poll(() => width()).toBeCloseTo(sized, 0)

  // Double-click resets it to sharing the space.
  await first.getByRole('separator').dblclick()
  await expect.poll(() => width()).toBeCloseTo(start, 0)

  // Maximise lane 2: it alone fills the lanes area; the others stay mounted, hidden.
  const area = (await page.locator('.lanes').boundingBox())!
  await second.getByRole('button', { name: /Maximise lane/ }).click()
  await expect(first).toBeHidden()
  await expect.poll(() => width(second)).toBeGreaterThan(area.width - 4)
  await expect(page.locator('.lane')).toHaveCount(12)
  await page.reload()
  await expect(second).toBeVisible()
  await expect(first).toBeHidden()
  await expect.poll(() => width(second)).toBeGreaterThan(area.width - 4)

  // Going to another lane takes the maximised view with it; the key restores the columns.
  await page.locator('.nav-lane[data-nav-lane-id="l3"]').click()
  await expect(page.locator('.lane[data-lane-id="l3"]')).toHaveClass(/maximized/)
  await expect(second).toBeHidden()
  await page.keyboard.press('Control+Shift+Enter')
  await expect(first).toBeVisible()
  await expect(second).toBeVisible()
  await expect(page.locator('.lane.maximized')).toHaveCount(0)
})
