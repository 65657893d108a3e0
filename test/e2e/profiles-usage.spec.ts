import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { addWorkspace, expect, newLane, rpc, test } from './fixtures'

/** The fake stream-json Claude (test/support/fake-agents/claude-stream.mjs): `argv` answers with its argv. */
const FAKE_CLAUDE = fileURLToPath(new URL('../support/fake-agents/claude-stream.mjs', import.meta.url))
const HOME = mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-home-'))
test.use({ serverEnv: { HOME, SHELL: '/bin/sh' } })
test.afterAll(() => rmSync(HOME, { recursive: true, force: true }))
/** A `codex` that runs the fake app-server (test/support/fake-agents/codex-app-server.mjs), which lists models. */
const FAKE_CODEX = path.join(HOME, 'codex')
writeFileSync(FAKE_CODEX, `#!/bin/sh\nexec "${process.execPath}" "${fileURLToPath(new URL('../support/fake-agents/codex-app-server.mjs', import.meta.url))}" "$@"\n`)
chmodSync(FAKE_CODEX, 0o755)

test('Duplicate profile: a second Codex account with its own model; pi offers its approval gate', async ({ page, server }) => {
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  await panel.getByRole('button', { name: 'Duplicate Codex', exact: true }).click()
  const second = panel.getByRole('group', { name: 'Profile Codex 2', exact: true })
  await expect(second).toBeVisible()
  await expect(page.locator('.toast')).toContainText('Codex 2: a copy of Codex with its own config dir')
  await expect(second.getByRole('button', { name: 'Remove' })).toBeVisible() // not built in

  // Its own model, through the editor: the picker lists what codex's model/list answers, plus custom.
  const copyId = (await rpc(server, 'profiles.list', {})).find((p) => p.name === 'Codex 2')!.id
  await rpc(server, 'profiles.update', { profileId: copyId, patch: { command: FAKE_CODEX } })
  await second.getByRole('button', { name: 'Edit Codex 2' }).click()
  const picker = second.getByRole('combobox', { name: 'Model of Codex 2' })
  await expect(picker.locator('option')).toHaveText(["The agent's default", 'Fake Model · fake-model', 'Fake Mini · fake-mini', 'custom…'])
  // One it does not list is typed as a custom id.
  await picker.selectOption('custom …')
  await second.getByLabel('Model of Codex 2, custom id').fill('gpt-5.1-codex-mini')
  if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/profile-model-picker.png` })
  await second.getByRole('button', { name: 'Save' }).click()
  await expect(second.locator('.profile-model')).toHaveText('Model: gpt-5.1-codex-mini')
  const profiles = await rpc(server, 'profiles.list', {})
  const copy = profiles.find((p) => p.name === 'Codex 2')!
  const codex = profiles.find((p) => p.id === 'codex')!
  expect(copy).toMatchObject({ kind: 'codex', preset: codex.preset, model: 'gpt-5.1-codex-mini', builtIn: false })
  expect(copy.configDir).not.toBe(codex.configDir)
  expect(codex.model).toBeUndefined()

  // pi asks nothing by itself: "Ask" says so and installs the gate.
  const pi = panel.getByRole('group', { name: 'Profile pi', exact: true })
  await expect(pi.getByRole('note')).toContainText('“Ask” needs a permission-gate extension')
  await pi.getByRole('button', { name: 'Install the approval gate' }).click()
  await expect(pi.getByRole('note')).toHaveCount(0)
  const piProfile = profiles.find((p) => p.id === 'pi')!
  expect(existsSync(path.join(piProfile.configDir, 'extensions', 'switchyard-gate.ts'))).toBe(true)
  await page.screenshot({ path: test.info().outputPath('profiles-duplicate.png') })
})

test('model per lane reaches the agent\'s argv, and the usage ledger equals the sum of its turns', async ({ page, server, workspaceDir }) => {
  test.setTimeout(60_000)
  await rpc(server, 'profiles.create', { kind: 'claude', name: 'Fake Claude', command: process.execPath, args: [FAKE_CLAUDE], model: 'sonnet' })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)

  // The New lane dialog offers the profile's model and takes this lane's own.
  await page.locator('.toolbar').getByRole('button', { name: /New lane/ }).click()
  const dialog = page.getByRole('dialog')
  const profile = dialog.getByLabel('Profile')
  await profile.selectOption({ label: await profile.locator('option', { hasText: 'Fake Claude' }).innerText() })
  // Claude lists no models over its protocol: the picker offers its aliases, the profile's first.
  const picker = dialog.getByRole('combobox', { name: 'Model of this lane' })
  await expect(picker.locator('option')).toHaveText(["The profile's (sonnet)", 'Sonnet · sonnet', 'Opus · opus', 'Fable · fable', 'custom…'])
  await picker.selectOption('opus')
  await page.screenshot({ path: test.info().outputPath('new-lane-model-picker.png') })
  if (process.env.SCREENS_DIR) await page.screenshot({ path: `${process.env.SCREENS_DIR}/new-lane-model-picker.png` })
  await dialog.getByLabel(/Title/).fill('model check')
  await dialog.getByRole('button', { name: 'Create lane' }).click()
  const lane = page.locator('.lane').first()
  await expect(lane.locator('.badge')).toHaveText('ready', { timeout: 15_000 })

  const box = lane.getByRole('textbox', { name: 'Message' })
  await box.fill('argv')
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toContainText('"--model","opus"')
  for (const prompt of ['one', 'two']) {
    await box.fill(prompt)
    await box.press('Enter')
    await expect(lane.locator('.t-message').last()).toHaveText(`echo: ${prompt}`)
  }
  await expect(lane.locator('.t-turn')).toHaveCount(3)

  // The turns' usage as recorded, added up; the header and the ledger say the same.
  const [record] = (await rpc(server, 'lanes.list', {})).filter((l) => l.title === 'model check')
  expect(record.model).toBe('opus')
  const { events } = await rpc(server, 'lanes.transcript', { laneId: record.id })
  const turns = events.flatMap((e) => (e.type === 'usage' && e.turn ? [e.turn] : []))
  expect(turns).toHaveLength(3)
  const sumIn = turns.reduce((n, t) => n + (t.inputTokens ?? 0), 0)
  const sumOut = turns.reduce((n, t) => n + (t.outputTokens ?? 0), 0)
  expect(record.usage).toMatchObject({ inputTokens: sumIn, outputTokens: sumOut })

  await page.keyboard.press('Control+k')
  await page.getByRole('combobox', { name: 'Search actions' }).fill('usage')
  await page.keyboard.press('Enter')
  const usage = page.getByRole('dialog', { name: 'Usage' })
  const row = usage.getByRole('table', { name: 'By lane' }).locator(`tr[data-row="${record.id}"]`)
  await expect(row.locator('[data-cell="in"]')).toHaveAttribute('title', String(sumIn))
  await expect(row.locator('[data-cell="out"]')).toHaveAttribute('title', String(sumOut))
  await expect(usage.getByRole('table', { name: 'Total' }).locator('[data-cell="in"]')).toHaveAttribute('title', String(sumIn))
  await page.screenshot({ path: test.info().outputPath('usage-ledger.png') })
})
