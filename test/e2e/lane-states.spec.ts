import { addWorkspace, expect, newLane, rpc, terminalLines, test, waitForOutput } from './fixtures'

test('a failed lane shows why, with its last lines, and restarts', async ({ page, server, workspaceDir }) => {
  await rpc(server, 'profiles.create', {
    kind: 'terminal',
    name: 'Flaky',
    command: '/bin/sh',
    args: ['-c', 'echo starting up; echo "config missing" >&2; sleep 0.3; exit 3'],
  })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { profile: 'Flaky' })

  await expect(lane.locator('.badge')).toHaveText('failed')
  const panel = lane.locator('.exit-panel')
  await expect(panel).toContainText('Failed')
  await expect(panel).toContainText(/code 3/)
  await expect(panel.locator('.exit-lines')).toContainText('config missing')
  await expect.poll(async () => (await terminalLines(lane)).includes('starting up')).toBe(true)

  await panel.getByRole('button', { name: 'Restart' }).click()
  // It runs again (and fails again the same way): the output shows twice now.
  await expect.poll(async () => (await terminalLines(lane)).filter((l) => l === 'starting up').length).toBe(2)
  await expect(lane.locator('.badge')).toHaveText('failed')
})

test('Stop ends a lane; it offers Restart, which brings a fresh shell', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page)
  await waitForOutput(lane)
  await lane.getByRole('button', { name: 'Stop' }).click()
  await expect(lane.locator('.badge')).toHaveText('exited')
  await expect(lane.getByRole('button', { name: 'Stop' })).toHaveCount(0)
  await lane.locator('.exit-panel').getByRole('button', { name: 'Restart' }).click()
  await expect(lane.locator('.badge')).toHaveText('ready')
  await expect(lane.locator('.exit-panel')).toHaveCount(0)
  await lane.locator('.xterm').click()
  await page.keyboard.type('echo back-$((1+2))')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(lane)).includes('back-3')).toBe(true)
})

test('an idle lane goes to sleep, says so, and typing wakes it', async ({ page, server, workspaceDir }) => {
  test.setTimeout(60_000) // the reaper looks every few seconds
  await rpc(server, 'profiles.create', { kind: 'terminal', name: 'Sleepy', idleTimeoutMs: 1500 })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { profile: 'Sleepy' })
  await waitForOutput(lane)

  await expect(lane.locator('.badge')).toHaveText('sleeping', { timeout: 20_000 })
  await expect(lane.locator('.lane-hint')).toHaveText('sleeping — type to wake')

  await lane.locator('.xterm').click()
  await page.keyboard.type('echo awake-$((3*3))')
  await page.keyboard.press('Enter')
  await expect(lane.locator('.badge')).not.toHaveText('sleeping')
  await expect(lane.locator('.lane-hint')).toHaveCount(0)
  await expect.poll(async () => (await terminalLines(lane)).includes('awake-9')).toBe(true)
})
