import type { Host, Lane, Profile, Workspace } from '../../shared/contract'
import type { UiCommand } from '../app/commands'
import { KIND_LABEL, type AttentionItem } from '../attention/attention-model'
import { shortcutLabel } from '../app/shortcuts'
import { isEnded, isRunning } from '../lanes/lane-state'

export interface PaletteAction {
  id: string
  title: string
  /** A second line, dimmer (workspace · profile · status). */
  hint?: string
  /** More words that find it, not shown. */
  keywords?: string
  /** As the user presses it here (⌘K / Ctrl+K). */
  shortcut?: string
  group: 'Needs you' | 'Lanes' | 'Focused lane' | 'Go to lane' | 'Workspaces' | 'App'
  /** What running it does; App's dispatcher carries it out (the list itself stays pure data). */
  command: UiCommand
}

export interface PaletteState {
  lanes: readonly Lane[]
  workspaces: readonly Workspace[]
  profiles: readonly Profile[]
  focusedLaneId: string | null
  selectedWorkspaceId: string | null
  /** The theme that shows now (system resolved). */
  resolvedTheme: 'light' | 'dark'
  themeSetting: 'system' | 'light' | 'dark'
  mac: boolean
  /** Offered only where the history search exists. */
  canSearchHistory?: boolean
  /** The lanes shown as columns, in order (default: every active lane); they carry the numbers. */
  columnIds?: readonly string[]
  /** The workspace the columns are limited to (null: every lane). */
  laneFilter?: string | null
  /** What needs the user, newest first. */
  attention?: readonly AttentionItem[]
  sidebarCollapsed?: boolean
  maximizedLaneId?: string | null
  pinnedLaneIds?: readonly string[]
  /** This machine's hosts, where the window has them (undefined: no Hosts panel here). */
  hosts?: readonly Pick<Host, 'id' | 'name' | 'status'>[]
  /** The host the window shows (null: this machine). */
  currentHostId?: string | null
}

export function laneTitle(lane: Lane, profile: Profile | undefined): string {
  return lane.title || profile?.name || 'Lane'
}

