import path from 'node:path'
import { version } from '../../../package.json'
import { AppCommands } from './app-commands'
import { HostManager } from './hosts/host-manager'
import { controlDirFor } from './hosts/ssh'
import { defaultAdapters, type AdapterRegistry } from './agents/registry'
import { LaneTokens } from './lanes/lane-tokens'
import { Triggers } from './triggers/triggers'
import { loginShellPath } from './isolation/env'
import { LaneManager, type LaneManagerOptions } from './lanes/manager'
import { ModelCatalog } from './profiles/model-catalog'
import { Profiles } from './profiles/profiles'
import { fileSecretStore, type SecretStore } from './secrets'
import { SettingsService } from './settings'
import type { KeyValueStore } from './store'
import { superviseDataDir } from './transport/process-records'
import { GitStatusWatcher } from './workspaces/git-status'
import { ReviewDrafts } from './workspaces/review'
import { Worktrees } from './workspaces/worktrees'
import { Workspaces } from './workspaces/workspaces'

export interface CoreOptions extends Partial<Pick<LaneManagerOptions, 'now' | 'maxProcesses' | 'reaperIntervalMs' | 'parentEnv' | 'loginPath' | 'secrets'>> {
  dataDir: string
  store: KeyValueStore
  adapters?: AdapterRegistry
  /** Electron passes its safeStorage store; otherwise a 0600 file under the data dir. */
  secretStore?: SecretStore
  /** Where `out/main` and `node_modules` are, for installing on hosts (default: the working directory). */
  appRoot?: string
  /** Tests: an ssh_config for every ssh we run (`ssh -F`). */
  sshConfigFile?: string
  /** How to run the `switchyard` CLI, for lanes whose profile may drive other lanes (its `mcp` command). */
  cliLauncher?: { command: string; args: string[]; env?: Record<string, string> }
  /** How a failure trigger tells the user; and how often schedules are checked (0: tests tick). */
  notify?: (title: string, body: string, laneId: string) => void
  triggerTickMs?: number
}

/** The whole plain-Node core, wired: what Electron and server mode both host. */
export function createCore(opts: CoreOptions) {
  // First: record this run's lane processes, and end what a run that died hard left running.
  const supervision = superviseDataDir(opts.dataDir)
  // Read once, now, in the background: the first lane then finds it ready instead of waiting ~115 ms for a login shell.
  if (!opts.loginPath) void loginShellPath().catch(() => undefined)
  const workspaces = new Workspaces(opts.store)
  const profiles = new Profiles(opts.store, opts.dataDir)
  const settings = new SettingsService(opts.store)
  const secrets = opts.secretStore ?? fileSecretStore(opts.dataDir)
  const worktrees = new Worktrees(opts.dataDir)
  /** Secrets a client provided (secrets.provide): in memory only, over the stored ones. */
  const providedSecrets = new Map<string, Record<string, string>>()
  const laneTokens = new LaneTokens(path.join(opts.dataDir, 'run', 'tokens'))
  const lanes = new LaneManager({
    ...opts,
    workspaces,
    profiles,
    worktrees,
    adapters: opts.adapters ?? defaultAdapters(),
    maxProcesses: opts.maxProcesses ?? settings.get().maxProcesses,
    checkpointsKeep: () => settings.get().checkpointsKeep,
    secrets: opts.secrets ?? ((id) => ({ ...secrets.values(id), ...providedSecrets.get(id) })),
    mcp: opts.cliLauncher ? { launcher: opts.cliLauncher, tokens: laneTokens } : undefined,
  })
  lanes.setMemoryBudget(settings.get().memoryBudgetMb * 1024 * 1024)
  settings.onChange((s) => {
    lanes.setMaxProcesses(s.maxProcesses)
    lanes.setMemoryBudget(s.memoryBudgetMb * 1024 * 1024)
  })
  const models = new ModelCatalog((profileId) => lanes.listModels(profileId))
  const reviewDrafts = new ReviewDrafts(opts.store, lanes)
  lanes.onStatus((e) => {
    if (e.type === 'removed') reviewDrafts.forget(e.laneId)
  })
  const gitStatus = new GitStatusWatcher(lanes)
  // On start: drop git's records of lane worktrees whose folders are gone (orphans are listed on request).
  void worktrees.orphans(lanes.list().flatMap((l) => (l.worktree ? [l.worktree] : []))).catch(() => undefined)
  const commands = new AppCommands()
  const hosts = new HostManager({
    store: opts.store,
    controlDir: controlDirFor(opts.dataDir),
    appRoot: path.resolve(opts.appRoot ?? process.cwd()),
    secrets,
    version,
    sshConfigFile: opts.sshConfigFile,
    hostSettings: () => ({ noClientReapAfterHours: settings.get().noClientReapAfterHours }),
  })
  const triggers = new Triggers({ store: opts.store, lanes, now: opts.now, notify: opts.notify, tickMs: opts.triggerTickMs })
  return {
    hosts,
    providedSecrets,
    workspaces,
    profiles,
    settings,
    secrets,
    worktrees,
    lanes,
    models,
    commands,
    reviewDrafts,
    laneTokens,
    triggers,
    /** How many processes of earlier runs (that died without stopping their lanes) were ended at start. */
    previousRunsEnded: supervision.ended,
    /** Stops every lane and watcher (quit). */
    async close() {
      hosts.close()
      gitStatus.close()
      triggers.close()
      await lanes.stopAll()
      supervision.close()
    },
  }
}
export type Core = ReturnType<typeof createCore>
