import type { Locator, Page } from '@playwright/test'
import type { AppCommand } from '../../src/shared/contract'
import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'
import { emitStream, installMockBridge, mockLane, mockProfile, type MockWorld } from './mock-bridge'

/** Whether keyboard focus is inside this lane's terminal. */
function terminalFocused(lane: Locator): Promise<boolean> {
  return lane.evaluate((el) => el.querySelector('.xterm')!.contains(document.activeElement))
}

const palette = (page: Page) => page.getByRole('dialog', { name: 'Command palette' })

test('Ctrl+K opens the palette over a terminal; it filters, and runs "New lane" and a focus action by keyboard', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const alpha = await newLane(page, { title: 'alpha' })
  await waitForOutput(alpha)
  await expect.poll(() => terminalFocused(alpha)).toBe(true)

  // Half a command line in the shell: if the terminal saw Ctrl+K (readline: kill to end of line), "abc" would go.
  await page.keyboard.type('echo kept-abc')
  for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft')

  await page.keyboard.press('Control+k')
  await expect(palette(page)).toBeVisible()
  const search = palette(page).getByRole('combobox', { name: 'Search actions' })
  await expect(search).toBeFocused()
  // Every action with its shortcut; the focused lane's own actions come first.
  await expect(palette(page).getByRole('option', { name: /New lane/ })).toContainText('Ctrl+T')
  await expect(palette(page).getByRole('option', { name: /Close alpha/ })).toContainText('Ctrl+W')
  await expect(palette(page).getByRole('option', { name: /Focus lane 1: alpha/ })).toContainText('Ctrl+1')
  await expect(palette(page).getByRole('option', { name: /Open settings/ })).toContainText('Ctrl+,')
  await page.screenshot({ path: test.info().outputPath('palette.png') })

  // Esc closes it and the terminal has the keyboard again, its line intact.
  await page.keyboard.press('Escape')
  await expect(palette(page)).toBeHidden()
  await expect.poll(() => terminalFocused(alpha)).toBe(true)
  await page.keyboard.press('End')
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(alpha)).includes('kept-abc')).toBe(true)

  // Filter: "new lane" puts New lane first, selected; Enter runs it.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('new lane')
  const options = palette(page).getByRole('option')
  await expect(options.first()).toContainText('New lane…')
  await expect(options.first()).toHaveAttribute('aria-selected', 'true')
  await expect(options.first().locator('mark')).not.toHaveCount(0)
  await page.keyboard.press('Enter')
  await expect(palette(page)).toBeHidden()
  const dialog = page.getByRole('dialog')
  await expect(dialog.getByRole('button', { name: 'Create lane' })).toBeVisible()
  await dialog.getByLabel(/Title/).fill('beta')
  await dialog.getByRole('button', { name: 'Create lane' }).click()
  await expect(page.locator('.lane')).toHaveCount(2)
  const beta = page.locator('.lane').nth(1)
  await expect(beta).toHaveClass(/focused/)
  await waitForOutput(beta)

  // Nothing matches: says so; Enter does nothing.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('zzzqqq')
  await expect(palette(page)).toContainText('No action matches “zzzqqq”')
  await page.keyboard.press('Enter')
  await expect(palette(page)).toBeVisible()

  // ↑/↓ move through the matches (wrapping); Enter focuses that lane.
  await search.fill('focus lane')
  await expect(options).toHaveCount(2)
  await expect(options.nth(0)).toContainText('Focus lane 1: alpha')
  await expect(options.nth(1)).toContainText('Focus lane 2: beta')
  await page.keyboard.press('ArrowDown')
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowDown')
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowUp')
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true')
  await page.keyboard.press('ArrowUp')
  await page.keyboard.press('Enter')
  await expect(palette(page)).toBeHidden()
  await expect(alpha).toHaveClass(/focused/)
  await expect(beta).not.toHaveClass(/focused/)
  await expect.poll(() => terminalFocused(alpha)).toBe(true)

  // A lane is found by its title alone, too; Ctrl+K again closes the palette.
  await page.keyboard.press('Control+k')
  await page.keyboard.type('beta')
  await expect(options.first()).toContainText('Focus lane 2: beta')
  await page.keyboard.press('Control+k')
  await expect(palette(page)).toBeHidden()
})

