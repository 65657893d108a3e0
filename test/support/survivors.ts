import { randomBytes } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'

/**
 * Finds a test's processes by a tag of its own in their environment, independent of Switchyard's
 * marker (a test that counted by the marker under test could not fail). Linux only: /proc.
 */
export const TAG_VAR = 'SURVIVOR_TAG'

export function newTag(): string {
  return `t${randomBytes(6).toString('hex')}`
}

/** Living (non-zombie) processes whose environment carries SURVIVOR_TAG=tag. */
export function taggedProcesses(tag: string): { pid: number; command: string }[] {
  const entry = `${TAG_VAR}=${tag}\0`
  const found: { pid: number; command: string }[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const state = stat.slice(stat.lastIndexOf(')') + 2)[0]
      if (state === 'Z' || state === 'X') continue
      const env = readFileSync(`/proc/${name}/environ`, 'latin1')
      if (!env.startsWith(entry) && !env.includes(`\0${entry}`)) continue
      found.push({ pid: +name, command: readFileSync(`/proc/${name}/cmdline`, 'latin1').replaceAll('\0', ' ').trim() })
    } catch {
      // Gone meanwhile, or not ours.
    }
  }
  return found
}

/**
 * Shell lines that leave processes every way a lane's tree escapes a naive stop: a background job,
 * `(… &)` re-parented to init, `nohup`, and a daemon that calls setsid, forks twice and ignores
 * TERM and HUP. `READY_WORD` is echoed once they all run.
 */
export const ESCAPES = [
  'sleep 1001 &',
  '(sleep 1002 &)',
  'nohup sleep 1003 >/dev/null 2>&1 &',
  `setsid -f sh -c 'trap "" TERM HUP; (trap "" TERM HUP; sleep 1004 &) ; exit 0' </dev/null >/dev/null 2>&1`,
]
export const READY_WORD = 'escapes-running'
/** The processes ESCAPES leaves running besides the lane's shell: four sleeps. */
export const ESCAPED_SLEEPS = 4
