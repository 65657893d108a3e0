/**
 * The Electron entry: app lifecycle, wiring the plain-Node core and router to Electron's IPC, windows,
 * tray, menus, notifications and badge. What to show and when lives in core/desktop (pure, unit-tested);
 * this file only connects it.
 */
import { app, BrowserWindow, dialog, nativeTheme } from 'electron'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import type { AppCommand, ApprovalPolicy, Lane } from '../shared/contract'
import { createCore } from './core/core'
import { installPayloadRoot } from './core/hosts/payload'
import { installCrashHandlers } from './core/crash'
import { checkDataDir } from './core/disk'
import { isAppUrl } from './core/desktop/app-url'
import { existingFolders, workspacePathsFromArgv } from './core/desktop/argv'
import { badgeCount } from './core/desktop/badge'
import { CommandRelay } from './core/desktop/command-relay'
import { APP_ID, LINUX_EXECUTABLE } from './core/desktop/identity'
import { shouldQuitOnLastWindowClosed } from './core/desktop/lifecycle'
import { dirWritable, installLauncher, launcherPlan } from './core/desktop/cli-install'
import { appMenu, type MainAction } from './core/desktop/menu'
import { notificationFor } from './core/desktop/notifications'
import { trayIconFile, trayMenu, trayTooltip, type TrayAction } from './core/desktop/tray'
import { setBadge } from './electron/badge'
import { serveIpc } from './electron/ipc'
import { setApplicationMenu } from './electron/menu'
import { showNotification } from './electron/notifications'
import { desktopSecretStore } from './electron/secrets'
import { openAppStore } from './electron/store'
import { AppTray } from './electron/tray'
import { createAppWindow, hardenAllWebContents, hardenSession } from './electron/window'
import { createHandlers, createStreamSources } from './rpc/handlers'
import { localServeOptions } from './rpc/local-access'
import { startLocalEndpoint } from './rpc/local-endpoint'
import { Router } from './rpc/router'

const here = path.dirname(fileURLToPath(import.meta.url))
const devUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = path.join(here, '../renderer/index.html')
const resources = path.join(here, '../../resources')
const appLocation = { devUrl, fileUrl: pathToFileURL(rendererFile).href }
const windowTarget = { preload: path.join(here, '../preload/index.cjs'), url: devUrl, file: rendererFile, icon: path.join(resources, 'icon.png') }
const launchFolders = (argv: string[], cwd: string) => workspacePathsFromArgv(argv, cwd, { defaultApp: process.defaultApp === true })

// A separate data dir (tests, or a second independent setup) is also a separate single instance.
if (process.env.SWITCHYARD_USER_DATA) app.setPath('userData', path.resolve(process.env.SWITCHYARD_USER_DATA))
app.enableSandbox()
hardenAllWebContents()
if (process.platform === 'win32') app.setAppUserModelId(APP_ID) // notifications need it
if (process.platform === 'linux' && app.isPackaged) app.setDesktopName(`${LINUX_EXECUTABLE}.desktop`) // the launcher badge needs it

