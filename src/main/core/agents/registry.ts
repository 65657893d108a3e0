import { execFile } from 'node:child_process'
import path from 'node:path'
import type { AgentInfo, AgentKind } from '../../../shared/contract'
import { resolveExecutable } from '../isolation/env'
import { acpAdapter } from './acp'
import { claudeAdapter } from './claude'
import { codexAdapter } from './codex'
import { geminiAcpHooks } from './gemini'
import { forgetGeminiSession, prepareGeminiHome } from './gemini-sessions'
import { piAdapter } from './pi'
import { terminalAdapter } from './terminal'
import type { AgentAdapter } from './types'

export type AdapterRegistry = Record<AgentKind, AgentAdapter>

/** What an ACP profile with no command runs: the most common ACP agent (the Gemini preset's command). */
const DEFAULT_ACP_AGENT = { command: 'gemini', args: ['--acp'] }

/** Every agent kind Switchyard can run. */
export function defaultAdapters(opts: { graceMs?: number } = {}): AdapterRegistry {
  return { terminal: terminalAdapter(opts), codex: codexAdapter(), claude: claudeAdapter(), pi: piAdapter(), acp: acpAdapter({ agents: acpAgentHooks(), defaultCommand: DEFAULT_ACP_AGENT }) }
}

/** The quirks of the ACP agents we know, from their presets. */
export function acpAgentHooks(): AcpAgentHooks[] {
  return PRESETS.flatMap((p) => (p.acp ? [p.acp] : []))
}

/**
 * What a preset teaches the ACP adapter about one agent, so that the adapter speaks the protocol and
 * knows no agent by name. Picked by the name the agent gives in `initialize` (`agentInfo.name`).
 */
export interface AcpAgentHooks {
  agentName: string
  /** The auth method to use with the profile's env, if the agent's own method ids say more than `_meta.env`. */
  authMethod?(methods: ReadonlyArray<{ id: string }>, env: Record<string, string>): string | undefined
  /** Runs before `session/load` of an earlier session (work around the agent's resume bugs). */
  beforeLoad?(ctx: { env: Record<string, string>; sessionId: string }): void
  /** True when an earlier session holds nothing the agent could load (it refuses such a load). */
  nothingToResume?(ctx: { env: Record<string, string>; sessionId: string }): Promise<boolean>
}

/**
 * A known agent: what its built-in profile runs, where it keeps its config, how to log in and how
 * to install it. Several presets share a kind (ACP speaks for many agents).
 */
export interface AgentPreset {
  /** Also the id of its built-in profile. */
  id: string
  kind: AgentKind
  name: string
  command: string
  args: string[]
  install: string
  /** Environment variables holding credentials the agent can use instead of a login. */
  secrets: string[]
  /** Points the agent at the profile's private config dir. */
  configEnv(configDir: string): Record<string, string>
  /** The agent's own interactive login, run in a terminal lane. */
  login?: { command: string; args: string[] }
  /** The user's global config files worth importing: absolute `from` → `to` inside the private dir. */
  globalConfig?(home: string): Array<{ from: string; to: string }>
  /** An ACP agent's quirks (kind `acp` only). */
  acp?: AcpAgentHooks
  /** Readies the profile's private dir before every start of the agent there (login too); `sessions`: its lanes' resume tokens. */
  prepareConfigDir?(configDir: string, sessions: string[]): Promise<void>
  /** Deletes what the agent keeps of a conversation (a lane's resume token) when its lane is deleted. */
  forgetSession?(configDir: string, session: string): Promise<unknown>
}

const files = (dir: string, names: string[], into = '') => names.map((n) => ({ from: path.join(dir, n), to: path.join(into, n) }))

