import { Menu, nativeImage, Tray, type MenuItemConstructorOptions } from 'electron'
import path from 'node:path'
import type { TrayAction, TrayEntry } from '../core/desktop/tray'

export interface TrayHandlers {
  onAction(action: TrayAction): void
  onLane(laneId: string): void
}

/** The entries (from core/desktop/tray.ts) as Electron menu items: one case each, no decisions. */
export function trayTemplate(entries: TrayEntry[], h: TrayHandlers): MenuItemConstructorOptions[] {
  return entries.map((e): MenuItemConstructorOptions => {
    switch (e.type) {
      case 'header':
        return { label: e.label, enabled: false }
      case 'lane':
        return { label: e.label, click: () => h.onLane(e.laneId) }
      case 'more':
        return { label: e.label, click: () => h.onAction('openWindow') }
      case 'action':
        return { label: e.label, click: () => h.onAction(e.action) }
      case 'separator':
        return { type: 'separator' }
    }
  })
}

/** The tray icon and its menu. */
export class AppTray {
  private readonly tray: Tray
  /** The labels of the menu last set (what the e2e test reads). */
  labels: string[] = []

  constructor(
    private readonly resources: string,
    iconFile: string,
    private readonly handlers: TrayHandlers,
  ) {
    this.tray = new Tray(this.icon(iconFile))
    // Windows and Linux users expect a click on the icon to bring the window back; macOS opens the menu.
    if (process.platform !== 'darwin') this.tray.on('click', () => handlers.onAction('openWindow'))
  }

  setIcon(iconFile: string): void {
    this.tray.setImage(this.icon(iconFile))
  }

  update(entries: TrayEntry[], tooltip: string): void {
    this.labels = entries.flatMap((e) => (e.type === 'separator' ? [] : [e.label]))
    this.tray.setContextMenu(Menu.buildFromTemplate(trayTemplate(entries, this.handlers)))
    this.tray.setToolTip(tooltip)
  }

  destroy(): void {
    this.tray.destroy()
  }

  private icon(file: string) {
    // Loading the 1x file picks up its @2x sibling on high-density displays.
    const image = nativeImage.createFromPath(path.join(this.resources, file))
    if (file.includes('Template')) image.setTemplateImage(true)
    return image
  }
}
