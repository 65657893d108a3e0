import { afterEach, describe, expect, it } from 'vitest'
import { testCore, waitFor, waitForOutput, type TestCore } from '../support/core'
import { ESCAPED_SLEEPS, ESCAPES, READY_WORD, newTag, taggedProcesses, TAG_VAR } from '../support/survivors'

/**
 * Issue 9, item 4: a process started as `(sleep 1000 &)` (parent 1, own group, same session) and a
 * daemon that calls setsid, forks twice and ignores TERM/HUP used to survive `lanes.stop`, stop-all
 * and server SIGTERM. Both must be ended with the lane.
 */
let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

const onLinux = process.platform === 'linux'
if (!onLinux) console.log('stop-escapes: skipped, finding escaped processes by their environment needs Linux /proc')

async function laneWithEscapes(c: TestCore, tag: string) {
  const profile = c.profile({ env: { [TAG_VAR]: tag } })
  const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
  await c.lanes.send(lane.id, `${ESCAPES.join('\r')}\recho ${READY_WORD.replace('-', '""-')}\r`)
  await waitForOutput(c, lane.id, new RegExp(READY_WORD))
  // The shell plus every escaped sleep.
  await waitFor('every escape running', () => taggedProcesses(tag).filter((p) => p.command.startsWith('sleep')).length === ESCAPED_SLEEPS)
  return lane
}

describe.runIf(onLinux)('stopping a lane ends what escaped its tree', () => {
  it('lanes.stop ends `(sleep &)`, nohup and a setsid daemon that ignores TERM and HUP', async () => {
    core = testCore()
    const tag = newTag()
    const lane = await laneWithEscapes(core, tag)
    const before = taggedProcesses(tag)
    await core.lanes.stop(lane.id)
    const after = taggedProcesses(tag)
    console.log(`stop-escapes: lanes.stop — ${before.length} processes before, ${after.length} after`)
    expect(after).toEqual([])
  }, 30_000)

  it("stopping one lane leaves another lane's escaped processes alone", async () => {
    core = testCore()
    const [a, b] = [newTag(), newTag()]
    const laneA = await laneWithEscapes(core, a)
    await laneWithEscapes(core, b)
    const bBefore = taggedProcesses(b).map((p) => p.pid).sort()
    await core.lanes.stop(laneA.id)
    expect(taggedProcesses(a)).toEqual([])
    expect(taggedProcesses(b).map((p) => p.pid).sort()).toEqual(bBefore)
  }, 40_000)

  it('stop-all ends the escapes of every lane', async () => {
    core = testCore()
    const tags = [newTag(), newTag()]
    for (const tag of tags) await laneWithEscapes(core, tag)
    await core.lanes.stopAll()
    expect(tags.flatMap((t) => taggedProcesses(t))).toEqual([])
  }, 40_000)
})
