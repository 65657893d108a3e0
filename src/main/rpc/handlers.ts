import os from 'node:os'
import { detectAgents } from '../core/agents/registry'
import { AppError } from '../core/errors'
import { buildChildEnv, loginShellPath } from '../core/isolation/env'
import { importFiles } from '../core/isolation/profile-dir'
import { presetFor } from '../core/profiles/profiles'
import type { LaneManager } from '../core/lanes/manager'
import type { Profiles } from '../core/profiles/profiles'
import type { Workspaces } from '../core/workspaces/workspaces'
import type { Handlers, StreamSources } from './router'

export interface HostInfo {
  mode: 'electron' | 'server'
  version: string
  dataDir: string
  /** A native folder dialog, where the host has one. */
  pickFolder?: () => Promise<string | null>
}

export interface Services {
  workspaces: Workspaces
  profiles: Profiles
  lanes: LaneManager
}

const ok = { ok: true } as const

/** The contract's methods, bound to the core's services. */
export function createHandlers({ workspaces, profiles, lanes }: Services, host: HostInfo): Handlers {
  const refuseIfUsed = (what: string, used: number) => {
    if (used > 0) throw new AppError('conflict', `${what} is used by ${used} lane${used > 1 ? 's' : ''}; close ${used > 1 ? 'them' : 'it'} first`)
  }
  return {
    'app.info': () => ({
      name: 'Switchyard',
      version: host.version,
      mode: host.mode,
      platform: process.platform,
      dataDir: host.dataDir,
      canPickFolder: host.pickFolder !== undefined,
    }),
    'workspaces.list': () => workspaces.list(),
    'workspaces.add': ({ path }) => workspaces.add(path),
    'workspaces.pick': async () => {
      if (!host.pickFolder) throw new AppError('unsupported', 'This host has no folder dialog; add the folder by its path')
      const picked = await host.pickFolder()
      return picked ? workspaces.add(picked) : null
    },
    'workspaces.remove': ({ workspaceId }) => {
      const ws = workspaces.get(workspaceId)
      refuseIfUsed(`Workspace ${ws.name}`, lanes.lanesUsing({ workspaceId }).length)
      workspaces.remove(workspaceId)
      return ok
    },
    'profiles.list': () => profiles.list(),
    'profiles.create': (input) => profiles.create(input),
    'profiles.update': ({ profileId, patch }) => profiles.update(profileId, patch),
    'profiles.remove': ({ profileId }) => {
      const p = profiles.get(profileId)
      refuseIfUsed(`Profile ${p.name}`, lanes.lanesUsing({ profileId }).length)
      profiles.remove(profileId)
      return ok
    },
    'profiles.login': ({ profileId, workspaceId }) => lanes.createLogin(profileId, workspaceId),
    'profiles.importGlobal': ({ profileId }) => {
      const profile = profiles.get(profileId)
      const preset = presetFor(profile)
      if (!preset?.globalConfig) throw new AppError('unsupported', `${profile.name} has no known global config to import`)
      return importFiles(profile.configDir, preset.globalConfig(os.homedir()))
    },
    'agents.detect': async () => {
      const PATH = await loginShellPath()
      return detectAgents(PATH, buildChildEnv({ parent: process.env, loginPath: PATH }))
    },
    'lanes.list': () => lanes.list(),
    'lanes.create': (input) => lanes.create(input),
    'lanes.send': async ({ laneId, input }) => (await lanes.send(laneId, input), ok),
    'lanes.start': ({ laneId }) => lanes.start(laneId),
    'lanes.interrupt': async ({ laneId }) => (await lanes.interrupt(laneId), ok),
    'lanes.approve': async ({ laneId, requestId, optionId }) => (await lanes.approve(laneId, requestId, optionId), ok),
    'lanes.stop': ({ laneId }) => lanes.stop(laneId),
    'lanes.remove': async ({ laneId }) => (await lanes.remove(laneId), ok),
    'lanes.resize': ({ laneId, cols, rows }) => (lanes.resize(laneId, cols, rows), ok),
    'lanes.transcript': ({ laneId, after, limit }) => lanes.transcript(laneId, after, limit),
  }
}

export function createStreamSources({ lanes }: Services): StreamSources {
  return {
    'lanes.events': (input, emit) => {
      const laneId = input?.laneId
      if (laneId) lanes.get(laneId) // not_found for a lane that does not exist
      return lanes.onEvent((e) => {
        if (!laneId || e.laneId === laneId) emit(e)
      })
    },
    'lanes.status': (_input, emit) => lanes.onStatus(emit),
  }
}