test('palette: theme toggle and settings; a click outside closes it', async ({ page, server }) => {
  await page.goto(server.url)
  await expect(page.locator('.sidebar-foot')).toContainText('server')
  await page.keyboard.press('Control+k')
  await expect(palette(page)).toBeVisible()
  const before = await page.evaluate(() => document.documentElement.dataset.theme)
  const other = before === 'dark' ? 'light' : 'dark'
  await page.keyboard.type('toggle theme')
  await expect(palette(page).getByRole('option').first()).toContainText(`switch to ${other}`)
  await page.keyboard.press('Enter')
  await expect(page.locator('html')).toHaveAttribute('data-theme', other)
  await expect(page.locator('html')).toHaveAttribute('data-theme-setting', other)

  await page.keyboard.press('Control+k')
  await page.keyboard.type('settings')
  await page.keyboard.press('Enter')
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
  await expect(page.getByRole('radio', { name: other === 'light' ? 'Light' : 'Dark' })).toHaveAttribute('aria-checked', 'true')
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeHidden()

  await page.keyboard.press('Control+k')
  await expect(palette(page)).toBeVisible()
  await page.mouse.click(20, 400)
  await expect(palette(page)).toBeHidden()
})

test('requests from main (menus, tray, notifications) arrive on app.commands and are carried out', async ({ page, server }) => {
  const world: MockWorld = {
    workspaces: [{ id: 'ws', name: 'project', path: '/home/me/project', addedAt: 1 }],
    profiles: [mockProfile({ id: 'codex', name: 'Codex', kind: 'codex' })],
    lanes: [
      mockLane({ id: 'one', kind: 'codex', profileId: 'codex', title: 'one', createdAt: 1 }),
      mockLane({ id: 'two', kind: 'codex', profileId: 'codex', title: 'two', createdAt: 2 }),
    ],
    transcripts: {},
  }
  await installMockBridge(page, world)
  await page.goto(server.url)
  const one = page.locator('.lane[data-lane-id="one"]')
  const two = page.locator('.lane[data-lane-id="two"]')
  await expect(two).toBeVisible()
  const command = (c: AppCommand) => emitStream(page, 'app.commands', c)

  // A notification's click: that lane gets the focus (its composer, the keyboard).
  await command({ type: 'focusLane', laneId: 'two' })
  await expect(two).toHaveClass(/focused/)
  await expect(two.getByRole('textbox', { name: 'Message' })).toBeFocused()
  await command({ type: 'focusLane', laneId: 'one' })
  await expect(one).toHaveClass(/focused/)
  await expect(one.getByRole('textbox', { name: 'Message' })).toBeFocused()

  await command({ type: 'openPalette' })
  await expect(palette(page)).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(palette(page)).toBeHidden()

  await command({ type: 'openSettings' })
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog', { name: 'Settings' })).toBeHidden()

  await command({ type: 'newLane' })
  await expect(page.getByRole('dialog').getByRole('button', { name: 'Create lane' })).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(page.getByRole('dialog')).toHaveCount(0)

  // A folder added from the menu's dialog or a second launch: listed, and where the next lane goes
  // (the columns stay as they were: the sidebar's highlight is the workspace filter).
  await command({ type: 'workspaceAdded', workspace: { id: 'ws2', name: 'other', path: '/home/me/other', addedAt: 2 } })
  await expect(page.locator('.workspace[data-workspace-id="ws2"] .workspace-name-text')).toHaveText('other')
  await command({ type: 'newLane' })
  await expect(page.getByRole('dialog').getByLabel('Workspace')).toHaveValue('ws2')
  await page.keyboard.press('Escape')

  // The menu's "Close lane" closes the focused one.
  await command({ type: 'focusLane', laneId: 'two' })
  await expect(two).toHaveClass(/focused/)
  await command({ type: 'closeLane' })
  await expect(page.locator('.lane')).toHaveCount(1)
  await expect(one).toHaveClass(/focused/)
})
