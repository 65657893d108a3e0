/**
 * The real-agent tier's harness: a core whose PATH has the pinned real CLI, a fake LLM on 127.0.0.1,
 * and helpers to drive a lane through the LaneManager and read what it emitted.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, expect } from 'vitest'
import type { LaneEvent } from '../../src/shared/events'
import type { Profile } from '../../src/shared/contract'
import { listProcesses, treeMembers } from '../../src/main/core/transport/process-tree'
import { startFakeLlm, type FakeLlm } from '../support/fake-llm/server'
import type { CoreOptions } from '../../src/main/core/core'
import { alivePids, laneStatus, tempDir, testCore, waitFor, type TestCore } from '../support/core'
import { ofType } from '../support/lane-events'
// @ts-expect-error plain ESM script shared with CI
import { agentBin } from '../../scripts/install-agents.mjs'

/** A secret in Switchyard's own environment that no agent may see. */
export const CANARY = 'switchyard-canary-51c0e'

export interface AgentHarness {
  core: TestCore
  llm: FakeLlm
  events: LaneEvent[]
  /** The profile to create lanes with (call `profile()` in beforeAll after setting it up). */
  profile: Profile
}

/**
 * Sets up the tier for one agent: `agent` names its CLI in scripts/install-agents.mjs.
 * `configure` writes whatever the agent needs into its private config dir to use the fake LLM
 * and returns the profile fields (env with the fake key, args …).
 */
