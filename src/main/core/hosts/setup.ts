/**
 * What a host needs and what we install there: the check script (one round trip), its judgement
 * (pure), and the install plan: `out/main` plus the production node_modules, under one versioned folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { payloadProblem } from './payload'

/** Oldest Node the core runs on (package.json's engines). */
export const MIN_NODE = [22, 12] as const
/** Relative to the remote user's home. */
export const installDirFor = (version: string) => `.switchyard/${version}`
export const REMOTE_DATA_DIR = '.switchyard/data'
const AGENT_COMMANDS = ['codex', 'claude', 'pi', 'gemini']

/** Run by the remote user's shell; prints `key=value` lines. */
export function checkScript(version: string): string {
  const dir = installDirFor(version)
  return [
    'cd',
    'echo "node=$(command -v node)"',
    'echo "nodeVersion=$(node -v 2>/dev/null)"',
    `echo "nodeAbi=$(node -p 'process.platform+"-"+process.arch' 2>/dev/null)"`,
    'echo "git=$(git --version 2>/dev/null)"',
    'echo "cxx=$(command -v g++ || command -v c++ || command -v clang++)"',
    'echo "make=$(command -v make)"',
    'echo "python=$(command -v python3)"',
    'echo "tar=$(command -v tar)"',
    'echo "home=$HOME"',
    `[ -f ${dir}/out/main/server.js ] && echo "installed=yes" || echo "installed=no"`,
    ...AGENT_COMMANDS.map((c) => `echo "agent.${c}=$(command -v ${c})"`),
  ].join('; ')
}

export interface HostCheck {
  home: string
  node: { path: string | null; version: string | null; ok: boolean }
  /** `linux-x64`, as Node names it there. */
  platform: string | null
  git: string | null
  toolchain: { cxx: string | null; make: string | null; python: string | null }
  tar: boolean
  installed: boolean
  agents: Record<string, string | null>
  /** What stops us, in words a user can act on; empty when the host is ready to install. */
  problems: string[]
}

const nodeOk = (version: string | null) => {
  const m = /^v(\d+)\.(\d+)/.exec(version ?? '')
  if (!m) return false
  const [major, minor] = [Number(m[1]), Number(m[2])]
  return major > MIN_NODE[0] || (major === MIN_NODE[0] && minor >= MIN_NODE[1])
}

export function parseCheck(stdout: string, destination: string): HostCheck {
  const kv = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=')
    if (eq > 0) kv.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim())
  }
  const get = (k: string) => kv.get(k) || null
  const node = { path: get('node'), version: get('nodeVersion'), ok: nodeOk(get('nodeVersion')) }
  const problems: string[] = []
  const need = `Node.js ${MIN_NODE.join('.')} or newer`
  if (!node.path) {
    problems.push(
      `Node.js was not found on ${destination}: \`node\` is not on the PATH that SSH commands get there. Install ${need} on it ` +
        `(your package manager, nodejs.org or nvm) and make sure \`ssh ${destination} node --version\` prints its version.`,
    )
  } else if (!node.ok) {
    problems.push(`${destination} has Node.js ${node.version ?? '(unknown version)'} at ${node.path}; Switchyard needs ${need} there.`)
  }
  if (!get('tar')) problems.push(`${destination} has no \`tar\`, which the install unpacks with.`)
  const agents: Record<string, string | null> = {}
  for (const c of AGENT_COMMANDS) agents[c] = get(`agent.${c}`)
  return {
    home: get('home') ?? '~',
    node,
    platform: get('nodeAbi'),
    git: get('git'),
    toolchain: { cxx: get('cxx'), make: get('make'), python: get('python') },
    tar: !!get('tar'),
    installed: kv.get('installed') === 'yes',
    agents,
    problems,
  }
}

export interface InstallPlan {
  /** Where it goes, absolute on the host. */
  dir: string
  files: number
  bytes: number
  /** node-pty's native part: copied as built here when the platforms match, else rebuilt there. */
  nativeModules: string
  /** Relative to the app root: what is packed. */
  paths: string[]
  problems: string[]
  warnings: string[]
}

