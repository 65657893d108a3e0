import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'
import type { Locator, Page } from '@playwright/test'

/** Runs `stty size` in the lane and returns what the pty says: [rows, cols]. */
async function ptySize(page: Page, lane: Locator, tag: string): Promise<[number, number]> {
  await lane.locator('.xterm').click()
  await page.keyboard.type(`echo ${tag} $(stty size)`)
  await page.keyboard.press('Enter')
  let found: [number, number] | undefined
  await expect
    .poll(async () => {
      for (const line of await terminalLines(lane)) {
        const m = new RegExp(`^${tag} (\\d+) (\\d+)$`).exec(line)
        if (m) found = [Number(m[1]), Number(m[2])]
      }
      return found !== undefined
    })
    .toBe(true)
  return found!
}

test('the pty follows its column: fitted on open, resized when the column narrows', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const first = await newLane(page)
  await waitForOutput(first)
  const rowsShown = await first.locator('.xterm-rows > div').count()
  await expect.poll(async () => (await ptySize(page, first, `a${Date.now()}`))[0]).toBe(rowsShown)
  const [, wide] = await ptySize(page, first, 'wide')

  // A second lane halves the first column; the pty gets fewer columns.
  const second = await newLane(page)
  await waitForOutput(second)
  await expect.poll(async () => (await ptySize(page, first, `n${Date.now()}`))[1]).toBeLessThan(wide * 0.7)
  const [, narrow] = await ptySize(page, first, 'narrow')
  expect(narrow).toBeGreaterThan(30)
})

test('many lanes scroll sideways, each keeping its minimum width', async ({ page, server, workspaceDir }) => {
  await page.setViewportSize({ width: 1200, height: 700 })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  for (let i = 0; i < 4; i++) await newLane(page, { title: `lane ${i + 1}` })
  const boxes = await page.locator('.lane').evaluateAll((els) => els.map((e) => e.getBoundingClientRect().width))
  for (const w of boxes) expect(w).toBeGreaterThanOrEqual(359.5)
  const area = page.locator('.lanes')
  expect(await area.evaluate((el) => el.scrollWidth > el.clientWidth)).toBe(true)
  // Ctrl+4 brings the last lane into view.
  await page.keyboard.press('Control+4')
  await expect(page.locator('.lane').nth(3)).toHaveClass(/focused/)
  await expect(page.locator('.lane').nth(3)).toBeInViewport({ ratio: 0.95 })
  await page.screenshot({ path: '/tmp/switchyard-e2e-many.png' })
})
