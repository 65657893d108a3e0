import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'

test('reloading the page shows the lanes and their earlier output again', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const first = await newLane(page, { title: 'alpha' })
  const second = await newLane(page, { title: 'beta' })
  await waitForOutput(first)
  await waitForOutput(second)

  await first.locator('.xterm').click()
  await page.keyboard.type('echo alpha-$((6*7))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(first)).includes('alpha-42')).toBe(true)
  await second.locator('.xterm').click()
  await page.keyboard.type('echo beta-$((6*8))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(second)).includes('beta-48')).toBe(true)

  await page.reload()

  const lanes = page.locator('.lane')
  await expect(lanes).toHaveCount(2)
  await expect(lanes.locator('.lane-title')).toHaveText(['alpha', 'beta'])
  await expect(page.locator('.workspace')).toHaveCount(1)
  // The transcript replays into each terminal, once, in its own lane.
  await expect.poll(async () => (await terminalLines(lanes.nth(0))).includes('alpha-42')).toBe(true)
  await expect.poll(async () => (await terminalLines(lanes.nth(1))).includes('beta-48')).toBe(true)
  const alpha = await terminalLines(lanes.nth(0))
  expect(alpha.filter((l) => l === 'alpha-42')).toHaveLength(1)
  expect(alpha.includes('beta-48')).toBe(false)

  // The lane still works after the reload.
  await lanes.nth(0).locator('.xterm').click()
  await page.keyboard.type('echo again-$((2+2))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(lanes.nth(0))).includes('again-4')).toBe(true)
})
