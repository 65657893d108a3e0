/**
 * The real Gemini CLI (pinned, `gemini --acp`) in a lane, against the fake LLM (Gemini API on 127.0.0.1).
 * Run: npx vitest run --config vitest.agents.config.ts test/agents/gemini.test.ts
 */
import { existsSync, readdirSync, readFileSync, statSync, utimesSync } from 'node:fs'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { describeRecording, type Recording } from '../../src/main/core/agents/gemini-sessions'
import type { LaneEvent } from '../../src/shared/events'
import { alivePids, laneStatus, waitFor } from '../support/core'
import { writeGeminiSettings } from './gemini-config'
import { CANARY, eventsOf, interruptDuringApproval, mark, textOf, treeOf, turnDone, useAgentHarness } from './harness'

type Ev<T extends LaneEvent['type']> = Extract<LaneEvent, { type: T }>

const h = useAgentHarness('gemini', ({ llm, core, configDir }) => {
  // The built-in Gemini profile as shipped (gemini --acp, GEMINI_CLI_HOME = its private dir), pointed at the fake LLM.
  const profile = core.profiles.update('gemini', {
    env: { GEMINI_API_KEY: 'fake-gemini-key', GOOGLE_GEMINI_BASE_URL: llm.url },
    approvalPolicy: 'ask', // Gemini asks before run_shell_command by default
  })
  expect(profile).toMatchObject({ kind: 'acp', command: 'gemini', args: ['--acp'], preset: 'gemini' })
  writeGeminiSettings(configDir(profile.id))
  return profile
})

const find = <T extends LaneEvent['type']>(laneId: string, type: T, after: number, pred: (e: Ev<T>) => boolean = () => true) =>
  eventsOf(h, laneId, after).find((e): e is Ev<T> => e.type === type && pred(e as Ev<T>))
const waitEvent = <T extends LaneEvent['type']>(laneId: string, type: T, after: number, pred?: (e: Ev<T>) => boolean) =>
  waitFor(`${type} in ${laneId}`, () => find(laneId, type, after, pred), 60_000)
const deltas = (laneId: string, after: number) =>
  eventsOf(h, laneId, after)
    .filter((e): e is Ev<'text.delta'> => e.type === 'text.delta')
    .map((e) => e.text)
    .join('')

async function prompt(laneId: string, text: string) {
  const after = mark(h, laneId)
  await h.core.lanes.send(laneId, text)
  return after
}

/** Sends a RUN: prompt, answers its approval with the option of `kind`, waits for the turn. */
async function runWith(laneId: string, command: string, kind: 'allow_once' | 'reject_once') {
  const after = await prompt(laneId, `RUN:${command}`)
  const ask = await waitEvent(laneId, 'approval.requested', after)
  expect(laneStatus(h.core, laneId)).toBe('waiting')
  const option = ask.options.find((o) => o.kind === kind)!
  await h.core.lanes.approve(laneId, ask.requestId, option.id)
  const done = await turnDone(h, laneId, after)
  return { after, ask, done, tool: find(laneId, 'tool.completed', after) }
}

