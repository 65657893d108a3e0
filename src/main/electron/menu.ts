import { Menu, type MenuItemConstructorOptions } from 'electron'
import type { AppCommand } from '../../shared/contract'
import type { MainAction, MenuNode } from '../core/desktop/menu'

export interface MenuHandlers {
  /** A lane action for the window (after it is shown). */
  command(command: AppCommand): void
  action(action: MainAction): void
}

/** The menu model (core/desktop/menu.ts) as Electron's template. */
export function menuTemplate(nodes: MenuNode[], h: MenuHandlers): MenuItemConstructorOptions[] {
  return nodes.map((n): MenuItemConstructorOptions => {
    if ('type' in n) return { type: 'separator' }
    if ('submenu' in n) return { label: n.label, role: n.role as MenuItemConstructorOptions['role'], submenu: menuTemplate(n.submenu, h) }
    if ('command' in n || 'action' in n) {
      return {
        label: n.label,
        accelerator: n.accelerator,
        // The window handles these keys itself; the menu only shows them.
        registerAccelerator: n.displayOnly ? false : undefined,
        click: () => ('command' in n ? h.command({ type: n.command }) : h.action(n.action)),
      }
    }
    return { role: n.role as MenuItemConstructorOptions['role'], label: n.label, accelerator: n.accelerator }
  })
}

export function setApplicationMenu(nodes: MenuNode[], h: MenuHandlers): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(nodes, h)))
}
