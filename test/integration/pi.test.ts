/** The pi adapter through the LaneManager, against a fake `pi --mode rpc` (test/support/fake-agents/pi-rpc.mjs). */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { piAdapter } from '../../src/main/core/agents/pi'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import type { ApprovalPolicy } from '../../src/shared/contract'
import { alivePids, laneStatus, testCore, waitFor, type TestCore, laneDriver } from '../support/core'

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/pi-rpc.mjs')
const MAX_LINE = 1024 * 1024

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0).reverse()) await c.close()
})

function setup(opts: { approvalPolicy?: ApprovalPolicy; dataDir?: string } = {}) {
  const core = testCore({ dataDir: opts.dataDir, adapters: { ...defaultAdapters(), pi: piAdapter({ graceMs: 300, maxLineBytes: MAX_LINE }) } })
  cores.push(core)
  const profile =
    core.profiles.list().find((p) => p.name === 'fake pi') ??
    core.profiles.create({ kind: 'pi', name: 'fake pi', command: process.execPath, args: [FAKE], idleTimeoutMs: 60_000, approvalPolicy: opts.approvalPolicy })
  return laneDriver(core, profile)
}

describe('pi adapter (fake pi rpc)', () => {
  it('a prompt is a turn: deltas, the message and usage; the lane goes ready → busy → ready', async () => {
    const t = setup()
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'hello')
    expect(done.outcome).toBe('completed')
    expect(t.find(l.id, 'text.delta', after).map((e) => e.text)).toEqual(['echo: ', 'hello'])
    expect(t.find(l.id, 'message', after)).toMatchObject([{ role: 'assistant', text: 'echo: hello' }])
    expect(t.find(l.id, 'usage', after)[0]).toMatchObject({ turn: { inputTokens: 10, outputTokens: 5, cachedInputTokens: 2, costUsd: 0.001 } })
    // After the turn, get_session_stats' contextUsage: the lane's context fill, as Codex's and Claude's.
    const fill = await waitFor('context fill', () => t.find(l.id, 'usage', after).find((e) => e.context))
    expect(fill).toEqual(expect.objectContaining({ context: { usedTokens: 17, windowTokens: 1000 } }))
    expect(fill.turn).toBeUndefined()
    expect(t.c.lanes.get(l.id).record).toMatchObject({ context: { usedTokens: 17, windowTokens: 1000 }, usage: { inputTokens: 10 } })
    await waitFor('ready', () => laneStatus(t.c, l.id) === 'ready')
    expect(t.find(l.id, 'status').map((e) => e.status)).toEqual(['ready', 'busy', 'ready'])
  })

  it('launches pi in rpc mode, offline, after the profile args', async () => {
    const t = setup()
    const l = await t.lane()
    const { after } = await t.turn(l.id, 'argv')
    const reported = JSON.parse(t.text(l.id, after))
    expect(reported).toEqual({ argv: ['--mode', 'rpc'], PI_OFFLINE: '1' })
  })

  it("a lane's model goes to pi as --model after the profile's args", async () => {
    const t = setup()
    const l = await t.c.lanes.create({ workspaceId: t.c.workspace.id, profileId: t.profile.id, model: 'anthropic/claude-sonnet-4' })
    const { after } = await t.turn(l.id, 'argv')
    expect(JSON.parse(t.text(l.id, after)).argv).toEqual(['--mode', 'rpc', '--model', 'anthropic/claude-sonnet-4'])
  })

  it('U+2028/U+2029 inside a prompt and a reply survive both directions (split on \\n only)', async () => {
    const t = setup()
    const l = await t.lane()
    const { after } = await t.turn(l.id, 'one\u2028two\u2029three')
    expect(t.find(l.id, 'message', after)[0].text).toBe('echo: one\u2028two\u2029three')
  })

  it('thinking streams as reasoning, apart from the reply', async () => {
    const t = setup()
    const l = await t.lane()
    const { after } = await t.turn(l.id, 'think')
    expect(t.find(l.id, 'reasoning.delta', after).map((e) => e.text)).toEqual(['pondering the question'])
    expect(t.text(l.id, after)).toBe('thought done')
  })

  it('a prompt sent while a turn runs is steered into it: one turn answers both', async () => {
    const t = setup()
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'hold on')
    await waitFor('first delta', () => t.find(l.id, 'text.delta', after)[0])
    await t.c.lanes.send(l.id, 'and this too')
    const done = await waitFor('turn completed', () => t.find(l.id, 'turn.completed', after)[0])
    expect(done.outcome).toBe('completed')
    expect(t.find(l.id, 'message', after).map((e) => e.text)).toEqual(['holding …released', 'echo: and this too'])
    expect(t.find(l.id, 'turn.started', after)).toHaveLength(1)
    expect(t.find(l.id, 'turn.completed', after)).toHaveLength(1)
  })

  it('an interrupt right after the prompt was accepted, before any output, still stops the run', async () => {
    const t = setup()
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'hold')
    await t.c.lanes.interrupt(l.id)
    const done = await waitFor('turn completed', () => t.find(l.id, 'turn.completed', after)[0])
    expect(done.outcome).toBe('interrupted')
  })

  it('an extension select dialog is an approval; allowing runs the tool', async () => {
    const t = setup()
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'approve')
    const request = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    expect(laneStatus(t.c, l.id)).toBe('waiting')
    expect(request).toMatchObject({
      title: 'Allow this command?\n\n  touch approved.txt',
      toolCallId: t.find(l.id, 'tool.started', after)[0].toolCallId,
      readOnly: false,
      options: [
        { label: 'Allow', kind: 'allow_once' },
        { label: 'Block', kind: 'reject_once' },
      ],
    })
    await t.c.lanes.approve(l.id, request.requestId, request.options[0].id)
    const done = await waitFor('turn completed', () => t.find(l.id, 'turn.completed', after)[0])
    expect(done.outcome).toBe('completed')
    expect(t.find(l.id, 'tool.completed', after)).toMatchObject([{ status: 'completed', exitCode: 0, output: 'ran\n' }])
    expect(t.find(l.id, 'approval.resolved', after)).toMatchObject([{ requestId: request.requestId, by: 'user' }])
  })

  it('denying a dialog blocks the tool: declined, and the agent carries on', async () => {
    const t = setup()
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'approve')
    const request = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    await t.c.lanes.approve(l.id, request.requestId, request.options.find((o) => o.kind === 'reject_once')!.id)
    await waitFor('turn completed', () => t.find(l.id, 'turn.completed', after)[0])
    expect(t.find(l.id, 'tool.completed', after)).toMatchObject([{ status: 'declined', output: 'Blocked by user' }])
    expect(t.text(l.id, after)).toBe('TOOL_DONE: Blocked by user')
  })

  it('a confirm dialog answers yes/no; the auto_all policy approves it without asking', async () => {
    const t = setup({ approvalPolicy: 'auto_all' })
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'confirm')
    expect(done.outcome).toBe('completed')
    expect(t.find(l.id, 'approval.requested', after)).toMatchObject([{ title: 'Run it?', detail: 'touch confirmed.txt' }])
    expect(t.find(l.id, 'approval.resolved', after)).toMatchObject([{ optionId: 'yes', by: 'policy' }])
    expect(t.find(l.id, 'tool.completed', after)).toMatchObject([{ status: 'completed' }])
  })

  it('an extension asking for text gets a question; the typed answer reaches it, a cancel cancels; auto_all never answers for the user', async () => {
    const t = setup({ approvalPolicy: 'auto_all' })
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'ask')
    const line = await waitFor('input question', () => t.find(l.id, 'approval.requested', after)[0])
    expect(line).toMatchObject({ options: [{ id: 'answer', kind: 'other' }, { id: 'cancel', kind: 'reject_once' }], questions: [{ id: 'text', question: 'Name the release', options: [], other: true }] })
    expect(laneStatus(t.c, l.id)).toBe('waiting')
    // Refused, and still open: an answer to the wrong question, or none.
    await expect(t.c.lanes.approve(l.id, line.requestId, 'answer', { nope: ['x'] })).rejects.toMatchObject({ code: 'invalid_input' })
    await expect(t.c.lanes.approve(l.id, line.requestId, 'answer', { text: ['  '] })).rejects.toMatchObject({ code: 'invalid_input' })
    await t.c.lanes.approve(l.id, line.requestId, 'answer', { text: ['v2.0.0'] })
    const editor = await waitFor('editor question', () => t.find(l.id, 'approval.requested', after)[1])
    expect(editor.questions).toMatchObject([{ question: 'Release notes', multiline: true, initial: '- fixed\n' }])
    await t.c.lanes.approve(l.id, editor.requestId, 'cancel')
    const done = await waitFor('turn completed', () => t.find(l.id, 'turn.completed', after)[0])
    expect(done.outcome).toBe('completed')
    expect(t.text(l.id, after)).toBe('ANSWERED: "v2.0.0" (cancelled)')
    expect(t.find(l.id, 'approval.resolved', after)).toMatchObject([
      { requestId: line.requestId, optionId: 'answer', by: 'user', answers: { text: ['v2.0.0'] } },
      { requestId: editor.requestId, optionId: 'cancel', by: 'user' },
    ])
  })

  it('pi exiting while a dialog is open fails the lane with its stderr; nothing hangs', async () => {
    const t = setup()
    const l = await t.lane()
    const after = t.mark(l.id)
    await t.c.lanes.send(l.id, 'approve-exit')
    const request = await waitFor('approval', () => t.find(l.id, 'approval.requested', after)[0])
    await waitFor('failed', () => laneStatus(t.c, l.id) === 'failed')
    expect(t.c.lanes.get(l.id).record.exit).toMatchObject({ exitCode: 1, lastLines: ['fake pi: gave up while a dialog was open'] })
    await expect(t.c.lanes.approve(l.id, request.requestId, request.options[0].id)).rejects.toMatchObject({ code: 'not_found' })
    expect(await alivePids([l.pid!])).toEqual([])
  })

  it('a line that is JSON but not an event fails that lane only and stops its process', async () => {
    const t = setup()
    const odd = await t.lane()
    const good = await t.lane()
    await t.c.lanes.send(odd.id, 'notobject')
    await waitFor('failed', () => laneStatus(t.c, odd.id) === 'failed')
    expect(t.c.lanes.get(odd.id).record.exit?.message).toMatch(/not an event/)
    expect(await alivePids([odd.pid!])).toEqual([])
    const { done } = await t.turn(good.id, 'still here')
    expect(done.outcome).toBe('completed')
  })

  it('a large line within the limit is read whole; one past it fails the lane, not the app', async () => {
    const t = setup()
    const l = await t.lane()
    const { after } = await t.turn(l.id, `huge:${200 * 1024}`)
    expect(t.text(l.id, after)).toHaveLength(200 * 1024)
    await t.c.lanes.send(l.id, `huge:${2 * MAX_LINE}`)
    await waitFor('failed', () => laneStatus(t.c, l.id) === 'failed')
    expect(t.c.lanes.get(l.id).record.exit?.message).toMatch(/line too long/)
    expect(await alivePids([l.pid!])).toEqual([])
    const other = await t.lane()
    expect((await t.turn(other.id, 'fine?')).done.outcome).toBe('completed')
  })

  it('events, deltas and extension requests it does not know are ignored', async () => {
    const t = setup()
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'unknown')
    expect(done.outcome).toBe('completed')
    expect(t.text(l.id, after)).toBe('still fine')
    expect(t.find(l.id, 'error', after)).toEqual([])
    expect(laneStatus(t.c, l.id)).toBe('ready')
  })

  it('a run that ends in error completes the turn as failed with the reason', async () => {
    const t = setup()
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'error')
    expect(done).toMatchObject({ outcome: 'failed', message: 'fake upstream exploded' })
    expect(t.find(l.id, 'error', after)).toMatchObject([{ message: 'fake upstream exploded' }])
    await waitFor('ready', () => laneStatus(t.c, l.id) === 'ready')
  })

  it("pi's automatic retry stays inside one turn", async () => {
    const t = setup()
    const l = await t.lane()
    const { after, done } = await t.turn(l.id, 'retry')
    expect(done.outcome).toBe('completed')
    expect(t.text(l.id, after)).toBe('recovered')
    expect(t.find(l.id, 'turn.started', after)).toHaveLength(1)
    // One error, marked as pi retrying it: the transcript shows one card counting the attempts.
    expect(t.find(l.id, 'error', after)).toMatchObject([{ message: '503 service unavailable', retry: { attempt: expect.any(Number) } }])
  })

  it('a failing bash tool reports its exit code', async () => {
    const t = setup()
    const l = await t.lane()
    const { after } = await t.turn(l.id, 'fail-tool')
    expect(t.find(l.id, 'tool.started', after)).toMatchObject([{ toolKind: 'execute', command: 'ls /nope', title: 'ls /nope' }])
    expect(t.find(l.id, 'tool.completed', after)).toMatchObject([{ status: 'failed', exitCode: 2 }])
  })

  it('a reaped lane wakes into the same session (--session <file>)', async () => {
    const t = setup()
    const l = await t.lane()
    await t.turn(l.id, 'remember the walrus')
    expect(await t.c.lanes.reapIdle(Date.now() + 3600_000)).toEqual([l.id])
    expect(laneStatus(t.c, l.id)).toBe('sleeping')
    expect(await alivePids([l.pid!])).toEqual([])
    const { after } = await t.turn(l.id, 'history')
    expect(t.text(l.id, after)).toBe('history: remember the walrus')
    const started = t.find(l.id, 'process.started', after)[0]
    expect(started.command).toMatch(/--mode rpc --session \S+fake-\d+-\d+\.jsonl$/)
  })

  it('after an app restart the sleeping lane resumes its session', async () => {
    const first = setup()
    const l = await first.lane()
    await first.turn(l.id, 'before the restart')
    await first.c.lanes.stopAll()
    const second = setup({ dataDir: first.c.dataDir })
    expect(laneStatus(second.c, l.id)).toBe('sleeping')
    const { after } = await second.turn(l.id, 'history')
    expect(second.text(l.id, after)).toBe('history: before the restart')
  })

})
