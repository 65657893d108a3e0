import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Locator } from '@playwright/test'
import { addWorkspace, expect, newLane, rpc, test } from './fixtures'
import { installMockBridge, mockCalls, mockLane, mockProfile, type MockWorld } from './mock-bridge'

/** The scripted ACP agent: answers any other prompt with `ECHO: <prompt>`. */
const FAKE_ACP = fileURLToPath(new URL('../support/fake-agents/acp-agent.mjs', import.meta.url))

interface DroppedFile {
  name: string
  /** Text, or bytes. */
  content: string | number[]
  type?: string
}

/** A real drag-and-drop onto `target`: dragenter, dragover and drop events carrying a DataTransfer with Files. */
async function dropFiles(target: Locator, files: DroppedFile[]): Promise<void> {
  const dataTransfer = await target.page().evaluateHandle((files) => {
    const dt = new DataTransfer()
    for (const f of files) {
      const body = typeof f.content === 'string' ? f.content : new Uint8Array(f.content)
      dt.items.add(new File([body], f.name, { type: f.type ?? '' }))
    }
    return dt
  }, files)
  await target.dispatchEvent('dragenter', { dataTransfer })
  await target.dispatchEvent('dragover', { dataTransfer })
  await target.dispatchEvent('drop', { dataTransfer })
  await dataTransfer.dispose()
}

const BROWSER_FOLDER_NOTICE = /A browser does not tell the page where a dropped folder lives/

test('files dropped on an agent lane\'s composer are attached and reach the agent; binaries and big files are refused', async ({ page, server, workspaceDir }) => {
  test.skip(!existsSync(FAKE_ACP), `${FAKE_ACP} is missing`)
  test.setTimeout(60_000)
  await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP] })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { profile: 'Fake ACP', title: 'reader' })
  await expect(lane.locator('.badge')).toHaveText('ready', { timeout: 15_000 })
  const composer = lane.locator('.composer')
  const chips = composer.getByRole('list', { name: 'Attachments' }).getByRole('listitem')

  // Two text files and a binary: the text ones become chips, the binary is refused with a reason.
  await dropFiles(composer, [
    { name: 'notes.txt', content: 'The secret word is mango.\n', type: 'text/plain' },
    { name: 'todo.md', content: '- [ ] water the plants\n' },
    { name: 'logo.png', content: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13], type: 'image/png' },
  ])
  await expect(chips).toHaveText([/notes\.txt/, /todo\.md/])
  await expect(page.getByRole('alert').filter({ hasText: 'logo.png looks binary; only text files can be attached here.' })).toBeVisible()
  // The window's own drop handler (folders → workspaces) did not see this drop.
  await expect(page.getByText(BROWSER_FOLDER_NOTICE)).toHaveCount(0)
  await expect(page.locator('.drop-overlay')).toHaveCount(0)
  const box = lane.getByRole('textbox', { name: 'Message' })
  await box.fill('What is the secret word?')
  await page.screenshot({ path: test.info().outputPath('composer-attachments.png') })

  // Over 1 MiB: refused, the chips stay as they were.
  await dropFiles(composer, [{ name: 'huge.log', content: 'x'.repeat((1 << 20) + 10) }])
  await expect(page.getByRole('alert').filter({ hasText: /huge\.log is 1\.0 MiB; attachments are limited to 1 MiB/ })).toBeVisible()
  await expect(chips).toHaveCount(2)
  // The toasts sit over the lane's corner: dismiss them, as a user would.
  const dismiss = page.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss' })
  while ((await dismiss.count()) > 0) await dismiss.first().click()
  await expect(page.getByRole('alert')).toHaveCount(0)

  // × removes one.
  await composer.getByRole('button', { name: 'Remove todo.md' }).click()
  await expect(chips).toHaveText([/notes\.txt/])

  // Send: the agent gets the file's content with the prompt (the fake agent echoes all of it).
  await box.press('Enter')
  await expect(chips).toHaveCount(0)
  await expect(box).toHaveValue('')
  const reply = lane.locator('.t-message').last()
  await expect(reply).toContainText('ECHO: What is the secret word?')
  await expect(reply).toContainText('The secret word is mango.')
  await expect(reply).not.toContainText('water the plants')

  // Attachments alone can be sent, without text.
  await dropFiles(composer, [{ name: 'only.txt', content: 'just the file' }])
  await expect(chips).toHaveText([/only\.txt/])
  await expect(composer.getByRole('button', { name: 'Send' })).toBeEnabled()
  await composer.getByRole('button', { name: 'Send' }).click()
  await expect(lane.locator('.t-message').last()).toContainText('just the file')

  // A drop elsewhere on the window is still the window's: in a browser it explains how to add a folder.
  await dropFiles(page.locator('.toolbar'), [{ name: 'some-folder', content: '' }])
  await expect(page.getByText(BROWSER_FOLDER_NOTICE)).toBeVisible()
})

test('in the desktop app a drop attaches by path, and a drop on a terminal types the quoted paths', async ({ page, server }) => {
  const world: MockWorld = {
    workspaces: [{ id: 'ws', name: 'project', path: '/home/me/project', addedAt: 1 }],
    profiles: [mockProfile({ id: 'codex', name: 'Codex', kind: 'codex' }), mockProfile({ id: 'shell', name: 'Shell', kind: 'terminal' })],
    lanes: [mockLane({ id: 'agent', kind: 'codex', profileId: 'codex', title: 'agent', createdAt: 1 }), mockLane({ id: 'term', kind: 'terminal', profileId: 'shell', title: 'shell', createdAt: 2 })],
    transcripts: {},
    paths: { 'my notes.txt': "/home/me/it's my notes.txt", 'main.rs': '/home/me/project/src/main.rs' },
  }
  await installMockBridge(page, world)
  await page.goto(server.url)
  const agent = page.locator('.lane[data-lane-id="agent"]')
  const terminal = page.locator('.lane[data-lane-id="term"]')
  await expect(agent.locator('.structured')).toBeVisible()

  await dropFiles(agent.locator('.composer'), [
    { name: 'my notes.txt', content: 'x' },
    { name: 'main.rs', content: 'fn main() {}' },
  ])
  const chips = agent.getByRole('list', { name: 'Attachments' }).getByRole('listitem')
  await expect(chips).toHaveText([/my notes\.txt/, /main\.rs/])
  await expect(chips.first()).toHaveAttribute('title', "/home/me/it's my notes.txt")
  await agent.getByRole('textbox', { name: 'Message' }).fill('look at these')
  await agent.getByRole('textbox', { name: 'Message' }).press('Enter')
  await expect(chips).toHaveCount(0)
  await expect
    .poll(async () => (await mockCalls(page)).filter((c) => c.method === 'lanes.send' && (c.input as { laneId: string }).laneId === 'agent').map((c) => c.input))
    .toEqual([
      {
        laneId: 'agent',
        input: 'look at these',
        attachments: [
          { name: 'my notes.txt', path: "/home/me/it's my notes.txt" },
          { name: 'main.rs', path: '/home/me/project/src/main.rs' },
        ],
      },
    ])

  await dropFiles(terminal.locator('[data-lane-terminal]'), [
    { name: 'my notes.txt', content: 'x' },
    { name: 'main.rs', content: 'fn main() {}' },
  ])
  await expect
    .poll(async () => (await mockCalls(page)).filter((c) => c.method === 'lanes.send' && (c.input as { laneId: string }).laneId === 'term').map((c) => c.input))
    .toEqual([{ laneId: 'term', input: `'/home/me/it'\\''s my notes.txt' /home/me/project/src/main.rs ` }])
})
