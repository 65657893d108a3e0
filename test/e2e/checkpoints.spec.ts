import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Locator, Page } from '@playwright/test'
import { gitIn, hasGit } from '../support/git'
import { addWorkspace, expect, newLane, rpc, test, type Server } from './fixtures'

/**
 * Checkpoints and finishing a branch in the real renderer against the real server and a real
 * repository: the fake ACP agent edits a file in two turns, the user restores turn 1 from the
 * transcript (and undoes it); then commit → merge into main → push to a bare origin from Review.
 */
const FAKE_ACP = fileURLToPath(new URL('../support/fake-agents/acp-agent.mjs', import.meta.url))

test.use({ actionTimeout: 15_000 })


/** A repository on main with notes.txt, a fake ACP profile, and a lane in its own worktree. */
async function setup(page: Page, server: Server, workspaceDir: string) {
  gitIn(workspaceDir, 'init', '-q', '-b', 'main')
  gitIn(workspaceDir, 'config', 'user.email', 'dev@example.com')
  gitIn(workspaceDir, 'config', 'user.name', 'Dev')
  gitIn(workspaceDir, 'config', 'commit.gpgsign', 'false')
  writeFileSync(path.join(workspaceDir, 'notes.txt'), 'zero\n')
  gitIn(workspaceDir, 'add', '.')
  gitIn(workspaceDir, 'commit', '-q', '-m', 'first')
  await rpc(server, 'profiles.create', { kind: 'acp', name: 'Fake ACP', command: process.execPath, args: [FAKE_ACP] })
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { profile: 'Fake ACP', title: 'ckpt' })
  await expect(lane.locator('.badge')).toHaveText('ready', { timeout: 20_000 })
  const [record] = await rpc(server, 'lanes.list', {})
  return { lane, wt: record.worktree! }
}

async function say(lane: Locator, text: string, reply: string | RegExp) {
  const box = lane.getByRole('textbox', { name: 'Message' })
  await box.fill(text)
  await box.press('Enter')
  await expect(lane.locator('.t-message').last()).toHaveText(reply, { timeout: 15_000 })
}

test('restore turn 1 from the transcript: preview, files back, the agent told; undo from the restore marker', async ({ page, server, workspaceDir }) => {
  test.skip(!hasGit(), 'git is not installed')
  test.setTimeout(120_000)
  const { lane, wt } = await setup(page, server, workspaceDir)
  const notes = path.join(wt.path, 'notes.txt')

  await say(lane, `WRITE:${notes} one`, 'WRITE_OK')
  await expect(lane.locator('.t-turn')).toHaveCount(1, { timeout: 15_000 })
  // The reply is WRITE_OK again: the second turn's end marks it done.
  await say(lane, `WRITE:${notes} two`, 'WRITE_OK')
  await expect(lane.locator('.t-turn')).toHaveCount(2, { timeout: 15_000 })
  expect(readFileSync(notes, 'utf8')).toBe('two')

  const endOfTurn1 = lane.locator('.t-checkpoint[data-phase="end"]').first()
  await expect(endOfTurn1.locator('.t-checkpoint-label')).toHaveText('Files at the end of turn 1', { timeout: 15_000 })
  await expect(lane.locator('.t-checkpoint[data-phase="end"]')).toHaveCount(2, { timeout: 15_000 })

  // Diff vs now: what changed since.
  await endOfTurn1.getByRole('button', { name: 'Diff vs now' }).click()
  const diff = endOfTurn1.getByRole('region', { name: /Changes since checkpoint/ })
  await expect(diff.locator('summary')).toContainText('notes.txt')
  await endOfTurn1.getByRole('button', { name: 'Diff vs now' }).click()

  // Restore with a preview; this fake agent cannot rewind, so only the files are offered.
  await endOfTurn1.getByRole('button', { name: 'Restore…' }).click()
  const preview = endOfTurn1.getByRole('region', { name: /Restore checkpoint/ })
  await expect(preview.locator('li')).toHaveText(['changes notes.txt'])
  await expect(preview.getByRole('button', { name: 'Restore files and conversation' })).toHaveCount(0)
  await page.screenshot({ path: test.info().outputPath('checkpoint-restore-preview.png') })
  await preview.getByRole('button', { name: 'Restore files' }).click()
  await expect(page.locator('.toast').last()).toContainText('Restored 1 file')
  expect(readFileSync(notes, 'utf8')).toBe('one')

  // The restore has its own marker, whose Undo brings the later files back.
  const restoreMarker = lane.locator('.t-checkpoint[data-phase="restore"]')
  await expect(restoreMarker.locator('.t-checkpoint-label')).toContainText('restored to checkpoint')

  // The agent hears about it with the next prompt (the fake echoes what it got).
  await say(lane, 'what now', /the user restored the files to how they were at the end of turn 1/)

  await restoreMarker.getByRole('button', { name: 'Undo restore…' }).click()
  await restoreMarker.getByRole('button', { name: 'Restore files' }).click()
  await expect.poll(() => readFileSync(notes, 'utf8')).toBe('two')
})

