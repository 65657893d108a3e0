import { Settings } from '../../shared/contract'
import type { KeyValueStore } from './store'

export const DEFAULT_SETTINGS: Settings = { theme: 'system', maxProcesses: 12, memoryBudgetMb: 0, keepRunningInTray: true, notifications: true, checkpointsKeep: 100, noClientReapAfterHours: 8 }

/** Schema version of the stored settings, and how to bring older ones up to it. */
export const SETTINGS_VERSION = 2
const MIGRATIONS: Record<number, (old: Record<string, unknown>) => Record<string, unknown>> = {
  // v1 had `closeToTray`; v2 calls it keepRunningInTray and adds notifications.
  2: ({ closeToTray, ...rest }) => ({ ...rest, keepRunningInTray: closeToTray ?? DEFAULT_SETTINGS.keepRunningInTray }),
}

/** Migrates stored settings to the current version; unreadable fields fall back to defaults. */
export function migrateSettings(raw: unknown, version: number): Settings {
  let value = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>
  for (let v = version + 1; v <= SETTINGS_VERSION; v++) value = MIGRATIONS[v]?.(value) ?? value
  const out: Record<string, unknown> = { ...DEFAULT_SETTINGS }
  for (const key of Object.keys(DEFAULT_SETTINGS) as (keyof Settings)[]) {
    const field = Settings.shape[key].safeParse(value[key])
    if (field.success) out[key] = field.data
  }
  return out as Settings
}

/** The user's app settings, kept in the app store with a version for migrations. */
export class SettingsService {
  private current: Settings
  private readonly listeners = new Set<(s: Settings) => void>()

  constructor(private readonly store: KeyValueStore) {
    const version = Number(store.get('settingsVersion') ?? (store.get('settings') ? 1 : SETTINGS_VERSION))
    this.current = migrateSettings(store.get('settings'), version)
    this.save()
  }

  get(): Settings {
    return { ...this.current }
  }

  update(patch: Partial<Settings>): Settings {
    this.current = Settings.parse({ ...this.current, ...patch })
    this.save()
    for (const l of this.listeners) l(this.get())
    return this.get()
  }

  onChange(listener: (s: Settings) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private save(): void {
    this.store.set('settings', this.current)
    this.store.set('settingsVersion', SETTINGS_VERSION)
  }
}
