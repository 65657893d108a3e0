import os from 'node:os'
import nodePath from 'node:path'
import type { Attachment } from '../../shared/contract'
import { detectAgents } from '../core/agents/registry'
import { AppError } from '../core/errors'
import { buildChildEnv, loginShellPath } from '../core/isolation/env'
import { importFiles } from '../core/isolation/profile-dir'
import { hasPiExtension, installPiGate } from '../core/profiles/pi-gate'
import { presetFor } from '../core/profiles/profiles'
import type { Core } from '../core/core'
import { searchTranscripts } from '../core/lanes/search'
import { Uploads } from '../core/uploads'
import { buildLedger, readUsageEntries } from '../core/usage/ledger'
import { changedFiles, commitAll, discardChange, reviewPrompt } from '../core/workspaces/review'
import { commitSubjects, conflictPrompt, draftPullRequest, mergeIntoBase, openPullRequest, pullRequestStatus, pushBranch, remoteFor, type BranchInfo } from '../core/workspaces/finish'
import { listDirs } from '../core/workspaces/folders'
import { gitOk } from '../core/workspaces/git'
import { isInside } from '../core/workspaces/worktrees'
import { FloodGate } from './flood-gate'
import { createHostHandlers, createHostStreams } from './host-handlers'
import type { Handlers, StreamSources } from './router'

export interface HostInfo {
  mode: 'electron' | 'server'
  version: string
  dataDir: string
  /** A native folder dialog, where the host has one. */
  pickFolder?: () => Promise<string | null>
  /** The window's attention count, for the dock/taskbar badge, where the host has one. */
  setAttention?: (count: number) => void
}

export type Services = Pick<Core, 'workspaces' | 'profiles' | 'lanes' | 'models' | 'settings' | 'secrets' | 'worktrees' | 'commands' | 'reviewDrafts' | 'hosts' | 'providedSecrets' | 'triggers'>

const ok = { ok: true } as const

