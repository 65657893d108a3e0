import { addWorkspace, expect, rpc, test } from './fixtures'

test('triggers in Settings: add a failure notification, see it described, switch it off, remove it', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  await page.getByRole('button', { name: 'Settings' }).click()
  const dialog = page.getByRole('dialog', { name: 'Settings' })
  const section = dialog.locator('section.triggers')
  await expect(section).toContainText('None yet')

  // The contract's own message when a field is missing.
  await section.getByLabel('Kind of trigger').selectOption('notify')
  await section.getByRole('button', { name: 'Add' }).click()
  await expect(section.getByRole('alert')).toContainText('A notify trigger needs workspaceId')

  await section.getByLabel('Workspace').selectOption({ index: 1 })
  await section.getByRole('button', { name: 'Add' }).click()
  const row = section.locator('.triggers-list li')
  await expect(row).toHaveCount(1)
  await expect(row).toContainText(/When a lane in .+ fails, notify/)
  await expect(section.getByRole('alert')).toHaveCount(0)

  await row.getByRole('checkbox').uncheck()
  await expect.poll(async () => (await rpc(server, 'triggers.list', undefined))[0]?.enabled).toBe(false)
  await row.getByRole('button', { name: /Remove trigger/ }).click()
  await expect(row).toHaveCount(0)
  expect(await rpc(server, 'triggers.list', undefined)).toEqual([])
})
