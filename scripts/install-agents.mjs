// Installs the pinned real agent CLIs for the agent test tier into a cache folder outside
// node_modules (they are large: ~1 GB together), once per version. Prints where each binary is.
// Usage: node scripts/install-agents.mjs [--json]
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export const AGENTS = {
  codex: { pkg: '@openai/codex', version: '0.169.0', bin: 'codex' },
  claude: { pkg: '@anthropic-ai/claude-code', version: '2.1.329', bin: 'claude' },
  pi: { pkg: '@mariozechner/pi-coding-agent', version: '0.73.1', bin: 'pi' },
  gemini: { pkg: '@google/gemini-cli', version: '0.61.0', bin: 'gemini' },
}

export const cacheDir = process.env.SWITCHYARD_AGENT_CACHE ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'switchyard', 'agents')

export function agentDir(name) {
  const a = AGENTS[name]
  return path.join(cacheDir, `${name}-${a.version}`)
}

export function agentBin(name) {
  return path.join(agentDir(name), 'node_modules', '.bin', AGENTS[name].bin)
}

function install(name) {
  const a = AGENTS[name]
  const dir = agentDir(name)
  if (existsSync(agentBin(name))) return
  mkdirSync(dir, { recursive: true })
  // Their install scripts only pick a platform binary from the registry; approve them for stricter npms.
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, allowScripts: { [a.pkg]: true } }) + '\n')
  const started = Date.now()
  const r = spawnSync('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--loglevel=error', `${a.pkg}@${a.version}`], { stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0 || !existsSync(agentBin(name))) throw new Error(`installing ${a.pkg}@${a.version} failed`)
  console.error(`installed ${a.pkg}@${a.version} in ${((Date.now() - started) / 1000).toFixed(0)} s`)
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const names = process.argv.slice(2).filter((a) => !a.startsWith('--'))
  for (const name of names.length ? names : Object.keys(AGENTS)) install(name)
  const bins = Object.fromEntries(Object.keys(AGENTS).map((n) => [n, agentBin(n)]))
  console.log(process.argv.includes('--json') ? JSON.stringify(bins) : Object.entries(bins).map(([n, b]) => `${n}: ${b}`).join('\n'))
}
