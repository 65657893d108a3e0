import { execFile } from 'node:child_process'

export interface GitResult {
  stdout: string
  stderr: string
  code: number
}

/**
 * Runs git with messages in English whatever the user's locale (we match on them), no pager, no
 * prompts. Resolves with the exit code instead of throwing; `missing` when git is not installed.
 */
export function git(cwd: string, args: string[], opts: { input?: string; maxBuffer?: number } = {}): Promise<GitResult & { missing?: boolean }> {
  return new Promise((resolve) => {
    const child = execFile(
      'git',
      args,
      {
        cwd,
        maxBuffer: opts.maxBuffer ?? 64 * 1024 * 1024,
        env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', GIT_OPTIONAL_LOCKS: '0' },
      },
      (err, stdout, stderr) => {
        const e = err as (NodeJS.ErrnoException & { code?: string | number }) | null
        if (e && e.code === 'ENOENT') return resolve({ stdout: '', stderr: 'git is not installed', code: 127, missing: true })
        resolve({ stdout, stderr, code: e ? (typeof e.code === 'number' ? e.code : 1) : 0 })
      },
    )
    if (opts.input !== undefined) child.stdin?.end(opts.input)
  })
}
