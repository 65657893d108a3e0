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

/** Where the key was typed: a terminal gets the control keys shells use (Ctrl+W, Ctrl+K, Ctrl+T …). */
export type KeyTarget = 'page' | 'terminal'

/**
 * Cmd on macOS, Ctrl elsewhere (on macOS Ctrl stays the terminal's); no Alt.
 * macOS: ⌘T new lane, ⌘W close the focused lane, ⌘K the command palette.
 * Linux/Windows: Ctrl+Shift+T/W/K, because Ctrl+W (delete word), Ctrl+K (kill line) and Ctrl+T
 * (transpose) are the shell's; plain Ctrl+T/W/K still work outside a terminal.
 * Everywhere: primary+1…9 focus column N (index 0…8), primary+, the settings; the Shift ones below.
 */
export function shortcutFor(e: KeyLike, mac: boolean, target: KeyTarget = 'page'): ShortcutCommand | null {
  const primary = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
  if (!primary || e.altKey) return null
  const key = e.key.toLowerCase()
  const code = e.code ?? ''
  if (e.shiftKey) {
    if (!mac) {
      if (code === 'KeyT' || key === 't') return { type: 'newLane' }
      if (code === 'KeyW' || key === 'w') return { type: 'closeLane' }
      if (code === 'KeyK' || key === 'k') return { type: 'openPalette' }
    }
    return shiftedShortcut(e)
  }
  const shellKeys = !mac && target === 'terminal'
  if (key === 't') return shellKeys ? null : { type: 'newLane' }
  if (key === 'w') return shellKeys ? null : { type: 'closeLane' }
  if (key === 'k') return shellKeys ? null : { type: 'openPalette' }
  if (e.key === ',' || code === 'Comma') return { type: 'openSettings' }
  const digit = /^[1-9]$/.test(e.key) ? e.key : /^Digit([1-9])$/.exec(code)?.[1]
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
/** Shifted on Linux/Windows only, where the plain keys belong to the shell. */
const SHIFTED_OFF_MAC = new Set<ShortcutCommand['type']>(['newLane', 'closeLane', 'openPalette'])

/** How a shortcut reads in menus and the palette: ⌘K on macOS, Ctrl+Shift+K elsewhere. */
export function shortcutLabel(action: ShortcutCommand, mac: boolean): string {
  const key = action.type === 'focusLaneAt' ? String(action.index + 1) : KEYS[action.type]
  if (SHIFTED.has(action.type) || (!mac && SHIFTED_OFF_MAC.has(action.type))) return mac ? `⇧⌘${key}` : `Ctrl+Shift+${key}`
  return `${mac ? '⌘' : 'Ctrl+'}${key}`
}
