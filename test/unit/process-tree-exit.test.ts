import { describe, expect, it } from 'vitest'
import { spawnInGroup } from '../../src/main/core/transport/process-tree'
import { waitFor } from '../support/core'
import { newTag, taggedProcesses, TAG_VAR } from '../support/survivors'

const onLinux = process.platform === 'linux'
if (!onLinux) console.log('process-tree-exit: skipped, finding escaped processes by their environment needs Linux /proc')

describe.runIf(onLinux)('an agent process that exits', () => {
  it('takes with it what its tools left: a `(… &)` orphan and a setsid daemon ignoring TERM/HUP', async () => {
    const tag = newTag()
    const script = `(sleep 1101 &); setsid -f sh -c 'trap "" TERM HUP; sleep 1102' </dev/null >/dev/null 2>&1; echo started; exec sleep 1100`
    const child = spawnInGroup('/bin/sh', ['-c', script], { cwd: '/', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', [TAG_VAR]: tag } })
    try {
      await waitFor('the leftovers running', () => taggedProcesses(tag).filter((p) => /^sleep 110[12]$/.test(p.command)).length === 2)
      // The agent crashes (nobody asked it to stop).
      process.kill(child.pid!, 'SIGKILL')
      await waitFor('its leftovers gone', () => taggedProcesses(tag).length === 0, 5000)
    } finally {
      for (const p of taggedProcesses(tag)) {
        try {
          process.kill(p.pid, 'SIGKILL')
        } catch {}
      }
    }
    expect(taggedProcesses(tag)).toEqual([])
  })
})
