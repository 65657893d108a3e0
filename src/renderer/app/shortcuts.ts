/** Window-level shortcuts. Pure: which command (if any) a key event maps to. */
import type { UiCommand } from './commands'

/** The commands a shortcut produces. */
export type ShortcutCommand =
  | Extract<UiCommand, { type: 'newLane' | 'openPalette' | 'openSettings' | 'focusLaneAt' | 'nextLane' | 'previousLane' | 'nextAttention' | 'openLaneSwitcher' }>
  | { type: 'toggleMaximize' }
  | { type: 'closeLane' }

export interface KeyLike {
  key: string
  code?: string
  ctrlKey: boolean
  metaKey: boolean
  altKey: boolean
  shiftKey: boolean
}

export function isMacPlatform(platform: string): boolean {
  return /mac|darwin|iphone|ipad/i.test(platform)
}

/**
 * Cmd on macOS, Ctrl elsewhere (on macOS Ctrl stays the terminal's); no Alt.
 * Ctrl+T new lane, Ctrl+W close the focused lane, Ctrl+1…9 focus column N (index 0…8),
 * Ctrl+K the command palette, Ctrl+, the settings; the Shift ones below.
 */
export function shortcutFor(e: KeyLike, mac: boolean): ShortcutCommand | null {
  const primary = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
  if (!primary || e.altKey) return null
  if (e.shiftKey) return shiftedShortcut(e)
  const key = e.key.toLowerCase()
  if (key === 't') return { type: 'newLane' }
  if (key === 'w') return { type: 'closeLane' }
  if (key === 'k') return { type: 'openPalette' }
  if (e.key === ',' || e.code === 'Comma') return { type: 'openSettings' }
  const digit = /^[1-9]$/.test(e.key) ? e.key : /^Digit([1-9])$/.exec(e.code ?? '')?.[1]
  if (digit) return { type: 'focusLaneAt', index: Number(digit) - 1 }
  return null
}

/**
 * With Shift (keys shells do not claim): P the lane switcher, ] and [ the next and previous lane,
 * A the next lane that needs the user, Enter maximises the focused lane (or restores the columns). By code, so a layout's shifted characters do not matter.
 */
function shiftedShortcut(e: KeyLike): ShortcutCommand | null {
  const code = e.code ?? ''
  const key = e.key.toLowerCase()
  if (code === 'KeyP' || key === 'p') return { type: 'openLaneSwitcher' }
  if (code === 'BracketRight' || e.key === '}') return { type: 'nextLane' }
  if (code === 'BracketLeft' || e.key === '{') return { type: 'previousLane' }
  if (code === 'KeyA' || key === 'a') return { type: 'nextAttention' }
  if (e.key === 'Enter') return { type: 'toggleMaximize' }
  return null
}

const KEYS: Record<ShortcutCommand['type'], string> = {
  newLane: 'T',
  closeLane: 'W',
  openPalette: 'K',
  openSettings: ',',
  focusLaneAt: '',
  openLaneSwitcher: 'P',
  nextLane: ']',
  previousLane: '[',
  nextAttention: 'A',
  toggleMaximize: 'Enter',
}
const SHIFTED = new Set<ShortcutCommand['type']>(['openLaneSwitcher', 'nextLane', 'previousLane', 'nextAttention', 'toggleMaximize'])

/** How a shortcut reads in menus and the palette: ⌘K on macOS, Ctrl+K elsewhere. */
export function shortcutLabel(action: ShortcutCommand, mac: boolean): string {
  const key = action.type === 'focusLaneAt' ? String(action.index + 1) : KEYS[action.type]
  if (SHIFTED.has(action.type)) return mac ? `⇧⌘${key}` : `Ctrl+Shift+${key}`
  return `${mac ? '⌘' : 'Ctrl+'}${key}`
}
