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

test('lanes reorder by dragging in the navigator or Alt+↑/↓, and pin to the front; the order survives a reload', async ({ page, server }) => {
  await page.setViewportSize({ width: 1600, height: 1000 })
  await installMockBridge(page, twelveLanes({ quiet: true }))
  await page.goto(server.url)
  const ids = () => page.locator('.lanes > .lane').evaluateAll((els) => els.map((e) => e.getAttribute('data-lane-id')))
  const row = (id: string) => page.locator(`.nav-lane[data-nav-lane-id="${id}"]`)
  await expect.poll(ids).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6', 'l7', 'l8', 'l9', 'l10', 'l11', 'l12'])

  // Drag "dev server" (l3) onto the first row: it becomes column 1, and Ctrl+1 goes there.
  await row('l3').dragTo(row('l1'))
  await expect.poll(async () => (await ids()).slice(0, 3)).toEqual(['l3', 'l1', 'l2'])
  await expect(row('l3').locator('.nav-lane-num')).toHaveText('1')
  await page.keyboard.press('Control+1')
  await expect(page.locator('.lane[data-lane-id="l3"]')).toHaveClass(/focused/)

  // Alt+↓ on a row: one place down among its workspace's lanes.
  await row('l3').focus()
  await page.keyboard.press('Alt+ArrowDown')
  await expect.poll(async () => (await ids()).slice(0, 3)).toEqual(['l1', 'l3', 'l2'])

  // Pin the last lane from the palette: it leads the columns, marked in the navigator.
  await row('l12').click()
  await page.keyboard.press('Control+k')
  await page.keyboard.type('pin upgrade')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await ids())[0]).toBe('l12')
  await expect(row('l12').getByRole('img', { name: 'pinned' })).toBeVisible()

  await page.reload()
  await expect.poll(async () => (await ids()).slice(0, 4)).toEqual(['l12', 'l1', 'l3', 'l2'])
})
