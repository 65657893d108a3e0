import { expect, test } from './fixtures'
import { mockCalls, mockLane, mockProfile, openStructuredLane, stamp, type MockWorld } from './mock-bridge'

/** An agent's modes (here Gemini's over ACP) in the lane header and the palette. */
const world = (): MockWorld => ({
  workspaces: [{ id: 'ws', name: 'switchyard', path: '/home/dev/src/switchyard', addedAt: 1 }],
  profiles: [mockProfile({ id: 'gemini', name: 'Gemini CLI', kind: 'acp', builtIn: true })],
  lanes: [
    mockLane({
      id: 'lane1',
      kind: 'acp',
      profileId: 'gemini',
      title: 'refactor',
      status: 'ready',
      modes: {
        current: 'default',
        available: [
          { id: 'default', name: 'Default', description: 'Prompts for approval' },
          { id: 'yolo', name: 'YOLO', description: 'Auto-approves all tools' },
          { id: 'plan', name: 'Plan', description: 'Read-only mode' },
        ],
      },
    }),
  ],
  transcripts: { lane1: stamp('lane1', [{ type: 'process.started', command: 'gemini --acp' }]) },
})

const setModeCalls = async (page: import('@playwright/test').Page) =>
  (await mockCalls(page)).filter((c) => c.method === 'lanes.setMode').map((c) => c.input)

test('the lane header switches the agent’s mode; a mode the agent refuses stays unselected, with its reason', async ({ page, server }) => {
  const lane = await openStructuredLane(page, server.url, world())
  const mode = lane.getByRole('combobox', { name: 'Mode' })
  await expect(mode).toHaveValue('default')
  await expect(mode.locator('option')).toHaveText(['Default', 'YOLO', 'Plan'])

  await mode.selectOption('plan')
  await expect(mode).toHaveValue('plan')
  await expect(mode).toHaveClass(/lane-mode-plan/)
  expect(await setModeCalls(page)).toEqual([{ laneId: 'lane1', modeId: 'plan' }])

  await mode.selectOption('yolo')
  await expect(page.getByRole('alert')).toContainText('Cannot enable privileged approval modes in an untrusted folder')
  await expect(mode).toHaveValue('plan')
})

test('the palette offers the focused lane’s other modes', async ({ page, server }) => {
  const lane = await openStructuredLane(page, server.url, world())
  await lane.getByRole('textbox', { name: 'Message' }).click()
  await page.keyboard.press('Control+Shift+K')
  await page.keyboard.type('plan mode')
  const option = page.getByRole('dialog', { name: 'Command palette' }).getByRole('option').first()
  await expect(option).toContainText('Switch refactor to Plan mode')
  await page.keyboard.press('Enter')
  await expect(lane.getByRole('combobox', { name: 'Mode' })).toHaveValue('plan')
  expect(await setModeCalls(page)).toEqual([{ laneId: 'lane1', modeId: 'plan' }])
})
