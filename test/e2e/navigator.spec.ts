import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import type { Locator, Page } from '@playwright/test'
import { expect, rpc, terminalLines, test, waitForOutput } from './fixtures'

/**
 * The lane navigator against the real server with ten real shell lanes in two workspaces: every lane
 * is listed and reachable by key (not only the first nine), a workspace filters the columns, the
 * switcher finds a lane by name, a rename reaches the server and survives a reload.
 */

const TITLES = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten']

const column = (page: Page, title: string): Locator => page.locator('.lane', { has: page.locator('.lane-title', { hasText: new RegExp(`^${title}$`) }) })
const navRow = (page: Page, title: string): Locator => page.locator('.nav-lane', { has: page.locator('.nav-lane-title', { hasText: new RegExp(`^${title}$`) }) })

async function typeInto(page: Page, lane: Locator, word: string) {
  await expect.poll(() => lane.evaluate((el) => el.querySelector('.xterm')!.contains(document.activeElement))).toBe(true)
  await page.keyboard.type(`echo ${word}-$((6*7))`)
  await page.keyboard.press('Enter')
  await expect.poll(async () => (await terminalLines(lane)).includes(`${word}-42`)).toBe(true)
}

test('ten lanes in two workspaces: listed, reachable by key past nine, filtered by workspace, found by name, renamed', async ({ page, server, workspaceDir }) => {
  test.setTimeout(120_000)
  const other = await mkdtemp(path.join(os.tmpdir(), 'switchyard-e2e-ws2-'))
  try {
    const alpha = await rpc(server, 'workspaces.add', { path: workspaceDir })
    const beta = await rpc(server, 'workspaces.add', { path: other })
    for (const [i, title] of TITLES.entries()) {
      await rpc(server, 'lanes.create', { workspaceId: i < 7 ? alpha.id : beta.id, profileId: 'shell', title, cols: 80, rows: 20 })
    }
    await page.setViewportSize({ width: 1600, height: 1000 })
    await page.goto(server.url)

    // Every lane is listed under its workspace, with its agent and status and column number.
    await expect(page.locator('.nav-lane')).toHaveCount(10)
    await expect(page.locator('.workspace-group').nth(1).locator('.nav-lane-title')).toHaveText(['eight', 'nine', 'ten'])
    await expect(navRow(page, 'ten')).toContainText('Shell')
    await expect(navRow(page, 'ten').locator('.nav-lane-num')).toHaveText('10')
    await expect(navRow(page, 'ten')).toHaveAttribute('data-status', 'ready')

    // Ctrl+9 is the ninth column; the next-lane key reaches the tenth, and its shell gets the keys.
    await page.keyboard.press('Control+9')
    await expect(column(page, 'nine')).toHaveClass(/focused/)
    await page.keyboard.press('Control+Shift+BracketRight')
    await expect(column(page, 'ten')).toHaveClass(/focused/)
    await expect(column(page, 'ten')).toBeInViewport()
    await waitForOutput(column(page, 'ten')) // (xterm draws only what is in view)
    await typeInto(page, column(page, 'ten'), 'tenth')
    await page.keyboard.press('Control+Shift+BracketRight') // wraps
    await expect(column(page, 'one')).toHaveClass(/focused/)
    await page.keyboard.press('Control+Shift+BracketLeft')
    await expect(column(page, 'ten')).toHaveClass(/focused/)
    // Clicking a row goes there too.
    await navRow(page, 'four').click()
    await expect(column(page, 'four')).toHaveClass(/focused/)

    // A workspace shows only its lanes, numbered from 1; the choice survives a reload; All lanes undoes it.
    await page.locator(`.workspace[data-workspace-id="${beta.id}"]`).click()
    await expect(page.locator('.lane')).toHaveCount(3)
    await expect(page.locator('.toolbar-count')).toHaveText('3')
    await expect(navRow(page, 'eight').locator('.nav-lane-num')).toHaveText('1')
    await expect(navRow(page, 'one').locator('.nav-lane-num')).toHaveCount(0)
    await page.keyboard.press('Control+2')
    await expect(column(page, 'nine')).toHaveClass(/focused/)
    await page.reload()
    await expect(page.locator('.lane')).toHaveCount(3)

    // The switcher finds a lane of the other workspace by name; going there shows every lane again.
    await page.keyboard.press('Control+Shift+P')
    const switcher = page.getByRole('dialog', { name: 'Command palette' })
    await expect(switcher.getByRole('combobox')).toHaveAttribute('placeholder', 'Go to lane…')
    await expect(switcher.getByRole('option')).toHaveCount(10) // only lanes
    await page.keyboard.type('sevn')
    await page.keyboard.press('Enter')
    await expect(switcher).toBeHidden()
    await expect(page.locator('.lane')).toHaveCount(10)
    await expect(column(page, 'seven')).toHaveClass(/focused/)
    await waitForOutput(column(page, 'seven'))
    await typeInto(page, column(page, 'seven'), 'seventh')

    // Rename from the navigator (double-click): the column, the server and a reload agree.
    await navRow(page, 'three').dblclick()
    const input = page.getByLabel('Rename lane three')
    await expect(input).toBeFocused()
    await input.fill('release notes')
    await input.press('Enter')
    await expect(column(page, 'release notes')).toHaveCount(1)
    await expect.poll(async () => (await rpc(server, 'lanes.list', {})).map((l) => l.title)).toContain('release notes')
    // Escape keeps the old name.
    await navRow(page, 'four').dblclick()
    await page.getByLabel('Rename lane four').fill('nope')
    await page.keyboard.press('Escape')
    await expect(navRow(page, 'four')).toHaveCount(1)
    await page.reload()
    await expect(navRow(page, 'release notes')).toHaveCount(1)
    await expect(column(page, 'release notes')).toHaveCount(1)

    // The sidebar collapses to a rail, and stays so across a reload.
    await page.getByRole('button', { name: 'Collapse the sidebar' }).click()
    await expect(page.locator('.sidebar')).toHaveCount(0)
    await page.reload()
    await expect(page.locator('.sidebar-rail')).toBeVisible()
    await page.getByRole('button', { name: 'Expand the sidebar' }).click()
    await expect(page.locator('.nav-lane')).toHaveCount(10)
  } finally {
    await rm(other, { recursive: true, force: true })
  }
})
