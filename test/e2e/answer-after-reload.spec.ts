import { fileURLToPath } from 'node:url'
import { addWorkspace, expect, rpc, test } from './fixtures'

/**
 * Against the real server and a fake ACP agent (test/support/fake-agents/acp-agent.mjs, the real
 * protocol): a request asked before a reload is answered in place from the attention inbox after it;
 * an archived lane without a worktree is deleted from History → Archived.
 */
const FAKE_ACP = fileURLToPath(new URL('../support/fake-agents/acp-agent.mjs', import.meta.url))

test('an approval asked before a reload is answered in place from the inbox after it; the title counts it', async ({ page, server, workspaceDir }) => {
  test.setTimeout(60_000)
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const [workspace] = await rpc(server, 'workspaces.list', {})
  const profile = await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP], env: { FAKE_ACP_HOME: workspaceDir } })
  const lane = await rpc(server, 'lanes.create', { workspaceId: workspace.id, profileId: profile.id, title: 'deployer', prompt: 'RUN:deploy' })
  await expect.poll(async () => (await rpc(server, 'lanes.list', {})).find((l) => l.id === lane.id)?.status, { timeout: 20_000 }).toBe('waiting')

  // A new page load never saw the request: it asks the lane for it.
  await page.reload()
  const answers = page.getByRole('group', { name: 'Answer: deploy' })
  await expect(answers.getByRole('button')).toHaveText(['Allow', 'Reject'], { timeout: 15_000 })
  await expect(page).toHaveTitle('(1) Switchyard')
  // The lane card shows the same request, replayed from the transcript.
  await expect(page.locator(`.lane[data-lane-id="${lane.id}"] .t-approval`)).toBeVisible()

  await answers.getByRole('button', { name: 'Allow', exact: true }).click()
  await expect.poll(async () => (await rpc(server, 'lanes.list', {})).find((l) => l.id === lane.id)?.status, { timeout: 20_000 }).toBe('ready')
  await expect(page.locator(`.lane[data-lane-id="${lane.id}"]`)).toContainText('TOOL_DONE: ran: deploy')
  await expect(page.locator('.attention-empty')).toBeVisible()
  await expect(page).toHaveTitle('Switchyard')
})

test('History → Archived → Delete removes an archived lane and its transcript for good, after asking', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const [workspace] = await rpc(server, 'workspaces.list', {})
  const shell = (await rpc(server, 'profiles.list', {})).find((p) => p.kind === 'terminal')!
  const kept = await rpc(server, 'lanes.create', { workspaceId: workspace.id, profileId: shell.id, title: 'kept' })
  const gone = await rpc(server, 'lanes.create', { workspaceId: workspace.id, profileId: shell.id, title: 'scratch' })
  await rpc(server, 'lanes.archive', { laneId: kept.id })
  await rpc(server, 'lanes.archive', { laneId: gone.id })

  const archived = page.getByRole('region', { name: 'Archived lanes' })
  await expect(archived.locator('.archived-lane')).toHaveCount(2)
  await archived.getByRole('button', { name: 'Delete lane scratch' }).click()
  const ask = page.getByRole('alertdialog', { name: 'Delete scratch for good' })
  await expect(ask).toContainText('cannot be undone')
  // Cancel keeps it.
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await expect(archived.locator('.archived-lane')).toHaveCount(2)
  await archived.getByRole('button', { name: 'Delete lane scratch' }).click()
  await page.getByRole('alertdialog', { name: 'Delete scratch for good' }).getByRole('button', { name: 'Delete for good' }).click()

  await expect(archived.locator('.archived-lane')).toHaveCount(1)
  await expect(archived).toContainText('kept')
  const ids = (await rpc(server, 'lanes.list', {})).map((l) => l.id)
  expect(ids).toContain(kept.id)
  expect(ids).not.toContain(gone.id)
  await expect(rpc(server, 'lanes.transcript', { laneId: gone.id })).rejects.toThrow(/not found|no lane/i)
  // Still gone after a reload.
  await page.reload()
  await expect(page.getByRole('region', { name: 'Archived lanes' }).locator('.archived-lane')).toHaveCount(1)
})

test('server mode: an off-screen lane that starts waiting shows in the title, inbox and a notice; one key goes there; maximised it stays so after a reload', async ({ page, server, workspaceDir }) => {
  test.setTimeout(90_000)
  await page.setViewportSize({ width: 1600, height: 1000 })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const [workspace] = await rpc(server, 'workspaces.list', {})
  const shell = (await rpc(server, 'profiles.list', {})).find((p) => p.kind === 'terminal')!
  for (let i = 1; i <= 7; i++) await rpc(server, 'lanes.create', { workspaceId: workspace.id, profileId: shell.id, title: `shell ${i}` })
  const profile = await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP], env: { FAKE_ACP_HOME: workspaceDir } })
  const lane = await rpc(server, 'lanes.create', { workspaceId: workspace.id, profileId: profile.id, title: 'far away' })
  const column = page.locator(`.lane[data-lane-id="${lane.id}"]`)
  await expect(page.locator('.lane')).toHaveCount(8)
  await expect(column).not.toBeInViewport()
  await expect(page).toHaveTitle('Switchyard')

  await rpc(server, 'lanes.send', { laneId: lane.id, input: 'RUN:deploy' })
  await expect(page).toHaveTitle('(1) Switchyard', { timeout: 20_000 })
  await expect(page.locator('.attention-item')).toContainText(['far away'])
  await expect(page.locator('.toast', { hasText: 'needs you' })).toContainText('far away needs you')

  // One key: the next lane that needs the user, scrolled into view; answered in its card.
  await page.keyboard.press('Control+Shift+A')
  await expect(column).toHaveClass(/focused/)
  await expect(column).toBeInViewport()
  await column.locator('.t-approval').getByRole('button', { name: 'Allow', exact: true }).click()
  await expect(column).toContainText('TOOL_DONE: ran: deploy', { timeout: 20_000 })
  await expect(page).toHaveTitle('Switchyard')

  // Maximised, it fills the lanes area and stays so after a reload (the window's layout).
  const area = (await page.locator('.lanes').boundingBox())!
  await column.getByRole('button', { name: /Maximise lane/ }).click()
  await expect(page.locator('.lane').first()).toBeHidden()
  await page.reload()
  await expect(column).toBeVisible()
  await expect(column).toHaveClass(/maximized/)
  await expect.poll(async () => (await column.boundingBox())!.width).toBeGreaterThan(area.width - 4)
})
