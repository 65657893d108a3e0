import type { Page } from '@playwright/test'
import type { Lane, MethodOutput } from '../../src/shared/contract'
import { expect, test } from './fixtures'
import { installMockBridge, mockCalls, mockLane, mockProfile, stamp, type MockWorld } from './mock-bridge'
import { RETRY_DIFF } from '../support/sample-diff'

/**
 * The review panel, the worktree options, removing a worktree lane, archive and history search,
 * driven by a scripted host (mock-bridge.ts plus the git answers below), deterministically.
 * review.spec.ts drives the same against the real server and a real git repository.
 */


const NOTES_DIFF = ['diff --git a/NOTES.md b/NOTES.md', 'new file mode 100644', '--- /dev/null', '+++ b/NOTES.md', '@@ -0,0 +1,2 @@', '+# Notes', '+retry now jitters'].join('\n')

const DIFF: MethodOutput<'review.diff'> = {
  base: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
  files: [
    { path: 'src/retry.ts', status: 'modified', additions: 3, deletions: 2, diff: RETRY_DIFF, binary: false },
    { path: 'NOTES.md', status: 'untracked', additions: 2, deletions: 0, diff: NOTES_DIFF, binary: false },
  ],
}

const WORKTREE = { path: '/data/worktrees/retry-fix-lane1', branch: 'switchyard/retry-fix-lane1', base: 'main', baseCommit: DIFF.base, repoPath: '/home/dev/src/switchyard' }

function world(): MockWorld {
  const now = Date.now()
  return {
    workspaces: [
      { id: 'ws', name: 'switchyard', path: '/home/dev/src/switchyard', addedAt: 1 },
      { id: 'plain', name: 'notes', path: '/home/dev/notes', addedAt: 2 },
    ],
    profiles: [
      mockProfile({ id: 'shell', name: 'Shell', kind: 'terminal', builtIn: true }),
      mockProfile({ id: 'fake', name: 'Fake ACP', kind: 'acp', command: '/usr/bin/node', args: ['/x/acp-agent.mjs'] }),
    ],
    lanes: [
      mockLane({
        id: 'lane1',
        kind: 'acp',
        profileId: 'fake',
        title: 'retry fix',
        worktree: WORKTREE,
        git: { branch: WORKTREE.branch, ahead: 2, behind: 1, changedFiles: 2, at: now },
      }),
      mockLane({ id: 'old1', kind: 'acp', profileId: 'fake', title: 'flaky test hunt', status: 'sleeping', archived: true, lastActivityAt: now - 3 * 3600_000 }),
    ],
    transcripts: {
      lane1: stamp('lane1', [{ type: 'input', text: 'Make retry jitter' }, { type: 'message', role: 'assistant', text: 'Done.' }]),
      old1: stamp('old1', [{ type: 'input', text: 'Find the flaky websocket test' }, { type: 'message', role: 'assistant', text: 'It was a race.' }]),
    },
  }
}

