import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'

test('two terminal lanes side by side; typing runs in the right one', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)

  const first = await newLane(page, { profile: 'Shell', title: 'left' })
  const second = await newLane(page, { profile: 'Shell', title: 'right' })

  // Columns side by side: left/right, same row, not overlapping.
  const a = (await first.boundingBox())!
  const b = (await second.boundingBox())!
  expect(a.width).toBeGreaterThanOrEqual(360)
  expect(b.width).toBeGreaterThanOrEqual(360)
  expect(a.x + a.width).toBeLessThanOrEqual(b.x)
  expect(Math.abs(a.y - b.y)).toBeLessThan(2)

  await expect(first.locator('.badge')).toHaveText('ready')
  await expect(second.locator('.badge')).toHaveText('ready')
  await waitForOutput(first)
  await waitForOutput(second)

  await first.locator('.xterm').click()
  await page.keyboard.type('echo hi')
  await page.keyboard.press('Enter')

  await expect.poll(async () => (await terminalLines(first)).includes('hi')).toBe(true)
  // The command line itself shows too, and nothing reached the other lane.
  expect((await terminalLines(first)).some((l) => l.endsWith('echo hi'))).toBe(true)
  const other = await terminalLines(second)
  expect(other.includes('hi')).toBe(false)
  expect(other.some((l) => l.includes('echo hi'))).toBe(false)

  await page.screenshot({ path: '/tmp/switchyard-e2e.png' })
})
