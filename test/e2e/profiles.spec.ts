import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { addWorkspace, expect, rpc, terminalLines, test } from './fixtures'

// The server's HOME: a made-up "global config" to import, so the test never reads the real one.
const HOME = mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-home-'))
mkdirSync(path.join(HOME, '.codex'))
writeFileSync(path.join(HOME, '.codex', 'auth.json'), '{"token":"fake"}')
// A stand-in `codex` on the login shell's PATH, whose "login" prints and waits: a real one never runs here.
mkdirSync(path.join(HOME, 'bin'))
writeFileSync(path.join(HOME, 'bin', 'codex'), '#!/bin/sh\necho "fake codex $*"\nsleep 30\n', { mode: 0o755 })
writeFileSync(path.join(HOME, '.profile'), 'PATH="$HOME/bin:$PATH"; export PATH\n')
test.use({ serverEnv: { HOME, SHELL: '/bin/sh' } })
test.afterAll(() => rmSync(HOME, { recursive: true, force: true }))

test('the Profiles panel edits policy and idle timeout, creates a custom ACP profile, imports global config', async ({ page, server }) => {
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  await expect(panel).toBeVisible()

  // Built-in profiles are listed by kind, with their command.
  const codex = panel.getByRole('group', { name: 'Profile Codex', exact: true })
  await expect(codex.locator('.profile-command')).toHaveText('codex')
  await expect(panel.getByRole('region', { name: 'ACP agents' }).getByRole('group', { name: 'Profile Gemini CLI' })).toBeVisible()

  // Approval policy and idle timeout go to profiles.update.
  await codex.getByLabel('Approval policy of Codex').selectOption({ label: 'Auto-approve reads' })
  await codex.getByLabel('Idle timeout of Codex').selectOption({ label: 'after 5 min' })
  await expect
    .poll(async () => (await rpc(server, 'profiles.list', {})).find((p) => p.id === 'codex'))
    .toMatchObject({ approvalPolicy: 'auto_reads', idleTimeoutMs: 5 * 60_000 })
  await expect(codex.getByLabel('Approval policy of Codex')).toHaveValue('auto_reads')

  // Import: what was copied and what was not there, as a notice.
  await codex.getByRole('button', { name: 'Import from my global config' }).click()
  const toast = page.locator('.toast')
  await expect(toast).toContainText(`Copied into Codex: ${path.join(HOME, '.codex', 'auth.json')}`)
  await expect(toast).toContainText(`Not found: ${path.join(HOME, '.codex', 'config.toml')}`)

  // A custom ACP agent: name, command, args quoted like a shell.
  await panel.getByRole('button', { name: '+ New custom ACP profile' }).click()
  const form = panel.getByRole('form', { name: 'New custom ACP profile' })
  await form.getByLabel('Name').fill('My agent')
  await form.getByLabel('Command').fill('/opt/agents/my agent')
  await form.getByLabel(/Arguments/).fill(`--acp --model "big one"`)
  await form.getByRole('button', { name: 'Create profile' }).click()
  const mine = panel.getByRole('group', { name: 'Profile My agent' })
  await expect(mine).toBeVisible()
  await expect(mine.locator('.profile-command')).toHaveText(`/opt/agents/my agent --acp --model 'big one'`)
  const created = (await rpc(server, 'profiles.list', {})).find((p) => p.name === 'My agent')
  expect(created).toMatchObject({ kind: 'acp', command: '/opt/agents/my agent', args: ['--acp', '--model', 'big one'], approvalPolicy: 'ask' })
  // No preset: nothing to log in to or import. Not built in: it can go.
  await expect(mine.getByRole('button', { name: 'Log in' })).toHaveCount(0)
  await page.screenshot({ path: test.info().outputPath('profiles-panel.png') })
  await mine.getByRole('button', { name: 'Remove' }).click()
  await expect(mine).toHaveCount(0)
})

test('Log in opens a terminal lane running the agent login on the selected workspace', async ({ page, server, workspaceDir }) => {
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  await panel.getByRole('group', { name: 'Profile Codex', exact: true }).getByRole('button', { name: 'Log in' }).click()
  await expect(panel).toBeHidden()
  const lane = page.locator('.lane')
  await expect(lane).toHaveCount(1)
  await expect(lane.locator('.lane-title')).toHaveText('Log in: Codex')
  await expect(lane.locator('.lane-tag')).toHaveText('login')
  // A login lane is a terminal, whatever the profile's kind; it runs the agent's own login.
  await expect(lane.locator('[data-lane-terminal]')).toBeVisible()
  await expect.poll(async () => (await terminalLines(lane)).includes('fake codex login')).toBe(true)
})
