import type { Page } from '@playwright/test'
import type { LaneEventBody } from '../../src/shared/events'
import { expect, test } from './fixtures'
import { installMockBridge, mockCalls, openStructuredLane, mockLane, mockProfile, pushEvents, stamp, type MockWorld } from './mock-bridge'

/**
 * The structured lane view driven by a scripted host (see mock-bridge.ts): every kind of
 * transcript item, approvals, the composer's keys, sticking to the bottom and virtualization.
 */

const DIFF = [
  'diff --git a/src/retry.ts b/src/retry.ts',
  '--- a/src/retry.ts',
  '+++ b/src/retry.ts',
  '@@ -12,7 +12,9 @@ export async function retry<T>(fn: () => Promise<T>, opts: RetryOptions): Promise<T> {',
  '   let attempt = 0',
  '   for (;;) {',
  '     try {',
  '-      return await fn()',
  '+      const result = await fn()',
  '+      opts.onSuccess?.(attempt)',
  '+      return result',
  '     } catch (err) {',
  '-      if (attempt++ >= opts.retries) throw err',
  '+      if (++attempt > opts.retries || !isRetryable(err)) throw err',
  '       await sleep(backoff(attempt, opts))',
].join('\n')

const ALLOW = [
  { id: 'allow', label: 'Allow once', kind: 'allow_once' as const },
  { id: 'always', label: 'Always allow', kind: 'allow_always' as const },
  { id: 'reject', label: 'Reject', kind: 'reject_once' as const },
]

const SCENE: LaneEventBody[] = [
  { type: 'process.started', command: 'fake-agent' },
  { type: 'input', text: 'The retry helper gives up one attempt too early. Fix it and run the tests.' },
  { type: 'turn.started' },
  { type: 'reasoning.delta', text: 'The loop uses a post-increment, so the check compares the old value.\nLet me read the file first.' },
  { type: 'plan', entries: [{ text: 'Read src/retry.ts', status: 'completed' }, { text: 'Fix the off-by-one', status: 'in_progress' }, { text: 'Run the test suite', status: 'pending' }] },
  { type: 'tool.started', toolCallId: 'read-1', toolKind: 'read', title: 'Read src/retry.ts' },
  { type: 'tool.completed', toolCallId: 'read-1', status: 'completed', output: 'export async function retry<T>(…)' },
  {
    type: 'text.delta',
    text: 'Found it: `attempt++ >= opts.retries` compares **before** incrementing, so with `retries: 3` only 3 calls happen in total.\n\nThe fix:\n\n- pre-increment the counter\n- only retry errors that `isRetryable()` accepts',
  },
  { type: 'tool.started', toolCallId: 'edit-1', toolKind: 'edit', title: 'Edit src/retry.ts', files: [{ path: 'src/retry.ts', diff: DIFF }] },
  { type: 'tool.completed', toolCallId: 'edit-1', status: 'completed', files: [{ path: 'src/retry.ts', diff: DIFF }] },
  { type: 'tool.started', toolCallId: 'run-1', toolKind: 'execute', title: 'npm test -- retry', command: 'npm test -- retry' },
  { type: 'approval.requested', requestId: 'req-1', toolCallId: 'run-1', title: 'Run `npm test -- retry`?', detail: 'npm test -- retry\ncwd: ~/src/switchyard', options: ALLOW },
]

function world(status: 'ready' | 'busy' | 'waiting' | 'sleeping' = 'waiting', events: LaneEventBody[] = SCENE): MockWorld {
  return {
    workspaces: [{ id: 'ws', name: 'switchyard', path: '/home/dev/src/switchyard', addedAt: 1 }],
    profiles: [
      mockProfile({ id: 'shell', name: 'Shell', kind: 'terminal', builtIn: true }),
      mockProfile({ id: 'codex', name: 'Codex', kind: 'codex', preset: 'codex', builtIn: true }),
      mockProfile({ id: 'fake', name: 'Fake ACP', kind: 'acp', command: '/usr/bin/node', args: ['/x/acp-agent.mjs'] }),
    ],
    agents: [
      { kind: 'codex', profileId: 'codex', name: 'Codex', command: 'codex', installed: false, install: 'npm install -g @openai/codex', secrets: ['OPENAI_API_KEY'] },
    ],
    lanes: [
      mockLane({
        id: 'lane1',
        kind: 'acp',
        profileId: 'fake',
        title: 'retry fix',
        status,
        pid: 4242,
        usage: { inputTokens: 18_420, outputTokens: 1_312, cachedInputTokens: 12_000, costUsd: 0.0734 },
      }),
    ],
    transcripts: { lane1: stamp('lane1', events) },
  }
}

