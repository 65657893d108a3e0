import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/** Whether git runs here at all (specs that need it skip, saying so, where it does not). */
export function hasGit(): boolean {
  try {
    execFileSync('git', ['--version'])
    return true
  } catch {
    return false
  }
}

/** Git as the user would run it in a shell, for setting up and checking (English, no pager). */
export function gitIn(cwd: string, ...args: string[]): string {
  const env: NodeJS.ProcessEnv = { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_PAGER: 'cat' }
  for (const v of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE']) delete env[v]
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/\n$/, '')
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true })
    writeFileSync(path.join(dir, name), content)
  }
}

/** `git init` on branch main with a local identity; with `files`, one commit of them. Returns HEAD (or ''). */
export function initRepo(dir: string, files: Record<string, string | Buffer> | null = { 'README.md': 'hello\n' }): string {
  gitIn(dir, 'init', '-q', '-b', 'main')
  gitIn(dir, 'config', 'user.name', 'Test User')
  gitIn(dir, 'config', 'user.email', 'test@example.com')
  gitIn(dir, 'config', 'commit.gpgsign', 'false')
  if (!files) return ''
  writeFiles(dir, files)
  gitIn(dir, 'add', '-A')
  gitIn(dir, 'commit', '-q', '-m', 'initial')
  return gitIn(dir, 'rev-parse', 'HEAD')
}

export function commitFiles(dir: string, files: Record<string, string | Buffer>, message = 'change'): string {
  writeFiles(dir, files)
  gitIn(dir, 'add', '-A')
  gitIn(dir, 'commit', '-q', '-m', message)
  return gitIn(dir, 'rev-parse', 'HEAD')
}
