/** The Electron entry: app lifecycle, wiring the plain-Node core and router to Electron's IPC and window. */
import { app, BrowserWindow, dialog } from 'electron'
import ElectronStore from 'electron-store'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { createCore } from './core/core'
import type { KeyValueStore } from './core/store'
import { serveIpc } from './electron/ipc'
import { createMainWindow, hardenSession } from './electron/window'
import { createHandlers, createStreamSources } from './rpc/handlers'
import { Router } from './rpc/router'

const here = path.dirname(fileURLToPath(import.meta.url))
const devUrl = process.env.ELECTRON_RENDERER_URL
const rendererFile = path.join(here, '../renderer/index.html')
const isAppUrl = (url: string) => (devUrl ? url.startsWith(devUrl) : url === pathToFileURL(rendererFile).href)

// A separate data dir (tests, or a second independent setup) is also a separate single instance.
if (process.env.SWITCHYARD_USER_DATA) app.setPath('userData', path.resolve(process.env.SWITCHYARD_USER_DATA))

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  let win: BrowserWindow | undefined
  const openWindow = () => {
    win = createMainWindow({
      preload: path.join(here, '../preload/index.cjs'),
      url: devUrl,
      file: rendererFile,
      icon: path.join(here, '../../resources/icon.png'),
    })
    win.on('closed', () => (win = undefined))
  }

  app.whenReady().then(() => {
    const dataDir = app.getPath('userData')
    const store = new ElectronStore({ name: 'switchyard' }) as unknown as KeyValueStore
    const core = createCore({ dataDir, store })
    const pickFolder = async () => {
      const options = { title: 'Add a workspace folder', properties: ['openDirectory' as const, 'createDirectory' as const] }
      const r = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
      return r.canceled ? null : (r.filePaths[0] ?? null)
    }
    const router = new Router(
      createHandlers(core, { mode: 'electron', version: app.getVersion(), dataDir, pickFolder }),
      createStreamSources(core),
    )
    hardenSession()
    serveIpc(router, isAppUrl)
    openWindow()

    app.on('second-instance', () => {
      if (!win) return openWindow()
      if (win.isMinimized()) win.restore()
      win.focus()
    })
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow()
    })
    app.on('window-all-closed', () => {
      if (process.platform !== 'darwin') app.quit()
    })
    // Quitting stops every lane's process tree before the app goes.
    let stopped = false
    app.on('before-quit', (e) => {
      if (stopped) return
      e.preventDefault()
      void core.close().finally(() => {
        stopped = true
        app.quit()
      })
    })
  })
}