/** The contract's methods, bound to the core's services. */
export function createHandlers({ workspaces, profiles, lanes, models, settings, secrets, worktrees, reviewDrafts, hosts, providedSecrets, triggers }: Services, host: HostInfo): Handlers {
  /** What a lane's changes are measured against: its worktree's base, or HEAD. */
  const reviewBase = (laneId: string) => lanes.get(laneId).record.worktree?.baseCommit ?? 'HEAD'
  /** The lane's branch and where it goes: its worktree's branch and base, or the branch its folder has checked out. */
  const branchOf = async (laneId: string): Promise<BranchInfo & { worktree: boolean }> => {
    const cwd = lanes.cwdOf(laneId)
    const wt = lanes.get(laneId).record.worktree
    if (wt) return { cwd, branch: wt.branch, base: wt.base, worktree: true }
    const branch = (await gitOk(cwd, ['symbolic-ref', '-q', '--short', 'HEAD'], { code: 'invalid_input', message: 'The lane is not on a branch' })).trim()
    return { cwd, branch, base: branch, worktree: false }
  }
  const uploads = new Uploads(nodePath.join(host.dataDir, 'uploads'))
  /** Uploaded attachments become paths: the agent reads the stored file. */
  const resolveUploads = (attachments?: Attachment[]) =>
    attachments?.map(({ uploadId, ...a }) => (uploadId ? { name: a.name, path: uploads.pathOf(uploadId) } : a))
  const refuseIfUsed = (what: string, used: number) => {
    if (used > 0) throw new AppError('conflict', `${what} is used by ${used} lane${used > 1 ? 's' : ''}; close ${used > 1 ? 'them' : 'it'} first`)
  }
  return {
    ...createHostHandlers(hosts),
    'app.info': () => ({
      name: 'Switchyard',
      version: host.version,
      mode: host.mode,
      platform: process.platform,
      dataDir: host.dataDir,
      canPickFolder: host.pickFolder !== undefined,
    }),
    'app.attention': ({ count }) => (host.setAttention?.(count), ok),
    'workspaces.list': () => workspaces.list(),
    'workspaces.add': ({ path }) => workspaces.add(path),
    'workspaces.pick': async () => {
      if (!host.pickFolder) throw new AppError('unsupported', 'This host has no folder dialog; add the folder by its path')
      const picked = await host.pickFolder()
      return picked ? workspaces.add(picked) : null
    },
    'fs.listDirs': (input) => listDirs(input ?? {}),
    'workspaces.remove': ({ workspaceId }) => {
      const ws = workspaces.get(workspaceId)
      refuseIfUsed(`Workspace ${ws.name}`, lanes.lanesUsing({ workspaceId }).length)
      workspaces.remove(workspaceId)
      return ok
    },
    'profiles.list': () => profiles.list(),
    'profiles.create': (input) => profiles.create(input),
    'profiles.piGate': ({ profileId }) => ({ extension: hasPiExtension(profiles.get(profileId).configDir) }),
    'profiles.installPiGate': ({ profileId }) => {
      const profile = profiles.get(profileId)
      if (profile.kind !== 'pi') throw new AppError('unsupported', `${profile.name} does not run pi`)
      installPiGate(profile.configDir)
      return ok
    },
    'profiles.duplicate': ({ profileId, name }) => profiles.duplicate(profileId, name),
    'profiles.update': ({ profileId, patch }) => (models.forget(profileId), profiles.update(profileId, patch)),
    'profiles.models': async ({ profileId, refresh }) => {
      profiles.get(profileId)
      try {
        return await models.list(profileId, refresh)
      } catch (err) {
        if (err instanceof AppError) throw err
        throw new AppError('spawn_failed', `Could not list the agent's models: ${(err as Error).message}`)
      }
    },
    'profiles.remove': ({ profileId }) => {
      const p = profiles.get(profileId)
      refuseIfUsed(`Profile ${p.name}`, lanes.lanesUsing({ profileId }).length)
      profiles.remove(profileId)
      secrets.forget(profileId)
      models.forget(profileId)
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
    'lanes.memory': () => lanes.memory(),
    'lanes.create': (input) => lanes.create(input),
    'attachments.upload': ({ uploadId, name, chunk }) => uploads.append(uploadId, name, chunk),
    'lanes.send': async ({ laneId, input, attachments }) => (await lanes.send(laneId, input, resolveUploads(attachments)), ok),
    'lanes.start': ({ laneId }) => lanes.start(laneId),
    'lanes.interrupt': async ({ laneId }) => (await lanes.interrupt(laneId), ok),
    'lanes.setMode': ({ laneId, modeId }) => lanes.setMode(laneId, modeId),
    'lanes.approve': async ({ laneId, requestId, optionId, answers }) => (await lanes.approve(laneId, requestId, optionId, answers), ok),
    'lanes.stop': ({ laneId }) => lanes.stop(laneId),
    'lanes.remove': async ({ laneId, worktree, deleteBranch }) => (await lanes.remove(laneId, { worktree, deleteBranch }), ok),
    'lanes.pending': ({ laneId }) => lanes.get(laneId).pendingRequests(),
    'lanes.archive': ({ laneId }) => lanes.archive(laneId),
    'lanes.deleteArchived': async ({ laneId }) => (await lanes.deleteArchived(laneId), ok),
    'lanes.restore': ({ laneId }) => lanes.restore(laneId),
    'lanes.rename': ({ laneId, title }) => lanes.rename(laneId, title),
    'lanes.resize': ({ laneId, cols, rows }) => (lanes.resize(laneId, cols, rows), ok),
    'lanes.transcript': ({ laneId, after, limit }) => lanes.transcript(laneId, after, limit),
    'lanes.terminalSnapshot': ({ laneId }) => lanes.terminalSnapshot(laneId),

    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
    'secrets.list': ({ profileId }) => {
      profiles.get(profileId)
      return secrets.names(profileId).map((name) => ({ name, set: true }))
    },
    'secrets.set': ({ profileId, name, value }) => (profiles.get(profileId), secrets.set(profileId, name, value), ok),
    'secrets.remove': ({ profileId, name }) => (profiles.get(profileId), secrets.remove(profileId, name), ok),
    'secrets.provide': ({ profileId, values }) => (profiles.get(profileId), providedSecrets.set(profileId, { ...values }), ok),

    'review.diff': async ({ laneId }) => {
      const base = reviewBase(laneId)
      return { base, files: await changedFiles(lanes.cwdOf(laneId), base) }
    },
    'review.discard': async ({ laneId, path, hunk }) => (await discardChange(lanes.cwdOf(laneId), reviewBase(laneId), path, hunk), ok),
    'review.commit': async ({ laneId, message }) => ({ commit: await commitAll(lanes.cwdOf(laneId), message) }),
    'review.comment': async ({ laneId, comments }) => (await lanes.send(laneId, reviewPrompt(comments)), ok),
    'review.drafts': ({ laneId }) => ({ comments: reviewDrafts.get(laneId) }),
    'review.saveDrafts': ({ laneId, comments }) => (reviewDrafts.save(laneId, comments), ok),
    'checkpoints.list': async ({ laneId }) => ({
      checkpoints: (await lanes.checkpoints.list(laneId)).map(({ tree: _tree, turnId: _turnId, ...c }) => c),
      rewind: lanes.get(laneId).canRewind,
    }),
    'checkpoints.create': async ({ laneId }) => {
      const c = await lanes.checkpoints.capture(lanes.get(laneId).id, 'manual')
      return c ? { n: c.n, turn: c.turn, phase: c.phase, commit: c.commit, at: c.at, changed: c.changed } : null
    },
    'checkpoints.diff': async ({ laneId, n, path }) => ({ files: await lanes.checkpoints.diff(laneId, n, path) }),
    'checkpoints.restore': ({ laneId, n, path, conversation }) => lanes.restoreCheckpoint(laneId, n, { path, conversation }),
    'finish.merge': async ({ laneId, strategy, message }) => {
      const b = await branchOf(laneId)
      if (!b.worktree) throw new AppError('unsupported', `This lane works on ${b.branch} itself; there is no lane branch to merge`)
      const r = await mergeIntoBase(b, strategy, message)
      return r.merged ? { merged: true, commit: r.commit, conflicts: [], message: r.message } : { merged: false, conflicts: r.conflicts, message: r.message }
    },
    'finish.resolve': async ({ laneId, conflicts }) => (await lanes.send(laneId, conflictPrompt(await branchOf(laneId), conflicts)), ok),
    'finish.push': async ({ laneId, target, remote, force }) => {
      const b = await branchOf(laneId)
      return pushBranch(b.cwd, target === 'base' ? b.base : b.branch, { remote, force })
    },
    'finish.draftPr': async ({ laneId }) => {
      const b = await branchOf(laneId)
      return draftPullRequest((await lanes.transcript(laneId, 0, 10_000)).events, await commitSubjects(b))
    },
    'finish.openPr': async ({ laneId, title, body, remote }) => {
      const b = await branchOf(laneId)
      if (!b.worktree) throw new AppError('unsupported', `This lane works on ${b.branch} itself; push it and open the pull request from its branch`)
      return openPullRequest(b, { title, body }, await remoteFor(b.cwd, b.branch, remote))
    },
    'finish.prStatus': async ({ laneId }) => {
      const b = await branchOf(laneId)
      return b.worktree ? pullRequestStatus(b) : null
    },
    'git.branches': ({ workspaceId }) => worktrees.branches(workspaces.get(workspaceId).path),
    'worktrees.orphans': () => worktrees.orphans(lanes.list().flatMap((l) => (l.worktree ? [l.worktree] : []))),
    'worktrees.removeOrphan': async ({ path, deleteBranch }) => {
      // A lane on a subfolder of a repo works inside the worktree, so "uses" means "is inside".
      const owned = lanes.list().some((l) => l.worktree && (isInside(l.worktree.path, path) || isInside(path, l.worktree.path)))
      if (owned) throw new AppError('conflict', `A lane still uses ${path}; remove the lane instead`)
      await worktrees.removeOrphan(path, { deleteBranch: deleteBranch ?? false })
      return ok
    },
    'usage.ledger': async (input) => {
      const all = lanes.list()
      const entries = await Promise.all(all.map((l) => readUsageEntries(l.id, lanes.transcriptFile(l.id))))
      return buildLedger(all, entries.flat(), input?.utcOffsetMinutes ?? 0)
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

export function createStreamSources({ lanes, commands, hosts }: Services): StreamSources {
  return {
    ...createHostStreams(hosts),
    'lanes.events': (input, emit) => {
      const laneId = input?.laneId
      const types = input?.types ? new Set<string>(input.types) : null
      if (laneId) lanes.get(laneId) // not_found for a lane that does not exist
      const gate = input?.skipFloods ? new FloodGate(emit, (id) => lanes.outputWindow(id)) : undefined
      const off = lanes.onEvent((e, encoded) => {
        if ((laneId && e.laneId !== laneId) || (types && !types.has(e.type))) return
        if (gate) gate.offer(e, encoded)
        else emit(e, encoded)
      })
      return () => {
        off()
        gate?.dispose()
      }
    },
    'lanes.status': (_input, emit) => lanes.onStatus(emit),
    'app.commands': (_input, emit) => commands.on(emit),
  }
}
