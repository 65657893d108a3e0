import type { Bridge } from '../shared/contract'

/** What the Electron preload exposes; absent in a plain browser (server mode). */
export type HostBridge = Bridge & { getPathForFile(file: File): string }

declare global {
  interface Window {
    switchyard?: HostBridge
  }
}
