import type { Lane, Profile } from '../../../shared/contract'
import type { LaneStatus } from '../../../shared/events'

/** What a tray entry does when clicked (lane entries focus their lane). */
export type TrayAction = 'newBackgroundAgent' | 'openWindow' | 'quit'

/** One line of the tray menu; src/main/electron/tray.ts maps each to a MenuItem and nothing more. */
export type TrayEntry =
  | { type: 'header'; label: string }
  | { type: 'lane'; laneId: string; label: string; status: LaneStatus }
  | { type: 'more'; label: string }
  | { type: 'action'; action: TrayAction; label: string }
  | { type: 'separator' }

/** The status groups, most urgent first. A lane that exited is asleep for the user's purposes: it wakes on the next message. */
export const TRAY_GROUPS: ReadonlyArray<{ label: string; statuses: readonly LaneStatus[] }> = [
  { label: 'Waiting for approval', statuses: ['waiting'] },
  { label: 'Busy', statuses: ['busy', 'starting'] },
  { label: 'Idle', statuses: ['ready'] },
  { label: 'Sleeping', statuses: ['sleeping', 'exited'] },
  { label: 'Failed', statuses: ['failed'] },
]

export interface TrayOptions {
  platform: string
  /** Lanes listed per group; the rest are counted in a "N more…" line that opens the window. */
  maxPerGroup?: number
}

const MAX_LABEL = 60

/** A menu label as the user should read it: short, and with `&` literal (Windows and Linux read it as a mnemonic). */
export function menuLabel(text: string, platform: string): string {
  const short = text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL - 1)}…` : text
  return platform === 'darwin' ? short : short.replace(/&/g, '&&')
}

function laneLabel(lane: Lane, profiles: ReadonlyMap<string, Profile>, platform: string): string {
  const profile = profiles.get(lane.profileId)?.name
  let text = profile && !lane.title.includes(profile) ? `${lane.title} (${profile})` : lane.title
  if (lane.status === 'exited') text += ' · stopped'
  if (lane.status === 'starting') text += ' · starting'
  return menuLabel(text, platform)
}

/** The tray menu for the current lanes: lanes grouped by status (archived ones left out), then the app's actions. */
export function trayMenu(lanes: readonly Lane[], profiles: readonly Profile[], opts: TrayOptions): TrayEntry[] {
  const max = opts.maxPerGroup ?? 10
  const byId = new Map(profiles.map((p) => [p.id, p]))
  const live = lanes.filter((l) => !l.archived)
  const entries: TrayEntry[] = []
  for (const group of TRAY_GROUPS) {
    const members = live.filter((l) => group.statuses.includes(l.status)).sort((a, b) => b.lastActivityAt - a.lastActivityAt)
    if (members.length === 0) continue
    entries.push({ type: 'header', label: `${group.label} (${members.length})` })
    for (const lane of members.slice(0, max)) entries.push({ type: 'lane', laneId: lane.id, label: laneLabel(lane, byId, opts.platform), status: lane.status })
    if (members.length > max) entries.push({ type: 'more', label: `${members.length - max} more…` })
    entries.push({ type: 'separator' })
  }
  if (live.length === 0) entries.push({ type: 'header', label: 'No lanes' }, { type: 'separator' })
  entries.push(
    { type: 'action', action: 'newBackgroundAgent', label: 'New background agent…' },
    { type: 'action', action: 'openWindow', label: 'Open Switchyard' },
    { type: 'separator' },
    { type: 'action', action: 'quit', label: 'Quit' },
  )
  return entries
}

/** The tray icon's tooltip: what needs the user first. */
export function trayTooltip(lanes: readonly Lane[]): string {
  const live = lanes.filter((l) => !l.archived)
  const count = (statuses: readonly LaneStatus[]) => live.filter((l) => statuses.includes(l.status)).length
  const parts = [
    [count(['waiting']), 'waiting for approval'],
    [count(['busy', 'starting']), 'busy'],
    [count(['failed']), 'failed'],
  ] as const
  const said = parts.filter(([n]) => n > 0).map(([n, what]) => `${n} ${what}`)
  return said.length ? `Switchyard: ${said.join(', ')}` : 'Switchyard'
}

/**
 * Which icon in resources/ the tray shows: a template image on macOS (the system tints it for the menu
 * bar), elsewhere a light glyph on a dark panel and a dark glyph on a light one.
 */
export function trayIconFile(platform: string, darkPanel: boolean): string {
  if (platform === 'darwin') return 'trayTemplate.png'
  return darkPanel ? 'tray-dark.png' : 'tray-light.png'
}
