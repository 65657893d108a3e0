import * as nodePty from 'node-pty'

export type Pty = nodePty.IPty

/** Starts `file` in a new pty; the child leads its own session, so its tree can be stopped as one. */
export function spawnPty(opts: {
  file: string
  args: readonly string[]
  cwd: string
  env: Record<string, string>
  cols: number
  rows: number
}): Pty {
  return nodePty.spawn(opts.file, [...opts.args], {
    name: opts.env.TERM ?? 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd,
    env: opts.env,
    encoding: 'utf8',
  })
}
