import { EventEmitter } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { runCli } from '../../src/main/cli/main'
import { IPC } from '../../src/shared/ipc'
import { waitFor } from '../support/core'
import { alive } from '../support/pids'

/**
 * src/main/index.ts run in Node against a recording stand-in for Electron (there is no Electron binary
 * here; test/electron drives the real one where it exists). It checks the wiring: a window, the tray
 * and its menu, IPC only for our page, notifications and badge as lanes change, the app staying up in
 * the tray while a lane works, quitting stopping every lane.
 */
vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events')
  const state = {
    windows: [] as any[],
    trayMenu: [] as any[],
    tooltip: '',
    appMenu: [] as any[],
    badge: 0,
    notifications: [] as any[],
    handlers: new Map<string, (...args: any[]) => unknown>(),
    quitRequests: 0,
    quit: false,
    userData: '',
    exitCode: undefined as number | undefined,
    messageBoxes: [] as any[],
    home: '',
  }
  class FakeWebContents extends Emitter {
    destroyed = false
    isDestroyed = () => this.destroyed
    setWindowOpenHandler() {}
  }
  class BrowserWindow extends Emitter {
    static getAllWindows = () => state.windows.filter((w) => !w.destroyed)
    static getFocusedWindow = () => null
    webContents = new FakeWebContents()
    destroyed = false
    loaded: { url?: string; file?: string; query?: Record<string, string> } = {}
    constructor(readonly options: any) {
      super()
      state.windows.push(this)
      app.emit('web-contents-created', {}, this.webContents)
    }
    loadURL(url: string) {
      this.loaded = { url }
      return Promise.resolve()
    }
    loadFile(file: string, opts?: { query?: Record<string, string> }) {
      this.loaded = { file, query: opts?.query }
      return Promise.resolve()
    }
    isDestroyed = () => this.destroyed
    isMinimized = () => false
    show() {}
    focus() {}
    restore() {}
    removeMenu() {}
    setOverlayIcon() {}
    close() {
      this.destroyed = true
      this.webContents.destroyed = true
      this.webContents.emit('destroyed')
      this.emit('closed')
      if (BrowserWindow.getAllWindows().length === 0) app.emit('window-all-closed')
    }
  }
  const app = Object.assign(new Emitter(), {
    name: 'Switchyard',
    isPackaged: false,
    whenReady: () => Promise.resolve(),
    requestSingleInstanceLock: () => true,
    setPath: (_n: string, p: string) => (state.userData = p),
    getPath: (name: string) => (name === 'home' ? state.home : state.userData),
    getAppPath: () => process.cwd(),
    getVersion: () => '0.1.0',
    enableSandbox() {},
    setAppUserModelId() {},
    setDesktopName() {},
    setBadgeCount: (n: number) => ((state.badge = n), true),
    exit: (code: number) => (state.exitCode = code),
    quit() {
      state.quitRequests++
      const e = { prevented: false, preventDefault() { this.prevented = true } }
      app.emit('before-quit', e)
      if (!e.prevented) state.quit = true
    },
  })
  class Tray extends Emitter {
    constructor(readonly image: unknown) {
      super()
    }
    setContextMenu(menu: { template: any[] }) {
      state.trayMenu = menu.template
    }
    setToolTip(t: string) {
      state.tooltip = t
    }
    setImage() {}
    destroy() {}
  }
  class Notification extends Emitter {
    static isSupported = () => true
    constructor(readonly options: { title: string; body: string }) {
      super()
    }
    show() {
      state.notifications.push(this)
    }
  }
  const electron = {
    app,
    BrowserWindow,
    Tray,
    Notification,
    Menu: { buildFromTemplate: (template: any[]) => ({ template }), setApplicationMenu: (m: { template: any[] }) => (state.appMenu = m.template) },
    nativeImage: { createFromPath: (p: string) => ({ path: p, setTemplateImage() {} }), createFromBitmap: () => ({}) },
    nativeTheme: Object.assign(new Emitter(), { themeSource: 'system', shouldUseDarkColors: false, shouldUseDarkColorsForSystemIntegratedUI: false }),
    dialog: {
      showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
      showMessageBox: async (opts: unknown) => (state.messageBoxes.push(opts), { response: 0 }),
      // A start that fails shows this; the test prints it rather than waiting for a window that never comes.
      showErrorBox: (title: string, body: string) => console.error(`showErrorBox: ${title}: ${body}`),
    },
    session: { defaultSession: { setPermissionRequestHandler() {}, setPermissionCheckHandler() {}, setDevicePermissionHandler() {} } },
    shell: { openExternal: async () => {} },
    ipcMain: { handle: (ch: string, fn: (...args: any[]) => unknown) => state.handlers.set(ch, fn), on() {} },
    safeStorage: {
      isEncryptionAvailable: () => true,
      getSelectedStorageBackend: () => 'gnome_libsecret',
      encryptString: (s: string) => Buffer.from(`enc:${[...s].reverse().join('')}`),
      decryptString: (b: Buffer) => [...b.toString().slice(4)].reverse().join(''),
    },
  }
  return { default: electron, ...electron, __state: state }
})
// electron-store imports Electron from node_modules, out of vi.mock's reach: its engine, conf, stands in.
vi.mock('electron-store', async () => {
  const { default: Conf } = await import('conf')
  return {
    default: class extends Conf {
      constructor({ name, cwd, ...rest }: any) {
        super({ ...rest, cwd, configName: name, projectName: 'switchyard' })
      }
    },
  }
})