describe('Gemini CLI over ACP (real agent, fake LLM)', () => {
  let laneId = ''
  beforeAll(async () => {
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    expect(lane.status).toBe('ready')
    laneId = lane.id
  })

  it('streams a text reply, completes the turn and reports usage', async () => {
    const after = await prompt(laneId, 'hello gemini')
    const done = await turnDone(h, laneId, after)
    expect(done.outcome).toBe('completed')
    expect(eventsOf(h, laneId, after).filter((e) => e.type === 'text.delta').length).toBeGreaterThan(1)
    expect(deltas(laneId, after)).toBe('ECHO: hello gemini')
    expect(find(laneId, 'message', after)?.text).toBe('ECHO: hello gemini')
    expect(find(laneId, 'usage', after)?.turn?.inputTokens).toBeGreaterThan(0)
    expect(h.core.lanes.get(laneId).record.usage?.outputTokens).toBeGreaterThan(0)
    expect(laneStatus(h.core, laneId)).toBe('ready')
  })

  it('approving a shell command creates the file; the tool call carries the command', async () => {
    const { ask, done, tool, after } = await runWith(laneId, 'echo made-by-gemini > made.txt && cat made.txt', 'allow_once')
    expect(ask.title).toBe('echo made-by-gemini > made.txt && cat made.txt')
    expect(ask.readOnly).toBe(false)
    expect(ask.options.map((o) => o.kind)).toEqual(expect.arrayContaining(['allow_once', 'reject_once']))
    expect(done.outcome).toBe('completed')
    expect(readFileSync(path.join(h.core.folder, 'made.txt'), 'utf8')).toBe('made-by-gemini\n')
    expect(tool).toMatchObject({ toolKind: 'execute', command: 'echo made-by-gemini > made.txt && cat made.txt', status: 'completed' })
    // Gemini reports no shell output over ACP (its display is not text): the output reaches the user in the reply.
    expect(deltas(laneId, after)).toContain('made-by-gemini')
  })

  it('denying a shell command leaves the workspace untouched', async () => {
    const { done, tool, after } = await runWith(laneId, 'echo nope > denied.txt', 'reject_once')
    expect(done.outcome).toBe('completed')
    expect(existsSync(path.join(h.core.folder, 'denied.txt'))).toBe(false)
    expect(tool).toMatchObject({ command: 'echo nope > denied.txt', status: 'declined' })
    expect(deltas(laneId, after)).toMatch(/canceled by the user/)
  })

  it('an interrupt while it asks withdraws the request and ends the turn; the command never runs', () => interruptDuringApproval(h, laneId))

  it('its modes reach the lane; plan mode is switched to, privileged modes are refused with Gemini’s reason', async () => {
    const modes = h.core.lanes.get(laneId).record.modes
    expect(modes?.current).toBe('default')
    expect(modes?.available.map((m) => m.id)).toEqual(expect.arrayContaining(['default', 'autoEdit', 'yolo', 'plan']))
    // Gemini allows YOLO only in a folder the user trusted in Gemini itself; Switchyard does not trust for them.
    await expect(h.core.lanes.setMode(laneId, 'yolo')).rejects.toMatchObject({ code: 'unsupported', message: expect.stringContaining('untrusted folder') })
    expect(h.core.lanes.get(laneId).record.modes?.current).toBe('default')
    await h.core.lanes.setMode(laneId, 'plan')
    expect(h.core.lanes.get(laneId).record.modes?.current).toBe('plan')
    const after = await prompt(laneId, 'RUN:echo planned > planned.txt')
    const done = await turnDone(h, laneId, after)
    expect(done.outcome).toBe('completed')
    expect(existsSync(path.join(h.core.folder, 'planned.txt'))).toBe(false)
    await h.core.lanes.setMode(laneId, 'default')
  })

  it('interrupt mid-stream ends the turn at once; the next prompt works', async () => {
    const after = await prompt(laneId, 'SLOW:40')
    await waitEvent(laneId, 'text.delta', after)
    await h.core.lanes.interrupt(laneId)
    const done = await turnDone(h, laneId, after, 10_000)
    expect(done.outcome).toBe('interrupted')
    expect(deltas(laneId, after)).not.toContain('tick 40')
    expect(laneStatus(h.core, laneId)).toBe('ready')
    const next = await prompt(laneId, 'are you still there')
    expect((await turnDone(h, laneId, next)).outcome).toBe('completed')
    expect(deltas(laneId, next)).toBe('ECHO: are you still there')
  })

  it('the shell tool does not see Switchyard’s own secrets', async () => {
    const { after } = await runWith(laneId, 'env | tee env.txt', 'allow_once')
    const file = readFileSync(path.join(h.core.folder, 'env.txt'), 'utf8')
    expect(file).toContain('GEMINI_CLI_HOME=')
    expect(file).not.toContain(CANARY)
    expect(textOf(h, laneId, after)).toContain('GEMINI_CLI_HOME=')
    expect(textOf(h, laneId, after)).not.toContain(CANARY)
  })

  it('a reaped lane wakes into the same conversation, even within the minute it began', async () => {
    // Gemini's same-minute session/load bug needs the session's first minute and the wake to coincide.
    const minute = () => new Date().toISOString().slice(0, 16)
    if (new Date().getSeconds() >= 40) await waitFor('a fresh minute', () => new Date().getSeconds() < 40, 25_000)
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const began = minute()
    const first = await prompt(lane.id, 'REMEMBER:pelican')
    await turnDone(h, lane.id, first)
    const pids = await treeOf(lane.pid!)
    expect(await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)).toContain(lane.id)
    expect(laneStatus(h.core, lane.id)).toBe('sleeping')
    expect(await alivePids(pids)).toEqual([])

    const after = await prompt(lane.id, 'RECALL')
    const done = await turnDone(h, lane.id, after)
    expect(minute(), 'the wake should fall in the minute the session began (a very slow machine?)').toBe(began)
    expect(done.outcome).toBe('completed')
    expect(deltas(lane.id, after)).toBe('RECALLED: pelican')
    // The history Gemini replays on load is not shown again.
    expect(eventsOf(h, lane.id, after).filter((e) => e.type === 'message').map((e) => (e as Ev<'message'>).text)).toEqual(['RECALLED: pelican'])
    await h.core.lanes.stop(lane.id)
  })

  it('two lanes of one profile keep their own history: A is prompted only after B started, both sleep and wake', async () => {
    // Every Gemini start cleans the profile's chats folder: a session with nothing resumable in it yet (lane A,
    // created, not prompted) is deleted by lane B's start unless Switchyard keeps that cleanup off.
    if (new Date().getSeconds() >= 40) await waitFor('a fresh minute', () => new Date().getSeconds() < 40, 25_000)
    const a = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const b = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    expect([a.status, b.status]).toEqual(['ready', 'ready'])
    // B's cleanup runs beside its start, not before it answers: give it time to reach A's file.
    await new Promise((r) => setTimeout(r, 1500))
    await turnDone(h, a.id, await prompt(a.id, 'REMEMBER:heron'))
    await turnDone(h, b.id, await prompt(b.id, 'REMEMBER:otter'))
    const reaped = await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)
    expect(reaped).toEqual(expect.arrayContaining([a.id, b.id]))

    // Twice: a wake leaves a second recording of its session behind, which Gemini's cleanup took for an
    // empty session and deleted along with the real one at the next start. Before the second wake every
    // recording is made an hour old, so Switchyard's own cleanup judges all of them.
    const chats = () => {
      const tmp = path.join(h.profile.configDir, '.gemini', 'tmp')
      return readdirSync(tmp).flatMap((p) => (existsSync(path.join(tmp, p, 'chats')) ? [path.join(tmp, p, 'chats')] : []))
    }
    const recordings = () =>
      chats().flatMap((dir) => readdirSync(dir).map((n) => describeRecording(n, readFileSync(path.join(dir, n), 'utf8'), { whole: true, mtimeMs: statSync(path.join(dir, n)).mtimeMs })))
    let before: Recording[] = []
    for (const round of [1, 2]) {
      if (round === 2) {
        const hourAgo = new Date(Date.now() - 3600_000)
        for (const dir of chats()) for (const n of readdirSync(dir)) utimesSync(path.join(dir, n), hourAgo, hourAgo)
        before = recordings()
      }
      for (const [lane, word] of [[a, 'heron'], [b, 'otter']] as const) {
        const after = await prompt(lane.id, 'RECALL')
        const done = await turnDone(h, lane.id, after)
        expect(done.outcome).toBe('completed')
        expect(find(lane.id, 'error', after), `wake ${round} continued the old session`).toBeUndefined()
        // Ends with: under load Gemini's history replay, which runs on after it answers session/load, can
        // outlast the adapter's quiet window and show an earlier reply again (the ACP adapter's to fix).
        const other = word === 'heron' ? 'otter' : 'heron'
        expect(deltas(lane.id, after), `lane ${lane.id} recalls its own words (wake ${round})`).toMatch(new RegExp(`RECALLED: ${word}$`))
        expect(deltas(lane.id, after)).not.toMatch(new RegExp(`nothing|${other}`))
      }
      if (round === 1) expect(await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)).toEqual(expect.arrayContaining([a.id, b.id]))
    }
    // Each Gemini start leaves its own unused session, each wake an empty copy: the old ones are gone (a
    // wake may open a new copy), the lanes' conversations are not, nor a lane's session that is still empty.
    const sessions = [a, b].map((l) => h.core.lanes.get(l.id).resumeToken)
    const laneSessions = h.core.lanes.list().map((l) => h.core.lanes.get(l.id).resumeToken)
    const stale = (rs: Recording[]) => rs.filter((r) => !r.content && r.mtimeMs < Date.now() - 30 * 60_000)
    expect(stale(before).length, 'four starts, each with its own empty session').toBeGreaterThanOrEqual(4)
    const left = recordings()
    expect(stale(left).filter((r) => !laneSessions.includes(r.sessionId) || sessions.includes(r.sessionId))).toEqual([])
    expect(left.filter((r) => r.content && sessions.includes(r.sessionId)).map((r) => r.sessionId).sort()).toEqual([...sessions].sort())
    // The user's own settings survived the change that turned Gemini's cleanup off.
    const settings = JSON.parse(readFileSync(path.join(h.profile.configDir, '.gemini', 'settings.json'), 'utf8'))
    expect(settings).toMatchObject({ security: { auth: { selectedType: 'gemini-api-key' } }, general: { enableAutoUpdate: false, sessionRetention: { enabled: false } } })
    // Deleting lane A deletes Gemini's copy of its conversation too; B's stays.
    await h.core.lanes.remove(a.id)
    expect(recordings().filter((r) => r.sessionId === sessions[0])).toEqual([])
    expect(recordings().filter((r) => r.sessionId === sessions[1] && r.content)).toHaveLength(1)
    await h.core.lanes.stop(b.id)
  }, 240_000) // six Gemini starts on a loaded machine

  it('a lane that slept before its first prompt wakes without a complaint about its empty session', async () => {
    // Gemini cannot load a session with nothing in it: the wake starts a new one instead of failing to load.
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id })
    const first = h.core.lanes.get(lane.id).resumeToken
    expect(await h.core.lanes.reapIdle(Date.now() + 10 * 3600_000)).toContain(lane.id)
    const after = await prompt(lane.id, 'hello after a nap')
    expect((await turnDone(h, lane.id, after)).outcome).toBe('completed')
    expect(find(lane.id, 'error', after)).toBeUndefined()
    expect(deltas(lane.id, after)).toBe('ECHO: hello after a nap')
    expect(h.core.lanes.get(lane.id).resumeToken).not.toBe(first)
    await h.core.lanes.stop(lane.id)
  })

  it('stopping the lane leaves none of its processes behind', async () => {
    // The reap above put every idle lane to sleep: wake this one.
    const pid = (await h.core.lanes.start(laneId)).pid!
    const tree = await treeOf(pid)
    expect(tree).toContain(pid)
    const stopped = await h.core.lanes.stop(laneId)
    expect(stopped.status).toBe('exited')
    expect(await alivePids(tree)).toEqual([])
  })

  it("lists Gemini's models from a session's `models`, and a lane's model reaches the model server by session/set_model", async () => {
    const models = await h.core.models.list(h.profile.id, true)
    expect(models.map((m) => m.id)).toContain('auto')
    const pick = models.find((m) => m.id !== 'auto')!
    expect(pick).toBeDefined()
    const lane = await h.core.lanes.create({ workspaceId: h.core.workspace.id, profileId: h.profile.id, model: pick.id })
    expect(lane).toMatchObject({ status: 'ready', model: pick.id })
    const before = h.llm.requests.length
    const after = await prompt(lane.id, 'hello from a lane with its own gemini model')
    await turnDone(h, lane.id, after)
    const chat = h.llm.requests.slice(before).filter((r) => r.protocol === 'gemini' && /streamGenerateContent/.test(r.path))
    expect(chat.length).toBeGreaterThan(0)
    expect(chat.every((r) => r.path.includes(`/models/${pick.id}:`)), chat.map((r) => r.path).join(' ')).toBe(true)
    expect(find(lane.id, 'error', 0, (e) => /switch to model/.test(e.message))).toBeUndefined()
    await h.core.lanes.stop(lane.id)
  })
})
