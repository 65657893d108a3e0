import { existsSync } from 'node:fs'
import type { Lane as LaneRecord, ModelChoice, Profile } from '../../../shared/contract'
import type { LaunchSpec } from '../agents/types'
import { AppError } from '../errors'
import { buildChildEnv, loginShellPath, resolveExecutable } from '../isolation/env'
import { presetFor } from '../profiles/profiles'
import type { LaneManagerOptions } from './manager'

type LauncherOptions = Pick<LaneManagerOptions, 'dataDir' | 'adapters' | 'profiles' | 'workspaces' | 'parentEnv' | 'loginPath' | 'secrets' | 'mcp'>

/**
 * How a profile's agent is run: its command resolved on the scrubbed env's PATH, its private dir
 * prepared, and a lane's whole launch spec. One place, so a lane, a login and a model probe run the
 * agent the same way.
 */
export class AgentLauncher {
  constructor(
    private readonly opts: LauncherOptions,
    /** The resume tokens of the profile's lanes, which a preset's dir preparation must keep. */
    private readonly sessionsOf: (profileId: string) => string[],
  ) {}

  /**
   * Asks the profile's agent which models it offers, run as its lanes run it (command, env, private
   * dir) but in that dir rather than a workspace. Empty where the agent lists none.
   */
  async listModels(profileId: string, timeoutMs = 30_000): Promise<ModelChoice[]> {
    const profile = this.opts.profiles.get(profileId)
    const adapter = this.opts.adapters[profile.kind]
    if (adapter.knownModels) return [...adapter.knownModels]
    if (!adapter.listModels) return []
    const { command, args, env } = await this.agentCommand(profile, profile.kind, 'models')
    return adapter.listModels({ command, args, env, cwd: profile.configDir, configDir: profile.configDir, timeoutMs })
  }

  async spec(record: LaneRecord, resume: string | undefined): Promise<LaunchSpec> {
    const profile = this.opts.profiles.get(record.profileId)
    const workspace = this.opts.workspaces.get(record.workspaceId)
    const cwd = record.worktree?.path ?? workspace.path
    if (!existsSync(cwd)) throw new AppError('not_found', `The lane's folder is gone: ${cwd}`)
    const { command, args, env } = await this.agentCommand(profile, record.kind, record.id, record.purpose === 'login')
    return {
      laneId: record.id,
      cwd,
      command,
      args,
      env,
      configDir: profile.configDir,
      cols: record.cols,
      rows: record.rows,
      resume,
      ...(record.modes ? { mode: record.modes.current } : {}),
      ...(record.model ? { model: record.model } : {}),
      ...(this.opts.mcp && profile.mayDriveLanes && record.purpose !== 'login' && record.kind !== 'terminal'
        ? {
            mcp: {
              name: 'switchyard',
              command: this.opts.mcp.launcher.command,
              // The token goes in a 0600 file, not argv (which other users can read in `ps`).
              args: [...this.opts.mcp.launcher.args, 'mcp', '--data-dir', this.opts.dataDir, '--lane-token-file', this.opts.mcp.tokens.fileFor(record.id)],
              env: this.opts.mcp.launcher.env ?? {},
            },
          }
        : {}),
    }
  }

  /** The profile's command (or its kind's default; a preset's login), resolved on its env's PATH, its dir prepared. */
  private async agentCommand(profile: Profile, kind: LaneRecord['kind'], laneId: string, login = false): Promise<{ command: string; args: string[]; env: Record<string, string> }> {
    const preset = presetFor(profile)
    const fallback = this.opts.adapters[kind].defaultCommand()
    let { command, args } = profile.command ? profile : { command: fallback.command, args: profile.args.length ? profile.args : fallback.args }
    if (login) {
      if (!preset?.login) throw new AppError('unsupported', `${profile.name} has no login command`)
      ;({ command, args } = preset.login)
    }
    const env = await this.profileEnv(profile, kind, laneId)
    await preset?.prepareConfigDir?.(profile.configDir, this.sessionsOf(profile.id))
    const resolved = resolveExecutable(command, env.PATH)
    if (!resolved) throw new AppError('spawn_failed', `Command not found: ${command}`, { command, PATH: env.PATH })
    return { command: resolved, args, env }
  }

  /** The environment a profile's agent runs in: scrubbed parent env, login PATH, the kind's and preset's variables, the profile's env and secrets. */
  private async profileEnv(profile: Profile, kind: LaneRecord['kind'], laneId: string): Promise<Record<string, string>> {
    const preset = presetFor(profile)
    return buildChildEnv({
      parent: this.opts.parentEnv ?? process.env,
      loginPath: await (this.opts.loginPath ?? loginShellPath)(),
      kind: { ...this.opts.adapters[kind].kindEnv({ configDir: profile.configDir, laneId }), ...preset?.configEnv(profile.configDir) },
      profile: profile.env,
      secrets: this.opts.secrets?.(profile.id),
    })
  }
}
