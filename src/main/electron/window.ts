import { BrowserWindow, session, shell } from 'electron'

export interface WindowTarget {
  preload: string
  /** The dev server in development, the built file otherwise. */
  url?: string
  file?: string
  icon?: string
}

/** Locks down the default session: no permission is granted to web content. */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
}

export function createMainWindow(target: WindowTarget): BrowserWindow {
  const win = new BrowserWindow({
    width: 1400,
    height: 900,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Switchyard',
    backgroundColor: '#0f1115',
    icon: target.icon,
    webPreferences: {
      preload: target.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  win.once('ready-to-show', () => win.show())
  // The page never navigates or opens windows; links go to the user's browser.
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.webContents.on('will-navigate', (e) => e.preventDefault())
  win.webContents.on('will-attach-webview', (e) => e.preventDefault())
  if (target.url) void win.loadURL(target.url)
  else if (target.file) void win.loadFile(target.file)
  return win
}
