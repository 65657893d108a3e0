import { readFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { listProcesses, treeMembers } from '../../src/main/core/transport/process-tree'
import { createStreamSources } from '../../src/main/rpc/handlers'
import type { LaneEvent } from '../../src/shared/events'
import { alivePids, laneStatus, outputOf, testCore, waitFor, waitForOutput, type TestCore } from '../support/core'

let core: TestCore | undefined
afterEach(async () => {
  await core?.close()
  core = undefined
})

/** Whether `pid` runs `sleep` as its terminal's foreground process group (/proc/<pid>/stat: pgrp, tpgid). */
function isForegroundSleep(pid: number): boolean {
  try {
    if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').startsWith('sleep\0')) return false
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return fields[2] === fields[5] // pgrp === tpgid
  } catch {
    return false
  }
}

async function treeOf(pid: number): Promise<number[]> {
  return treeMembers(pid, await listProcesses())
}

describe('terminal lanes', () => {
  it('run a command in a pty: output events, input, resize', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id, cols: 80, rows: 24 })
    expect(lane.status).toBe('ready')
    expect(lane.pid).toBeGreaterThan(0)
    await core.lanes.send(lane.id, 'echo "sum=$((40+2))"; pwd\r')
    const out = await waitForOutput(core, lane.id, /sum=42/)
    expect(out).toContain(core.folder) // runs in the workspace
    core.lanes.resize(lane.id, 120, 40)
    await core.lanes.send(lane.id, 'stty size\r')
    await waitForOutput(core, lane.id, /40 120/)
  })

  it("keep their screen in main: a snapshot shows the live screen at its seq, follows resizes; an unknown lane is refused", async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id, cols: 80, rows: 24 })
    await core.lanes.send(lane.id, 'printf "\\033[31mred-%d\\033[0m\\n" $((6*7))\r')
    await waitForOutput(core, lane.id, /red-42/)
    const snapshot = await core.lanes.terminalSnapshot(lane.id)
    expect(snapshot).toMatchObject({ cols: 80, rows: 24 })
    expect(snapshot.data).toMatch(/\x1b\[3\dmred-42/) // the colour travels with the text
    const page = await core.lanes.transcript(lane.id, 0, 10_000)
    expect(snapshot.seq).toBeLessThanOrEqual(page.next)
    expect(page.events.some((e) => e.seq <= snapshot.seq && e.type === 'terminal.output' && e.data.includes('red-42'))).toBe(true)
    core.lanes.resize(lane.id, 50, 10)
    expect(await core.lanes.terminalSnapshot(lane.id)).toMatchObject({ cols: 50, rows: 10 })
    await expect(core.lanes.terminalSnapshot('lane_nope')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('lanes.events with skipFloods: a flood reaches the view as a few of its events (gaps to redraw on) and its end; a snapshot then shows it', async () => {
    core = testCore()
    const streams = createStreamSources(core)
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id, cols: 80, rows: 24 })
    const all: LaneEvent[] = []
    const view: LaneEvent[] = []
    const offAll = streams['lanes.events']({ laneId: lane.id }, (e) => all.push(e))
    const offView = streams['lanes.events']({ laneId: lane.id, skipFloods: true }, (e) => view.push(e))
    // ~4.6 MB at once, then a quiet line.
    await core.lanes.send(lane.id, 'seq -f "row %08g ......................................" 1 80000; echo done-$((6*7))\r')
    await waitForOutput(core, lane.id, /done-42/)
    const done = all.find((e) => e.type === 'terminal.output' && e.data.includes('done-42'))!.seq
    // The view hears of the flood's end (held back at most a frame) and redraws from a snapshot: it shows the end.
    await waitFor('the end of the flood in the view', () => view.at(-1)!.seq >= done)
    const snapshot = await core.lanes.terminalSnapshot(lane.id)
    expect(snapshot.seq).toBeGreaterThanOrEqual(done)
    expect(snapshot.data).toContain('row 00080000')
    expect(snapshot.data).toContain('done-42')
    await core.lanes.send(lane.id, 'echo quiet-$((6*8))\r')
    await waitFor('the quiet line in the view', () => view.some((e) => e.type === 'terminal.output' && e.data.includes('quiet-48')))
    offAll()
    offView()
    const chars = (events: LaneEvent[]) => events.reduce((n, e) => n + (e.type === 'terminal.output' ? e.data.length : 0), 0)
    // Everyone else gets every event; the view gets each of its events as they were, far fewer of them.
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => all[0].seq + i))
    const bySeq = new Map(all.map((e) => [e.seq, e]))
    for (const e of view) expect(e).toEqual(bySeq.get(e.seq))
    expect(chars(all)).toBeGreaterThan(4_000_000)
    expect(chars(view)).toBeLessThan(chars(all) / 2)
    expect(view.filter((e, i) => i > 0 && e.seq > view[i - 1].seq + 1).length).toBeGreaterThan(0)
    expect(view.at(-1)!.seq).toBe(all.at(-1)!.seq)
  })

  it('the built-in Shell profile runs the login shell', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: 'shell' })
    await core.lanes.send(lane.id, 'echo "shell=$0"\r')
    await waitForOutput(core, lane.id, /shell=-?\S*(bash|sh|zsh)/)
  })

  it('interrupt sends Ctrl-C to the foreground program', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id })
    await core.lanes.send(lane.id, 'sleep 100\r')
    // Not just forked: exec'd, and the terminal's foreground job (a Ctrl-C before bash hands it the
    // terminal goes to bash itself, as it would for a user that fast).
    const sleeper = await waitFor('sleep in the foreground', async () => (await treeOf(lane.pid!)).find((p) => p !== lane.pid && isForegroundSleep(p)))
    await core.lanes.interrupt(lane.id)
    await waitFor('sleep interrupted', async () => (await alivePids([sleeper])).length === 0)
    await core.lanes.send(lane.id, 'echo "status=$?"\r')
    await waitForOutput(core, lane.id, /status=130/)
    expect(laneStatus(core, lane.id)).toBe('ready')
  })

  it('stopping a lane leaves no child or grandchild alive, even jobs in their own process groups', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id })
    await core.lanes.send(lane.id, "sleep 301 & sh -c 'sleep 302 & sleep 303' & echo spawned\r")
    await waitForOutput(core, lane.id, /^spawned/m)
    const tree = await waitFor('four processes under the shell', async () => {
      const t = await treeOf(lane.pid!)
      return t.length >= 5 ? t : undefined
    })
    const stopped = await core.lanes.stop(lane.id)
    expect(stopped.status).toBe('exited')
    expect(stopped.pid).toBeUndefined()
    expect(await alivePids(tree)).toEqual([])
  })

  it('an unexpected exit fails the lane with its code and last lines; sending restarts it', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id })
    await core.lanes.send(lane.id, 'echo "something broke" >&2; exit 7\r')
    await waitFor('failed', () => laneStatus(core!, lane.id) === 'failed')
    const failed = core.lanes.get(lane.id).record
    expect(failed.exit).toMatchObject({ exitCode: 7, signal: null })
    expect(failed.exit!.lastLines.join('\n')).toContain('something broke')
    await core.lanes.send(lane.id, 'echo back-again\r')
    await waitForOutput(core, lane.id, /^back-again/m)
    expect(laneStatus(core, lane.id)).toBe('ready')
    expect(await outputOf(core, lane.id)).toContain('something broke') // transcript intact
  })

  it('a clean exit leaves the lane exited, not failed', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id })
    await core.lanes.send(lane.id, 'exit 0\r')
    await waitFor('exited', () => laneStatus(core!, lane.id) === 'exited')
  })

  it('a missing command fails the lane with a clear message instead of throwing', async () => {
    core = testCore()
    const p = core.profile({ command: 'no-such-agent-cli-xyz' })
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    expect(lane.status).toBe('failed')
    expect(lane.exit?.message).toBe('Command not found: no-such-agent-cli-xyz')
  })

  it('removing a lane stops it and deletes it', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile().id })
    const pid = lane.pid!
    const events: string[] = []
    core.lanes.onStatus((e) => events.push(e.type))
    await core.lanes.remove(lane.id)
    expect(core.lanes.list()).toEqual([])
    expect(events).toContain('removed')
    expect(await alivePids([pid])).toEqual([])
    expect(() => core!.lanes.get(lane.id)).toThrow(/No lane/)
  })

  it('over the process limit, the least recently active idle lane is put to sleep', async () => {
    core = testCore({ maxProcesses: 2 })
    const p = core.profile()
    const a = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    await new Promise((r) => setTimeout(r, 5))
    const b = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    await core.lanes.send(b.id, 'echo keep-b\r')
    const c = await core.lanes.create({ workspaceId: core.workspace.id, profileId: p.id })
    expect(laneStatus(core, a.id)).toBe('sleeping')
    expect(laneStatus(core, b.id)).toBe('ready')
    expect(c.status).toBe('ready')
    expect(core.lanes.list().filter((l) => l.pid).length).toBe(2)
  })

  it('concurrent creates never run more processes than the limit', async () => {
    core = testCore({ maxProcesses: 2 })
    const p = core.profile()
    const lanes = await Promise.all([1, 2, 3, 4, 5].map(() => core!.lanes.create({ workspaceId: core!.workspace.id, profileId: p.id })))
    expect(lanes).toHaveLength(5)
    const running = core.lanes.list().filter((l) => l.pid !== undefined)
    expect(running.length).toBeLessThanOrEqual(2)
    const pids = lanes.map((l) => l.pid).filter((x): x is number => x !== undefined)
    expect((await alivePids(pids)).length).toBeLessThanOrEqual(2)
  })
})
