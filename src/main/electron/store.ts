import ElectronStore from 'electron-store'
import path from 'node:path'
import { STORE_MIGRATIONS, STORE_SCHEMA, STORE_VERSION, openStoreRepairing, type OpenedStore } from '../core/desktop/store-schema'
import type { KeyValueStore } from '../core/store'

/** The app's store (workspaces, profiles, lanes, settings) in `<userData>/switchyard.json`, 0600, schema-checked. */
export function openAppStore(userData: string): OpenedStore<KeyValueStore> {
  const open = () =>
    new ElectronStore<Record<string, unknown>>({
      name: 'switchyard',
      cwd: userData,
      schema: STORE_SCHEMA as never,
      migrations: STORE_MIGRATIONS as never,
      // The store's own version, not the app's: migrations follow the data's shape.
      projectVersion: STORE_VERSION,
      configFileMode: 0o600,
    }) as unknown as KeyValueStore
  return openStoreRepairing(open, path.join(userData, 'switchyard.json'))
}
