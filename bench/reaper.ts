// The reaper's two figures for an idle agent lane (pi against the fake LLM; its fake where pi is not
// installed): the RSS of the lane's process tree freed by putting it to sleep, and waking it (a prompt
// sent to the sleeping lane) until it is ready again, against the bare CLI started with the resume flag
// the wake used (pi: --session <file>) on the same session, with the same handshake (launch-capture.ts).
import { laneTreeRss } from '../src/main/core/lanes/memory'
import { waitFor } from '../test/support/core'
import type { BenchAgents } from './agents'
import { bareLaunch, recordLaunch } from './launch-capture'
import { median, within, type RatioFigures } from './figures'

export interface ReaperFigures {
  /** Fraction of the tree's RSS gone after the reap, per round (1 = all of it). */
  freed: number[]
  rssMb: number
  wake: RatioFigures
}

export async function reapAndWake(agents: BenchAgents, rounds: number): Promise<ReaperFigures> {
  const { core } = agents
  const { profile, real } = agents.profile('pi')
  const lanes = core.lanes
  /** Sends a prompt and waits for its turn to end. */
  const turn = async (laneId: string, prompt: string) => {
    let off = () => {}
    const done = new Promise<void>((resolve) => (off = lanes.onEvent((e) => e.laneId === laneId && e.type === 'turn.completed' && resolve())))
    await lanes.send(laneId, prompt)
    await within(done, 60_000, 'the end of the turn').finally(off)
  }
  const status = (laneId: string) => lanes.get(laneId).record.status
  const reap = async (laneId: string) => {
    // Far past the profile's idle timeout: this lane is due.
    await lanes.reapIdle(Date.now() + 24 * 3600_000)
    await waitFor('asleep', () => status(laneId) === 'sleeping', 20_000)
  }

  const lane = await lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
  await turn(lane.id, 'hello')
  await reap(lane.id)
  const freed: number[] = []
  const rss: number[] = []
  const wake: number[] = []
  const bare: number[] = []
  for (let i = 0; i <= rounds; i++) {
    // Wake: a prompt to the sleeping lane, timed until the lane is ready (its turn then runs).
    let ready = () => {}
    const isReady = new Promise<void>((r) => (ready = r))
    const off = lanes.onStatus((e) => e.type === 'upsert' && e.lane.id === lane.id && e.lane.status === 'ready' && ready())
    let turnDone: Promise<void> = Promise.resolve()
    const woke = await recordLaunch(async () => {
      turnDone = turn(lane.id, `again ${i}`)
      await Promise.race([isReady, turnDone])
    }).finally(off)
    await turnDone
    if (!woke.launch.args.includes('--session')) throw new Error(`the wake did not resume a session: ${woke.launch.args.join(' ')}`)
    // Idle and ready: the tree's RSS, then again once the reaper put it to sleep.
    const pid = lanes.get(lane.id).record.pid!
    const [before] = await laneTreeRss([{ laneId: lane.id, pid }])
    await reap(lane.id)
    const [after] = await laneTreeRss([{ laneId: lane.id, pid }])
    // The same session, resumed by the bare CLI while the lane sleeps.
    const bareMs = await bareLaunch(woke.launch)
    if (i === 0) continue
    freed.push(1 - after.rssBytes / before.rssBytes)
    rss.push(before.rssBytes / (1 << 20))
    wake.push(woke.ms)
    bare.push(bareMs)
  }
  await lanes.remove(lane.id)
  return {
    freed,
    rssMb: median(rss),
    wake: {
      ratios: bare.map((b, i) => b / wake[i]),
      note: `${real ? 'real pi' : 'fake pi (not installed)'} --session; median wake ${median(wake).toFixed(0)} ms, bare ${median(bare).toFixed(0)} ms`,
    },
  }
}
