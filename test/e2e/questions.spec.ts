import type { Page } from '@playwright/test'
import type { LaneEventBody } from '../../src/shared/events'
import { expect, test } from './fixtures'
import { openStructuredLane, mockCalls, mockLane, mockProfile, pushEvents, stamp, type MockWorld } from './mock-bridge'

/**
 * Questions an agent asks (Claude's AskUserQuestion, Codex's request_user_input, pi's dialogs), against
 * the mock host: the card is a form, its answers go out with `lanes.approve`, and the settled card
 * shows what was answered.
 */

const ASK = [
  { id: 'answer', label: 'Answer', kind: 'other' as const },
  { id: 'decline', label: 'Decline', kind: 'reject_once' as const },
]

const CLAUDE_ASKS: LaneEventBody = {
  type: 'approval.requested',
  requestId: 'ask-1',
  title: 'Claude asks',
  options: ASK,
  questions: [
    {
      id: 'auth',
      header: 'Auth',
      question: 'How should users sign in?',
      options: [
        { label: 'OAuth', description: 'Through GitHub or Google' },
        { label: 'Password', description: 'Email and password, stored hashed' },
      ],
      other: true,
    },
    {
      id: 'checks',
      header: 'Checks',
      question: 'Which checks run on every push?',
      options: [{ label: 'Lint' }, { label: 'Types' }, { label: 'Unit tests', description: 'vitest' }],
      multiSelect: true,
      other: true,
    },
  ],
}

function world(events: LaneEventBody[]): MockWorld {
  return {
    workspaces: [{ id: 'ws', name: 'switchyard', path: '/home/dev/src/switchyard', addedAt: 1 }],
    profiles: [mockProfile({ id: 'claude', name: 'Claude', kind: 'claude', builtIn: true })],
    lanes: [mockLane({ id: 'lane1', kind: 'claude', profileId: 'claude', title: 'auth', status: 'waiting' })],
    transcripts: { lane1: stamp('lane1', [{ type: 'process.started', command: 'claude' }, { type: 'input', text: 'Add sign-in' }, { type: 'turn.started' }, ...events]) },
  }
}

const open = (page: Page, server: { url: string }, w: MockWorld) => openStructuredLane(page, server.url, w)

const approvals = async (page: Page) => (await mockCalls(page)).filter((c) => c.method === 'lanes.approve').map((c) => c.input)

test('two questions: pick, type an answer of one\'s own, submit; the settled card shows the answers', async ({ page, server }) => {
  const lane = await open(page, server, world([CLAUDE_ASKS]))
  const card = lane.locator('.t-approval')
  const auth = card.getByRole('group', { name: 'How should users sign in?' })
  const checks = card.getByRole('group', { name: 'Which checks run on every push?' })
  const submit = card.getByRole('button', { name: 'Answer' })

  await expect(card.locator('.t-question-chip')).toHaveText(['Auth', 'Checks'])
  await expect(auth.getByRole('radio')).toHaveCount(3)
  await expect(auth.getByRole('radio', { name: 'OAuth' })).toHaveAccessibleDescription('Through GitHub or Google')
  await expect(checks.getByRole('checkbox')).toHaveCount(4)
  await expect(submit).toBeDisabled()

  // A pick, then an answer of one's own: typing chooses "Other" instead.
  await auth.getByRole('radio', { name: 'OAuth' }).check()
  await expect(submit).toBeDisabled()
  await auth.getByRole('textbox', { name: 'Other answer' }).fill('Magic link by email')
  await expect(auth.getByRole('radio', { name: 'Other' })).toBeChecked()
  await expect(auth.getByRole('radio', { name: 'OAuth' })).not.toBeChecked()

  // Several checks, by mouse and by keyboard.
  await checks.getByRole('checkbox', { name: 'Lint' }).check()
  await checks.getByRole('checkbox', { name: 'Unit tests' }).focus()
  await page.keyboard.press('Space')
  await expect(checks.getByRole('checkbox', { name: 'Unit tests' })).toBeChecked()
  await expect(submit).toBeEnabled()
  await submit.click()

  await expect.poll(() => approvals(page)).toEqual([
    { laneId: 'lane1', requestId: 'ask-1', optionId: 'answer', answers: { auth: ['Magic link by email'], checks: ['Lint', 'Unit tests'] } },
  ])

  await expect(card).toHaveClass(/t-approval-answered/)
  await expect(card.locator('.t-answer')).toHaveText(['AuthHow should users sign in?Magic link by email', 'ChecksWhich checks run on every push?Lint, Unit tests'])
  await expect(card.locator('.t-answer dd')).toHaveText(['Magic link by email', 'Lint, Unit tests'])
  await expect(card.locator('.t-approval-outcome')).toHaveText('Answered by you')
  await expect(card.locator('input, textarea, button')).toHaveCount(0)
})