/** The production packages from the lockfile (no dev ones), as `node_modules/...` paths that exist here. */
export function productionPackages(appRoot: string): { present: string[]; missing: string[] } {
  const lock = JSON.parse(readFileSync(path.join(appRoot, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean }>
  }
  const present: string[] = []
  const missing: string[] = []
  for (const [p, meta] of Object.entries(lock.packages)) {
    if (!p.startsWith('node_modules/') || meta.dev || meta.devOptional) continue
    // Nested copies live inside their parent's folder, which is packed whole.
    if (p.lastIndexOf('node_modules/') !== 0) continue
    if (existsSync(path.join(appRoot, p))) present.push(p)
    else if (!meta.optional) missing.push(p)
  }
  return { present, missing }
}

function sizeOf(p: string): { files: number; bytes: number } {
  const st = statSync(p, { throwIfNoEntry: false })
  if (!st) return { files: 0, bytes: 0 }
  if (!st.isDirectory()) return { files: 1, bytes: st.size }
  let files = 0
  let bytes = 0
  for (const entry of readdirSync(p)) {
    const s = sizeOf(path.join(p, entry))
    files += s.files
    bytes += s.bytes
  }
  return { files, bytes }
}

/** What installing on this host will do; pure but for reading this checkout's sizes. */
export function planInstall(opts: { appRoot: string; version: string; check: HostCheck; localPlatform: string }): InstallPlan {
  const unpackable = payloadProblem(opts.appRoot)
  if (unpackable) {
    return { dir: `${opts.check.home}/${installDirFor(opts.version)}`, files: 0, bytes: 0, nativeModules: '', paths: [], problems: [...opts.check.problems, unpackable], warnings: [] }
  }
  const { present, missing } = productionPackages(opts.appRoot)
  const paths = ['package.json', 'out/main', ...present]
  let files = 0
  let bytes = 0
  for (const p of paths) {
    const s = sizeOf(path.join(opts.appRoot, p))
    files += s.files
    bytes += s.bytes
  }
  const problems = [...opts.check.problems]
  let nativeModules: string
  if (opts.check.platform === opts.localPlatform) {
    nativeModules = `node-pty's native module is copied as built here (${opts.localPlatform}, Node-API: any Node version)`
  } else {
    const { cxx, make, python } = opts.check.toolchain
    const lacking = [cxx ? null : 'a C++ compiler (g++)', make ? null : 'make', python ? null : 'python3'].filter(Boolean)
    nativeModules = `node-pty is rebuilt there for ${opts.check.platform ?? 'its platform'} (\`npm rebuild node-pty\`)`
    if (lacking.length) problems.push(`${opts.check.platform ?? 'The host'} differs from this machine (${opts.localPlatform}), so node-pty must be built there, which needs ${lacking.join(', ')}.`)
  }
  // The server bundle may not need all of them (the CLI's MCP server, say): a warning, not a stop.
  const warnings = missing.length ? [`Not in this checkout's node_modules, so not copied: ${missing.join(', ')}`] : []
  return { dir: `${opts.check.home}/${installDirFor(opts.version)}`, files, bytes, nativeModules, paths, problems, warnings }
}

/** Unpacks the tar on stdin into the versioned folder, atomically (a half-copied install is never used). */
export function installScript(version: string, rebuild: boolean): string {
  const dir = installDirFor(version)
  return [
    'set -e',
    'cd',
    `rm -rf ${dir}.partial`,
    `mkdir -p ${dir}.partial`,
    `tar -xzf - -C ${dir}.partial`,
    ...(rebuild ? [`(cd ${dir}.partial && npm rebuild node-pty >&2)`] : []),
    `rm -rf ${dir}`,
    `mv ${dir}.partial ${dir}`,
    `mkdir -p ${REMOTE_DATA_DIR} && chmod 700 .switchyard ${REMOTE_DATA_DIR}`,
  ].join('\n')
}

/** The command that puts the core's contract on the SSH channel's stdio. */
export function stdioCommand(version: string): string {
  return `cd && exec node ${installDirFor(version)}/out/main/server.js --stdio --data-dir "$HOME/${REMOTE_DATA_DIR}"`
}