type FakeState = {
  windows: any[]
  trayMenu: any[]
  tooltip: string
  appMenu: any[]
  badge: number
  notifications: any[]
  handlers: Map<string, (...args: any[]) => unknown>
  quitRequests: number
  quit: boolean
  exitCode: number | undefined
  messageBoxes: any[]
  home: string
}
let state: FakeState
let fakeApp: { quit(): void }
const FAKE_ACP = path.resolve('test/support/fake-agents/acp-agent.mjs')
const scratch: string[] = []
const tempDir = (prefix: string) => {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)))
  scratch.push(dir)
  return dir
}
const labels = () => state.trayMenu.filter((i) => i.label).map((i) => i.label as string)
const trayItem = (label: string) => state.trayMenu.find((i) => i.label === label)

/** A page at `url` calling over IPC: from a window's web contents (gone when the window closes), or from nowhere in particular. */
function sender(url: string, webContents: EventEmitter & { isDestroyed(): boolean } = Object.assign(new EventEmitter(), { isDestroyed: () => false })) {
  const frame = { url }
  const wc = Object.assign(webContents, { mainFrame: frame, sent: [] as unknown[], send: (_ch: string, _sub: number, ev: unknown) => wc.sent.push(ev) })
  return { sender: wc, senderFrame: frame }
}
const rendererUrl = () => pathToFileURL(path.resolve('src/renderer/index.html')).href
let ours: ReturnType<typeof sender>
const invoke = async (method: string, input: unknown) => {
  const r = (await state.handlers.get(IPC.invoke)!(ours, method, input)) as { ok: boolean; value?: any; error?: { message: string } }
  if (!r.ok) throw new Error(`${method}: ${r.error!.message}`)
  return r.value
}
const laneStatus = async (id: string) => (await invoke('lanes.list', {})).find((l: { id: string }) => l.id === id)?.status
let launchFolder: string
let argvBefore: string[]
/** What index.ts installed for uncaught exceptions (called directly: Vitest keeps its own listener). */
let crashHandler: NodeJS.UncaughtExceptionListener | undefined
beforeAll(async () => {
  argvBefore = process.argv
  launchFolder = tempDir('switchyard-shell-ws-')
  process.env.SWITCHYARD_USER_DATA = tempDir('switchyard-shell-data-')
  // A packaged app launched as `switchyard <folder> --flag`.
  process.argv = ['/opt/Switchyard/switchyard', launchFolder, '--enable-logging']
  const electron = (await import('electron')) as unknown as { __state: FakeState; app: { quit(): void } }
  state = electron.__state
  fakeApp = electron.app
  const listenersBefore = new Set(process.listeners('uncaughtException'))
  await import('../../src/main/index')
  await waitFor('the main window', () => state.windows.length > 0)
  crashHandler = process.listeners('uncaughtException').find((l) => !listenersBefore.has(l))
  // index.ts finds the renderer beside its own directory: from source, src/renderer.
  ours = sender(rendererUrl(), state.windows[0].webContents)
})