if (!app.requestSingleInstanceLock()) {
  // The running instance gets our argv through `second-instance`.
  app.quit()
} else {
  // macOS hands over folders dropped on the Dock icon, possibly before `ready`.
  const openedEarly: string[] = []
  let openFolders: (folders: string[]) => void = (folders) => openedEarly.push(...folders)
  app.on('open-file', (e, file) => {
    e.preventDefault()
    openFolders(existingFolders([file], process.cwd()))
  })

  app.whenReady().then(() => {
    const dataDir = app.getPath('userData')
    try {
      checkDataDir(dataDir)
    } catch (err) {
      // Read-only or missing and uncreatable: say exactly that, instead of the first write's ENOENT.
      dialog.showErrorBox('Switchyard cannot start', err instanceof Error ? err.message : String(err))
      app.exit(1)
      return
    }
    const { store, repaired } = openAppStore(dataDir)
    // Lanes whose profile may drive other lanes run `switchyard mcp` with Electron's own Node.
    const cliLauncher = { command: process.execPath, args: [path.join(here, 'cli.js')], env: { ELECTRON_RUN_AS_NODE: '1' } }
    // A failure trigger's notification, shown whatever the window's focus (the user asked for it).
    const notify = (title: string, body: string, laneId: string) =>
      showNotification({ kind: 'laneFailed', laneId, title, body }, () => command({ type: 'focusLane', laneId }))
    const core = createCore({ dataDir, store, secretStore: desktopSecretStore(dataDir), cliLauncher, notify, appRoot: installPayloadRoot({ packaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath }) })
    // Electron would show a dialog and run on with half a state: log, save, stop every lane, exit 1.
    installCrashHandlers({ dataDir, flush: () => core.lanes.flush(), stop: () => core.close(), exit: (code) => app.exit(code) })

    // ---- windows
    let mainWin: BrowserWindow | undefined
    /** What the main window last counted as needing the user (attention inbox); undefined until it says. */
    let attentionCount: number | undefined
    let backgroundWin: BrowserWindow | undefined
    const showMainWindow = (): BrowserWindow => {
      if (mainWin && !mainWin.isDestroyed()) {
        if (mainWin.isMinimized()) mainWin.restore()
        mainWin.show()
        mainWin.focus()
        return mainWin
      }
      const win = createAppWindow(windowTarget, 'main')
      mainWin = win
      win.on('closed', () => {
        if (mainWin === win) mainWin = undefined
      })
      win.webContents.once('did-finish-load', () => refreshSoon())
      return win
    }
    const openBackgroundForm = () => {
      if (backgroundWin && !backgroundWin.isDestroyed()) return backgroundWin.focus()
      const win = createAppWindow(windowTarget, 'background')
      backgroundWin = win
      win.on('closed', () => {
        if (backgroundWin === win) backgroundWin = undefined
      })
    }
    const pickFolder = async () => {
      const options = { title: 'Add a workspace folder', properties: ['openDirectory' as const, 'createDirectory' as const] }
      const owner = BrowserWindow.getFocusedWindow() ?? mainWin
      const r = owner ? await dialog.showOpenDialog(owner, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    }

    // ---- contract over IPC; app.commands held for a window that is still loading
    const relay = new CommandRelay()
    core.commands.on((c) => relay.emit(c))
    const setAttention = (count: number) => {
      attentionCount = count
      setBadge(count, mainWin)
    }
    const router = new Router(createHandlers(core, { mode: 'electron', version: app.getVersion(), dataDir, pickFolder, setAttention }), {
      ...createStreamSources(core),
      'app.commands': (_input, emit) => relay.subscribe(emit),
    })
    hardenSession()
    serveIpc(router, (url) => isAppUrl(url, appLocation))
    // The CLI's and `switchyard mcp`'s way in; without it the app still works, so a failure is only logged.
    const endpoint = startLocalEndpoint({ dataDir, mode: 'electron', serve: localServeOptions(router, core, core.laneTokens) }).catch((err) => {
      console.error(`switchyard: no CLI endpoint: ${err instanceof Error ? err.message : err}`)
      return undefined
    })
    /** Shows the window, then asks it to do something (it gets the command once it listens). */
    const command = (c: AppCommand) => {
      showMainWindow()
      core.commands.emit(c)
    }

    // ---- tray, badge, theme
    const darkPanel = () => (process.platform === 'win32' ? nativeTheme.shouldUseDarkColorsForSystemIntegratedUI : nativeTheme.shouldUseDarkColors)
    const installCliCommand = () => {
      const plan = launcherPlan({
        platform: process.platform,
        homeDir: app.getPath('home'),
        pathEnv: process.env.PATH ?? process.env.Path ?? '',
        appBinary: process.execPath,
        cliScript: path.join(here, 'cli.js'),
        localAppData: process.env.LOCALAPPDATA,
        appImage: process.env.APPIMAGE,
        canWrite: dirWritable,
      })
      let message = plan.message
      let failed = !plan.ok
      if (plan.ok) {
        try {
          installLauncher(plan)
        } catch (err) {
          failed = true
          message = `Could not write ${plan.file}: ${(err as Error).message}`
        }
      }
      void dialog.showMessageBox({ type: failed ? 'error' : 'info', title: 'Install the switchyard command', message: failed ? 'The switchyard command was not installed' : 'The switchyard command is installed', detail: message })
    }
    const onAction = (action: TrayAction | MainAction) => {
      if (action === 'quit') app.quit()
      else if (action === 'openWindow') showMainWindow()
      else if (action === 'installCli') installCliCommand()
      else openBackgroundForm()
    }
    const tray = new AppTray(resources, trayIconFile(process.platform, darkPanel()), {
      onAction,
      onLane: (laneId) => command({ type: 'focusLane', laneId }),
    })
    const refresh = () => {
      const lanes = core.lanes.list()
      if (!mainWin || mainWin.isDestroyed()) attentionCount = undefined
      tray.update(trayMenu(lanes, core.profiles.list(), { platform: process.platform }), trayTooltip(lanes))
      // The window's count of everything that needs the user, once it reported one; waiting lanes before that.
      setBadge(attentionCount ?? badgeCount(lanes), mainWin)
    }
    // Lane records change in bursts (and an auto-approved request passes through `waiting`): settle first.
    let refreshTimer: NodeJS.Timeout | undefined
    const refreshSoon = () => {
      clearTimeout(refreshTimer)
      refreshTimer = setTimeout(refresh, 150)
    }
    core.lanes.onStatus(refreshSoon)
    nativeTheme.themeSource = core.settings.get().theme
    core.settings.onChange((s) => {
      nativeTheme.themeSource = s.theme
    })
    nativeTheme.on('updated', () => tray.setIcon(trayIconFile(process.platform, darkPanel())))
    refresh()

    // ---- notifications: a click opens the window on the lane
    core.lanes.onEvent((event) => {
      let lane: Lane | undefined
      let policy: ApprovalPolicy = 'ask'
      try {
        lane = core.lanes.get(event.laneId).record
        policy = core.profiles.get(lane.profileId).approvalPolicy
      } catch {}
      const n = notificationFor(event, { lane, policy, settings: core.settings.get(), windowFocused: BrowserWindow.getFocusedWindow() !== null })
      if (n) showNotification(n, () => command({ type: 'focusLane', laneId: n.laneId }))
    })

    // ---- menu
    setApplicationMenu(appMenu({ platform: process.platform, appName: app.name, dev: !app.isPackaged }), { command, action: onAction })

    // ---- folders from the command line, the Dock and second launches become workspaces
    openFolders = (folders) => {
      if (folders.length === 0) return
      showMainWindow()
      for (const folder of folders) {
        try {
          core.commands.emit({ type: 'workspaceAdded', workspace: core.workspaces.add(folder) })
        } catch (err) {
          console.warn(`switchyard: cannot add ${folder}: ${(err as Error).message}`)
        }
      }
    }
    showMainWindow()
    openFolders([...launchFolders(process.argv, process.cwd()), ...openedEarly.splice(0)])
    app.on('second-instance', (_e, argv, workingDirectory) => {
      showMainWindow()
      openFolders(launchFolders(argv, workingDirectory))
    })
    // macOS: a click on the Dock icon brings the workbench back (even with only the background form open).
    app.on('activate', () => showMainWindow())
    if (repaired) {
      const what = 'dropped' in repaired ? `these entries were unreadable and were reset: ${repaired.dropped.join(', ')}` : `it was unreadable and was moved to ${repaired.movedAside}`
      void dialog.showMessageBox({ type: 'warning', message: 'Switchyard repaired its data file', detail: `In ${path.join(dataDir, 'switchyard.json')}, ${what}.` })
    }

    // ---- closing and quitting
    app.on('window-all-closed', () => {
      if (shouldQuitOnLastWindowClosed(process.platform, core.lanes.list(), core.settings.get())) app.quit()
    })
    // Quitting stops every lane's process tree before the app goes.
    let stopping: Promise<void> | undefined
    let stopped = false
    app.on('before-quit', (e) => {
      if (stopped) return
      e.preventDefault()
      stopping ??= Promise.all([core.close(), endpoint.then((ep) => ep?.close())]).then(() => undefined).finally(() => {
        stopped = true
        tray.destroy()
        app.quit()
      })
    })
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit())

    // What the Electron e2e tests read (test/electron), only when they ask for it.
    if (process.env.SWITCHYARD_E2E === '1') {
      Object.assign(globalThis, {
        switchyardDesktop: { trayLabels: () => tray.labels, trayAction: onAction, lanes: () => core.lanes.list() },
      })
    }
  }).catch((err: unknown) => {
    // Nothing is running yet: say why and go, rather than sit without a window.
    dialog.showErrorBox('Switchyard could not start', err instanceof Error ? err.message : String(err))
    app.exit(1)
  })
}
