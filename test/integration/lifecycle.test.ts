/**
 * The lifecycle promises every structured agent kind keeps, run over each kind's fake (which speaks
 * the real protocol): interrupt, interrupt during an approval, a crash shows its stderr, a malformed
 * line fails only that lane, and stop leaves no process behind. The kinds' own files test their protocols.
 */
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { acpAdapter } from '../../src/main/core/agents/acp'
import { claudeAdapter } from '../../src/main/core/agents/claude'
import { codexAdapter } from '../../src/main/core/agents/codex'
import { piAdapter } from '../../src/main/core/agents/pi'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import type { AgentKind } from '../../src/shared/contract'
import { alivePids, laneDriver, laneStatus, tempDir, testCore, waitFor, type TestCore } from '../support/core'

const FAKES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents')
const scratch = tempDir('switchyard-lifecycle-')
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

// codex gets `app-server` as its first argument from the adapter: a `codex` on disk runs the fake.
const CODEX = path.join(scratch, 'codex')
writeFileSync(CODEX, `#!/bin/sh\nexec "${process.execPath}" "${path.join(FAKES, 'codex-app-server.mjs')}" "$@"\n`)
chmodSync(CODEX, 0o755)

/** How to drive one kind's fake through each promise. */
interface Kind {
  kind: Exclude<AgentKind, 'terminal'>
  command: string
  args: string[]
  prompts: { slow: string; approve: string; crash: string; malformed: string }
  /** The reply to a plain prompt `p`. */
  echo: (p: string) => string
  /** A line the fake writes to stderr before it crashes. */
  crashLine: string
}

const KINDS: Kind[] = [
  {
    kind: 'codex',
    command: CODEX,
    args: [],
    prompts: { slow: 'slow', approve: 'approve', crash: 'crash', malformed: 'garbage' },
    echo: (p) => `ECHO: ${p}`,
    crashLine: 'thread main panicked: the model went away',
  },
  {
    kind: 'claude',
    command: process.execPath,
    args: [path.join(FAKES, 'claude-stream.mjs')],
    prompts: { slow: 'slow', approve: 'RUN:rm -rf build', crash: 'crash', malformed: 'garbage' },
    echo: (p) => `echo: ${p}`,
    crashLine: 'fatal: the model went away',
  },
  {
    kind: 'pi',
    command: process.execPath,
    args: [path.join(FAKES, 'pi-rpc.mjs')],
    prompts: { slow: 'hold', approve: 'approve', crash: 'crash', malformed: 'garbage' },
    echo: (p) => `echo: ${p}`,
    crashLine: 'fake pi: giving up',
  },
  {
    kind: 'acp',
    command: process.execPath,
    args: [path.join(FAKES, 'acp-agent.mjs')],
    prompts: { slow: 'SLOW:200', approve: 'RUN:deploy', crash: 'CRASH', malformed: 'MALFORMED' },
    echo: (p) => `ECHO: ${p}`,
    crashLine: 'fatal: the model went away',
  },
]

const adapters = {
  ...defaultAdapters(),
  codex: codexAdapter({ graceMs: 300 }),
  claude: claudeAdapter({ graceMs: 300 }),
  pi: piAdapter({ graceMs: 300 }),
  acp: acpAdapter({ graceMs: 300, cancelGraceMs: 2000 }),
}

let core: TestCore | undefined
/** The fakes' commands, killed after each test whatever happened in it (a failed test must not leak them). */
const toolCommands: number[] = []
afterEach(async () => {
  await core?.close()
  core = undefined
  for (const pid of await alivePids(toolCommands.splice(0))) process.kill(pid, 'SIGKILL')
})

/** The fake's two long commands: in a process group of its own, and in the agent's. */
async function toolPids(pidFile: string): Promise<[number, number]> {
  const text = await waitFor('tool pids', () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim())
  const [own, same] = text.split(' ').map(Number)
  toolCommands.push(own, same)
  return [own, same]
}

function setup(k: Kind, env: Record<string, string> = {}) {
  core = testCore({ adapters, loginPath: async () => '/usr/bin:/bin' })
  const profile = core.profiles.create({
    kind: k.kind,
    name: `fake ${k.kind}`,
    command: k.command,
    args: k.args,
    env: { FAKE_ACP_HOME: tempDir('switchyard-fake-acp-'), ...env },
    idleTimeoutMs: 60_000,
    approvalPolicy: 'ask',
  })
  return laneDriver(core, profile)
}

