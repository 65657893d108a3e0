import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { AppError } from '../errors'
import { loginShellPath, resolveExecutable } from '../isolation/env'

export interface GitResult {
  stdout: string
  stderr: string
  code: number
}

/** Variables that would point git at another repository than the folder we run it in (set inside hooks, for one). */
const REPO_VARS = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_PREFIX', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES']

/**
 * The environment git runs with: messages in English whatever the user's locale (we match on them:
 * this is the answer to localized git messages), no pager, no prompts, no optional locks (we must not
 * block the agent's own git), and no variable that would redirect git to another repository.
 */
export function gitEnv(parent: NodeJS.ProcessEnv, loginPath?: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...parent }
  for (const name of REPO_VARS) delete env[name]
  const PATH = [loginPath, parent.PATH ?? parent.Path].filter(Boolean).join(path.delimiter)
  if (PATH) env.PATH = PATH
  return { ...env, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' }
}

/**
 * Which git to run: $SWITCHYARD_GIT, else the first on the login shell's PATH (a GUI app's own PATH is
 * bare, and on macOS its /usr/bin/git may be the Xcode stub), else this process's PATH.
 */
async function gitCommand(): Promise<{ command: string | undefined; loginPath: string | undefined }> {
  const loginPath = await loginShellPath().catch(() => undefined)
  const override = process.env.SWITCHYARD_GIT
  if (override) return { command: resolveExecutable(override, ''), loginPath }
  const command = resolveExecutable('git', loginPath) ?? resolveExecutable('git', process.env.PATH ?? process.env.Path)
  return { command, loginPath }
}

/** The macOS stub that stands in for git until the command line tools are installed. */
const XCODE_STUB = /xcrun: error|active developer path|command line developer tools/i

/**
 * Runs git (see `gitEnv`). Resolves with the exit code instead of throwing; `missing` when git is not
 * installed.
 */
export async function git(
  cwd: string,
  args: string[],
  opts: { input?: string; maxBuffer?: number; env?: Record<string, string> } = {},
): Promise<GitResult & { missing?: boolean }> {
  const { command, loginPath } = await gitCommand()
  if (!command) return { stdout: '', stderr: 'git is not installed', code: 127, missing: true }
  if (!existsSync(cwd)) return { stdout: '', stderr: `No such folder: ${cwd}`, code: 128 }
  return new Promise((resolve) => {
    const child = execFile(
      command,
      args,
      { cwd, maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024, env: { ...gitEnv(process.env, loginPath), ...opts.env }, windowsHide: true },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null
        if (e && (e.code === 'ENOENT' || e.code === 'EACCES')) return resolve({ stdout: '', stderr: 'git is not installed', code: 127, missing: true })
        if (e && XCODE_STUB.test(stderr)) return resolve({ stdout: '', stderr: 'git is not installed', code: 127, missing: true })
        if (e && typeof e.code !== 'number') return resolve({ stdout, stderr: stderr || e.message, code: 1 })
        resolve({ stdout, stderr, code: e ? Number(e.code) : 0 })
      },
    )
    child.stdin?.on('error', () => {}) // git may exit before reading its input
    if (opts.input !== undefined) child.stdin?.end(opts.input)
    else child.stdin?.end()
  })
}

/** Git's own message, without the `fatal: ` / `error: ` prefixes and hint lines. */
export function gitMessage(r: GitResult): string {
  const lines = r.stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('hint:'))
  return lines.map((l) => l.replace(/^(fatal|error|warning):\s*/, '')).join('\n') || r.stdout.trim() || `git exited with code ${r.code}`
}

export const GIT_MISSING = 'git is not installed (or not on the PATH); install it to use worktrees and review'

/** Runs git and returns stdout; a failure becomes an AppError of `code` with git's message (and stderr in details). */
export async function gitOk(
  cwd: string,
  args: string[],
  opts: { input?: string; code?: 'conflict' | 'not_found' | 'invalid_input' | 'internal'; message?: string; maxBuffer?: number; env?: Record<string, string> } = {},
): Promise<string> {
  const r = await git(cwd, args, opts)
  if (r.missing) throw new AppError('unsupported', GIT_MISSING)
  if (r.code !== 0) {
    const message = opts.message ? `${opts.message}: ${gitMessage(r)}` : gitMessage(r)
    throw new AppError(opts.code ?? 'internal', message, { stderr: r.stderr, args })
  }
  return r.stdout
}

/** Where the work tree containing `folder` starts, or an AppError for a folder that is not in one. */
export async function repoRoot(folder: string): Promise<string> {
  if (!existsSync(folder)) throw new AppError('not_found', `The folder is gone: ${folder}`)
  const r = await git(folder, ['rev-parse', '--show-toplevel'])
  if (r.missing) throw new AppError('unsupported', GIT_MISSING)
  if (r.code !== 0) throw new AppError('unsupported', `${folder} is not a git repository`, { stderr: r.stderr })
  return path.resolve(r.stdout.trim())
}

/** Splits NUL-separated output (`-z`), dropping the empty tail. */
export function splitZ(out: string): string[] {
  const parts = out.split('\0')
  if (parts[parts.length - 1] === '') parts.pop()
  return parts
}