afterAll(async () => {
  process.argv = argvBefore
  if (!state.quit) fakeApp.quit()
  await waitFor('the app to quit', () => state.quit, 15_000)
  delete process.env.SWITCHYARD_USER_DATA
  for (const dir of scratch.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe('the desktop shell (index.ts against a stand-in Electron)', () => {
  it('opens one hardened window on the built page and sets the menu and tray', () => {
    const [win] = state.windows
    expect(win.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webviewTag: false })
    expect(win.loaded.file).toMatch(/renderer[/\\]index\.html$/)
    expect(labels()).toEqual(expect.arrayContaining(['New background agent…', 'Open Switchyard', 'Quit']))
    const menuLabels = JSON.stringify(state.appMenu)
    for (const item of ['New Lane…', 'Close Lane', 'Command Palette…', 'Settings']) expect(menuLabels).toContain(item)
  })

  it('answers our page over IPC and refuses any other frame', async () => {
    const other = sender('https://example.com/')
    expect(await state.handlers.get(IPC.invoke)!(other, 'workspaces.list', {})).toMatchObject({ ok: false, error: { code: 'unsupported' } })
    const iframe = { ...ours, senderFrame: { url: rendererUrl() } }
    expect(await state.handlers.get(IPC.invoke)!(iframe, 'workspaces.list', {})).toMatchObject({ ok: false })
    expect(await invoke('app.info', {})).toMatchObject({ mode: 'electron' })
  })

  it('opens the local endpoint: the switchyard CLI reaches the desktop app through its data dir', async () => {
    const cli = async (...argv: string[]) => {
      let out = ''
      let err = ''
      const code = await runCli([...argv, '--data-dir', process.env.SWITCHYARD_USER_DATA!], {
        stdout: (s) => void (out += s),
        stderr: (s) => void (err += s),
        env: {},
        interrupted: new Promise(() => {}),
      })
      return { code, out, err }
    }
    // The endpoint opens beside the window, asynchronously.
    let info = await cli('app', 'info', '--json')
    await waitFor('the local endpoint', async () => (info = await cli('app', 'info', '--json')).code === 0, 15_000)
    expect(info.err).toBe('')
    expect(JSON.parse(info.out)).toMatchObject({ mode: 'electron' })
    const listed = await cli('workspaces', 'list', '--json')
    expect(JSON.parse(listed.out)).toEqual(expect.arrayContaining([expect.objectContaining({ path: launchFolder })]))
    // Validation happens before anything reaches the app, with the schema's message and a non-zero exit.
    expect((await cli('lanes', 'get', '--json')).code).not.toBe(0)
  })

  it('"Install the switchyard Command…" writes a launcher running this binary as Node on the bundled cli.js', async () => {
    state.home = tempDir('switchyard-home-')
    const find = (nodes: any[]): any => {
      for (const n of nodes) {
        if (n.label === 'Install the switchyard Command…') return n
        const inner = n.submenu && find(n.submenu)
        if (inner) return inner
      }
    }
    const item = find(state.appMenu)
    expect(item).toBeDefined()
    item.click()
    const box = state.messageBoxes.at(-1)
    if (process.platform === 'win32' || process.platform === 'darwin') return expect(box).toBeDefined()
    const file = path.join(state.home, '.local', 'bin', 'switchyard')
    expect(box).toMatchObject({ type: 'info', detail: expect.stringContaining(`Installed the switchyard command as ${file}`) })
    const launcher = readFileSync(file, 'utf8')
    expect(launcher).toContain(`ELECTRON_RUN_AS_NODE=1 exec '${process.execPath}'`)
    expect(launcher).toMatch(/cli\.js' "\$@"/)
  })

  it('keeps profile secrets encrypted by the keychain; the page sees only that they are set', async () => {
    await invoke('secrets.set', { profileId: 'codex', name: 'OPENAI_API_KEY', value: 'sk-secret-1' })
    expect(await invoke('secrets.list', { profileId: 'codex' })).toEqual([{ name: 'OPENAI_API_KEY', set: true }])
    const file = path.join(process.env.SWITCHYARD_USER_DATA!, 'secrets.enc.json')
    expect(readFileSync(file, 'utf8')).not.toContain('sk-secret-1')
    expect(existsSync(path.join(process.env.SWITCHYARD_USER_DATA!, 'secrets.json'))).toBe(false)
  })

  it('adds the folder from the command line as a workspace and tells the window once it listens', async () => {
    expect((await invoke('workspaces.list', {})).map((w: { path: string }) => w.path)).toEqual([launchFolder])
    await state.handlers.get(IPC.subscribe)!(ours, 1, 'app.commands', {})
    expect(ours.sender.sent).toEqual([expect.objectContaining({ type: 'workspaceAdded', workspace: expect.objectContaining({ path: launchFolder }) })])
  })

  it('opens the background form as a second window of the same page, which IPC accepts', async () => {
    trayItem('New background agent…').click()
    const form = state.windows.at(-1)
    expect(state.windows).toHaveLength(2)
    expect(form.loaded).toMatchObject({ file: state.windows[0].loaded.file, query: { view: 'background' } })
    const formSender = sender(`${rendererUrl()}?view=background`)
    expect(await state.handlers.get(IPC.invoke)!(formSender, 'workspaces.list', {})).toMatchObject({ ok: true })
    form.close()
    expect(state.quitRequests).toBe(0)
  })

  it('shows lanes in the tray, notifies and badges an approval, keeps running without the window, and a click brings it back on the lane', async () => {
    const [workspace] = await invoke('workspaces.list', {})
    const profile = await invoke('profiles.create', {
      kind: 'acp',
      name: 'Fake ACP',
      command: process.execPath,
      args: [FAKE_ACP],
      env: { FAKE_ACP_HOME: tempDir('switchyard-fake-acp-') },
      idleTimeoutMs: 0,
    })
    const lane = await invoke('lanes.create', { workspaceId: workspace.id, profileId: profile.id, title: 'worker', prompt: 'SLOW:600' })
    await waitFor('the lane to be busy', async () => (await laneStatus(lane.id)) === 'busy')
    await waitFor('the tray to list it', () => labels().includes('Busy (1)') && labels().includes('worker (Fake ACP)'))
    expect(state.tooltip).toBe('Switchyard: 1 busy')

    // The last window closes while the lane works: the app stays, the lane goes on.
    state.windows[0].close()
    expect(state.quitRequests).toBe(0)
    expect(alive((await invoke('lanes.list', {})).find((l: { id: string }) => l.id === lane.id).pid)).toBe(true)

    // An approval only the user can give: a notification and a badge.
    await invoke('lanes.interrupt', { laneId: lane.id })
    await waitFor('the lane to be idle', async () => (await laneStatus(lane.id)) === 'ready')
    await invoke('lanes.send', { laneId: lane.id, input: 'RUN:make test' })
    await waitFor('an approval notification', () => state.notifications.some((n) => /needs your approval/.test(n.options.title)))
    await waitFor('the badge', () => state.badge === 1)
    await waitFor('the tray to say so', () => labels().includes('Waiting for approval (1)'))

    // Clicking it opens a new window, which gets told to focus the lane once it subscribes.
    const note = state.notifications.find((n) => /needs your approval/.test(n.options.title))
    note.emit('click')
    expect(BrowserWindowCount()).toBe(1)
    const next = sender(rendererUrl(), state.windows.at(-1).webContents)
    await state.handlers.get(IPC.subscribe)!(next, 1, 'app.commands', {})
    expect(next.sender.sent).toEqual([{ type: 'focusLane', laneId: lane.id }])

    // A lane item in the tray does the same.
    trayItem('worker (Fake ACP)').click()
    expect(next.sender.sent.at(-1)).toEqual({ type: 'focusLane', laneId: lane.id })
  })

  it("the badge carries the window's count of everything that needs the user, not only approvals", async () => {
    // The window counts approvals, questions, failed turns and lanes, finished background turns (its attention inbox).
    await invoke('app.attention', { count: 4 })
    expect(state.badge).toBe(4)
    await invoke('app.attention', { count: 0 })
    expect(state.badge).toBe(0)
    for (const bad of [{ count: -1 }, { count: 1.5 }, { count: '3' }, { count: 1e9 }, { count: 1, extra: 1 }]) {
      expect(await state.handlers.get(IPC.invoke)!(ours, 'app.attention', bad)).toMatchObject({ ok: false, error: { code: 'invalid_input' } })
    }
    expect(state.badge).toBe(0)
  })

  it('quitting stops every lane process before the app goes', async () => {
    const lanes = await invoke('lanes.list', {})
    const pids = lanes.flatMap((l: { pid?: number }) => (l.pid ? [l.pid] : []))
    expect(pids.length).toBeGreaterThan(0)
    trayItem('Quit').click()
    await waitFor('the app to quit', () => state.quit, 15_000)
    for (const pid of pids) expect(alive(pid)).toBe(false)
  })

  // After quitting (the stand-in process lives on): the core still starts lanes, and a crash stops them.
  it('an unexpected exception is logged to crash.log, every lane stopped, and the app exits 1', async () => {
    const lane = await invoke('lanes.create', { workspaceId: (await invoke('workspaces.list', {}))[0].id, profileId: 'shell' })
    await waitFor('the lane to run', async () => (await laneStatus(lane.id)) === 'ready')
    const pid = (await invoke('lanes.list', {})).find((l: { id: string }) => l.id === lane.id).pid
    expect(alive(pid)).toBe(true)
    expect(crashHandler).toBeDefined()
    crashHandler!(new Error('a bug nobody caught'), 'uncaughtException')
    await waitFor('app.exit', () => state.exitCode !== undefined, 15_000)
    expect(state.exitCode).toBe(1)
    expect(alive(pid)).toBe(false)
    expect(readFileSync(path.join(process.env.SWITCHYARD_USER_DATA!, 'crash.log'), 'utf8')).toMatch(/uncaughtException\nError: a bug nobody caught/)
    process.off('uncaughtException', crashHandler!)
  })
})

function BrowserWindowCount() {
  return state.windows.filter((w) => !w.destroyed).length
}
