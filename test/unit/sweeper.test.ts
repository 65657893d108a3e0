import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { sweep, TREE_VAR } from '../../src/main/core/transport/supervision'
import { waitFor } from '../support/core'
import { newTag, taggedProcesses, TAG_VAR } from '../support/survivors'

const onLinux = process.platform === 'linux'
if (!onLinux) console.log('sweeper: skipped, finding processes by their environment needs Linux /proc')

/**
 * The sweeper run at start-up for a dead run: it ends that run's marked processes, but never the
 * process that runs it, nor that one's ancestors and descendants — Switchyard restarted from a shell
 * that the dead run left behind must survive its own start-up sweep.
 */
describe.runIf(onLinux)('the start-up sweeper', () => {
  it("ends a dead run's processes and spares the family of the process it was started for", async () => {
    const tag = newTag()
    const run = randomBytes(8).toString('hex')
    const env = (tree: string) => ({ PATH: process.env.PATH ?? '/usr/bin:/bin', [TAG_VAR]: tag, [TREE_VAR]: `${run}:${tree}` })
    const opts = { stdio: 'ignore' as const, detached: true }
    // A shell of the dead run (sleep 1300) in which "the new Switchyard" (sleep 1301) runs, with a lane of its own (sleep 1302).
    spawn('/bin/sh', ['-c', 'sh -c "sleep 1302 & exec sleep 1301" & exec sleep 1300'], { ...opts, env: env('1') })
    // Something else the dead run left.
    spawn('sleep', ['1400'], { ...opts, env: env('2') })
    const pidOf = (command: string) => taggedProcesses(tag).find((p) => p.command === command)?.pid
    const running = await waitFor('all running', () => {
      const pids = ['sleep 1300', 'sleep 1301', 'sleep 1302', 'sleep 1400'].map(pidOf)
      return pids.every((p) => p !== undefined) && (pids as number[])
    })
    try {
      const ended = await sweep({ runs: [run], roots: [], exclude: [running[1]], graceMs: 200 })
      expect(ended).toBe(1)
      expect(taggedProcesses(tag).map((p) => p.command).sort()).toEqual(['sleep 1300', 'sleep 1301', 'sleep 1302'])
    } finally {
      for (const p of taggedProcesses(tag)) {
        try {
          process.kill(p.pid, 'SIGKILL')
        } catch {}
      }
    }
  })
})
