import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'
import type { Locator } from '@playwright/test'

const shows = async (lane: Locator, line: string) => (await terminalLines(lane)).some((l) => l.trimEnd() === line)

test('Ctrl+W, Ctrl+K and Ctrl+T in a focused terminal reach the shell; the lane stays open', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { title: 'keys' })
  await waitForOutput(lane)

  // Ctrl+W deletes the word before the cursor (readline's unix-word-rubout) instead of closing the lane.
  await page.keyboard.type('echo keep gone')
  await page.keyboard.press('Control+w')
  await page.keyboard.type('kept')
  await page.keyboard.press('Enter')
  await expect.poll(() => shows(lane, 'keep kept')).toBe(true)
  expect(await shows(lane, 'keep gonekept')).toBe(false)

  // Ctrl+K kills to the end of the line instead of opening the palette.
  await page.keyboard.type('echo aa bb')
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('ArrowLeft')
  await page.keyboard.press('Control+k')
  await page.keyboard.type('cc')
  await page.keyboard.press('Enter')
  await expect.poll(() => shows(lane, 'aa cc')).toBe(true)
  await expect(page.getByRole('dialog')).toHaveCount(0)

  // Ctrl+T transposes the two characters before the cursor instead of opening the new-lane dialog.
  await page.keyboard.type('echo xy')
  await page.keyboard.press('Control+t')
  await page.keyboard.press('Enter')
  await expect.poll(() => shows(lane, 'yx')).toBe(true)
  await expect(page.getByRole('dialog')).toHaveCount(0)
  await expect(page.locator('.lane')).toHaveCount(1)

  // The lane keys take Shift there, as the menus and the palette show.
  await page.keyboard.press('Control+Shift+K')
  await expect(page.getByRole('dialog')).toBeVisible()
  await expect(page.getByRole('dialog')).toContainText('Ctrl+Shift+W')
  await page.keyboard.press('Escape')
})

test('a closed terminal lane is kept: the archive and history search find it, and it reopens with its output', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { title: 'keepme' })
  await waitForOutput(lane)
  await page.keyboard.type('echo marker-$((6*7))')
  await page.keyboard.press('Enter')
  await expect.poll(() => shows(lane, 'marker-42')).toBe(true)

  // Its shell runs, so closing asks; Cancel keeps it.
  await lane.getByRole('button', { name: /^Close lane/ }).click()
  const ask = page.getByRole('dialog', { name: 'Close lane “keepme”' })
  await expect(ask).toContainText('Its shell is still running')
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(page.locator('.lane')).toHaveCount(1)
  await lane.getByRole('button', { name: /^Close lane/ }).click()
  await ask.getByRole('button', { name: 'Close lane', exact: true }).click()
  await expect(page.locator('.lane')).toHaveCount(0)

  // Still there after a reload: in Archived, and history search finds its output.
  await page.reload()
  const archived = page.getByRole('region', { name: 'Archived lanes' })
  await expect(archived).toContainText('keepme')
  await page.getByLabel('Search history').fill('marker-42')
  const hit = page.getByRole('listbox', { name: 'Search results' }).getByRole('option').filter({ hasText: 'keepme' }).first()
  await expect(hit).toBeVisible({ timeout: 10_000 })
  await hit.click()
  await page.getByRole('alertdialog', { name: 'Restore archived lane' }).getByRole('button', { name: 'Restore and open' }).click()
  await expect(page.locator('.lane')).toHaveCount(1)
  const reopened = page.locator('.lane').first()
  await expect(reopened.locator('.lane-title')).toHaveText('keepme')
  await expect.poll(() => shows(reopened, 'marker-42'), { timeout: 15_000 }).toBe(true)
})
