// Disk trouble as the user meets it, in the real renderer against a real server whose data dir is a
// small tmpfs (root only: skipped with the reason otherwise). A full disk shows "Disk error … disk full
// writing <path>" with a Resume button, and Resume continues once space is freed; a read-only data
// dir stops the server at startup with exactly that message.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { addWorkspace, expect, newLane, terminalLines, test, waitForOutput } from './fixtures'

const SERVER = fileURLToPath(new URL('../../out/main/server.js', import.meta.url))

/** A fresh tmpfs mounted with `options`, or the reason there is none. */
function mountTmpfs(options: string): { dir: string } | { skip: string } {
  if (process.getuid?.() !== 0) return { skip: 'mounting a tmpfs needs root (test/reliability/disk-full.test.ts covers the same paths with injected failures)' }
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-e2e-tmpfs-'))
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' })
    return { dir }
  } catch (err) {
    rmSync(dir, { recursive: true, force: true })
    return { skip: `mount -t tmpfs failed: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}` }
  }
}

function unmount(dir: string): void {
  execFileSync('umount', ['-l', dir])
  rmSync(dir, { recursive: true, force: true })
}

function startServer(dataDir: string): { child: ChildProcess; output: () => string; url: Promise<string> } {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      output += d
      const m = /listening on (http:\/\/\S+)/.exec(output)
      if (m) resolve(m[1])
    })
    child.stderr!.on('data', (d: Buffer) => (output += d))
    child.once('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)))
  })
  return { child, output: () => output, url }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((r) => child.once('exit', r))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
  await exited
  clearTimeout(timer)
}

test('a full disk shows a disk error with Resume; Resume continues once there is room', async ({ page, workspaceDir }) => {
  test.setTimeout(60_000)
  const mounted = mountTmpfs('size=4m,mode=0700')
  test.skip('skip' in mounted, 'skip' in mounted ? mounted.skip : '')
  const dataDir = (mounted as { dir: string }).dir
  const server = startServer(dataDir)
  try {
    await page.goto(await server.url)
    await addWorkspace(page, workspaceDir)
    const lane = await newLane(page)
    await waitForOutput(lane)

    const filler = path.join(dataDir, 'filler')
    try {
      execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'pipe' })
    } catch {} // it stops at ENOSPC: that is the point
    await lane.locator('.xterm').click()
    await page.keyboard.type(`head -c 300000 /dev/zero | tr '\\0' x; echo`)
    await page.keyboard.press('Enter')

    const panel = lane.locator('.exit-panel')
    await expect(panel).toContainText('Disk error')
    await expect(panel).toContainText(/disk full writing \//)
    await expect(panel).toContainText('Free some space, then Resume')
    expect(server.child.exitCode).toBeNull() // the server is still there

    rmSync(filler)
    await panel.getByRole('button', { name: 'Resume' }).click()
    await expect(lane.locator('.badge'))
      .toHaveText('ready')
      .catch(async (err: Error) => {
        // Say what the lane says, so a failure here explains itself.
        throw new Error(`${err.message}\nthe lane shows: ${await lane.locator('.exit-panel').textContent().catch(() => '(no panel)')}`)
      })
    await expect(lane.locator('.exit-panel')).toHaveCount(0)
    await lane.locator('.xterm').click()
    await page.keyboard.type('echo back-$((1+2))')
    await page.keyboard.press('Enter')
    await expect.poll(async () => (await terminalLines(lane)).includes('back-3')).toBe(true)
  } finally {
    await stop(server.child)
    unmount(dataDir)
  }
})

test('a read-only data dir stops the server at startup, saying so', async () => {
  const mounted = mountTmpfs('size=1m,ro')
  test.skip('skip' in mounted, 'skip' in mounted ? mounted.skip : '')
  const dataDir = (mounted as { dir: string }).dir
  const server = startServer(dataDir)
  try {
    await expect(server.url).rejects.toThrow(`server exited with 1: switchyard: The data dir ${dataDir} is on a read-only file system`)
  } finally {
    await stop(server.child)
    unmount(dataDir)
  }
})