export function useAgentHarness(
  agent: 'codex' | 'claude' | 'pi' | 'gemini',
  configure: (ctx: { llm: FakeLlm; configDir: (profileId: string) => string; core: TestCore }) => Profile | Promise<Profile>,
  opts: { reaperIntervalMs?: number; core?: () => Promise<Partial<CoreOptions>> } = {},
): AgentHarness {
  const h = {} as AgentHarness
  let home = ''
  beforeAll(async () => {
    process.env.SWITCHYARD_CANARY_SECRET = CANARY
    h.llm = await startFakeLlm()
    const binDir = path.dirname(agentBin(agent))
    // The agents' login shells get an empty HOME: the tier must neither depend on this machine's dotfiles
    // (a pyenv rc file can stall every `bash -l` for a minute) nor disturb them by killing a shell mid-rc.
    home = tempDir('switchyard-agent-home-')
    h.core = testCore({
      parentEnv: { ...process.env, HOME: home },
      loginPath: async () => `${binDir}:${path.dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      reaperIntervalMs: opts.reaperIntervalMs ?? 0,
      ...(await opts.core?.()),
    })
    h.events = []
    h.core.lanes.onEvent((e) => h.events.push(e))
    h.profile = await configure({ llm: h.llm, core: h.core, configDir: (id) => h.core.profiles.get(id).configDir })
  })
  afterAll(async () => {
    await h.core?.close()
    await h.llm?.close()
    if (home) rmSync(home, { recursive: true, force: true })
    delete process.env.SWITCHYARD_CANARY_SECRET
  })
  return h
}

export function eventsOf(h: AgentHarness, laneId: string, after = 0): LaneEvent[] {
  return h.events.filter((e) => e.laneId === laneId && e.seq > after)
}

/** Text the agent streamed in `laneId` since `after`. */
export function textOf(h: AgentHarness, laneId: string, after = 0): string {
  return eventsOf(h, laneId, after)
    .map((e) => (e.type === 'text.delta' ? e.text : e.type === 'message' && e.role === 'assistant' ? `\n${e.text}\n` : ''))
    .join('')
}

/** Waits for the turn that follows `after` to complete; returns its turn.completed event. */
export async function turnDone(h: AgentHarness, laneId: string, after: number, timeoutMs = 60_000) {
  try {
    return await waitFor(
      `turn completed in ${laneId}`,
      () => eventsOf(h, laneId, after).find((e): e is Extract<LaneEvent, { type: 'turn.completed' }> => e.type === 'turn.completed'),
      timeoutMs,
    )
  } catch (e) {
    throw new Error(`${(e as Error).message}\n${laneDiagnosis(h, laneId, after)}`)
  }
}

/** What a stuck turn did so far, so a failure on a CI machine says where it stopped. */
function laneDiagnosis(h: AgentHarness, laneId: string, after: number): string {
  const record = h.core.lanes.get(laneId).record
  const events = eventsOf(h, laneId, after).filter((e) => e.type !== 'text.delta')
  const line = (e: LaneEvent) => JSON.stringify(e).slice(0, 300)
  return [
    `lane status: ${record.status}${record.exit ? `, exit: ${JSON.stringify(record.exit)}` : ''}`,
    `its last events:`,
    ...events.slice(-12).map(line),
    `fake LLM requests so far: ${h.llm.requests.length}`,
  ].join('\n')
}

/** The seq of the newest event of the lane: pass it as `after` before acting. */
export function mark(h: AgentHarness, laneId: string): number {
  const own = h.events.filter((e) => e.laneId === laneId)
  return own.length ? own[own.length - 1].seq : 0
}

/** Every process of the lane's tree that is still alive. */
export async function treeOf(pid: number): Promise<number[]> {
  return treeMembers(pid, await listProcesses())
}

export { ofType }

/** Sends `text` and waits for the turn it starts to end; returns what the turn showed. */
export async function runTurn(h: AgentHarness, laneId: string, text: string) {
  const after = mark(h, laneId)
  await h.core.lanes.send(laneId, text)
  const done = await turnDone(h, laneId, after)
  return { after, done, events: eventsOf(h, laneId, after), text: textOf(h, laneId, after) }
}

/** Interrupts a slow streamed reply after its first delta: the turn ends interrupted, the lane is ready, the next prompt works. */
export async function interruptMidStream(h: AgentHarness, laneId: string): Promise<void> {
  const after = mark(h, laneId)
  await h.core.lanes.send(laneId, 'SLOW:40 count for me')
  await waitFor('first delta', () => ofType(eventsOf(h, laneId, after), 'text.delta')[0], 30_000)
  await h.core.lanes.interrupt(laneId)
  const done = await turnDone(h, laneId, after)
  expect(done.outcome).toBe('interrupted')
  // Uninterrupted, the reply would run to its 40th tick.
  expect(textOf(h, laneId, after)).not.toContain('tick 40')
  await waitFor('ready', () => laneStatus(h.core, laneId) === 'ready')
  const next = await runTurn(h, laneId, 'still there?')
  expect(next.done.outcome).toBe('completed')
  expect(next.text).toContain('ECHO: still there?')
  await h.core.lanes.stop(laneId)
}

/**
 * An interrupt while the agent asks before a command: the agent withdraws the request, the turn ends
 * interrupted, the lane is ready, answering the old request is refused, and the command never ran.
 */
export async function interruptDuringApproval(h: AgentHarness, laneId: string): Promise<void> {
  const proof = path.join(h.core.folder, `interrupted-${laneId}.txt`)
  const after = mark(h, laneId)
  await h.core.lanes.send(laneId, `RUN:echo late > ${path.basename(proof)}`)
  const request = await waitFor('approval request', () => ofType(eventsOf(h, laneId, after), 'approval.requested')[0], 30_000)
  await h.core.lanes.interrupt(laneId)
  const done = await turnDone(h, laneId, after, 30_000)
  expect(done.outcome).toBe('interrupted')
  expect(ofType(eventsOf(h, laneId, after), 'approval.resolved')).toMatchObject([{ requestId: request.requestId, by: 'agent' }])
  await waitFor('ready', () => laneStatus(h.core, laneId) === 'ready')
  await expect(h.core.lanes.approve(laneId, request.requestId, request.options[0].id)).rejects.toMatchObject({ code: 'not_found' })
  expect(existsSync(proof)).toBe(false)
}

/**
 * The agent's shell dumps its environment into the workspace: the dump is real (it names the lane's
 * private config dir, `configVar`) and holds no canary, in the file or in the tool's output.
 */
export async function expectNoCanaryInShell(h: AgentHarness, profile: Profile, configVar: string): Promise<void> {
  expect(process.env.SWITCHYARD_CANARY_SECRET).toBe(CANARY)
  const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: profile.id })
  const { done, events } = await runTurn(h, lane.id, 'RUN:env > env-dump.txt; cat env-dump.txt')
  expect(done.outcome).toBe('completed')
  const output = ofType(events, 'tool.completed')[0]?.output ?? ''
  const file = readFileSync(path.join(h.core.folder, 'env-dump.txt'), 'utf8')
  expect(file).toContain(`${configVar}=${profile.configDir}`)
  expect(output).toContain(`${configVar}=`)
  expect(file).not.toContain(CANARY)
  expect(output).not.toContain(CANARY)
  await h.core.lanes.stop(lane.id)
}

/** Stops a lane while the agent runs `command` (which `running` recognises in its tree): none of the tree is left. */
export async function expectStopLeavesNothing(h: AgentHarness, profile: Profile, command: string, running: (pids: number[]) => boolean): Promise<void> {
  const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: profile.id })
  const after = mark(h, lane.id)
  await h.core.lanes.send(lane.id, `RUN:${command}`)
  await waitFor('tool running', () => ofType(eventsOf(h, lane.id, after), 'tool.started')[0], 30_000)
  const pid = h.core.lanes.get(lane.id).record.pid!
  const tree = await waitFor('the command in the tree', async () => {
    const pids = await treeOf(pid)
    return running(pids) ? pids : undefined
  }, 30_000)
  const stopped = await h.core.lanes.stop(lane.id)
  expect(stopped.status).toBe('exited')
  expect(await alivePids(tree)).toEqual([])
}

/** What a process runs (`/proc/<pid>/cmdline`, NUL-separated), or '' once it is gone. */
export function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8')
  } catch {
    return ''
  }
}
