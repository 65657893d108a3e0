/** The claude adapter through the LaneManager, against a fake stream-json CLI (test/support/fake-agents/claude-stream.mjs). */
import { rmSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { claudeAdapter } from '../../src/main/core/agents/claude'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import type { ApprovalPolicy } from '../../src/shared/contract'
import { alivePids, laneStatus, testCore, waitFor, type TestCore, laneDriver } from '../support/core'

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/claude-stream.mjs')

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0).reverse()) await c.close()
})

function setup(opts: { approvalPolicy?: ApprovalPolicy; env?: Record<string, string> } = {}) {
  const core = testCore({ adapters: { ...defaultAdapters(), claude: claudeAdapter({ graceMs: 300, maxLineBytes: 1024 * 1024 }) } })
  cores.push(core)
  const profile = core.profiles.create({
    kind: 'claude', name: 'fake claude', command: process.execPath, args: [FAKE], env: opts.env, idleTimeoutMs: 60_000, approvalPolicy: opts.approvalPolicy,
  })
  return laneDriver(core, profile)
}

describe('claude adapter (fake stream-json CLI)', () => {
  it('an agent that exits before it is ready fails the lane with its stderr', async () => {
    const t = setup({ env: { FAKE_CLAUDE_FAIL_START: 'Invalid API key' } })
    const l = await t.c.lanes.create({ workspaceId: t.c.workspace.id, profileId: t.profile.id })
    expect(l.status).toBe('failed')
    expect(l.exit?.message).toMatch(/exited \(code 1\) before it was ready\n.*Invalid API key/)
    expect(t.find(l.id, 'process.started')[0].pid).toBeGreaterThan(0)
    expect(await alivePids([t.find(l.id, 'process.started')[0].pid!])).toEqual([])
  })

  it('a prompt is a turn: streamed text, the message, usage with cost; ready → busy → ready', async () => {
    const t = setup()
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'hello there')
    expect(done.outcome).toBe('completed')
    expect(t.text(l.id, after)).toBe('echo: hello there')
    expect(t.find(l.id, 'message', after)).toMatchObject([{ role: 'assistant', text: 'echo: hello there' }])
    expect(t.find(l.id, 'usage', after)[0]).toMatchObject({ turn: { inputTokens: 120, outputTokens: 10, cachedInputTokens: 20, costUsd: 0.001 } })
    await waitFor('ready', () => laneStatus(t.c, l.id) === 'ready')
    expect(t.find(l.id, 'status').map((e) => e.status)).toEqual(['ready', 'busy', 'ready'])
    expect(t.c.lanes.get(l.id).record.usage).toMatchObject({ costUsd: 0.001 })
  })

  it('approve runs the command; deny declines it; the lane waits in between', async () => {
    const t = setup()
    const l = await t.lane()
    let after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'RUN:make build')
    const ask = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    expect(laneStatus(t.c, l.id)).toBe('waiting')
    expect(ask.title).toContain('make build')
    expect(ask.options.map((o) => o.kind)).toEqual(['allow_once', 'allow_always', 'reject_once'])
    await t.c.lanes.approve(l.id, ask.requestId, 'allow')
    await waitFor('turn end', () => t.find(l.id, 'turn.completed', after)[0])
    expect(t.find(l.id, 'tool.started', after)[0]).toMatchObject({ toolKind: 'execute', command: 'make build' })
    expect(t.find(l.id, 'tool.completed', after)[0]).toMatchObject({ status: 'completed', output: 'ran: make build', exitCode: 0 })

    after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'RUN:rm -rf /')
    const ask2 = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    await t.c.lanes.approve(l.id, ask2.requestId, 'deny')
    await waitFor('turn end', () => t.find(l.id, 'turn.completed', after)[0])
    expect(t.find(l.id, 'tool.completed', after)[0]).toMatchObject({ status: 'declined' })
    expect(t.text(l.id, after)).toBe('not run')
    await waitFor('ready', () => laneStatus(t.c, l.id) === 'ready')
  })

  it('auto_all approves through the policy, without waiting for the user', async () => {
    const t = setup({ approvalPolicy: 'auto_all' })
    const l = await t.lane()
    const { after } = await t.turn(l.id, 'RUN:npm test')
    expect(t.find(l.id, 'approval.resolved', after)[0]).toMatchObject({ optionId: 'allow', by: 'policy' })
    expect(t.text(l.id, after)).toBe('done: ran: npm test')
  })

  it('a line past the size limit fails that lane only; another lane keeps working', async () => {
    const t = setup()
    const huge = await t.lane()
    const good = await t.lane()
    await t.c.lanes.send(huge.id, 'huge')
    await waitFor('huge failed', () => laneStatus(t.c, huge.id) === 'failed')
    expect(t.c.lanes.get(huge.id).record.exit?.message).toMatch(/line too long/)
    expect(await alivePids([huge.pid!])).toEqual([])
    const { after } = await t.turn(good.id, 'fine?')
    expect(t.text(good.id, after)).toBe('echo: fine?')
  })

  it('unknown messages are ignored and unknown control requests get an error answer', async () => {
    const t = setup()
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'unknown')
    expect(done.outcome).toBe('completed')
    expect(t.text(l.id, after)).toBe('hook answered: error')
    expect(t.find(l.id, 'error', after)).toEqual([])
  })

  it('the agent exiting while an approval is pending fails the lane without hanging', async () => {
    const t = setup()
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'ask-then-die')
    const ask = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    await waitFor('failed', () => laneStatus(t.c, l.id) === 'failed')
    expect(t.find(l.id, 'turn.completed', after)[0]).toMatchObject({ outcome: 'failed' })
    expect(t.c.lanes.get(l.id).record.exit).toMatchObject({ exitCode: 2, lastLines: ['lost the approval channel'] })
    await expect(t.c.lanes.approve(l.id, ask.requestId, 'allow')).rejects.toMatchObject({ code: 'not_found' })
  })

  it('a lane put to sleep wakes with --resume <session id>; a session that is gone starts fresh and says so', async () => {
    const t = setup()
    const l = await t.lane()
    const first = await t.turn(l.id, 'whoami')
    const [, session] = /^session (\S+) resumed no$/.exec(t.text(l.id, first.after))!
    expect(await t.c.lanes.reapIdle(Date.now() + 3600_000)).toEqual([l.id])
    expect(laneStatus(t.c, l.id)).toBe('sleeping')
    expect(await alivePids([l.pid!])).toEqual([])

    const second = await t.turn(l.id, 'whoami')
    expect(t.text(l.id, second.after)).toBe(`session ${session} resumed yes`)

    await t.c.lanes.stop(l.id)
    rmSync(path.join(t.profile.configDir, 'projects'), { recursive: true, force: true })
    const third = await t.turn(l.id, 'whoami')
    expect(t.text(l.id, third.after)).toMatch(/resumed no$/)
    expect(t.find(l.id, 'error', second.after)[0].message).toContain(session)
  })

})