/** Every action the palette offers for this state, in the order shown for an empty query. */
export function buildActions(s: PaletteState): PaletteAction[] {
  const key = (type: 'newLane' | 'closeLane' | 'openSettings') => shortcutLabel({ type }, s.mac)
  const profileById = new Map(s.profiles.map((p) => [p.id, p]))
  const workspaceById = new Map(s.workspaces.map((w) => [w.id, w]))
  const out: PaletteAction[] = []
  const hasWorkspace = s.workspaces.length > 0

  const attention = s.attention ?? []
  if (attention.length > 0) {
    out.push({
      id: 'next-attention',
      title: `Next lane that needs you (${attention.length})`,
      keywords: 'attention waiting approval question failed inbox jump',
      shortcut: shortcutLabel({ type: 'nextAttention' }, s.mac),
      group: 'Needs you',
      command: { type: 'nextAttention' },
    })
    for (const item of attention) {
      const lane = s.lanes.find((l) => l.id === item.laneId)
      if (!lane) continue
      out.push({
        id: `attention:${item.id}`,
        title: `${KIND_LABEL[item.kind]}: ${laneTitle(lane, profileById.get(lane.profileId))}`,
        hint: item.text,
        keywords: 'attention needs waiting',
        group: 'Needs you',
        command: { type: 'focusLane', laneId: item.laneId },
      })
    }
  }

  if (hasWorkspace) {
    out.push({ id: 'new-lane', title: 'New lane…', keywords: 'create open agent terminal shell', shortcut: key('newLane'), group: 'Lanes', command: { type: 'newLane' } })
    out.push({
      id: 'new-background',
      title: 'New background agent…',
      keywords: 'tray prompt run headless',
      group: 'Lanes',
      command: { type: 'newBackground' },
    })
  }

  const focused = s.lanes.find((l) => l.id === s.focusedLaneId && !l.archived)
  if (focused) {
    const name = laneTitle(focused, profileById.get(focused.profileId))
    const laneId = focused.id
    if (focused.kind !== 'terminal' && (focused.status === 'busy' || focused.status === 'waiting')) {
      out.push({ id: 'interrupt', title: `Interrupt ${name}`, keywords: 'stop turn cancel esc', shortcut: 'Esc', group: 'Focused lane', command: { type: 'interruptLane', laneId } })
    }
    if (focused.kind === 'terminal') {
      out.push({ id: 'checkpoint', title: `Checkpoint ${name} now`, keywords: 'save snapshot files undo restore', group: 'Focused lane', command: { type: 'checkpointLane', laneId } })
    }
    if (isRunning(focused.status)) {
      out.push({ id: 'stop', title: `Stop ${name}`, keywords: 'kill process', group: 'Focused lane', command: { type: 'stopLane', laneId } })
    }
    if (isEnded(focused.status) || focused.status === 'sleeping') {
      out.push({
        id: 'restart',
        title: `${focused.status === 'sleeping' ? 'Wake' : 'Restart'} ${name}`,
        keywords: 'restart start wake',
        group: 'Focused lane',
        command: { type: 'restartLane', laneId },
      })
    }
    for (const mode of focused.modes?.available ?? []) {
      if (mode.id === focused.modes?.current) continue
      out.push({
        id: `mode:${mode.id}`,
        title: `Switch ${name} to ${mode.name} mode`,
        hint: mode.description,
        keywords: `mode plan permission ${mode.id}`,
        group: 'Focused lane',
        command: { type: 'setMode', laneId, modeId: mode.id },
      })
    }
    out.push({
      id: 'maximize',
      title: s.maximizedLaneId === laneId ? 'Restore the columns' : `Maximise ${name}`,
      keywords: 'zoom full window layout column',
      shortcut: shortcutLabel({ type: 'toggleMaximize' }, s.mac),
      group: 'Focused lane',
      command: { type: 'toggleMaximize', laneId },
    })
    const pinned = s.pinnedLaneIds?.includes(laneId) ?? false
    out.push({ id: 'pin', title: `${pinned ? 'Unpin' : 'Pin'} ${name}`, keywords: 'first order keep top', group: 'Focused lane', command: { type: 'togglePin', laneId } })
    out.push({ id: 'close', title: `Close ${name}`, keywords: 'remove delete lane', shortcut: key('closeLane'), group: 'Focused lane', command: { type: 'closeLane', laneId } })
  }

  // Archived lanes have no column (and no number); lanes of another workspace than the filtered one
  // are listed without a number (going there shows every lane).
  const active = s.lanes.filter((l) => !l.archived)
  const columnIds = s.columnIds ?? active.map((l) => l.id)
  const inColumns = active.filter((l) => columnIds.includes(l.id)).sort((a, b) => columnIds.indexOf(a.id) - columnIds.indexOf(b.id))
  ;[...inColumns, ...active.filter((l) => !columnIds.includes(l.id))].forEach((lane) => {
    const index = columnIds.indexOf(lane.id)
    const profile = profileById.get(lane.profileId)
    const workspace = workspaceById.get(lane.workspaceId)
    out.push({
      id: `focus:${lane.id}`,
      title: index >= 0 ? `Focus lane ${index + 1}: ${laneTitle(lane, profile)}` : `Focus lane: ${laneTitle(lane, profile)}`,
      hint: [workspace?.name, profile?.name ?? lane.kind, lane.status].filter(Boolean).join(' · '),
      keywords: `go switch ${workspace?.name ?? ''} ${profile?.name ?? ''} ${lane.kind}`,
      shortcut: index >= 0 && index < 9 ? shortcutLabel({ type: 'focusLaneAt', index }, s.mac) : undefined,
      group: 'Go to lane',
      command: { type: 'focusLane', laneId: lane.id },
    })
  })

  out.push({ id: 'add-workspace', title: 'Add workspace…', keywords: 'folder open project directory', group: 'Workspaces', command: { type: 'addWorkspace' } })
  if (s.laneFilter) {
    out.push({ id: 'all-lanes', title: 'Show all lanes', keywords: 'filter every workspace columns', group: 'Workspaces', command: { type: 'filterWorkspace', workspaceId: null } })
  }
  for (const w of s.workspaces) {
    if (w.id === s.laneFilter) continue
    out.push({
      id: `workspace:${w.id}`,
      title: `Show only workspace: ${w.name}`,
      hint: w.path,
      keywords: 'select switch filter folder project',
      group: 'Workspaces',
      command: { type: 'filterWorkspace', workspaceId: w.id },
    })
  }

  if (s.canSearchHistory) {
    out.push({ id: 'search', title: 'Search history…', keywords: 'find transcript archive', group: 'App', command: { type: 'searchHistory' } })
  }
  out.push({ id: 'usage', title: 'Usage: tokens and cost', keywords: 'ledger tokens cost spend billing context window per day workspace', group: 'App', command: { type: 'openUsage' } })
  out.push({ id: 'settings', title: 'Open settings', keywords: 'preferences options process limit tray notifications', shortcut: key('openSettings'), group: 'App', command: { type: 'openSettings' } })
  out.push({
    id: 'sidebar',
    title: s.sidebarCollapsed ? 'Show the sidebar' : 'Hide the sidebar',
    keywords: 'collapse expand navigator lanes panel',
    group: 'App',
    command: { type: 'toggleSidebar' },
  })
  if (s.hosts) {
    out.push({ id: 'hosts', title: 'Hosts…', keywords: 'remote ssh machine server connect install', group: 'App', command: { type: 'openHosts' } })
    out.push({ id: 'add-host', title: 'Add host…', keywords: 'remote ssh machine server new destination', group: 'App', command: { type: 'addHost' } })
    for (const h of s.hosts) {
      if (h.id === s.currentHostId) continue
      out.push({
        id: `connect-host:${h.id}`,
        title: `${h.status === 'connected' ? 'Open' : 'Connect'} ${h.name}`,
        hint: h.status,
        keywords: 'remote ssh host machine connect open switch',
        group: 'App',
        command: { type: 'connectHost', hostId: h.id },
      })
    }
  }
  out.push({ id: 'profiles', title: 'Open profiles', keywords: 'agents login secrets credentials env', group: 'App', command: { type: 'openProfiles' } })
  const other = s.resolvedTheme === 'dark' ? 'light' : 'dark'
  out.push({ id: 'toggle-theme', title: `Toggle theme (switch to ${other})`, keywords: 'dark light mode appearance colour color', group: 'App', command: { type: 'setTheme', theme: other } })
  if (s.themeSetting !== 'system') {
    out.push({ id: 'system-theme', title: 'Theme: follow the system', keywords: 'dark light mode appearance auto', group: 'App', command: { type: 'setTheme', theme: 'system' } })
  }
  return out
}

/** The quick switcher (`lanes`) offers only the lanes, those that need the user first. */
export function paletteActions(actions: PaletteAction[], scope: 'lanes' | undefined): PaletteAction[] {
  if (scope !== 'lanes') return actions
  return actions.filter((a) => a.group === 'Go to lane' || (a.group === 'Needs you' && a.command.type === 'focusLane'))
}
