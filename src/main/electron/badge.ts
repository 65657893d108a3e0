import { app, nativeImage, type BrowserWindow } from 'electron'
import { badgeDescription, badgeOverlayBitmap } from '../core/desktop/badge'

/** The dock (macOS) or launcher (Linux) badge, or on Windows an overlay on the window's taskbar button. */
export function setBadge(count: number, win: BrowserWindow | undefined): void {
  if (process.platform === 'win32') {
    if (!win || win.isDestroyed()) return
    const overlay = count > 0 ? nativeImage.createFromBitmap(badgeOverlayBitmap(count), { width: 16, height: 16 }) : null
    win.setOverlayIcon(overlay, badgeDescription(count))
    return
  }
  app.setBadgeCount(count)
}