const open = (page: Page, server: { url: string }, w: MockWorld) => openStructuredLane(page, server.url, w)

test('every kind of item renders; approving sends lanes.approve and the card says who chose what', async ({ page, server }) => {
  const lane = await open(page, server, world())

  await expect(lane.locator('.t-input')).toContainText('gives up one attempt too early')
  // Markdown: code, bold and a list are elements, not literal markup.
  const message = lane.locator('.t-message').first()
  await expect(message.locator('code').first()).toHaveText('attempt++ >= opts.retries')
  await expect(message.locator('strong')).toHaveText('before')
  await expect(message.locator('li')).toHaveCount(2)
  // Reasoning is collapsed; opening it shows the text.
  const reasoning = lane.locator('.t-reasoning')
  await expect(reasoning.locator('.t-reasoning-text')).toHaveCount(0)
  await reasoning.getByRole('button').click()
  await expect(reasoning.locator('.t-reasoning-text')).toContainText('post-increment')
  // The plan is a checklist.
  await expect(lane.locator('.t-plan-entry')).toHaveCount(3)
  await expect(lane.locator('.t-plan-completed')).toHaveCount(1)
  // The edit shows its diff, coloured by line; the split view pairs old and new.
  const file = lane.locator('.t-file')
  await expect(file.locator('.t-file-path')).toHaveText('src/retry.ts')
  await expect(file.locator('.diff-add')).toHaveCount(4)
  await expect(file.locator('.diff-del')).toHaveCount(2)
  await expect(file.locator('.t-file-stats')).toHaveText('+4 −2')
  // The command waits for the approval.
  const run = lane.locator('[data-tool-call-id="run-1"]')
  await expect(run).toHaveAttribute('data-status', 'approval')
  await expect(lane.locator('.badge')).toHaveText('waiting')
  await expect(lane.locator('.lane-usage')).toHaveText(/18\.4k in.*1\.3k out.*\$0\.073/)
  await page.screenshot({ path: test.info().outputPath('structured-lane.png') })

  const card = lane.locator('.t-approval')
  await card.getByRole('button', { name: 'Always allow' }).click()
  await expect(card).toHaveClass(/t-approval-allowed/)
  await expect(card.locator('.t-approval-outcome')).toHaveText('Always allow by you')
  await expect(card.getByRole('button')).toHaveCount(0)
  expect((await mockCalls(page)).filter((c) => c.method === 'lanes.approve')).toEqual([
    { method: 'lanes.approve', input: { laneId: 'lane1', requestId: 'req-1', optionId: 'always' } },
  ])
  await expect(run).toHaveAttribute('data-status', 'running')

  // The tool runs and finishes; a policy-approved request says so.
  await pushEvents(page, 'lane1', [
    { type: 'tool.completed', toolCallId: 'run-1', status: 'completed', output: ' ✓ retry.test.ts (6 tests) 41ms\n\n Test Files  1 passed (1)\n      Tests  6 passed (6)', exitCode: 0 },
    { type: 'approval.requested', requestId: 'req-2', title: 'Read package.json', readOnly: true, options: ALLOW },
    { type: 'approval.resolved', requestId: 'req-2', optionId: 'allow', by: 'policy' },
    { type: 'text.delta', text: 'All 6 tests pass.' },
    { type: 'usage', turn: { inputTokens: 1200, outputTokens: 300 } },
    { type: 'turn.completed', outcome: 'completed' },
  ])
  await expect(run.locator('.t-output')).toContainText('6 passed')
  await expect(run.locator('.t-exit')).toHaveText('exit 0')
  await expect(lane.locator('.t-approval').nth(1).locator('.t-approval-outcome')).toHaveText('Allow once automatically (profile policy)')
  await expect(lane.locator('.t-turn').last()).toContainText('Done')
  await file.getByRole('button', { name: 'Split' }).click()
  await expect(file.locator('.diff-pair').first()).toBeVisible()
  await page.screenshot({ path: test.info().outputPath('structured-lane-done.png') })
})

