import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { z } from 'zod'
import { Settings } from '../../../shared/contract'
import type { KeyValueStore } from '../store'

/**
 * The app store's keys (the ones the core reads and writes), in one zod shape that gives both the
 * JSON schema electron-store validates with and the repair of a store that no longer matches it.
 * Coarse on purpose: the core reads each list entry by entry and each setting field by field, falling
 * back to defaults, so the store only has to hold the right kinds of values.
 */
const StoreShape = z.object({
  settings: Settings.partial().loose(),
  settingsVersion: z.number().int().min(1),
  workspaces: z.array(z.looseObject({})),
  profiles: z.array(z.looseObject({})),
  lanes: z.array(z.looseObject({})),
  triggers: z.array(z.looseObject({})),
})
type StoreKey = keyof typeof StoreShape.shape
const KEYS = Object.keys(StoreShape.shape) as StoreKey[]

/** electron-store's `schema` option: one JSON schema per key. */
export const STORE_SCHEMA: Record<string, unknown> = (() => {
  const { properties } = z.toJSONSchema(StoreShape, { target: 'draft-2020-12' }) as { properties: Record<string, unknown> }
  return properties
})()

/** The keys of `data` that do not hold the kind of value the schema wants. */
export function invalidKeys(data: Record<string, unknown>): string[] {
  return KEYS.filter((k) => k in data && !StoreShape.shape[k].safeParse(data[k]).success)
}

/** The store's own version (not the app's): migrations run when it moves up. */
export const STORE_VERSION = '1.0.0'

/** What electron-store hands a migration: the store being migrated. */
export interface MigratingStore {
  get(key: string): unknown
  set(key: string, value: unknown): void
  delete(key: string): void
  store: Record<string, unknown>
}

export const STORE_MIGRATIONS: Record<string, (store: MigratingStore) => void> = {
  // 1.0.0 introduced the schema: a store from before it keeps what fits and drops what would keep it
  // from opening (the core rebuilds a dropped list or setting from its defaults).
  '1.0.0': (store) => {
    for (const key of invalidKeys(store.store)) store.delete(key)
  },
}

export interface OpenedStore<S extends KeyValueStore> {
  store: S
  /** Keys dropped because they no longer matched the schema, or the file moved aside when it was not JSON. */
  repaired?: { dropped: string[] } | { movedAside: string }
}

/**
 * Opens the store; when it refuses its file (a hand edit, a half-written disk), drops the keys that
 * do not fit and opens again, or, for a file that is not JSON at all, moves it aside and starts
 * afresh, so the app starts and says what it did rather than not starting.
 */
export function openStoreRepairing<S extends KeyValueStore>(open: () => S, file: string, now: () => number = Date.now): OpenedStore<S> {
  try {
    return { store: open() }
  } catch (first) {
    let data: Record<string, unknown>
    try {
      data = JSON.parse(readFileSync(file, 'utf8'))
      if (!data || typeof data !== 'object' || Array.isArray(data)) throw new Error('not an object')
    } catch {
      const aside = `${file}.unreadable-${now()}`
      try {
        renameSync(file, aside)
      } catch {
        throw first
      }
      return { store: open(), repaired: { movedAside: aside } }
    }
    const dropped = invalidKeys(data)
    if (dropped.length === 0) throw first
    for (const k of dropped) delete data[k]
    writeFileSync(file, JSON.stringify(data, null, '\t'), { mode: 0o600 })
    return { store: open(), repaired: { dropped } }
  }
}
