import { expect, test, type ElectronApplication, type Page } from '@playwright/test'
import { spawn } from 'node:child_process'
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { alive, electronBinary, groupAlive, launchApp, noBinaryReason as reason } from './support'

/**
 * The desktop shell: window security, tray, staying alive in the tray while a lane works, quitting
 * without leaving an agent behind, folders from the command line and from a second launch.
 */
const exe = electronBinary()
if (!exe) console.log(`Skipping the Electron desktop-shell tests: ${reason}`)
test.skip(!exe, reason)

const FAKE_ACP = path.resolve('test/support/fake-agents/acp-agent.mjs')
const scratch: string[] = []
const tempDir = (prefix: string) => {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)))
  scratch.push(dir)
  return dir
}
let app: ElectronApplication | undefined
test.afterEach(async () => {
  await app?.close().catch(() => undefined)
  app = undefined
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const invoke = async (win: Page, method: string, input: unknown) => {
  const r = await win.evaluate(([m, i]) => (globalThis as any).switchyard.invoke(m, i), [method, input] as const)
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`)
  return r.value
}
const trayLabels = (a: ElectronApplication) => a.evaluate(() => (globalThis as any).switchyardDesktop.trayLabels() as string[])
const laneRecord = (a: ElectronApplication, id: string) =>
  a.evaluate((_electron, laneId) => (globalThis as any).switchyardDesktop.lanes().find((l: { id: string }) => l.id === laneId), id)

test('every window is locked down and the tray’s background form may use the contract', async () => {
  app = await launchApp(exe!, tempDir('switchyard-electron-'))
  const win = await app.firstWindow()
  await expect(win).toHaveTitle(/Switchyard/)
  const formOpened = app.waitForEvent('window')
  await app.evaluate(() => (globalThis as any).switchyardDesktop.trayAction('newBackgroundAgent'))
  const form = await formOpened
  await expect(form).toHaveTitle(/New background agent/)
  for (const page of [win, form]) {
    // No Node in the page, only the generic bridge (context isolation + sandbox + no nodeIntegration).
    expect(await page.evaluate(() => typeof (globalThis as any).require)).toBe('undefined')
    expect(await page.evaluate(() => typeof (globalThis as any).process)).toBe('undefined')
    expect(await page.evaluate(() => Object.keys((globalThis as any).switchyard).sort())).toEqual(['getPathForFile', 'invoke', 'subscribe'])
    // Permissions are denied, pop-ups refused, and the built page carries a CSP.
    expect(await page.evaluate(() => Notification.requestPermission())).toBe('denied')
    expect(await page.evaluate(() => window.open('https://example.com/') === null)).toBe(true)
    expect(await page.evaluate(() => document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.getAttribute('content'))).toContain("script-src 'self'")
    // `?view=background` is still our page: IPC answers it.
    expect(await page.evaluate(() => (globalThis as any).switchyard.invoke('workspaces.list', {}))).toEqual({ ok: true, value: [] })
  }
})

test('the tray menu offers the app actions and lists a new lane under its status', async () => {
  app = await launchApp(exe!, tempDir('switchyard-electron-'))
  const win = await app.firstWindow()
  await expect.poll(() => trayLabels(app!)).toEqual(expect.arrayContaining(['No lanes', 'New background agent…', 'Open Switchyard', 'Quit']))
  const ws = await invoke(win, 'workspaces.add', { path: tempDir('switchyard-electron-ws-') })
  const lane = await invoke(win, 'lanes.create', { workspaceId: ws.id, profileId: 'shell', title: 'tray shell' })
  await expect.poll(() => trayLabels(app!)).toEqual(expect.arrayContaining(['Idle (1)', 'tray shell (Shell)']))
  expect(await trayLabels(app!)).not.toContain('No lanes')
  await invoke(win, 'lanes.stop', { laneId: lane.id })
  await expect.poll(() => trayLabels(app!)).toEqual(expect.arrayContaining(['Sleeping (1)']))
})

test('closing the window while a lane is busy keeps the app and the lane running; quitting leaves no agent process', async () => {
  app = await launchApp(exe!, tempDir('switchyard-electron-'))
  const win = await app.firstWindow()
  const ws = await invoke(win, 'workspaces.add', { path: tempDir('switchyard-electron-ws-') })
  const profile = await invoke(win, 'profiles.create', {
    kind: 'acp',
    name: 'Fake ACP',
    command: process.execPath,
    args: [FAKE_ACP],
    env: { FAKE_ACP_HOME: tempDir('switchyard-fake-acp-') },
  })
  // 600 chunks 100 ms apart: busy for a minute unless stopped.
  const lane = await invoke(win, 'lanes.create', { workspaceId: ws.id, profileId: profile.id, prompt: 'SLOW:600' })
  await expect.poll(async () => (await laneRecord(app!, lane.id)).status).toBe('busy')
  const pid: number = (await laneRecord(app!, lane.id)).pid
  expect(alive(pid)).toBe(true)

  await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().forEach((w) => w.close()))
  await expect.poll(() => app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(0)
  // window-all-closed has run by now: the app answers, did not start quitting, and the lane works on.
  expect(app.process().exitCode).toBeNull()
  expect((await laneRecord(app, lane.id)).status).toBe('busy')
  await expect.poll(() => trayLabels(app!)).toEqual(expect.arrayContaining(['Busy (1)']))
  expect(alive(pid)).toBe(true)

  const exited = new Promise<void>((resolve) => app!.process().once('exit', () => resolve()))
  await app.evaluate(({ app: electronApp }) => electronApp.quit()).catch(() => undefined)
  await exited
  await expect.poll(() => groupAlive(pid)).toBe(false)
  expect(alive(pid)).toBe(false)
})

test('folders on the command line, and on a second launch, become workspaces of the running app', async () => {
  const userData = tempDir('switchyard-electron-')
  const first = tempDir('switchyard-electron-ws-')
  const second = tempDir('switchyard-electron-ws-')
  app = await launchApp(exe!, userData, [first])
  const win = await app.firstWindow()
  await expect.poll(async () => (await invoke(win, 'workspaces.list', {})).map((w: { path: string }) => w.path)).toEqual([first])

  // A second launch on the same data dir hands its arguments over and quits.
  const again = spawn(exe!, ['.', '--no-sandbox', second, '--some-flag'], { env: { ...process.env, SWITCHYARD_USER_DATA: userData }, stdio: 'ignore' })
  const code = await new Promise<number | null>((resolve) => again.once('exit', resolve))
  expect(code).toBe(0)
  await expect.poll(async () => (await invoke(win, 'workspaces.list', {})).map((w: { path: string }) => w.path)).toEqual([first, second])
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1)
})
