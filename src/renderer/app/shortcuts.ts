/** Window-level shortcuts. Pure: which command (if any) a key event maps to. */
import type { UiCommand } from './commands'

/** The commands a shortcut produces. */
export type ShortcutCommand = Extract<UiCommand, { type: 'newLane' | 'openPalette' | 'openSettings' | 'focusLaneAt' }> | { type: 'closeLane' }

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
 * Cmd on macOS, Ctrl elsewhere (on macOS Ctrl stays the terminal's); no Alt, no Shift.
 * Ctrl+T new lane, Ctrl+W close the focused lane, Ctrl+1…9 focus lane N (index 0…8),
 * Ctrl+K the command palette, Ctrl+, the settings.
 */
export function shortcutFor(e: KeyLike, mac: boolean): ShortcutCommand | null {
  const primary = mac ? e.metaKey && !e.ctrlKey : e.ctrlKey && !e.metaKey
  if (!primary || e.altKey || e.shiftKey) return null
  const key = e.key.toLowerCase()
  if (key === 't') return { type: 'newLane' }
  if (key === 'w') return { type: 'closeLane' }
  if (key === 'k') return { type: 'openPalette' }
  if (e.key === ',' || e.code === 'Comma') return { type: 'openSettings' }
  const digit = /^[1-9]$/.test(e.key) ? e.key : /^Digit([1-9])$/.exec(e.code ?? '')?.[1]
  if (digit) return { type: 'focusLaneAt', index: Number(digit) - 1 }
  return null
}

/** How a shortcut reads in menus and the palette: ⌘K on macOS, Ctrl+K elsewhere. */
export function shortcutLabel(action: ShortcutCommand, mac: boolean): string {
  const key =
    action.type === 'newLane'
      ? 'T'
      : action.type === 'closeLane'
        ? 'W'
        : action.type === 'openPalette'
          ? 'K'
          : action.type === 'openSettings'
            ? ','
            : String(action.index + 1)
  return `${mac ? '⌘' : 'Ctrl+'}${key}`
}
