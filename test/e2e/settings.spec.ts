import { statSync } from 'node:fs'
import path from 'node:path'
import type { Page } from '@playwright/test'
import { expect, rpc, test } from './fixtures'

const DARK_BG = 'rgb(11, 13, 16)'
const LIGHT_BG = 'rgb(238, 240, 243)'

const bodyBackground = (page: Page) => page.evaluate(() => getComputedStyle(document.body).backgroundColor)
const settingsDialog = (page: Page) => page.getByRole('dialog', { name: 'Settings' })

test('theme: light and dark change the page\'s colours; system follows the OS, live', async ({ page, server }) => {
  await page.emulateMedia({ colorScheme: 'dark' })
  await page.goto(server.url)
  await expect(page.locator('.sidebar-foot')).toContainText('server')
  // The default is "system": the OS says dark here.
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
  expect(await bodyBackground(page)).toBe(DARK_BG)

  await page.getByRole('button', { name: 'Settings' }).click()
  const dialog = settingsDialog(page)
  await expect(dialog).toBeVisible()
  await expect(dialog.getByRole('radio', { name: 'System' })).toHaveAttribute('aria-checked', 'true')
  await page.screenshot({ path: test.info().outputPath('settings-dark.png') })

  await dialog.getByRole('radio', { name: 'Light' }).click()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  await expect.poll(() => bodyBackground(page)).toBe(LIGHT_BG)
  // Dialog and text colours follow, not only the page behind.
  const dialogBg = await dialog.evaluate((el) => getComputedStyle(el).backgroundColor)
  expect(dialogBg).toBe('rgb(255, 255, 255)')
  await page.screenshot({ path: test.info().outputPath('settings-light.png') })
  await expect.poll(async () => (await rpc(server, 'settings.get', {})).theme).toBe('light')

  await dialog.getByRole('radio', { name: 'Dark' }).click()
  await expect.poll(() => bodyBackground(page)).toBe(DARK_BG)

  // System: follows the OS, and its changes while open.
  await dialog.getByRole('radio', { name: 'System' }).click()
  await expect.poll(() => bodyBackground(page)).toBe(DARK_BG)
  await page.emulateMedia({ colorScheme: 'light' })
  await expect.poll(() => bodyBackground(page)).toBe(LIGHT_BG)
  await page.emulateMedia({ colorScheme: 'dark' })
  await expect.poll(() => bodyBackground(page)).toBe(DARK_BG)

  // A chosen theme is kept across a reload (and applies even with the OS saying otherwise).
  await dialog.getByRole('radio', { name: 'Light' }).click()
  await expect.poll(async () => (await rpc(server, 'settings.get', {})).theme).toBe('light')
  await page.reload()
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
  expect(await bodyBackground(page)).toBe(LIGHT_BG)
})

test('process limit and toggles persist after a reload; a bad limit is refused', async ({ page, server }) => {
  await page.goto(server.url)
  await expect(page.locator('.sidebar-foot')).toContainText('server')
  // Ctrl+, opens the settings too.
  await page.keyboard.press('Control+,')
  const dialog = settingsDialog(page)
  await expect(dialog).toBeVisible()
  const limit = dialog.getByLabel('Process limit')
  await expect(limit).toHaveValue('12')

  await limit.fill('0')
  await limit.press('Enter')
  await expect(dialog.getByRole('alert')).toHaveText('From 1 to 512')
  await expect(limit).toHaveAttribute('aria-invalid', 'true')
  expect((await rpc(server, 'settings.get', {})).maxProcesses).toBe(12)

  await limit.fill('3')
  await limit.press('Enter')
  await expect(dialog.getByRole('status')).toHaveText('Saved')
  await expect.poll(async () => (await rpc(server, 'settings.get', {})).maxProcesses).toBe(3)

  // The memory budget: what running lanes use is measured and shown; the budget is saved.
  const budget = dialog.getByLabel('Memory budget (MB)')
  await expect(budget).toHaveValue('0')
  await expect(dialog.getByTestId('lane-memory')).toHaveText(/^Running lanes use \d+ MB \(\d+ lanes?\)\.$/)
  await budget.fill('2048')
  await budget.press('Enter')
  await expect.poll(async () => (await rpc(server, 'settings.get', {})).memoryBudgetMb).toBe(2048)
  expect((await rpc(server, 'lanes.memory', {})).budgetBytes).toBe(2048 * 1024 * 1024)

  const notifications = dialog.getByRole('switch', { name: /Notifications/ })
  await expect(notifications).toBeChecked()
  await notifications.click()
  await expect(notifications).not.toBeChecked()
  await expect.poll(async () => (await rpc(server, 'settings.get', {})).notifications).toBe(false)
  // In server mode the desktop-only settings say so.
  await expect(dialog.getByRole('switch', { name: /Keep running in the tray/ })).toBeChecked()
  await expect(dialog).toContainText('Applies to the desktop app')

  await page.reload()
  await page.getByRole('button', { name: 'Settings' }).click()
  await expect(settingsDialog(page).getByLabel('Process limit')).toHaveValue('3')
  await expect(settingsDialog(page).getByLabel('Memory budget (MB)')).toHaveValue('2048')
  await expect(settingsDialog(page).getByRole('switch', { name: /Notifications/ })).not.toBeChecked()
  // "Open profiles" goes to the profiles.
  await settingsDialog(page).getByRole('button', { name: 'Open profiles' }).click()
  await expect(settingsDialog(page)).toBeHidden()
  await expect(page.getByRole('dialog', { name: 'Profiles' })).toBeVisible()
})