describe.each(KINDS)('every structured kind keeps the lifecycle promises: $kind', (k) => {
  it('interrupt ends the running turn as interrupted; the lane takes the next prompt; with no turn it does nothing', async () => {
    const t = setup(k)
    const l = await t.lane()
    await t.c.lanes.interrupt(l.id) // idle: a no-op
    expect(laneStatus(t.c, l.id)).toBe('ready')
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, k.prompts.slow)
    await waitFor('first delta', () => t.find(l.id, 'text.delta', after)[0])
    await t.c.lanes.interrupt(l.id)
    const done = await waitFor('turn end', () => t.find(l.id, 'turn.completed', after)[0])
    expect(done.outcome).toBe('interrupted')
    await waitFor('ready', () => laneStatus(t.c, l.id) === 'ready')
    const next = await t.turn(l.id, 'still there?')
    expect(next.done.outcome).toBe('completed')
    expect(t.text(l.id, next.after)).toBe(k.echo('still there?'))
  })

  it('interrupt during an approval withdraws it (by the agent) and ends the turn; the old request is gone', async () => {
    const t = setup(k)
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, k.prompts.approve)
    const ask = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    expect(laneStatus(t.c, l.id)).toBe('waiting')
    await t.c.lanes.interrupt(l.id)
    expect((await waitFor('turn end', () => t.find(l.id, 'turn.completed', after)[0])).outcome).toBe('interrupted')
    expect(t.find(l.id, 'approval.resolved', after)).toMatchObject([{ requestId: ask.requestId, by: 'agent' }])
    await waitFor('ready', () => laneStatus(t.c, l.id) === 'ready')
    await expect(t.c.lanes.approve(l.id, ask.requestId, ask.options[0].id)).rejects.toMatchObject({ code: 'not_found' })
  })

  it('a crash mid-turn ends the turn failed and fails the lane with the exit code and its last stderr lines; its commands end too', async () => {
    const pidFile = path.join(scratch, `${k.kind}-crash-tool.pid`)
    rmSync(pidFile, { force: true })
    const t = setup(k, { FAKE_TOOL_CHILD_PIDFILE: pidFile })
    const l = await t.lane()
    const [ownGroup, agentGroup] = await toolPids(pidFile)
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, k.prompts.crash)
    await waitFor('failed', () => laneStatus(t.c, l.id) === 'failed')
    expect(t.find(l.id, 'turn.completed', after)[0]).toMatchObject({ outcome: 'failed' })
    const exit = t.c.lanes.get(l.id).record.exit!
    expect(exit).toMatchObject({ exitCode: 3, message: 'The process exited with code 3' })
    expect(exit.lastLines).toContain(k.crashLine)
    expect(await alivePids([l.pid!])).toEqual([])
    // Nobody stopped the lane: what the agent left in its process group ends with it. (A command in a
    // group of its own, `ownGroup`, is re-parented at the crash; finding it is the lane-process marker's job.)
    await waitFor('its command ended', async () => (await alivePids([agentGroup])).length === 0, 5000)
  })

  it('a malformed line fails that lane only and stops its process; another lane keeps working', async () => {
    const t = setup(k)
    const bad = await t.lane()
    const good = await t.lane()
    const after = t.mark(bad.id)
    await t.c.lanes.send(bad.id, k.prompts.malformed)
    await waitFor('failed', () => laneStatus(t.c, bad.id) === 'failed')
    expect(t.c.lanes.get(bad.id).record.exit?.message).toMatch(/malformed JSON/)
    expect(t.find(bad.id, 'error', after).some((e) => e.fatal)).toBe(true)
    expect(await alivePids([bad.pid!])).toEqual([])
    const next = await t.turn(good.id, 'fine?')
    expect(t.text(good.id, next.after)).toBe(k.echo('fine?'))
    expect(laneStatus(t.c, good.id)).toBe('ready')
  })

  it('stop in the middle of a turn leaves no process behind, a command in its own group included', async () => {
    const pidFile = path.join(scratch, `${k.kind}-tool.pid`)
    rmSync(pidFile, { force: true })
    const t = setup(k, { FAKE_TOOL_CHILD_PIDFILE: pidFile })
    const l = await t.lane()
    const [ownGroup, agentGroup] = await toolPids(pidFile)
    expect(await alivePids([l.pid!, ownGroup, agentGroup])).toEqual([l.pid!, ownGroup, agentGroup])
    await t.c.lanes.send(l.id, k.prompts.slow)
    await waitFor('busy', () => laneStatus(t.c, l.id) === 'busy')
    const stopped = await t.c.lanes.stop(l.id)
    expect(stopped.status).toBe('exited')
    expect(t.find(l.id, 'process.exited').at(-1)).toMatchObject({ requested: true })
    expect(await alivePids([l.pid!, ownGroup, agentGroup])).toEqual([])
  })
})
