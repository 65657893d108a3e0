import type { Lane, Settings } from '../../../shared/contract'
import type { LaneStatus } from '../../../shared/events'

/** Lanes doing something the user is waiting for. */
const WORKING: ReadonlySet<LaneStatus> = new Set(['starting', 'busy', 'waiting'])
/** A background lane has not finished until it sleeps (its prompt may still be queued while it is `ready`). */
const BACKGROUND_UNFINISHED: ReadonlySet<LaneStatus> = new Set(['starting', 'ready', 'busy', 'waiting'])

/** Lanes that keep the app running in the tray once its last window is closed. */
export function lanesKeepingAppAlive(lanes: readonly Lane[], settings: Pick<Settings, 'keepRunningInTray'>): Lane[] {
  return lanes.filter(
    (l) =>
      !l.archived &&
      // A background lane runs its prompt to completion whatever the setting: the user started it to run without the window.
      ((l.background && BACKGROUND_UNFINISHED.has(l.status)) || (settings.keepRunningInTray && WORKING.has(l.status))),
  )
}

/**
 * Whether closing the last window quits the app. It stays in the tray while lanes work (if the user
 * wants that) and while background lanes run; otherwise it quits, except on macOS, where apps stay
 * in the Dock until the user quits them.
 */
export function shouldQuitOnLastWindowClosed(platform: string, lanes: readonly Lane[], settings: Pick<Settings, 'keepRunningInTray'>): boolean {
  if (lanesKeepingAppAlive(lanes, settings).length > 0) return false
  return platform !== 'darwin'
}
