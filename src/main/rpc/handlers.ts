import os from 'node:os'
import { detectAgents } from '../core/agents/registry'
import { AppError } from '../core/errors'
import { buildChildEnv, loginShellPath } from '../core/isolation/env'
import { importFiles } from '../core/isolation/profile-dir'
import { presetFor } from '../core/profiles/profiles'
import type { Core } from '../core/core'
import { searchTranscripts } from '../core/lanes/search'
import { changedFiles, commitAll, discardChange, reviewPrompt } from '../core/workspaces/review'
import { isInside } from '../core/workspaces/worktrees'
import type { Handlers, StreamSources } from './router'

export interface HostInfo {
  mode: 'electron' | 'server'
  version: string
  dataDir: string
  /** A native folder dialog, where the host has one. */
  pickFolder?: () => Promise<string | null>
}

export type Services = Pick<Core, 'workspaces' | 'profiles' | 'lanes' | 'settings' | 'secrets' | 'worktrees' | 'commands' | 'reviewDrafts' | 'triggers'>

const ok = { ok: true } as const

/** The contract's methods, bound to the core's services. */
export function createHandlers({ workspaces, profiles, lanes, settings, secrets, worktrees, reviewDrafts, triggers }: Services, host: HostInfo): Handlers {
  /** What a lane's changes are measured against: its worktree's base, or HEAD. */
  const reviewBase = (laneId: string) => lanes.get(laneId).record.worktree?.baseCommit ?? 'HEAD'
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
      secrets.forget(profileId)
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
    'lanes.send': async ({ laneId, input, attachments }) => (await lanes.send(laneId, input, attachments), ok),
    'lanes.start': ({ laneId }) => lanes.start(laneId),
    'lanes.interrupt': async ({ laneId }) => (await lanes.interrupt(laneId), ok),
    'lanes.setMode': ({ laneId, modeId }) => lanes.setMode(laneId, modeId),
    'lanes.approve': async ({ laneId, requestId, optionId, answers }) => (await lanes.approve(laneId, requestId, optionId, answers), ok),
    'lanes.stop': ({ laneId }) => lanes.stop(laneId),
    'lanes.remove': async ({ laneId, worktree, deleteBranch }) => (await lanes.remove(laneId, { worktree, deleteBranch }), ok),
    'lanes.archive': ({ laneId }) => lanes.archive(laneId),
    'lanes.restore': ({ laneId }) => lanes.restore(laneId),
    'lanes.resize': ({ laneId, cols, rows }) => (lanes.resize(laneId, cols, rows), ok),
    'lanes.transcript': ({ laneId, after, limit }) => lanes.transcript(laneId, after, limit),

    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'secrets.list': ({ profileId }) => {
      profiles.get(profileId)
      return secrets.names(profileId).map((name) => ({ name, set: true }))
    },
    'secrets.set': ({ profileId, name, value }) => (profiles.get(profileId), secrets.set(profileId, name, value), ok),
    'secrets.remove': ({ profileId, name }) => (secrets.remove(profileId, name), ok),

    'review.diff': async ({ laneId }) => {
      const base = reviewBase(laneId)
      return { base, files: await changedFiles(lanes.cwdOf(laneId), base) }
    },
    'review.discard': async ({ laneId, path, hunk }) => (await discardChange(lanes.cwdOf(laneId), reviewBase(laneId), path, hunk), ok),
    'review.commit': async ({ laneId, message }) => ({ commit: await commitAll(lanes.cwdOf(laneId), message) }),
    'review.comment': async ({ laneId, comments }) => (await lanes.send(laneId, reviewPrompt(comments)), ok),
    'review.drafts': ({ laneId }) => ({ comments: reviewDrafts.get(laneId) }),
    'review.saveDrafts': ({ laneId, comments }) => (reviewDrafts.save(laneId, comments), ok),
    'git.branches': ({ workspaceId }) => worktrees.branches(workspaces.get(workspaceId).path),
    'worktrees.orphans': () => worktrees.orphans(lanes.list().flatMap((l) => (l.worktree ? [l.worktree] : []))),
    'worktrees.removeOrphan': async ({ path, deleteBranch }) => {
      // A lane on a subfolder of a repo works inside the worktree, so "uses" means "is inside".
      const owned = lanes.list().some((l) => l.worktree && (isInside(l.worktree.path, path) || isInside(path, l.worktree.path)))
      if (owned) throw new AppError('conflict', `A lane still uses ${path}; remove the lane instead`)
      await worktrees.removeOrphan(path, { deleteBranch: deleteBranch ?? false })
      return ok
    },
    'triggers.list': () => triggers.list(),
    'triggers.add': (fields) => triggers.add(fields),
    'triggers.toggle': ({ triggerId, enabled }) => triggers.toggle(triggerId, enabled),
    'triggers.remove': ({ triggerId }) => (triggers.remove(triggerId), ok),
    'history.search': ({ query, limit }) =>
      searchTranscripts(
        lanes.list().map((l) => ({ id: l.id, title: l.title, archived: l.archived ?? false, file: lanes.transcriptFile(l.id) })),
        query,
        limit ?? 50,
      ),
  }
}

export function createStreamSources({ lanes, commands }: Services): StreamSources {
  return {
    'lanes.events': (input, emit) => {
      const laneId = input?.laneId
      if (laneId) lanes.get(laneId) // not_found for a lane that does not exist
      return lanes.onEvent((e) => {
        if (!laneId || e.laneId === laneId) emit(e)
      })
    },
    'lanes.status': (_input, emit) => lanes.onStatus(emit),
    'app.commands': (_input, emit) => commands.on(emit),
  }
}
