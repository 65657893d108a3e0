import { _electron as electron, expect, test } from '@playwright/test'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/** Electron downloads its binary on first run; detect it without importing `electron`. */
function electronBinary(): string | undefined {
  const dir = path.resolve('node_modules/electron')
  const pathTxt = path.join(dir, 'path.txt')
  if (!existsSync(pathTxt)) return undefined
  const exe = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(exe) ? exe : undefined
}

const exe = electronBinary()
const reason = 'no Electron binary (node_modules/electron/path.txt and dist/<path> are missing: Electron could not be downloaded here)'
if (!exe) console.log(`Skipping the Electron e2e tests: ${reason}`)
test.skip(!exe, reason)

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

test('the desktop app opens a locked-down window, runs a lane, and quitting leaves no lane process', async () => {
  const userData = mkdtempSync(path.join(os.tmpdir(), 'switchyard-electron-'))
  const folder = mkdtempSync(path.join(os.tmpdir(), 'switchyard-electron-ws-'))
  const app = await electron.launch({
    executablePath: exe,
    args: ['.', '--no-sandbox'],
    env: { ...process.env, SWITCHYARD_USER_DATA: userData },
  })
  try {
    const win = await app.firstWindow()
    await expect(win).toHaveTitle(/Switchyard/)
    // Renderer isolation: no Node, only the generic bridge.
    expect(await win.evaluate(() => typeof (globalThis as any).require)).toBe('undefined')
    expect(await win.evaluate(() => typeof (globalThis as any).process)).toBe('undefined')
    expect(await win.evaluate(() => Object.keys((globalThis as any).switchyard).sort())).toEqual(['getPathForFile', 'invoke', 'subscribe'])

    const info = await win.evaluate(() => (globalThis as any).switchyard.invoke('app.info', {}))
    expect(info.value).toMatchObject({ mode: 'electron', canPickFolder: true })
    const ws = await win.evaluate((p) => (globalThis as any).switchyard.invoke('workspaces.add', { path: p }), folder)
    const lane = await win.evaluate((id) => (globalThis as any).switchyard.invoke('lanes.create', { workspaceId: id, profileId: 'shell' }), ws.value.id)
    expect(lane.value.status).toBe('ready')
    const pid: number = lane.value.pid
    expect(alive(pid)).toBe(true)
    await expect(win.locator('.xterm').first()).toBeVisible()

    await app.close()
    await expect.poll(() => alive(pid)).toBe(false)
  } finally {
    await app.close().catch(() => undefined)
    rmSync(userData, { recursive: true, force: true })
    rmSync(folder, { recursive: true, force: true })
  }
})
