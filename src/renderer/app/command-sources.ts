import { useEffect } from 'react'
import type { Client } from '../host/client'
import type { UiCommand } from './commands'
import { shortcutFor } from './shortcuts'

/**
 * Where commands come from besides the page itself: the keyboard (capture phase, before xterm, which
 * also ignores these keys) and main (menus, tray, notifications, a second launch). The palette's key
 * toggles it; the menu's item, which Electron may fire for the same key press, only opens it.
 */
export function useCommandSources(client: Client, mac: boolean, run: (command: UiCommand) => void, reportError: (e: unknown) => void): void {
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const command = shortcutFor(e, mac)
      if (!command) return
      e.preventDefault()
      e.stopPropagation()
      if (!e.repeat) run(command.type === 'openPalette' ? { type: 'togglePalette' } : command)
    }
    window.addEventListener('keydown', onKeyDown, true)
    return () => window.removeEventListener('keydown', onKeyDown, true)
  }, [mac, run])

  // One subscription for the app's life.
  useEffect(() => client.subscribe('app.commands', {}, run, reportError), [client, run, reportError])
}