test('secrets show set / not set and never reveal a value, in the page or in any answer', async ({ page, server }) => {
  const VALUE = 'sk-test-Very-Secret-Value-7e1f93'
  const received: string[] = []
  page.on('websocket', (ws) => ws.on('framereceived', (f) => received.push(String(f.payload))))
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  await expect(panel.getByRole('note').filter({ hasText: 'Server mode' })).toHaveText(
    `Server mode keeps secrets in ${path.join(server.dataDir, 'secrets.json')} (readable only by you).`,
  )

  // Codex's preset takes OPENAI_API_KEY: shown as a row to fill, not set.
  const codex = panel.getByRole('group', { name: 'Profile Codex', exact: true })
  const secrets = codex.getByRole('group', { name: 'Secrets of Codex', exact: true })
  const row = secrets.locator('[data-secret="OPENAI_API_KEY"]')
  await expect(row).toContainText('not set', { timeout: 15_000 })

  await row.getByRole('button', { name: 'Set OPENAI_API_KEY' }).click()
  const input = row.getByLabel('Value of OPENAI_API_KEY')
  await expect(input).toBeFocused()
  await expect(input).toHaveAttribute('type', 'password')
  await input.fill(VALUE)
  await input.press('Enter')
  await expect(row.locator('.secret-state')).toHaveText('set')
  await expect(row.getByLabel('Value of OPENAI_API_KEY')).toHaveCount(0)
  await page.screenshot({ path: test.info().outputPath('profiles-secrets.png') })

  // A secret of one's own, by name.
  await secrets.getByRole('button', { name: '+ Add secret' }).click()
  const form = secrets.getByRole('form', { name: 'New secret' })
  await form.getByLabel('Secret name').fill('9BAD')
  await expect(form).toContainText('Letters, digits and _')
  await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled()
  await form.getByLabel('Secret name').fill('GITHUB_TOKEN')
  await form.getByLabel('Secret value').fill(`${VALUE}-2`)
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(secrets.locator('[data-secret="GITHUB_TOKEN"] .secret-state')).toHaveText('set')

  expect(await rpc(server, 'secrets.list', { profileId: 'codex' })).toEqual(
    expect.arrayContaining([
      { name: 'OPENAI_API_KEY', set: true },
      { name: 'GITHUB_TOKEN', set: true },
    ]),
  )
  // Kept where the note says, readable only by the user.
  expect(statSync(path.join(server.dataDir, 'secrets.json')).mode & 0o777).toBe(0o600)

  // After a reload the rows still say "set"; the value is nowhere in the page or in what the server sent.
  await page.reload()
  await page.getByRole('button', { name: 'Profiles' }).click()
  const again = page.getByRole('dialog', { name: 'Profiles' }).getByRole('group', { name: 'Secrets of Codex', exact: true })
  await expect(again.locator('[data-secret="OPENAI_API_KEY"] .secret-state')).toHaveText('set')
  expect(await page.content()).not.toContain(VALUE)
  expect(await page.evaluate(() => [...document.querySelectorAll('input')].map((i) => i.value).join('\n'))).not.toContain(VALUE)
  expect(received.length).toBeGreaterThan(0)
  expect(received.filter((f) => f.includes('Very-Secret'))).toEqual([])

  // Remove: back to "not set" for the known name; the custom one disappears.
  await again.getByRole('button', { name: 'Remove OPENAI_API_KEY' }).click()
  await expect(again.locator('[data-secret="OPENAI_API_KEY"] .secret-state')).toHaveText('not set')
  await again.getByRole('button', { name: 'Remove GITHUB_TOKEN' }).click()
  await expect(again.locator('[data-secret="GITHUB_TOKEN"]')).toHaveCount(0)
  expect(await rpc(server, 'secrets.list', { profileId: 'codex' })).toEqual([])
})

test('a profile\'s command, arguments and environment are edited in place', async ({ page, server }) => {
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  const shell = panel.getByRole('group', { name: 'Profile Shell', exact: true })
  await shell.getByRole('button', { name: 'Edit Shell' }).click()
  const form = shell.getByRole('form', { name: 'Edit Shell' })
  await form.getByLabel(/^Command/).fill('/bin/bash')
  await form.getByLabel(/^Arguments/).fill(`--noprofile -c 'echo "hi there"'`)
  await form.getByLabel(/^Environment/).fill('GREETING=hello world\nbad line')
  await expect(form.getByRole('alert')).toHaveText('Line 2: expected NAME=value')
  await expect(form.getByRole('button', { name: 'Save' })).toBeDisabled()
  await form.getByLabel(/^Environment/).fill('GREETING=hello world\n# a comment\nEMPTY=')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(form).toBeHidden()
  await expect(shell.locator('.profile-command')).toHaveText(`/bin/bash --noprofile -c 'echo "hi there"'`)
  expect((await rpc(server, 'profiles.list', {})).find((p) => p.id === 'shell')).toMatchObject({
    command: '/bin/bash',
    args: ['--noprofile', '-c', 'echo "hi there"'],
    env: { GREETING: 'hello world', EMPTY: '' },
  })
  // Reopened, the editor shows what was saved.
  await shell.getByRole('button', { name: 'Edit Shell' }).click()
  await expect(shell.getByRole('form', { name: 'Edit Shell' }).getByLabel(/^Environment/)).toHaveValue('GREETING=hello world\nEMPTY=')
})
