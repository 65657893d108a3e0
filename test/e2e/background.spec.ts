import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { addWorkspace, expect, newLane, rpc, test, waitForOutput } from './fixtures'

/** The scripted ACP agent: answers a prompt with `ECHO: <prompt>`. */
const FAKE_ACP = fileURLToPath(new URL('../support/fake-agents/acp-agent.mjs', import.meta.url))

test('?view=background: the tray\'s small form starts a background lane, then the window closes', async ({ page, server, workspaceDir }) => {
  test.skip(!existsSync(FAKE_ACP), `${FAKE_ACP} is missing`)
  await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP] })
  const workspace = await rpc(server, 'workspaces.add', { path: workspaceDir })
  // A window opened for it, as Electron's tray does (a script may close what a script opened).
  await page.goto(server.url)
  const [popup] = await Promise.all([
    page.context().waitForEvent('page'),
    page.evaluate((url) => void window.open(url, 'background', 'popup,width=480,height=440'), `${server.url}&view=background`),
  ])
  const form = popup.getByRole('form', { name: 'New background agent' })
  await expect(form).toBeVisible()
  // Only the form: no sidebar, no lanes.
  await expect(popup.locator('.sidebar')).toHaveCount(0)
  await expect(popup.locator('.lanes')).toHaveCount(0)
  await popup.screenshot({ path: test.info().outputPath('background-view.png') })
  // Shells cannot run a prompt on their own: not offered.
  await expect(form.getByLabel('Profile').locator('option')).not.toContainText(['Shell'])
  await form.getByLabel('Profile').selectOption({ label: 'Fake ACP' })
  await expect(form.getByLabel('Workspace')).toHaveValue(workspace.id)
  await expect(form.getByRole('button', { name: 'Start in background' })).toBeDisabled()
  await form.getByLabel('Prompt').fill('tidy the changelog')

  const closed = popup.waitForEvent('close')
  await form.getByRole('button', { name: 'Start in background' }).click()
  await closed
  // The main window shows the lane, without focusing it.
  await expect(page.locator('.lane')).toHaveCount(1)
  await expect(page.locator('.lane')).not.toHaveClass(/focused/)

  const lane = (await rpc(server, 'lanes.list', {})).find((l) => l.background)
  expect(lane).toMatchObject({ workspaceId: workspace.id, background: true })
  // It runs the prompt to completion without any window, then sleeps.
  await expect
    .poll(
      async () =>
        (await rpc(server, 'lanes.transcript', { laneId: lane!.id })).events
          .map((e) => (e.type === 'text.delta' || e.type === 'message' ? e.text : ''))
          .join(''),
      { timeout: 15_000 },
    )
    .toContain('ECHO: tidy the changelog')
  await expect.poll(async () => (await rpc(server, 'lanes.list', {})).find((l) => l.id === lane!.id)?.status, { timeout: 15_000 }).toBe('sleeping')
})

test('the background form shows errors inline and stays open', async ({ page, server, workspaceDir }) => {
  test.skip(!existsSync(FAKE_ACP), `${FAKE_ACP} is missing`)
  await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP] })
  const workspace = await rpc(server, 'workspaces.add', { path: workspaceDir })
  await page.goto(`${server.url}&view=background`)
  const form = page.getByRole('form', { name: 'New background agent' })
  await form.getByLabel('Prompt').fill('anything')
  // The workspace goes away meanwhile (removed in the main window, say).
  await rpc(server, 'workspaces.remove', { workspaceId: workspace.id })
  await form.getByRole('button', { name: 'Start in background' }).click()
  await expect(form.getByRole('alert')).toContainText(/workspace/i)
  await expect(form).toBeVisible()
  expect(await rpc(server, 'lanes.list', {})).toEqual([])
})

test('"New background agent…" from the palette starts a lane without taking the focus', async ({ page, server, workspaceDir }) => {
  test.skip(!existsSync(FAKE_ACP), `${FAKE_ACP} is missing`)
  test.setTimeout(45_000)
  await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP] })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const shell = await newLane(page, { title: 'work' })
  await waitForOutput(shell)
  await expect(shell).toHaveClass(/focused/)

  await page.keyboard.press('Control+Shift+K')
  await page.keyboard.type('background')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'New background agent' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByLabel('Prompt')).toBeFocused()
  await dialog.getByLabel('Profile').selectOption({ label: 'Fake ACP' })
  await dialog.getByLabel('Prompt').fill('count the files')
  // Ctrl+Enter starts it.
  await dialog.getByLabel('Prompt').press('Control+Enter')
  await expect(dialog).toBeHidden()
  await expect(page.getByRole('status').filter({ hasText: 'started in the background' })).toBeVisible()
  await expect(page.locator('.lane')).toHaveCount(2)
  const background = page.locator('.lane').nth(1)
  await expect(background.locator('.t-message').last()).toContainText('ECHO: count the files', { timeout: 15_000 })
  // The lane the user was in keeps the focus.
  await expect(shell).toHaveClass(/focused/)
  await expect(background).not.toHaveClass(/focused/)
})
