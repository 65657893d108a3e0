import type { AppCommand } from '../../../shared/contract'

/** Menu actions main handles itself rather than passing to the window. */
export type MainAction = 'newBackgroundAgent' | 'openWindow' | 'installCli'

/** A command that goes to the window (`app.commands`), or an action of main's own. */
export type MenuCommand = { command: Exclude<AppCommand['type'], 'focusLane' | 'workspaceAdded'> } | { action: MainAction }

/**
 * The application menu as data; src/main/electron/menu.ts turns it into Electron's template. Standard
 * items use Electron roles; lane items carry the shortcut the window handles itself, so the menu shows
 * it (`displayOnly`: not registered again, which would fire it twice on Windows and Linux).
 */
export type MenuNode =
  | { type: 'separator' }
  | { role: string; label?: string; accelerator?: string }
  | ({ label: string; accelerator?: string; displayOnly?: boolean } & MenuCommand)
  | { label: string; role?: string; submenu: MenuNode[] }

export interface MenuOptions {
  platform: string
  appName: string
  /** Development build: reload and developer tools in the View menu. */
  dev: boolean
}

const sep = { type: 'separator' } as const

export function appMenu({ platform, appName, dev }: MenuOptions): MenuNode[] {
  const mac = platform === 'darwin'
  // Off macOS, Ctrl+T/W/K are the shell's in a terminal lane (transpose, delete word, kill line): the lane keys take Shift.
  const laneKey = (key: string) => (mac ? `CmdOrCtrl+${key}` : `Ctrl+Shift+${key}`)
  const settings: MenuNode = { label: mac ? 'Settings…' : 'Settings', command: 'openSettings', accelerator: 'CmdOrCtrl+,', displayOnly: true }
  // Like VS Code's "Install 'code' command in PATH": the packaged app's CLI, one click away.
  const installCli: MenuNode = { label: 'Install the switchyard Command…', action: 'installCli' }
  const appMenu: MenuNode[] = mac
    ? [
        {
          label: appName,
          role: 'appMenu',
          submenu: [{ role: 'about' }, sep, settings, installCli, sep, { role: 'services' }, sep, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, sep, { role: 'quit' }],
        },
      ]
    : []
  const file: MenuNode = {
    label: 'File',
    submenu: [
      { label: 'New Lane…', command: 'newLane', accelerator: laneKey('T'), displayOnly: true },
      { label: 'New Background Agent…', action: 'newBackgroundAgent' },
      sep,
      { label: 'Close Lane', command: 'closeLane', accelerator: laneKey('W'), displayOnly: true },
      // ⌘W belongs to the lane, so the window closes with ⇧⌘W; elsewhere Ctrl+Shift+W closes the lane and the
      // window keeps the system's Alt+F4 (an explicit accelerator: the role's default, Ctrl+W, would take it from the shell).
      { role: 'close', label: 'Close Window', accelerator: mac ? 'CmdOrCtrl+Shift+W' : 'Alt+F4' },
      ...(mac ? [] : [sep, settings, installCli, sep, { role: 'quit', label: 'Quit' }]),
    ],
  }
  const edit: MenuNode = { label: 'Edit', submenu: [{ role: 'undo' }, { role: 'redo' }, sep, { role: 'cut' }, { role: 'copy' }, { role: 'paste' }, { role: 'selectAll' }] }
  const view: MenuNode = {
    label: 'View',
    submenu: [
      { label: 'Command Palette…', command: 'openPalette', accelerator: laneKey('K'), displayOnly: true },
      { label: 'Show Switchyard', action: 'openWindow' },
      sep,
      { role: 'resetZoom' },
      { role: 'zoomIn' },
      { role: 'zoomOut' },
      sep,
      { role: 'togglefullscreen' },
      ...(dev ? [sep, { role: 'reload' }, { role: 'toggleDevTools' }] : []),
    ],
  }
  const window: MenuNode = {
    label: 'Window',
    role: 'windowMenu',
    submenu: mac ? [{ role: 'minimize' }, { role: 'zoom' }, sep, { role: 'front' }] : [{ role: 'minimize' }],
  }
  // macOS has About in the app menu; elsewhere it goes under Help.
  const help: MenuNode[] = mac ? [] : [{ label: 'Help', submenu: [{ role: 'about' }] }]
  return [...appMenu, file, edit, view, window, ...help]
}
