import type { AppCommand, Lane } from '../../shared/contract'

/**
 * Everything the user can ask the window to do, whoever asks: a shortcut, the palette, a button, or
 * main (menus, tray, notifications, a second launch — its `AppCommand`s are a subset). One dispatcher
 * in App carries them out.
 */
export type UiCommand =
  | AppCommand
  /** The palette's shortcut: opens it, or closes it when open (the menu's `openPalette` only opens). */
  | { type: 'togglePalette' }
  | { type: 'newBackground' }
  | { type: 'addWorkspace' }
  | { type: 'openProfiles' }
  /** The Hosts panel (remote machines over SSH), where the window has one. */
  | { type: 'openHosts' }
  /** The Hosts panel with its SSH destination field focused. */
  | { type: 'addHost' }
  /** Connects to a host and shows its workspaces and lanes in this window. */
  | { type: 'connectHost'; hostId: string }
  | { type: 'setTheme'; theme: 'system' | 'light' | 'dark' }
  | { type: 'searchHistory' }
  /** The usage ledger: tokens and cost per day, workspace and lane. */
  | { type: 'openUsage' }
  /** The lane shown N-th (0-based) in the columns. */
  | { type: 'focusLaneAt'; index: number }
  | { type: 'closeLane'; laneId?: string }
  | { type: 'stopLane'; laneId: string }
  | { type: 'restartLane'; laneId: string }
  | { type: 'interruptLane'; laneId: string }
  /** Saves the lane's files as a checkpoint now (terminal lanes have no turns to do it on). */
  | { type: 'checkpointLane'; laneId: string }
  | { type: 'setMode'; laneId: string; modeId: string }
  | { type: 'selectWorkspace'; workspaceId: string }
  /** Show only this workspace's lanes as columns (null: every lane). */
  | { type: 'filterWorkspace'; workspaceId: string | null }
  | { type: 'nextLane' }
  | { type: 'previousLane' }
  /** The next lane that needs the user (an approval, a question, a failure …). */
  | { type: 'nextAttention' }
  /** The palette with only the lanes in it: a quick switcher. */
  | { type: 'openLaneSwitcher' }
  | { type: 'renameLane'; laneId: string; title: string }
  | { type: 'toggleSidebar' }
  /** One lane takes the whole lanes area (the focused one when no lane is named), or the columns return. */
  | { type: 'toggleMaximize'; laneId?: string }
  /** Puts a lane before another in the column order (null: last). */
  | { type: 'moveLane'; laneId: string; beforeId: string | null }
  /** Pinned lanes come first in the columns and the navigator. */
  | { type: 'togglePin'; laneId: string }
  /** Answers a lane's approval request with one of its options (from the inbox). */
  | { type: 'approve'; laneId: string; requestId: string; optionId: string }

export type UiCommandType = UiCommand['type']

/** What covers the lanes: at most one dialog or panel at a time. */
export type Overlay =
  | { kind: 'newLane' }
  | { kind: 'profiles' }
  /** `lanes`: the quick switcher (only the lanes). */
  | { kind: 'palette'; scope?: 'lanes' }
  | { kind: 'settings' }
  | { kind: 'hosts'; adding?: boolean }
  | { kind: 'background' }
  | { kind: 'usage' }
  /** A lane being closed that would lose something (`concerns`), or has its own worktree: ask first. */
  | { kind: 'closeLane'; lane: Lane; concerns: string[] }

/**
 * Whether a command may run while `overlay` is open. Lane and workspace actions wait until nothing
 * covers the lanes; opening the settings or the new-lane dialog may replace the palette (and is a
 * no-op over itself); main's "focus this lane" and "a workspace was added" always run.
 */
export function mayRun(command: UiCommand, overlay: Overlay | null): boolean {
  if (overlay === null) return true
  switch (command.type) {
    case 'focusLane':
    case 'workspaceAdded':
      return true
    case 'togglePalette':
    case 'openLaneSwitcher':
      return overlay.kind === 'palette'
    case 'openSettings':
      return overlay.kind === 'palette' || overlay.kind === 'settings'
    case 'newLane':
      return overlay.kind === 'palette' || overlay.kind === 'newLane'
    default:
      return false
  }
}
