import { createContext, useContext } from 'react'
import type { Client } from '../host/client'

export interface AppServices {
  client: Client
  /** Shows an error to the user (a toast); never swallow one. */
  reportError: (error: unknown) => void
  /** Shows a message to the user (a toast). */
  notify: (message: string, kind?: 'info' | 'error') => void
  /** Whether shortcuts use Cmd (macOS) rather than Ctrl. */
  mac: boolean
  /** Where a dropped file lives on disk: only the Electron preload can tell ('' when it cannot). */
  getPathForFile?: (file: File) => string
}

export const AppContext = createContext<AppServices | null>(null)

export function useApp(): AppServices {
  const services = useContext(AppContext)
  if (!services) throw new Error('useApp outside <AppContext>')
  return services
}
