import * as nodePty from 'node-pty'
import { markedEnv, newTreeMarker, superviseRoot } from './supervision'

export type Pty = nodePty.IPty

/**
 * Starts `file` in a new pty; the child leads its own session, so its tree can be stopped as one.
 * Like spawnInGroup, the tree is marked and supervised, so it ends with the lane's stop and with the
 * app, whatever ends the app. Unlike spawnInGroup, a shell that exits by itself leaves its background
 * jobs running (until then), as in a terminal: `nohup` means what the user meant, and a browser that a
 * login command opened is still needed to finish the login.
 */
export function spawnPty(opts: {
  file: string
  args: readonly string[]
  cwd: string
  env: Record<string, string>
  cols: number
  rows: number
}): Pty {
  const marker = newTreeMarker()
  const pty = nodePty.spawn(opts.file, [...opts.args], {
    name: opts.env.TERM ?? 'xterm-256color',
    cols: opts.cols,
    rows: opts.rows,
    cwd: opts.cwd,
    env: markedEnv(opts.env, marker),
    encoding: 'utf8',
  })
  superviseRoot(pty.pid, marker)
  return pty
}
