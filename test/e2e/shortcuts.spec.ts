import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'
import type { Locator, Page } from '@playwright/test'

/** Whether keyboard focus is inside this lane's terminal. */
function terminalFocused(page: Page, lane: Locator): Promise<boolean> {
  return lane.evaluate((el) => el.querySelector('.xterm')!.contains(document.activeElement))
}

test('Ctrl+1/2 focus lanes, Ctrl+Shift+W closes the focused one (asking, its shell runs), Ctrl+Shift+T opens the new lane dialog', async ({
  page,
  server,
  workspaceDir,
}) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const first = await newLane(page, { title: 'one' })
  const second = await newLane(page, { title: 'two' })
  await waitForOutput(first)
  await waitForOutput(second)

  // A new lane takes the focus.
  await expect(second).toHaveClass(/focused/)
  await expect.poll(() => terminalFocused(page, second)).toBe(true)

  await page.keyboard.press('Control+1')
  await expect(first).toHaveClass(/focused/)
  await expect(second).not.toHaveClass(/focused/)
  await expect.poll(() => terminalFocused(page, first)).toBe(true)
  // Typing now goes to lane 1.
  await page.keyboard.type('echo one-$((40+2))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(first)).includes('one-42')).toBe(true)

  await page.keyboard.press('Control+2')
  await expect(second).toHaveClass(/focused/)
  await expect.poll(() => terminalFocused(page, second)).toBe(true)
  await page.keyboard.type('echo two-$((40+3))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(second)).includes('two-43')).toBe(true)
  expect((await terminalLines(first)).includes('two-43')).toBe(false)

  // Ctrl+9 with no ninth lane does nothing.
  await page.keyboard.press('Control+9')
  await expect(second).toHaveClass(/focused/)

  // Ctrl+Shift+T opens the dialog even from inside a terminal (xterm does not eat it); Escape closes it.
  await page.keyboard.press('Control+Shift+T')
  await expect(page.getByRole('dialog')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toBeHidden()

  // Ctrl+Shift+W closes the focused lane (two), asking first since its shell runs; one remains and gets the focus.
  await page.keyboard.press('Control+2')
  await page.keyboard.press('Control+Shift+W')
  const ask = page.getByRole('dialog', { name: 'Close lane “two”' })
  await expect(ask).toContainText('Its shell is still running')
  await ask.getByRole('button', { name: 'Close lane', exact: true }).click()
  await expect(ask).toBeHidden()
  await expect(page.locator('.lane')).toHaveCount(1)
  await expect(page.locator('.lane .lane-title')).toHaveText('one')
  await expect(first).toHaveClass(/focused/)
  await expect.poll(() => terminalFocused(page, first)).toBe(true)

  // The shell never saw the shortcuts as input: ^W / ^T would have edited the line.
  await page.keyboard.type('echo still-$((1+1))')
  await page.keyboard.press('Control+1')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(first)).includes('still-2')).toBe(true)

  // And the server agrees: the lane left the columns for the archive.
  await page.reload()
  await expect(page.locator('.lane')).toHaveCount(1)
  await expect(page.getByRole('region', { name: 'Archived lanes' })).toContainText('two')
})
