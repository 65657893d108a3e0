import path from 'node:path'
import { addWorkspace, expect, openFolderField, test } from './fixtures'

test('a failing call shows its message in a dismissable toast', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await (await openFolderField(page)).fill(path.join(workspaceDir, 'does-not-exist'))
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  const toast = page.getByRole('alert')
  await expect(toast).toBeVisible()
  await expect(toast).not.toHaveText('')
  await toast.getByRole('button', { name: 'Dismiss' }).click()
  await expect(page.getByRole('alert')).toHaveCount(0)
  // The path input stays, with what was typed, to fix it.
  await expect(page.getByLabel('Folder path')).toHaveValue(path.join(workspaceDir, 'does-not-exist'))
})

test('workspaces are added, listed with name and path, and removed', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const item = page.locator('.workspace')
  await expect(item.locator('.workspace-name')).toHaveText(path.basename(workspaceDir))
  await expect(item.locator('.workspace-path')).toHaveAttribute('title', workspaceDir)
  await page.reload()
  await expect(page.locator('.workspace')).toHaveCount(1)
  await page.locator('.workspace').hover()
  await page.getByRole('button', { name: `Remove workspace ${path.basename(workspaceDir)}` }).click()
  await expect(page.locator('.workspace')).toHaveCount(0)
  await page.reload()
  await expect(page.getByRole('heading', { name: 'Add a workspace' })).toBeVisible()
})

test('dropping a folder in a browser asks for its path instead', async ({ page, server }) => {
  await page.goto(server.url)
  await expect(page.getByText(/server · v/)).toBeVisible()
  await page.evaluate(() => {
    const data = new DataTransfer()
    data.items.add(new File(['x'], 'project'))
    for (const type of ['dragenter', 'dragover', 'drop']) {
      document.body.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }))
    }
  })
  await expect(page.getByRole('status').filter({ hasText: 'type its path' })).toBeVisible()
  await expect(page.getByLabel('Folder path')).toBeFocused()
  await expect(page.locator('.drop-overlay')).toHaveCount(0)
})

test('losing the server shows the reconnecting banner', async ({ page, server }) => {
  await page.goto(server.url)
  await expect(page.getByText(/server · v/)).toBeVisible()
  await expect(page.getByText('Disconnected — reconnecting…')).toHaveCount(0)
  await server.stop()
  await expect(page.getByText('Disconnected — reconnecting…')).toBeVisible()
  // Calls fail as disconnected (the banner says it; no toast per call).
  await page.getByRole('button', { name: '+ Add folder' }).first().click()
  await page.getByLabel('Folder path').fill('/tmp')
  await page.getByRole('button', { name: 'Add', exact: true }).click()
  await expect(page.locator('.workspace')).toHaveCount(0)
  await expect(page.getByRole('alert')).toHaveCount(0)
})