test('review: commit says what it did, then merge into main (squash) and push to the remote', async ({ page, server, workspaceDir }) => {
  test.skip(!hasGit(), 'git is not installed')
  test.setTimeout(120_000)
  const origin = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-origin-')))
  try {
    const { lane, wt } = await setup(page, server, workspaceDir)
    gitIn(origin, 'init', '-q', '--bare', '-b', 'main')
    gitIn(workspaceDir, 'remote', 'add', 'origin', origin)
    await say(lane, `WRITE:${path.join(wt.path, 'notes.txt')} from the lane`, 'WRITE_OK')

    await lane.getByRole('button', { name: 'Review', exact: true }).click()
    const review = lane.getByRole('region', { name: /Review/ })
    await expect(review.locator('.review-file')).toHaveCount(1)
    // Discard asks with the whole path.
    await review.getByRole('button', { name: 'Discard file' }).click()
    await expect(review.getByRole('group', { name: 'Discard all changes to notes.txt?' })).toBeVisible()
    await review.getByRole('button', { name: 'Cancel' }).click()

    await review.getByRole('textbox', { name: 'Commit message' }).fill('Notes from the lane')
    await review.getByRole('button', { name: 'Commit' }).click()
    await expect(review.locator('.review-committed')).toContainText('“Notes from the lane”', { timeout: 15_000 })
    await expect(review.locator('.review-summary')).toContainText('all committed', { timeout: 15_000 })
    await expect(review.getByRole('button', { name: 'Discard file' })).toHaveCount(0)

    const finish = review.getByRole('group', { name: 'Finish the branch' })
    await expect(finish.getByLabel('Merge strategy')).toHaveValue('squash')
    await finish.getByRole('button', { name: 'Merge' }).click()
    await expect(finish.locator('.finish-result')).toContainText('Squashed', { timeout: 15_000 })
    expect(gitIn(workspaceDir, 'log', '-1', '--format=%s', 'main')).toBe('Notes from the lane')
    expect(readFileSync(path.join(workspaceDir, 'notes.txt'), 'utf8')).toBe('from the lane')

    await finish.getByRole('button', { name: 'Push', exact: true }).click()
    await expect(page.locator('.toast').last()).toContainText(`Pushed ${wt.branch} to origin`)
    expect(gitIn(origin, 'rev-parse', wt.branch)).toBe(gitIn(wt.path, 'rev-parse', 'HEAD'))
    await page.screenshot({ path: test.info().outputPath('finish-after-push.png') })
  } finally {
    rmSync(origin, { recursive: true, force: true })
  }
})

test('settings: checkpoints per lane is saved; a bad number is refused', async ({ page, server }) => {
  await page.goto(server.url)
  await page.getByRole('button', { name: 'Settings' }).click()
  const keep = page.getByRole('dialog').getByLabel('Checkpoints per lane')
  await expect(keep).toHaveValue('100')
  await keep.fill('0')
  await keep.press('Enter')
  await expect(page.getByRole('dialog').getByRole('alert')).toHaveText('A whole number from 1 to 10,000')
  await keep.fill('7')
  await keep.press('Enter')
  await expect.poll(async () => (await rpc(server, 'settings.get', {})).checkpointsKeep).toBe(7)
})

test('a terminal lane checkpoints on request: Checkpoint now, the list with its diff, restore and undo', async ({ page, server, workspaceDir }) => {
  test.skip(!hasGit(), 'git is not installed')
  test.setTimeout(90_000)
  gitIn(workspaceDir, 'init', '-q', '-b', 'main')
  gitIn(workspaceDir, 'config', 'user.email', 'dev@example.com')
  gitIn(workspaceDir, 'config', 'user.name', 'Dev')
  writeFileSync(path.join(workspaceDir, 'notes.txt'), 'zero\n')
  gitIn(workspaceDir, 'add', '.')
  gitIn(workspaceDir, 'commit', '-q', '-m', 'first')
  await page.goto(server.url)
  await addWorkspace(page, workspaceDir)
  const lane = await newLane(page, { profile: 'Shell', title: 'term' })
  const [record] = await rpc(server, 'lanes.list', {})
  const notes = path.join(record.worktree?.path ?? workspaceDir, 'notes.txt')

  await lane.getByRole('button', { name: 'Checkpoints', exact: true }).click()
  const panel = lane.getByRole('region', { name: 'Checkpoints' })
  await expect(panel).toContainText('No checkpoints yet')
  writeFileSync(notes, 'one\n')
  await panel.getByRole('button', { name: 'Checkpoint now' }).click()
  await expect(panel.locator('.t-checkpoint')).toHaveCount(1)
  await expect(panel.locator('.t-checkpoint-label')).toHaveText('Files saved')

  // Later edits: the diff shows them, restore puts the saved file back.
  writeFileSync(notes, 'two\n')
  const saved = panel.locator('.t-checkpoint').first()
  await saved.getByRole('button', { name: 'Diff vs now' }).click()
  await expect(saved.getByRole('region', { name: 'Changes since checkpoint 1' })).toContainText('notes.txt')
  await saved.getByRole('button', { name: 'Restore…' }).click()
  await expect(saved.getByRole('region', { name: 'Restore checkpoint 1' })).toContainText('changes notes.txt')
  // A terminal cannot rewind a conversation: files only.
  await expect(saved.getByRole('button', { name: 'Restore files and conversation' })).toHaveCount(0)
  await saved.getByRole('button', { name: 'Restore files', exact: true }).click()
  await expect.poll(() => readFileSync(notes, 'utf8')).toBe('one\n')

  // The restore saved the present first: newest on top, and restoring it undoes the restore.
  await expect(panel.locator('.t-checkpoint')).toHaveCount(2)
  const undo = panel.locator('.t-checkpoint').first()
  await expect(undo.locator('.t-checkpoint-label')).toHaveText('Files restored to checkpoint 1; this is how they were before')
  await undo.getByRole('button', { name: 'Undo restore…' }).click()
  await undo.getByRole('button', { name: 'Restore files', exact: true }).click()
  await expect.poll(() => readFileSync(notes, 'utf8')).toBe('two\n')
})