export const PRESETS: readonly AgentPreset[] = [
  {
    id: 'codex',
    kind: 'codex',
    name: 'Codex',
    command: 'codex',
    args: [],
    install: 'npm install -g @openai/codex',
    secrets: ['OPENAI_API_KEY'],
    configEnv: (dir) => ({ CODEX_HOME: dir }),
    login: { command: 'codex', args: ['login'] },
    globalConfig: (home) => files(path.join(home, '.codex'), ['auth.json', 'config.toml']),
  },
  {
    id: 'claude',
    kind: 'claude',
    name: 'Claude Code',
    command: 'claude',
    args: [],
    install: 'npm install -g @anthropic-ai/claude-code',
    secrets: ['ANTHROPIC_API_KEY'],
    configEnv: (dir) => ({ CLAUDE_CONFIG_DIR: dir }),
    login: { command: 'claude', args: ['/login'] },
    globalConfig: (home) => [...files(path.join(home, '.claude'), ['.credentials.json', 'settings.json']), { from: path.join(home, '.claude.json'), to: '.claude.json' }],
  },
  {
    id: 'pi',
    kind: 'pi',
    name: 'pi',
    command: 'pi',
    args: [],
    install: 'npm install -g @mariozechner/pi-coding-agent',
    secrets: ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY'],
    configEnv: (dir) => ({ PI_CODING_AGENT_DIR: dir }),
    login: { command: 'pi', args: [] },
    globalConfig: (home) => files(path.join(home, '.pi', 'agent'), ['auth.json', 'models.json', 'settings.json']),
  },
  {
    id: 'gemini',
    kind: 'acp',
    name: 'Gemini CLI',
    command: 'gemini',
    args: ['--acp'],
    install: 'npm install -g @google/gemini-cli',
    secrets: ['GEMINI_API_KEY'],
    // One process instead of a relaunching wrapper that ignores SIGTERM.
    configEnv: (dir) => ({ GEMINI_CLI_HOME: dir, GEMINI_CLI_NO_RELAUNCH: 'true' }),
    acp: geminiAcpHooks,
    login: { command: 'gemini', args: [] },
    globalConfig: (home) => files(path.join(home, '.gemini'), ['settings.json', 'oauth_creds.json', 'google_accounts.json', 'installation_id'], '.gemini'),
    // Lanes of a profile share its chats folder: Gemini's own cleanup there erases other lanes' sessions.
    prepareConfigDir: prepareGeminiHome,
    forgetSession: forgetGeminiSession,
  },
  {
    id: 'claude-acp',
    kind: 'acp',
    name: 'Claude (ACP)',
    command: 'claude-agent-acp',
    args: [],
    install: 'npm install -g @agentclientprotocol/claude-agent-acp',
    secrets: ['ANTHROPIC_API_KEY'],
    configEnv: (dir) => ({ CLAUDE_CONFIG_DIR: dir }),
    login: { command: 'claude', args: ['/login'] },
    globalConfig: (home) => [...files(path.join(home, '.claude'), ['.credentials.json', 'settings.json']), { from: path.join(home, '.claude.json'), to: '.claude.json' }],
  },
  {
    id: 'codex-acp',
    kind: 'acp',
    name: 'Codex (ACP)',
    command: 'codex-acp',
    args: [],
    install: 'npm install -g @zed-industries/codex-acp',
    secrets: ['OPENAI_API_KEY'],
    configEnv: (dir) => ({ CODEX_HOME: dir }),
    login: { command: 'codex', args: ['login'] },
    globalConfig: (home) => files(path.join(home, '.codex'), ['auth.json', 'config.toml']),
  },
]

export function presetOf(id: string | undefined): AgentPreset | undefined {
  return PRESETS.find((p) => p.id === id)
}

/** The first version-looking token of `<command> --version`. */
export function parseVersion(output: string): string | undefined {
  return /\d+\.\d+(?:\.\d+)?(?:[-+][\w.]+)?/.exec(output)?.[0]
}

/** Which preset agents are installed on `PATH`, and their versions. */
export async function detectAgents(PATH: string | undefined, env: Record<string, string>): Promise<AgentInfo[]> {
  return Promise.all(
    PRESETS.map(async (p) => {
      const found = resolveExecutable(p.command, PATH)
      const base = { kind: p.kind, profileId: p.id, name: p.name, command: p.command, install: p.install, secrets: p.secrets }
      if (!found) return { ...base, installed: false }
      const out = await new Promise<string>((resolve) =>
        execFile(found, ['--version'], { timeout: 10_000, env: { ...env, PATH: PATH ?? '' } }, (_err, stdout, stderr) => resolve(`${stdout}\n${stderr}`)),
      )
      return { ...base, installed: true, path: found, version: parseVersion(out) }
    }),
  )
}
