import { spawn } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stopTree } from '../transport/process-tree'

/**
 * A lane's environment is built up from an allowlist, never copied from process.env and pruned:
 * a user's shell exports tokens and keys under names nobody can predict.
 */
export const ENV_ALLOWLIST: readonly string[] = [
  'HOME', 'USER', 'LOGNAME', 'SHELL', 'LANG', 'LANGUAGE', 'TZ', 'TMPDIR', 'TERM', 'COLORTERM',
  'DISPLAY', 'WAYLAND_DISPLAY', 'XDG_RUNTIME_DIR', 'XDG_CONFIG_HOME', 'XDG_DATA_HOME', 'XDG_CACHE_HOME',
  'SSH_AUTH_SOCK', 'EDITOR', 'VISUAL', 'PAGER',
  // Windows needs these to start almost anything.
  'SystemRoot', 'SYSTEMROOT', 'windir', 'COMSPEC', 'PATHEXT', 'USERPROFILE', 'APPDATA', 'LOCALAPPDATA',
  'ProgramData', 'ProgramFiles', 'TEMP', 'TMP', 'HOMEDRIVE', 'HOMEPATH',
]
const ALLOWED_PREFIXES = ['LC_']

export interface ChildEnvInput {
  parent: NodeJS.ProcessEnv
  /** PATH from the user's login shell; falls back to the parent's. */
  loginPath?: string
  /** What the agent kind sets (config dir variables, TERM …). */
  kind?: Record<string, string>
  /** The profile's env, as the user wrote it. */
  profile?: Record<string, string>
  /** The profile's secrets: only the lane that needs them gets them. */
  secrets?: Record<string, string>
}

export function buildChildEnv(input: ChildEnvInput): Record<string, string> {
  const env: Record<string, string> = {}
  for (const [name, value] of Object.entries(input.parent)) {
    if (value === undefined) continue
    if (ENV_ALLOWLIST.includes(name) || ALLOWED_PREFIXES.some((p) => name.startsWith(p))) env[name] = value
  }
  const path = input.loginPath ?? input.parent.PATH ?? input.parent.Path
  if (path) env.PATH = path
  return { ...env, ...input.kind, ...input.profile, ...input.secrets }
}

export function defaultShell(env: NodeJS.ProcessEnv = process.env): string {
  if (process.platform === 'win32') return env.COMSPEC ?? 'cmd.exe'
  if (env.SHELL) return env.SHELL
  try {
    return os.userInfo().shell || '/bin/sh'
  } catch {
    return '/bin/sh'
  }
}

const MARK = '__SWITCHYARD_PATH__'

/**
 * Asks the user's login shell for PATH (a GUI app started from the Dock has a bare one).
 * Interactive + login, like a terminal would, so rc files that extend PATH count.
 */
export function readLoginShellPath(shell = defaultShell(), timeoutMs = 5000): Promise<string | undefined> {
  if (process.platform === 'win32') return Promise.resolve(process.env.PATH ?? process.env.Path)
  return new Promise((resolve) => {
    let out = ''
    const child = spawn(shell, ['-ilc', `printf '%s%s%s' '${MARK}' "$PATH" '${MARK}'`], {
      stdio: ['ignore', 'pipe', 'ignore'],
      detached: true, // no controlling terminal for rc files to fight over
      env: { HOME: process.env.HOME ?? os.homedir(), USER: process.env.USER ?? '', SHELL: shell, TERM: 'dumb', PATH: process.env.PATH ?? '' },
    })
    // A stuck rc file is stopped like any tree, SIGTERM first: its exit traps release what it holds
    // (pyenv's rehash lock, left behind by a SIGKILL, stalls every later login shell for a minute).
    const timer = setTimeout(() => {
      if (child.pid !== undefined) void stopTree(child.pid, { graceMs: 1000 })
      resolve(undefined)
    }, timeoutMs)
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')))
    child.on('error', () => (clearTimeout(timer), resolve(undefined)))
    child.on('close', () => {
      clearTimeout(timer)
      const match = out.match(new RegExp(`${MARK}(.*?)${MARK}`, 's'))
      resolve(match && match[1] ? match[1] : undefined)
    })
  })
}

let cachedPath: Promise<string | undefined> | undefined
/** The login-shell PATH, resolved once per process. */
export function loginShellPath(): Promise<string | undefined> {
  cachedPath ??= readLoginShellPath()
  return cachedPath
}

/** The absolute path `command` would run as under `PATH`, or undefined when there is none. */
export function resolveExecutable(command: string, PATH = ''): string | undefined {
  const candidates = command.includes('/') || command.includes('\\')
    ? [command]
    : PATH.split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, command))
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT').split(';')] : ['']
  for (const c of candidates) {
    for (const ext of exts) {
      try {
        accessSync(c + ext, constants.X_OK)
        if (statSync(c + ext).isFile()) return c + ext
      } catch {}
    }
  }
  return undefined
}
