import { app, BrowserWindow, session, shell } from 'electron'

export interface WindowTarget {
  preload: string
  /** The dev server in development, the built file otherwise. */
  url?: string
  file?: string
  icon?: string
}

/** Which page a window shows: the workbench, or the tray's small "New background agent" form. */
export type AppView = 'main' | 'background'

/** Locks down the default session: no permission is granted to web content. */
export function hardenSession(): void {
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  session.defaultSession.setPermissionCheckHandler(() => false)
  session.defaultSession.setDevicePermissionHandler(() => false)
}

/**
 * Every web contents (ours and any other, devtools aside) never navigates, never opens a window and
 * never attaches a webview; links go to the user's browser.
 */
export function hardenAllWebContents(): void {
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(({ url }) => {
      if (/^https?:\/\//.test(url)) void shell.openExternal(url)
      return { action: 'deny' }
    })
    contents.on('will-navigate', (e) => e.preventDefault())
    contents.on('will-attach-webview', (e) => e.preventDefault())
  })
}

export function createAppWindow(target: WindowTarget, view: AppView = 'main'): BrowserWindow {
  const main = view === 'main'
  const win = new BrowserWindow({
    width: main ? 1400 : 560,
    height: main ? 900 : 620,
    minWidth: main ? 720 : 420,
    minHeight: main ? 480 : 420,
    show: false,
    title: main ? 'Switchyard' : 'New background agent — Switchyard',
    backgroundColor: '#0f1115',
    icon: target.icon,
    webPreferences: {
      preload: target.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      spellcheck: false,
    },
  })
  if (!main) win.removeMenu()
  win.once('ready-to-show', () => win.show())
  const query = main ? undefined : { view }
  if (target.url) {
    const url = new URL(target.url)
    if (query) url.searchParams.set('view', query.view)
    void win.loadURL(url.href)
  } else if (target.file) {
    void win.loadFile(target.file, query ? { query } : undefined)
  }
  return win
}
