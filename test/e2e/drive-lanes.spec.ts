import { expect, rpc, test } from './fixtures'

test('a profile opts in to driving other lanes, with a cap; pi and shells are not offered it', async ({ page, server }) => {
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  const codex = panel.getByRole('group', { name: 'Profile Codex', exact: true })
  await codex.getByRole('button', { name: 'Edit Codex' }).click()
  const form = codex.getByRole('form', { name: 'Edit Codex' })
  await form.getByRole('checkbox', { name: /May drive other lanes/ }).check()
  await form.getByLabel('Lanes each may create').fill('2')
  await form.getByRole('button', { name: 'Save' }).click()
  await expect(form).toBeHidden()
  const saved = (await rpc(server, 'profiles.list', {})).find((p) => p.name === 'Codex')
  expect(saved).toMatchObject({ mayDriveLanes: true, maxChildLanes: 2 })

  const shell = panel.getByRole('group', { name: 'Profile Shell', exact: true })
  await shell.getByRole('button', { name: 'Edit Shell' }).click()
  await expect(shell.getByRole('form', { name: 'Edit Shell' }).getByRole('checkbox', { name: /May drive other lanes/ })).toHaveCount(0)
})