test('a free-text question: the editor starts with its text, Ctrl+Enter sends it; Skip declines without answers', async ({ page, server }) => {
  const lane = await open(
    page,
    server,
    world([
      {
        type: 'approval.requested',
        requestId: 'pi-1',
        title: 'pi asks',
        options: [
          { id: 'answer', label: 'Send', kind: 'other' },
          { id: 'cancel', label: 'Cancel', kind: 'reject_once' },
        ],
        questions: [{ id: 'text', question: 'Edit the commit message', options: [], other: true, multiline: true, initial: 'Add sign-in\n\nTODO' }],
      },
    ]),
  )
  const card = lane.locator('.t-approval')
  const editor = card.getByRole('textbox', { name: 'Edit the commit message' })
  const send = card.getByRole('button', { name: 'Send' })
  await expect(editor).toHaveValue('Add sign-in\n\nTODO')
  await expect(card.getByRole('radio')).toHaveCount(0)
  await editor.fill('  ')
  await expect(send).toBeDisabled()
  // Ctrl+Enter does not send a blank answer.
  await editor.press('Control+Enter')
  await editor.fill('Add sign-in\n\nMagic links by email.')
  await expect(send).toBeEnabled()
  await editor.press('Control+Enter')
  await expect.poll(() => approvals(page)).toEqual([
    { laneId: 'lane1', requestId: 'pi-1', optionId: 'answer', answers: { text: ['Add sign-in\n\nMagic links by email.'] } },
  ])
  await expect(card.locator('.t-answer-long')).toHaveText('Add sign-in\n\nMagic links by email.')
  await expect(card.locator('.t-approval-outcome')).toHaveText('Answered by you')

  // A secret is typed masked; declining sends no answers.
  await pushEvents(page, 'lane1', [
    {
      type: 'approval.requested',
      requestId: 'codex-1',
      title: 'Codex asks',
      options: [
        { id: 'answer', label: 'Answer', kind: 'other' },
        { id: 'skip', label: 'Skip', kind: 'reject_once' },
      ],
      questions: [{ id: 'token', header: 'Token', question: 'Paste a deploy token', options: [], other: true, secret: true }],
    },
  ])
  const secret = lane.locator('.t-approval').nth(1)
  const token = secret.getByRole('group', { name: 'Paste a deploy token' }).locator('input')
  await expect(token).toHaveAttribute('type', 'password')
  await expect(token).toHaveAccessibleName('Paste a deploy token')
  await token.fill('s3cret')
  await expect(secret.getByRole('button', { name: 'Answer' })).toBeEnabled()
  await secret.getByRole('button', { name: 'Skip' }).click()
  await expect.poll(async () => (await approvals(page)).length).toBe(2)
  const [, skipped] = await approvals(page)
  expect(skipped).toEqual({ laneId: 'lane1', requestId: 'codex-1', optionId: 'skip' })
  expect((skipped as { answers?: unknown }).answers).toBeUndefined()
  await expect(secret).toHaveClass(/t-approval-rejected/)
  await expect(secret.locator('.t-answer')).toHaveText('TokenPaste a deploy token')
  await expect(secret.locator('.t-approval-outcome')).toHaveText('Skip by you')
})
