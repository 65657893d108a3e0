import { Notification } from 'electron'
import type { DesktopNotification } from '../core/desktop/notifications'

// Held until clicked or closed: a Notification that is garbage-collected loses its click handler.
const live = new Set<Notification>()

/** Shows what core/desktop/notifications.ts decided; a click runs `onClick` (open the window on the lane). */
export function showNotification(n: DesktopNotification, onClick: () => void): void {
  if (!Notification.isSupported()) return
  const note = new Notification({ title: n.title, body: n.body, silent: n.kind === 'turnCompleted' })
  live.add(note)
  note.on('click', () => {
    live.delete(note)
    onClick()
  })
  note.on('close', () => live.delete(note))
  note.show()
}