test('markdown stays text: raw HTML is shown, not rendered; javascript: links go nowhere', async ({ page, server }) => {
  const lane = await open(
    page,
    server,
    world('ready', [
      { type: 'message', role: 'assistant', text: 'Use <img src=x onerror="window.__pwned=1"> and <b>bold</b> [click](javascript:window.__pwned=2) [docs](https://example.com)' },
    ]),
  )
  const message = lane.locator('.t-message')
  await expect(message).toContainText('<img src=x onerror="window.__pwned=1">')
  await expect(message.locator('img, b')).toHaveCount(0)
  expect(await message.locator('a', { hasText: 'click' }).getAttribute('href')).toBe('')
  await expect(message.locator('a', { hasText: 'docs' })).toHaveAttribute('href', 'https://example.com')
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
})

test('composer: Enter sends, Shift+Enter adds a line, Esc interrupts a busy lane; sleeping says sending wakes it', async ({ page, server }) => {
  const lane = await open(page, server, world('busy', SCENE.slice(0, 3)))
  const box = lane.getByRole('textbox', { name: 'Message' })
  await box.click()
  await page.keyboard.type('first line')
  await page.keyboard.press('Shift+Enter')
  await page.keyboard.type('second line')
  await page.keyboard.press('Enter')
  await expect(box).toHaveValue('')
  await expect(lane.locator('.t-input-text').last()).toHaveText('first line\nsecond line')
  await page.keyboard.press('Escape')
  await expect.poll(async () => (await mockCalls(page)).filter((c) => c.method === 'lanes.interrupt').length).toBe(1)
  const sends = (await mockCalls(page)).filter((c) => c.method === 'lanes.send')
  expect(sends).toEqual([{ method: 'lanes.send', input: { laneId: 'lane1', input: 'first line\nsecond line' } }])

  await page.evaluate(() => {
    const mock = (window as unknown as { __mock: { world: MockWorld; setLane(l: unknown): void } }).__mock
    mock.setLane({ ...mock.world.lanes[0], status: 'sleeping' })
  })
  await expect(lane.locator('.badge')).toHaveText('sleeping')
  await expect(box).toHaveAttribute('placeholder', 'sleeping — sending wakes it')
  await expect(lane.locator('.composer-hint')).toHaveText('sleeping — sending wakes it')
  // Esc does nothing when no turn runs.
  await box.press('Escape')
  expect((await mockCalls(page)).filter((c) => c.method === 'lanes.interrupt')).toHaveLength(1)
})

test('an unsent message survives a reload; a sent one is not brought back', async ({ page, server }) => {
  await open(page, server, world('ready', SCENE.slice(0, 3)))
  const box = () => page.locator('.lane').first().getByRole('textbox', { name: 'Message' })
  await box().fill('half a thought\nabout retries')
  await page.reload()
  await expect(box()).toHaveValue('half a thought\nabout retries')
  await box().press('Enter')
  await expect(box()).toHaveValue('')
  await page.reload()
  await expect(page.locator('.lane').first().locator('.structured')).toBeVisible()
  await expect(box()).toHaveValue('')
})

test('a long transcript is virtualized and stuck to the bottom; scrolling up stops the following and offers a jump', async ({ page, server }) => {
  const many: LaneEventBody[] = []
  for (let i = 0; i < 1500; i++) {
    many.push({ type: 'input', text: `question ${i}` })
    many.push({ type: 'message', role: 'assistant', text: `answer **${i}**${i % 7 === 0 ? '\n\n```\ncode line 1\ncode line 2\n```' : ''}` })
  }
  const lane = await open(page, server, world('ready', many))
  const transcript = lane.locator('.transcript')
  await expect(lane.locator('.t-message', { hasText: 'answer 1499' })).toBeVisible()
  // 3000 items, a few dozen in the DOM.
  expect(await lane.locator('.transcript-row').count()).toBeLessThan(80)
  const distance = () => transcript.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)
  await expect.poll(distance).toBeLessThan(5)

  // Streaming while at the bottom follows it.
  await pushEvents(page, 'lane1', [{ type: 'turn.started' }])
  for (let i = 0; i < 20; i++) await pushEvents(page, 'lane1', [{ type: 'text.delta', text: `streamed line ${i}\n\n` }])
  await expect(lane.locator('.t-message', { hasText: 'streamed line 19' })).toBeVisible()
  await expect.poll(distance).toBeLessThan(5)

  // The user scrolls up: new content no longer moves the view, a button offers the way back.
  await transcript.hover()
  await page.mouse.wheel(0, -1500)
  await expect(lane.getByRole('button', { name: /Jump to latest/ })).toBeVisible()
  const top = await transcript.evaluate((el) => el.scrollTop)
  for (let i = 20; i < 30; i++) await pushEvents(page, 'lane1', [{ type: 'text.delta', text: `streamed line ${i}\n\n` }])
  await page.waitForTimeout(300)
  expect(Math.abs((await transcript.evaluate((el) => el.scrollTop)) - top)).toBeLessThan(2)
  await lane.getByRole('button', { name: /Jump to latest/ }).click()
  await expect(lane.locator('.t-message', { hasText: 'streamed line 29' })).toBeVisible()
  await expect.poll(distance).toBeLessThan(5)
  await expect(lane.getByRole('button', { name: /Jump to latest/ })).toHaveCount(0)
})

