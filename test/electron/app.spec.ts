import { _electron as electron, expect, test } from '@playwright/test'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { alive, electronBinary, noBinaryReason as reason } from './support'

const exe = electronBinary()
if (!exe) console.log(`Skipping the Electron e2e tests: ${reason}`)
test.skip(!exe, reason)

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