/** Git, review, archive and history answers on top of the mock bridge. */
async function installGitMock(page: Page) {
  await page.addInitScript(
    ({ diff }) => {
      const win = window as unknown as Record<string, any>
      const bridge = win.switchyard
      const mock = win.__mock
      const base = bridge.invoke.bind(bridge)
      const ok = (value: unknown) => Promise.resolve({ ok: true, value })
      const fail = (code: string, message: string) => Promise.resolve({ ok: false, error: { code, message } })
      let orphans = [{ path: '/data/worktrees/old-lane9', branch: 'switchyard/old-lane9', repoPath: '/home/dev/src/switchyard' }]
      bridge.invoke = (method: string, input: any) => {
        const w = mock.world
        const lane = (id: string) => w.lanes.find((l: Lane) => l.id === id)
        switch (method) {
          case 'review.diff':
            mock.calls.push({ method, input })
            return ok(diff)
          case 'review.discard':
          case 'review.comment':
            mock.calls.push({ method, input })
            return ok({ ok: true })
          case 'review.commit':
            mock.calls.push({ method, input })
            return ok({ commit: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432' })
          case 'git.branches':
            mock.calls.push({ method, input })
            return input.workspaceId === 'ws' ? ok({ current: 'main', branches: ['develop', 'main', 'release/1.2'] }) : fail('unsupported', '/home/dev/notes is not a git repository')
          case 'lanes.create': {
            mock.calls.push({ method, input })
            return fail('conflict', "branch 'main' is already checked out at '/home/dev/src/switchyard'")
          }
          case 'lanes.remove':
            mock.calls.push({ method, input })
            w.lanes = w.lanes.filter((l: Lane) => l.id !== input.laneId)
            return ok({ ok: true })
          case 'lanes.archive':
          case 'lanes.restore': {
            mock.calls.push({ method, input })
            const next = { ...lane(input.laneId), archived: method === 'lanes.archive' ? true : undefined }
            mock.setLane(next)
            return ok(next)
          }
          case 'history.search':
            mock.calls.push({ method, input })
            return ok(
              input.query.toLowerCase().includes('flaky')
                ? [{ laneId: 'old1', laneTitle: 'flaky test hunt', archived: true, seq: 1, at: Date.now() - 3 * 3600_000, type: 'input', snippet: 'Find the flaky websocket test' }]
                : [],
            )
          case 'worktrees.orphans':
            return ok(orphans)
          case 'worktrees.removeOrphan':
            mock.calls.push({ method, input })
            orphans = orphans.filter((o) => o.path !== input.path)
            return ok({ ok: true })
          default:
            return base(method, input)
        }
      }
    },
    { diff: DIFF },
  )
}

async function open(page: Page, server: { url: string }) {
  await installMockBridge(page, world())
  await installGitMock(page)
  await page.goto(server.url)
  const lane = page.locator('.lane').first()
  await expect(lane.locator('.structured')).toBeVisible()
  return lane
}

const calls = async (page: Page, method: string) => (await mockCalls(page)).filter((c) => c.method === method).map((c) => c.input)

test('the lane header shows the branch, ahead/behind and changed files; Review lists files and diffs', async ({ page, server }) => {
  const lane = await open(page, server)
  await expect(lane.locator('.lane-git')).toHaveText('⎇ switchyard/retry-fix-lane1 ↑2 ↓1 · 2 changed')

  await lane.getByRole('button', { name: 'Review' }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  await expect(review).toBeVisible()
  await expect(review.locator('.review-summary')).toHaveText('2 files · +5 −2 · vs main (a1b2c3d) · 2 uncommitted')
  await expect(review.locator('.review-file')).toHaveCount(2)
  await expect(review.locator('.review-file').first()).toContainText('src/retry.ts')
  // The first file is open: its lines, coloured, with both hunks.
  await expect(review.locator('.diff-add .diff-text')).toHaveText(['const RETRIES = 5', 'const JITTER = 0.2', '  if (++attempt > RETRIES) throw err'])
  await expect(review.locator('.diff-hunk')).toHaveCount(2)
  // Split view pairs the removed and added lines.
  await review.getByRole('button', { name: 'Split' }).click()
  await expect(review.locator('.diff-split .diff-pair').first()).toBeVisible()
  await expect(review.locator('.diff-half.diff-del .diff-text').first()).toHaveText('const RETRIES = 3')
  await review.getByRole('button', { name: 'Unified' }).click()
  await page.setViewportSize({ width: 700, height: 640 })
  await page.screenshot({ path: test.info().outputPath('review-narrow.png') })
  await page.setViewportSize({ width: 1400, height: 820 })
  // Another file.
  await review.locator('.review-file', { hasText: 'NOTES.md' }).click()
  await expect(review.locator('.review-diff-path')).toHaveText('NOTES.md')
  await expect(review.locator('.diff-add .diff-text')).toHaveText(['# Notes', 'retry now jitters'])
  // Escape closes the panel; the transcript is still there underneath.
  await review.locator('.review-file').first().click()
  await page.keyboard.press('Escape')
  await expect(review).toBeHidden()
  await expect(lane.locator('.t-message')).toHaveText('Done.')
})

test('select lines (click, shift-click), comment, send: review.comment gets the range, side, quote and text', async ({ page, server }) => {
  const lane = await open(page, server)
  await lane.getByRole('button', { name: 'Review' }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  const newNo = (n: number) => review.locator(`.diff-unified .diff-no[data-side="new"][data-no="${n}"]`)
  await newNo(2).click()
  await newNo(3).click({ modifiers: ['Shift'] })
  await expect(review.locator('.diff-selected')).toHaveCount(2)
  await expect(review.locator('.diff-selected .diff-text')).toHaveText(['const RETRIES = 5', 'const JITTER = 0.2'])
  const box = review.getByRole('textbox', { name: 'Review comment' })
  await expect(box).toBeFocused()
  await expect(review.locator('.review-comment-label')).toHaveText('Comment on src/retry.ts:2–3')
  await box.fill('Five retries with jitter is too many for the CLI; make it 3 and keep the jitter.')
  await page.screenshot({ path: test.info().outputPath('review-selection.png') })
  await review.getByRole('button', { name: 'Add comment' }).click()
  await expect(review.locator('.diff-selected')).toHaveCount(0)
  await expect(review.locator('.review-inline-comment')).toContainText('too many for the CLI')

  // A second comment, on the base's side: a removed line (old 21).
  await review.locator('.diff-unified .diff-no[data-side="old"][data-no="21"]').click()
  await review.getByRole('textbox', { name: 'Review comment' }).fill('Keep a test for the boundary.')
  await review.getByRole('textbox', { name: 'Review comment' }).press('Control+Enter')
  await expect(review.locator('.review-pending-list li')).toHaveCount(2)
  await expect(review.locator('.review-pending-ref')).toHaveText(['src/retry.ts:2–3', 'src/retry.ts:21 (old)'])
  await expect(review.locator('.review-file').first().locator('.review-file-comments')).toHaveText('2')
  await page.screenshot({ path: test.info().outputPath('review-comments.png') })

  // Closing and reopening the panel keeps pending comments.
  await review.getByRole('button', { name: 'Close review' }).click()
  await lane.getByRole('button', { name: 'Review' }).click()
  await expect(review.locator('.review-pending-list li')).toHaveCount(2)

  await review.getByRole('button', { name: 'Send to agent' }).click()
  await expect(review).toBeHidden()
  expect(await calls(page, 'review.comment')).toEqual([
    {
      laneId: 'lane1',
      comments: [
        {
          path: 'src/retry.ts',
          startLine: 2,
          endLine: 3,
          side: 'new',
          quote: 'const RETRIES = 5\nconst JITTER = 0.2',
          text: 'Five retries with jitter is too many for the CLI; make it 3 and keep the jitter.',
        },
        { path: 'src/retry.ts', startLine: 21, endLine: 21, side: 'old', quote: '  if (attempt++ >= RETRIES) throw err', text: 'Keep a test for the boundary.' },
      ],
    },
  ])
})

test('pending comments survive a reload (kept in main); sending them clears them there too', async ({ page, server }) => {
  const lane = await open(page, server)
  await lane.getByRole('button', { name: 'Review' }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  await review.locator('.diff-unified .diff-no[data-side="new"][data-no="2"]').click()
  await review.getByRole('textbox', { name: 'Review comment' }).fill('Why five?')
  await review.getByRole('button', { name: 'Add comment' }).click()
  await expect(review.locator('.review-pending-ref')).toHaveText(['src/retry.ts:2'])
  await expect.poll(async () => (await calls(page, 'review.saveDrafts')).at(-1)).toEqual({
    laneId: 'lane1',
    comments: [{ path: 'src/retry.ts', startLine: 2, endLine: 2, side: 'new', quote: 'const RETRIES = 5', text: 'Why five?' }],
  })

  await page.reload()
  await expect(lane.locator('.structured')).toBeVisible()
  await lane.getByRole('button', { name: 'Review' }).click()
  await expect(review.locator('.review-pending-ref')).toHaveText(['src/retry.ts:2'])
  await expect(review.locator('.review-pending-text')).toHaveText(['Why five?'])
  await expect(review.locator('.review-inline-comment')).toContainText('Why five?')

  await review.getByRole('button', { name: 'Send to agent' }).click()
  await expect(review).toBeHidden()
  expect(await calls(page, 'review.comment')).toEqual([
    { laneId: 'lane1', comments: [{ path: 'src/retry.ts', startLine: 2, endLine: 2, side: 'new', quote: 'const RETRIES = 5', text: 'Why five?' }] },
  ])
  await page.reload()
  await expect(lane.locator('.structured')).toBeVisible()
  await lane.getByRole('button', { name: 'Review' }).click()
  await expect(review.locator('.diff-add').first()).toBeVisible()
  await expect(review.locator('.review-pending')).toHaveCount(0)
})

test('keyboard: arrows move between line numbers, Shift+arrows select, Enter comments, Esc clears before it closes', async ({ page, server }) => {
  const lane = await open(page, server)
  await lane.getByRole('button', { name: 'Review' }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  const line = (no: number, side = 'new') => review.getByRole('button', { name: `Line ${no}, ${side} side`, exact: true })
  // One tab stop among the line numbers.
  await expect(review.locator('.diff-no[tabindex="0"]')).toHaveCount(1)

  await line(1).focus()
  await page.keyboard.press('ArrowDown')
  await expect(line(2)).toBeFocused()
  await page.keyboard.press('Shift+ArrowDown')
  await page.keyboard.press('Shift+ArrowDown')
  await expect(line(4)).toBeFocused()
  await expect(review.locator('.diff-selected')).toHaveCount(3)
  await expect(review.locator('.review-comment-box')).toHaveCount(0)
  await expect(review.getByRole('status')).toHaveText('src/retry.ts:2–4 selected · Enter or C to comment · Esc to clear')
  await expect(review.locator('.diff-no[tabindex="0"]')).toHaveCount(1)
  await page.screenshot({ path: test.info().outputPath('review-keyboard.png') })
  await page.keyboard.press('Enter')
  const box = review.getByRole('textbox', { name: 'Review comment' })
  await expect(box).toBeFocused()
  await expect(review.locator('.review-comment-label')).toHaveText('Comment on src/retry.ts:2–4')
  await page.keyboard.type('Three lines for one constant?')
  await review.getByRole('button', { name: 'Add comment' }).click()
  await expect(review.locator('.review-pending-ref')).toHaveText(['src/retry.ts:2–4'])
  expect((await calls(page, 'review.saveDrafts')).at(-1)).toEqual({
    laneId: 'lane1',
    comments: [{ path: 'src/retry.ts', startLine: 2, endLine: 4, side: 'new', quote: 'const RETRIES = 5\nconst JITTER = 0.2\n', text: 'Three lines for one constant?' }],
  })
  // Back on the line, not lost outside the panel.
  await expect(line(4)).toBeFocused()

  // The old side (the blank line 4 was line 3 there), with its removed lines; `c` comments too.
  await page.keyboard.press('ArrowLeft')
  await expect(line(3, 'old')).toBeFocused()
  await page.keyboard.press('ArrowUp')
  await expect(line(2, 'old')).toBeFocused()
  await page.keyboard.press('c')
  await expect(review.locator('.review-comment-label')).toHaveText('Comment on src/retry.ts:2 (old)')
  await page.keyboard.press('Escape')
  await expect(review.locator('.review-comment-box')).toHaveCount(0)
  await expect(line(2, 'old')).toBeFocused()

  // Esc clears a selection and keeps the panel; with nothing selected it closes the panel.
  await page.keyboard.press('Shift+ArrowDown')
  await expect(review.locator('.diff-selected')).toHaveCount(2)
  await page.keyboard.press('Escape')
  await expect(review.locator('.diff-selected')).toHaveCount(0)
  await expect(review).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(review).toBeHidden()
})

test('dragging over line numbers selects a range; split view selects on one side', async ({ page, server }) => {
  const lane = await open(page, server)
  await lane.getByRole('button', { name: 'Review' }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  const from = review.locator('.diff-unified .diff-no[data-side="new"][data-no="1"]')
  const to = review.locator('.diff-unified .diff-no[data-side="new"][data-no="4"]')
  await from.hover()
  await page.mouse.down()
  await to.hover()
  await page.mouse.up()
  await expect(review.locator('.review-comment-label')).toHaveText('Comment on src/retry.ts:1–4')
  await expect(review.locator('.diff-selected')).toHaveCount(4)

  await review.getByRole('button', { name: 'Split' }).click()
  await expect(review.locator('.diff-half.diff-selected')).toHaveCount(4)
  await review.locator('.diff-split .diff-no[data-side="old"][data-no="2"]').click()
  await expect(review.locator('.diff-half.diff-selected')).toHaveCount(1)
  await expect(review.locator('.review-comment-label')).toHaveText('Comment on src/retry.ts:2 (old)')
  await page.keyboard.press('Escape')
  await expect(review.locator('.review-comment-box')).toHaveCount(0)
  await expect(review).toBeVisible()
})

test('discard a hunk or a file (after confirming), commit with a message', async ({ page, server }) => {
  const lane = await open(page, server)
  await lane.getByRole('button', { name: 'Review' }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  // The second hunk's discard names hunk 1.
  await review.locator('.diff-hunk').nth(1).getByRole('button', { name: 'Discard hunk' }).click()
  await review.getByRole('group', { name: 'Discard this hunk of src/retry.ts?' }).getByRole('button', { name: 'Discard' }).click()
  await expect.poll(() => calls(page, 'review.discard')).toEqual([{ laneId: 'lane1', path: 'src/retry.ts', hunk: 1 }])
  // A whole file: cancel once, then confirm.
  await review.locator('.review-file', { hasText: 'NOTES.md' }).click()
  await review.getByRole('button', { name: 'Discard file' }).click()
  await review.getByRole('group', { name: 'Delete the new file NOTES.md?' }).getByRole('button', { name: 'Cancel' }).click()
  await review.getByRole('button', { name: 'Discard file' }).click()
  await review.getByRole('group', { name: 'Delete the new file NOTES.md?' }).getByRole('button', { name: 'Discard' }).click()
  await expect.poll(async () => (await calls(page, 'review.discard')).length).toBe(2)
  expect((await calls(page, 'review.discard'))[1]).toEqual({ laneId: 'lane1', path: 'NOTES.md' })

  const message = review.getByRole('textbox', { name: 'Commit message' })
  await expect(review.getByRole('button', { name: 'Commit' })).toBeDisabled()
  await message.fill('Retry with jitter')
  await message.press('Enter')
  await expect(page.locator('.toast')).toContainText('Committed 9f8e7d6 on switchyard/retry-fix-lane1')
  expect(await calls(page, 'review.commit')).toEqual([{ laneId: 'lane1', message: 'Retry with jitter' }])
  await expect(message).toHaveValue('')
  // Every change reloads the diff.
  expect((await calls(page, 'review.diff')).length).toBeGreaterThanOrEqual(4)
})

test('closing a worktree lane asks keep or delete (and the branch); Ctrl+W too', async ({ page, server }) => {
  const lane = await open(page, server)
  await lane.getByRole('button', { name: 'Close lane retry fix' }).click()
  const dialog = page.getByRole('dialog', { name: /Close lane/ })
  await expect(dialog).toContainText('switchyard/retry-fix-lane1')
  await expect(dialog).toContainText('2 files have uncommitted changes')
  await page.screenshot({ path: test.info().outputPath('remove-worktree-lane.png') })
  await dialog.getByRole('button', { name: 'Cancel' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.lane')).toHaveCount(1)

  await lane.click()
  await page.keyboard.press('Control+Shift+W')
  await expect(dialog).toBeVisible()
  await dialog.getByLabel(/Also delete the branch/).check()
  await dialog.getByRole('button', { name: 'Delete worktree and branch' }).click()
  await expect(dialog).toBeHidden()
  await expect(page.locator('.lane')).toHaveCount(0)
  expect(await calls(page, 'lanes.remove')).toEqual([{ laneId: 'lane1', worktree: 'delete', deleteBranch: true }])
})

test('new lane: worktree options for a git workspace (agents on by default), none for a plain folder; git errors show', async ({ page, server }) => {
  await open(page, server)
  await page.locator('.toolbar').getByRole('button', { name: /New lane/ }).click()
  const dialog = page.getByRole('dialog', { name: 'New lane' })
  await dialog.getByLabel('Workspace').selectOption({ label: 'switchyard' })
  await dialog.getByLabel('Profile').selectOption({ label: 'Fake ACP' })
  const own = dialog.getByRole('checkbox', { name: /Own worktree/ })
  await expect(own).toBeChecked()
  await expect(dialog.getByLabel('Base').locator('option')).toHaveText(['main (current)', 'develop', 'release/1.2'])
  await dialog.getByLabel('Base').selectOption('develop')
  await dialog.getByLabel(/Branch/).fill('feat/jitter')
  await dialog.getByLabel(/Copy ignored files/).fill('.env*, config/local.json')
  await page.screenshot({ path: test.info().outputPath('new-lane-worktree.png') })
  // A terminal does not get one by default.
  await dialog.getByLabel('Profile').selectOption({ label: 'Shell' })
  await expect(own).not.toBeChecked()
  await dialog.getByLabel('Profile').selectOption({ label: 'Fake ACP' })
  await expect(own).toBeChecked()
  await dialog.getByRole('button', { name: 'Create lane' }).click()
  // Git's complaint is shown, and the dialog stays to fix the choice.
  await expect(page.locator('.toast-error')).toContainText("branch 'main' is already checked out")
  await expect(dialog).toBeVisible()
  const create = (await calls(page, 'lanes.create'))[0] as { worktree: unknown }
  expect(create.worktree).toEqual({ enabled: true, base: 'develop', branch: 'feat/jitter', copyIgnored: ['.env*', 'config/local.json'] })

  // A folder outside git: no option, and the lane is asked for none.
  await dialog.getByLabel('Workspace').selectOption({ label: 'notes' })
  await expect(own).toHaveCount(0)
  await dialog.getByRole('button', { name: 'Create lane' }).click()
  await expect.poll(async () => (await calls(page, 'lanes.create')).length).toBe(2)
  expect(((await calls(page, 'lanes.create'))[1] as { worktree: unknown }).worktree).toEqual({ enabled: false })
})

test('archive and restore; history search highlights and restores an archived lane; orphaned worktrees', async ({ page, server }) => {
  const lane = await open(page, server)
  // The archived lane is listed in the sidebar, not in the columns.
  const archived = page.getByRole('region', { name: 'Archived lanes' })
  await expect(archived.locator('.archived-lane')).toHaveCount(1)
  await expect(archived).toContainText('flaky test hunt')
  await expect(page.locator('.lane')).toHaveCount(1)

  await lane.getByRole('button', { name: 'Archive lane retry fix' }).click()
  await expect(page.locator('.lane')).toHaveCount(0)
  await expect(archived.locator('.archived-title')).toHaveText(['retry fix', 'flaky test hunt'])
  await archived.getByRole('button', { name: 'Restore lane retry fix' }).click()
  await expect(page.locator('.lane')).toHaveCount(1)
  await expect(page.locator('.lane .t-message')).toHaveText('Done.')

  // Search: the match is highlighted; an archived hit asks to restore first.
  await page.getByRole('searchbox', { name: 'Search history' }).fill('FLAKY')
  const results = page.getByRole('listbox', { name: 'Search results' })
  await expect(results.locator('.history-hit')).toHaveCount(1)
  await expect(results.locator('mark')).toHaveText('flaky')
  await expect(results.locator('.history-hit-lane')).toHaveText('flaky test hunt')
  await page.screenshot({ path: test.info().outputPath('history-search.png') })
  await results.locator('.history-hit').click()
  await results.getByRole('button', { name: 'Restore and open' }).click()
  await expect(results).toBeHidden()
  await expect(page.locator('.lane')).toHaveCount(2)
  await expect(page.locator('.lane.focused')).toHaveAttribute('data-lane-id', 'old1')
  await expect(page.locator('.lane.focused .t-input-text')).toHaveText('Find the flaky websocket test')
  await expect(archived).toHaveCount(0)

  // A worktree no lane owns: listed, deleted on request.
  const orphans = page.getByRole('region', { name: 'Orphaned worktrees' })
  await expect(orphans).toContainText('switchyard/old-lane9')
  await orphans.getByRole('button', { name: 'Delete worktree /data/worktrees/old-lane9' }).click()
  await orphans.getByRole('button', { name: '+ branch' }).click()
  await expect(orphans).toHaveCount(0)
  expect(await calls(page, 'worktrees.removeOrphan')).toEqual([{ path: '/data/worktrees/old-lane9', deleteBranch: true }])
})

test('Review opens full-width: the lane takes the whole area while it is open, and the columns come back on close', async ({ page, server }) => {
  await page.setViewportSize({ width: 1400, height: 820 })
  const w = world()
  w.lanes.push(mockLane({ id: 'lane2', kind: 'terminal', profileId: 'shell', title: 'second shell' }))
  await installMockBridge(page, w)
  await installGitMock(page)
  await page.goto(server.url)
  const lane = page.locator('.lane[data-lane-id="lane1"]')
  const other = page.locator('.lane[data-lane-id="lane2"]')
  await expect(other).toBeVisible()
  const area = (await page.locator('.lanes').boundingBox())!.width
  expect((await lane.boundingBox())!.width).toBeLessThan(area * 0.75)

  await lane.getByRole('button', { name: 'Review', exact: true }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  await expect(review).toBeVisible()
  await expect(other).toBeHidden()
  await expect.poll(async () => (await review.boundingBox())!.width).toBeGreaterThan(area * 0.95)
  await expect(lane.getByRole('button', { name: 'Restore the columns' })).toHaveAttribute('aria-pressed', 'true')

  // Closing gives the columns back.
  await lane.getByRole('button', { name: 'Review', exact: true }).click()
  await expect(review).toBeHidden()
  await expect(other).toBeVisible()

  // A lane the user maximised stays maximised when its review closes.
  await lane.getByRole('button', { name: 'Maximise lane retry fix' }).click()
  await expect(other).toBeHidden()
  await lane.getByRole('button', { name: 'Review', exact: true }).click()
  await expect(review).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(review).toBeHidden()
  await expect(other).toBeHidden()
  await expect(lane.getByRole('button', { name: 'Restore the columns' })).toBeVisible()
})