test('the new lane dialog groups profiles by kind and marks agents that are not installed', async ({ page, server }) => {
  await open(page, server, world('ready', []))
  await page.locator('.toolbar').getByRole('button', { name: /New lane/ }).click()
  const dialog = page.getByRole('dialog')
  const select = dialog.getByLabel('Profile')
  await expect(select.locator('optgroup')).toHaveCount(3)
  expect(await select.locator('optgroup').evaluateAll((gs) => gs.map((g) => (g as HTMLOptGroupElement).label))).toEqual(['Terminal', 'Codex', 'ACP agents'])
  await expect(select.locator('option', { hasText: 'Codex' })).toHaveText('Codex — not installed')
  await select.selectOption('codex')
  await expect(dialog.getByRole('note')).toHaveText('Not installed: npm install -g @openai/codex')
  await page.screenshot({ path: test.info().outputPath('new-lane-dialog.png') })
  await select.selectOption('fake')
  await expect(dialog.getByRole('note')).toHaveCount(0)
})

test('three agent lanes side by side stay readable at column width', async ({ page, server }) => {
  const w = world('waiting')
  w.lanes.push(
    mockLane({ id: 'lane2', kind: 'acp', profileId: 'fake', title: 'docs', status: 'busy', createdAt: Date.now() + 1 }),
    mockLane({ id: 'lane3', kind: 'acp', profileId: 'fake', title: 'triage', status: 'sleeping', createdAt: Date.now() + 2 }),
  )
  w.transcripts.lane2 = stamp('lane2', [
    { type: 'input', text: 'Update the README for the new retry options' },
    { type: 'turn.started' },
    { type: 'plan', entries: [{ text: 'Find where retry options are documented', status: 'completed' }, { text: 'Describe `onSuccess` and `isRetryable`', status: 'in_progress' }, { text: 'Add an example', status: 'pending' }] },
    { type: 'tool.completed', toolCallId: 's1', toolKind: 'search', title: 'Search "RetryOptions"', status: 'completed', output: 'README.md:88\nsrc/retry.ts:3' },
    { type: 'text.delta', text: 'The options table lives in `README.md` around line 88. I will add two rows:\n\n| option | meaning |\n|---|---|\n| `onSuccess` | called with the attempt count |\n| `isRetryable` | decides which errors are retried |' },
  ])
  w.transcripts.lane3 = stamp('lane3', [
    { type: 'input', text: 'Summarize the open issues labelled bug' },
    { type: 'turn.started' },
    { type: 'text.delta', text: 'There are **3** open bugs; the oldest is #41 (flaky reconnect).' },
    { type: 'turn.completed', outcome: 'completed' },
    { type: 'error', message: 'Rate limited by the provider; retried after 2s' },
    { type: 'process.exited', exitCode: null, signal: 'SIGTERM', requested: true },
    { type: 'status', status: 'sleeping', previous: 'ready' },
  ])
  await installMockBridge(page, w)
  await page.goto(server.url)
  await expect(page.locator('.lane .structured')).toHaveCount(3)
  await expect(page.locator('.lane').nth(2).getByRole('textbox', { name: 'Message' })).toHaveAttribute('placeholder', 'sleeping — sending wakes it')
  await page.screenshot({ path: test.info().outputPath('three-lanes.png') })
})
