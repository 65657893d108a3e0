import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { expect, test } from './fixtures'

/**
 * Hosts from the palette and the collapsed sidebar, and the folder browser (server mode has no native
 * folder dialog, as a host has none: both use `fs.listDirs`).
 */
test('the palette offers Hosts… and Add host…; the collapsed sidebar has a Hosts icon', async ({ page, server }) => {
  await page.goto(server.url)
  await expect(page.getByRole('button', { name: 'Hosts' })).toBeVisible()
  await page.keyboard.press('Control+Shift+K')
  const palette = page.getByRole('dialog', { name: 'Command palette' })
  await palette.getByRole('combobox', { name: 'Search actions' }).fill('Add host')
  await expect(palette.getByRole('option').first()).toContainText('Add host…')
  await page.keyboard.press('Enter')
  const dialog = page.getByRole('dialog', { name: 'Hosts' })
  await expect(dialog).toBeVisible()
  await expect(dialog.getByLabel('SSH destination')).toBeFocused()
  await dialog.getByRole('button', { name: 'Close hosts' }).click()
  await expect(dialog).toBeHidden()

  await page.keyboard.press('Control+Shift+K')
  await palette.getByRole('combobox', { name: 'Search actions' }).fill('Hide the sidebar')
  await expect(palette.getByRole('option').first()).toContainText('Hide the sidebar')
  await page.keyboard.press('Enter')
  await page.locator('.sidebar-rail').getByRole('button', { name: 'Hosts' }).click()
  await expect(dialog).toBeVisible()
})

test('Add folder browses folders: up, into, marked git repositories, typed path; Add adds the one shown', async ({ page, server, workspaceDir }) => {
  mkdirSync(path.join(workspaceDir, 'repo', '.git'), { recursive: true })
  mkdirSync(path.join(workspaceDir, 'plain'))
  await page.goto(server.url)
  await page.getByRole('button', { name: '+ Add folder' }).first().click()
  const browser = page.getByRole('form', { name: 'Choose a folder' })
  const field = browser.getByLabel('Folder path')
  // Starts at the core's home.
  await expect(field).not.toHaveValue('')
  await field.fill(workspaceDir)
  await browser.getByRole('button', { name: 'Go' }).click()
  const list = browser.getByRole('list', { name: `Folders in ${workspaceDir}` })
  await expect(list.getByRole('button', { name: 'repo git' })).toBeVisible()
  await list.getByRole('button', { name: 'plain' }).click()
  await expect(field).toHaveValue(path.join(workspaceDir, 'plain'))
  await browser.getByRole('list').getByRole('button', { name: '..' }).click()
  await expect(field).toHaveValue(workspaceDir)
  await list.getByRole('button', { name: 'repo git' }).click()
  await browser.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.locator('.workspace-path', { hasText: 'repo' })).toBeVisible()
})
