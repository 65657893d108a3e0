import path from 'node:path'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Page } from '@playwright/test'
import { addWorkspace, expect, newLane, test } from './fixtures'

/** A scripted ACP agent (test/support/fake-agents/acp-agent.mjs), driven by markers in the prompt. */
const FAKE_ACP = fileURLToPath(new URL('../support/fake-agents/acp-agent.mjs', import.meta.url))

/** Creates the fake agent's profile through the Profiles panel, as a user adds a custom ACP agent. */
async function createFakeAcpProfile(page: Page, name: string): Promise<void> {
  await page.getByRole('button', { name: 'Profiles' }).click()
  const panel = page.getByRole('dialog', { name: 'Profiles' })
  await panel.getByRole('button', { name: '+ New custom ACP profile' }).click()
  const form = panel.getByRole('form', { name: 'New custom ACP profile' })
  await form.getByLabel('Name').fill(name)
  await form.getByLabel('Command').fill(process.execPath)
  await form.getByLabel(/Arguments/).fill(`'${FAKE_ACP}'`)
  await form.getByRole('button', { name: 'Create profile' }).click()
  await expect(panel.getByRole('group', { name: `Profile ${name}` })).toBeVisible()
  await panel.getByRole('button', { name: 'Close profiles' }).click()
  await expect(panel).toBeHidden()
}

test('an ACP agent lane: streamed reply, an approval card that runs a command, Esc interrupts', async ({ page, server, workspaceDir }) => {
  test.skip(!existsSync(FAKE_ACP), `${FAKE_ACP} is missing`)
  test.setTimeout(60_000)
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  await createFakeAcpProfile(page, 'Fake ACP')
  const lane = await newLane(page, { profile: 'Fake ACP', title: 'fake agent' })
  await expect(lane.locator('.structured')).toBeVisible()
  await expect(lane.locator('.badge')).toHaveText('ready', { timeout: 15_000 })

  // A prompt: Enter sends it, the reply streams in as markdown.
  const box = lane.getByRole('textbox', { name: 'Message' })
  await expect(box).toBeFocused()
  await box.fill('hello there')
  await box.press('Enter')
  await expect(box).toHaveValue('')
  await expect(lane.locator('.t-input-text').last()).toHaveText('hello there')
  await expect(lane.locator('.t-message').last()).toHaveText('ECHO: hello there')
  await expect(lane.locator('.t-turn').last()).toHaveAttribute('data-outcome', 'completed')
  await expect(lane.locator('.badge')).toHaveText('ready')

  // A command: the agent asks first; the card offers the agent's own options.
  await box.fill('RUN:echo hello')
  await box.press('Enter')
  const card = lane.locator('.t-approval').last()
  await expect(card).toBeVisible()
  await expect(card.getByRole('button')).toHaveText(['Allow for this session', 'Allow', 'Reject'])
  await expect(lane.locator('.badge')).toHaveText('waiting')
  await page.screenshot({ path: test.info().outputPath('agent-lane-approval.png') })
  await card.getByRole('button', { name: 'Allow', exact: true }).click()
  await expect(card.locator('.t-approval-outcome')).toHaveText('Allow by you')
  // The tool call shows its command and output; the agent carries on.
  const tool = lane.locator('.t-tool').last()
  await expect(tool).toContainText('echo hello')
  await expect(tool.locator('.t-output')).toHaveText('ran: echo hello')
  await expect(tool).toHaveAttribute('data-status', 'completed')
  await expect(lane.locator('.t-message').last()).toHaveText('TOOL_DONE: ran: echo hello')
  await expect(lane.locator('.badge')).toHaveText('ready')

  // A file edit shows as a diff.
  const notes = path.join(workspaceDir, 'notes.txt')
  writeFileSync(notes, 'alpha\nbeta\n')
  await box.fill(`WRITE:${notes} alpha\ngamma\n`)
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toHaveText(/WRITE_OK|WRITE_ERR/)
  const file = lane.locator('.t-file').last()
  await expect(file.locator('.t-file-path')).toContainText('notes.txt')
  await expect(file.locator('.diff-del .diff-text')).toHaveText(['beta'])
  await expect(file.locator('.diff-add .diff-text')).toHaveText(['gamma'])
  expect(readFileSync(notes, 'utf8')).toBe('alpha\ngamma\n')
  await page.screenshot({ path: test.info().outputPath('agent-lane-diff.png') })

  // Esc during a slow turn interrupts it.
  await box.fill('SLOW:50')
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toContainText('tick 2')
  await expect(lane.locator('.badge')).toHaveText('busy')
  await box.press('Escape')
  await expect(lane.locator('.t-turn').last()).toHaveAttribute('data-outcome', 'interrupted')
  await expect(lane.locator('.t-turn').last()).toContainText('Interrupted')
  await expect(lane.locator('.badge')).toHaveText('ready')
  const ticks = await lane.locator('.t-message').last().innerText()
  expect(ticks).not.toContain('tick 50')
  await page.screenshot({ path: test.info().outputPath('agent-lane.png') })

  // The agent's modes, in the header: switched through the server, the agent works in Plan now.
  const mode = lane.getByRole('combobox', { name: 'Mode' })
  await expect(mode).toHaveValue('default')
  await mode.selectOption('plan')
  await expect(mode).toHaveValue('plan')
  await box.fill('MODE')
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toHaveText('MODE: plan')

  // A reload replays the transcript into the same items, each once.
  await page.reload()
  const again = page.locator('.lane').first()
  await expect(again.locator('.t-message', { hasText: 'TOOL_DONE: ran: echo hello' })).toHaveCount(1)
  await expect(again.locator('.t-message', { hasText: 'ECHO: hello there' })).toHaveCount(1)
  await expect(again.locator('.t-approval-outcome')).toHaveText(['Allow by you'])
  await expect(again.locator('.t-turn').last()).toHaveAttribute('data-outcome', 'completed')
  await expect(again.getByRole('combobox', { name: 'Mode' })).toHaveValue('plan')
})
