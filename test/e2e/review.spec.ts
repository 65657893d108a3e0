import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { gitIn, hasGit } from '../support/git'
import { addWorkspace, expect, rpc, test } from './fixtures'

/**
 * A lane in its own git worktree, end to end against the real server and a real repository: the
 * fake ACP agent edits a file, Review shows the change, a comment on selected lines reaches the agent
 * as its next prompt, a commit lands on the lane's branch; archive, restore, history search; closing
 * the lane deletes its worktree and branch when asked.
 */
const FAKE_ACP = fileURLToPath(new URL('../support/fake-agents/acp-agent.mjs', import.meta.url))

// A click on something that never shows fails at that step rather than at the test's timeout.
test.use({ actionTimeout: 15_000 })


test('worktree lane: the agent’s change in Review, a line comment reaches the agent, commit, archive/restore, search, delete', async ({ page, server, workspaceDir }) => {
  test.skip(!hasGit(), 'git is not installed')
  test.skip(!existsSync(FAKE_ACP), `${FAKE_ACP} is missing`)
  test.setTimeout(120_000)

  // A repository with one commit on main.
  gitIn(workspaceDir, 'init', '-q', '-b', 'main')
  gitIn(workspaceDir, 'config', 'user.email', 'dev@example.com')
  gitIn(workspaceDir, 'config', 'user.name', 'Dev')
  gitIn(workspaceDir, 'config', 'commit.gpgsign', 'false')
  writeFileSync(path.join(workspaceDir, 'notes.txt'), 'alpha\nbeta\n')
  gitIn(workspaceDir, 'add', '.')
  gitIn(workspaceDir, 'commit', '-q', '-m', 'first')

  await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP] })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)

  // A new agent lane on a git workspace: own worktree, on by default, from the current branch.
  await page.locator('.toolbar').getByRole('button', { name: /New lane/ }).click()
  const dialog = page.getByRole('dialog', { name: 'New lane' })
  const profile = dialog.getByLabel('Profile')
  await expect(profile.locator('option', { hasText: 'Fake ACP' })).toHaveCount(1)
  await profile.selectOption({ label: 'Fake ACP' })
  await dialog.getByLabel(/Title/).fill('review me')
  await expect(dialog.getByRole('checkbox', { name: /Own worktree/ })).toBeChecked()
  await expect(dialog.getByLabel('Base')).toHaveValue('')
  await expect(dialog.getByLabel('Base').locator('option').first()).toHaveText('main (current)')
  await dialog.getByRole('button', { name: 'Create lane' }).click()
  await expect(dialog).toBeHidden()
  const lane = page.locator('.lane').first()
  await expect(lane.locator('.badge')).toHaveText('ready', { timeout: 20_000 })

  const [record] = await rpc(server, 'lanes.list', {})
  const wt = record.worktree!
  expect(wt.base).toBe('main')
  expect(path.dirname(wt.path)).not.toBe(workspaceDir)
  await expect(lane.locator('.lane-git-branch')).toHaveText(`⎇ ${wt.branch}`)

  // An earlier prompt, to search for later.
  const box = lane.getByRole('textbox', { name: 'Message' })
  await box.fill('remember the pelican')
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toHaveText('ECHO: remember the pelican')

  // The agent changes a file in its worktree (through the ACP fs capability).
  await box.fill(`WRITE:${path.join(wt.path, 'notes.txt')} alpha\ngamma\ndelta\n`)
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toHaveText('WRITE_OK')
  expect(readFileSync(path.join(wt.path, 'notes.txt'), 'utf8')).toBe('alpha\ngamma\ndelta\n')
  // The workspace's own checkout is untouched.
  expect(readFileSync(path.join(workspaceDir, 'notes.txt'), 'utf8')).toBe('alpha\nbeta\n')
  await expect(lane.locator('.lane-git-changed')).toHaveText(' · 1 changed', { timeout: 15_000 })

  // Review: the file and its diff against the base.
  await lane.getByRole('button', { name: 'Review', exact: true }).click()
  const review = lane.getByRole('region', { name: /Review/ })
  await expect(review.locator('.review-file')).toHaveCount(1)
  await expect(review.locator('.review-file')).toContainText('notes.txt')
  await expect(review.locator('.review-file .review-file-stats')).toHaveText('+2 −1')
  await expect(review.locator('.diff-del .diff-text')).toHaveText(['beta'])
  await expect(review.locator('.diff-add .diff-text')).toHaveText(['gamma', 'delta'])

  // Select new lines 2–3, comment, send.
  await review.locator('.diff-unified .diff-no[data-side="new"][data-no="2"]').click()
  await review.locator('.diff-unified .diff-no[data-side="new"][data-no="3"]').click({ modifiers: ['Shift'] })
  await expect(review.locator('.diff-selected .diff-text')).toHaveText(['gamma', 'delta'])
  await review.getByRole('textbox', { name: 'Review comment' }).fill('These two should be one line, lowercase epsilon.')
  await page.screenshot({ path: test.info().outputPath('review-real-selection.png') })
  await review.getByRole('button', { name: 'Add comment' }).click()
  await expect(review.locator('.review-inline-comment')).toContainText('lowercase epsilon')
  await page.screenshot({ path: test.info().outputPath('review-real-comment.png') })
  await review.getByRole('button', { name: 'Send to agent' }).click()
  await expect(review).toBeHidden()

  // The agent got it as its next prompt (the fake echoes it): file and line reference, quote, comment.
  const echo = lane.locator('.t-message').last()
  await expect(echo).toContainText('notes.txt:2-3', { timeout: 15_000 })
  await expect(echo).toContainText('These two should be one line, lowercase epsilon.')
  await expect(echo).toContainText('gamma')
  // In the transcript the comment shows as a quote with the quoted lines as code, not raw ``` fences.
  const sentComment = lane.locator('.t-input').last()
  await expect(sentComment.locator('.t-input-quote code').first()).toContainText('gamma')
  await expect(sentComment).not.toContainText('```')
  await expect(lane.locator('.t-turn').last()).toHaveAttribute('data-outcome', 'completed')

  // Commit: the lane's branch has it, the workspace's branch does not.
  await lane.getByRole('button', { name: 'Review', exact: true }).click()
  await expect(review.locator('.review-file')).toHaveCount(1)
  await review.getByRole('textbox', { name: 'Commit message' }).fill('Gamma and delta')
  await review.getByRole('button', { name: 'Commit' }).click()
  await expect(page.locator('.toast')).toContainText(`on ${wt.branch}`)
  // The review still shows the lane's work against its base, now all committed.
  await expect(review.locator('.review-file')).toHaveCount(1)
  await expect(review.locator('.review-summary')).toContainText('all committed', { timeout: 15_000 })
  await expect(review.getByRole('textbox', { name: 'Commit message' })).toHaveAttribute('placeholder', 'Nothing to commit')
  expect(gitIn(workspaceDir, 'log', '-1', '--format=%s', wt.branch)).toBe('Gamma and delta')
  expect(gitIn(workspaceDir, 'log', '-1', '--format=%s', 'main')).toBe('first')
  const sha = gitIn(workspaceDir, 'rev-parse', '--short=7', wt.branch)
  await expect(page.locator('.toast')).toContainText(`Committed ${sha}`)
  await review.getByRole('button', { name: 'Close review' }).click()
  // One commit ahead of its base.
  await expect(lane.locator('.lane-git-ahead')).toHaveText(' ↑1', { timeout: 15_000 })

  // Archive: out of the columns, listed in the sidebar; search still finds its history.
  await lane.getByRole('button', { name: 'Archive lane review me' }).click()
  await expect(page.locator('.lane')).toHaveCount(0)
  const archived = page.getByRole('region', { name: 'Archived lanes' })
  await expect(archived.locator('.archived-title')).toHaveText(['review me'])
  await page.getByRole('searchbox', { name: 'Search history' }).fill('pelican')
  const results = page.getByRole('listbox', { name: 'Search results' })
  await expect(results.locator('.history-hit').first()).toBeVisible()
  await expect(results.locator('.history-hit-lane').first()).toHaveText('review me')
  await expect(results.locator('.history-hit .lane-tag').first()).toHaveText('archived')
  await expect(results.locator('mark').first()).toHaveText('pelican')
  await page.screenshot({ path: test.info().outputPath('history-real-search.png') })
  await page.keyboard.press('Escape')

  // Restore: back in the columns with its transcript.
  await archived.getByRole('button', { name: 'Restore lane review me' }).click()
  await expect(page.locator('.lane')).toHaveCount(1)
  const back = page.locator('.lane').first()
  await expect(back.locator('.t-message', { hasText: 'ECHO: remember the pelican' })).toHaveCount(1)
  await expect(back.locator('.t-message', { hasText: 'WRITE_OK' })).toHaveCount(1)
  await expect(archived).toHaveCount(0)

  // Closing it asks about the worktree; delete both.
  await back.getByRole('button', { name: 'Close lane review me' }).click()
  const remove = page.getByRole('dialog', { name: /Close lane/ })
  await expect(remove).toContainText(wt.branch)
  await remove.getByLabel(/Also delete the branch/).check()
  await remove.getByRole('button', { name: 'Delete worktree and branch' }).click()
  await expect(page.locator('.lane')).toHaveCount(0)
  await expect.poll(() => existsSync(wt.path)).toBe(false)
  expect(gitIn(workspaceDir, 'branch', '--list', wt.branch)).toBe('')
})
