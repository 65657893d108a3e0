import { defaultAdapters, type AdapterRegistry } from './agents/registry'
import { LaneManager, type LaneManagerOptions } from './lanes/manager'
import { Profiles } from './profiles/profiles'
import type { KeyValueStore } from './store'
import { Workspaces } from './workspaces/workspaces'

export interface CoreOptions extends Partial<Pick<LaneManagerOptions, 'now' | 'maxProcesses' | 'reaperIntervalMs' | 'parentEnv' | 'loginPath' | 'secrets'>> {
  dataDir: string
  store: KeyValueStore
  adapters?: AdapterRegistry
}

/** The whole plain-Node core, wired: what Electron and server mode both host. */
export function createCore(opts: CoreOptions) {
  const workspaces = new Workspaces(opts.store)
  const profiles = new Profiles(opts.store, opts.dataDir)
  const lanes = new LaneManager({ ...opts, workspaces, profiles, adapters: opts.adapters ?? defaultAdapters() })
  return { workspaces, profiles, lanes }
}
export type Core = ReturnType<typeof createCore>
