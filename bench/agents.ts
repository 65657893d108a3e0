// The agents the bench starts: the pinned real CLIs (scripts/install-agents.mjs) against the fake LLM
// on 127.0.0.1, as the agent test tier runs them; a fake agent speaking the same protocol where a CLI
// is not installed. One core with a PATH that has the CLIs and a HOME of its own.
import { chmodSync, existsSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Profile } from '../src/shared/contract'
import { tempDir, testCore, type TestCore } from '../test/support/core'
import { startFakeLlm, type FakeLlm } from '../test/support/fake-llm/server'
import { KEY_VAR as PI_KEY, writeModels } from '../test/agents/pi-config'
import { KEY_VAR as CODEX_KEY, writeConfig as writeCodexConfig } from '../test/agents/codex-config'
import { writeGeminiSettings } from '../test/agents/gemini-config'
// @ts-expect-error plain ESM script shared with CI
import { agentBin } from '../scripts/install-agents.mjs'

export type AgentName = 'pi' | 'codex' | 'claude' | 'gemini'
export const AGENT_NAMES: AgentName[] = ['pi', 'codex', 'claude', 'gemini']

const fakes = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'test', 'support', 'fake-agents')
const FAKE_SCRIPT: Record<AgentName, string> = { pi: 'pi-rpc.mjs', codex: 'codex-app-server.mjs', claude: 'claude-stream.mjs', gemini: 'acp-agent.mjs' }

export interface BenchAgents {
  core: TestCore
  llm: FakeLlm
  /** A profile for `name`, and whether it runs the real CLI or its fake. */
  profile(name: AgentName): { profile: Profile; real: boolean }
  close(): Promise<void>
}

export const isInstalled = (name: AgentName): boolean => existsSync(agentBin(name))

export async function benchAgents(opts: { reaperIntervalMs?: number } = {}): Promise<BenchAgents> {
  const llm = await startFakeLlm()
  const bins = AGENT_NAMES.filter(isInstalled).map((n) => path.dirname(agentBin(n)))
  // An empty HOME: no dotfiles (a pyenv rc can stall a login shell for a minute), nothing of the user's touched.
  const home = tempDir('switchyard-bench-home-')
  const core = testCore({
    parentEnv: { ...process.env, HOME: home },
    loginPath: async () => [...bins, path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
    reaperIntervalMs: opts.reaperIntervalMs ?? 0,
  })
  const made = new Map<AgentName, { profile: Profile; real: boolean }>()
  /** A fake agent as an executable of its own: adapters put their protocol args after the command (codex: `app-server`). */
  const fakeCommand = (name: AgentName) => {
    const file = path.join(home, `fake-${name}`)
    writeFileSync(file, `#!/bin/sh\nexec "${process.execPath}" "${path.join(fakes, FAKE_SCRIPT[name])}" "$@"\n`)
    chmodSync(file, 0o755)
    return file
  }
  const create = (name: AgentName): Profile => {
    const real = isInstalled(name)
    const base = { name: `${name} (bench)`, idleTimeoutMs: 60_000, approvalPolicy: 'auto_all' as const }
    const cmd = (command: string, args: string[] = []) => ({ command: real ? command : fakeCommand(name), args })
    switch (name) {
      case 'pi': {
        const p = core.profiles.create({ ...base, kind: 'pi', ...cmd('pi', ['--provider', 'fake', '--model', 'fake-model']), env: { [PI_KEY]: 'fake-key-not-secret' } })
        writeModels(p.configDir, llm.url)
        return p
      }
      case 'codex': {
        const p = core.profiles.create({ ...base, kind: 'codex', ...cmd('codex'), env: { [CODEX_KEY]: 'fake-key-not-secret' } })
        writeCodexConfig(p.configDir, llm.url)
        return p
      }
      case 'claude':
        return core.profiles.create({
          ...base,
          kind: 'claude',
          ...cmd('claude'),
          env: { ANTHROPIC_BASE_URL: llm.url, ANTHROPIC_API_KEY: 'sk-ant-fake-not-secret', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
        })
      case 'gemini': {
        // The built-in Gemini profile as shipped (gemini --acp, its private GEMINI_CLI_HOME), pointed at the fake LLM.
        const env = { GEMINI_API_KEY: 'fake-gemini-key', GOOGLE_GEMINI_BASE_URL: llm.url }
        const p = real ? core.profiles.update('gemini', { env }) : core.profiles.create({ ...base, kind: 'acp', ...cmd('gemini'), env })
        writeGeminiSettings(p.configDir)
        return p
      }
    }
  }
  return {
    core,
    llm,
    profile(name) {
      if (!made.has(name)) made.set(name, { profile: create(name), real: isInstalled(name) })
      return made.get(name)!
    },
    async close() {
      await core.close()
      await llm.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
