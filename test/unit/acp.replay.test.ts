/**
 * The recorded traffic of the real `gemini --acp` (0.61.0), played back to the ACP adapter by a process
 * that answers each request the adapter sends with what Gemini answered: the adapter must make the same
 * requests in the same order, and turn Gemini's messages into the LaneEvents a user sees.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { acpAdapter } from '../../src/main/core/agents/acp'
import { unifiedDiff, usageOf } from '../../src/main/core/agents/acp-content'
import { geminiAcpHooks, sidestepGeminiSameMinuteBug } from '../../src/main/core/agents/gemini'
import type { AgentSession } from '../../src/main/core/agents/types'
import type { LaneEventBody } from '../../src/shared/events'
import { waitFor } from '../support/core'

const TRANSCRIPTS = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/transcripts')

// Plays a transcript: writes the recorded `<<` lines, and at each recorded `>>` waits for the adapter's
// next message and checks it is the same request (method) or the answer to the same agent request (id).
const REPLAYER = String.raw`
import { readFileSync } from 'node:fs'
const entries = []
for (const line of readFileSync(process.argv[2], 'utf8').split('\n')) {
  const m = /^\[\s*\d+ms\] (>>|<<) (\{.*\})$/.exec(line)
  if (m) entries.push({ dir: m[1], msg: JSON.parse(m[2].replaceAll('<workspace>', process.cwd())) })
}
const ids = new Map()
const inbox = []
let wake
let buf = ''
process.stdin.on('data', (d) => {
  buf += d
  for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) inbox.push(JSON.parse(buf.slice(0, i)))
  wake?.()
})
process.stdin.on('end', () => process.exit(0))
const next = async () => {
  while (!inbox.length) await new Promise((r) => (wake = r))
  return inbox.shift()
}
const out = (m) => process.stdout.write(JSON.stringify(m) + '\n')
for (const { dir, msg } of entries) {
  if (dir === '<<') {
    if (!('method' in msg) && ids.has(msg.id)) msg.id = ids.get(msg.id)
    out(msg)
    continue
  }
  const got = await next()
  const want = msg.method ?? 'response ' + msg.id
  const have = got.method ?? 'response ' + got.id
  if (want !== have) {
    process.stderr.write('replay: expected ' + want + ', got ' + have + '\n')
    process.exit(9)
  }
  if (msg.method && 'id' in msg) ids.set(msg.id, got.id)
  if (!msg.method && JSON.stringify(got.result) !== JSON.stringify(msg.result)) {
    process.stderr.write('replay: answer differs: ' + JSON.stringify(got.result) + '\n')
    process.exit(9)
  }
}
process.stderr.write('replay: transcript done\n')
// Past the transcript: refuse whatever else comes.
for (;;) {
  const got = await next()
  if ('id' in got && got.method) out({ jsonrpc: '2.0', id: got.id, error: { code: -32603, message: 'replay: not in the transcript' } })
}
`

let dir = ''
let replayer = ''
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-acp-replay-'))
  replayer = path.join(dir, 'replayer.mjs')
  writeFileSync(replayer, REPLAYER)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function play(transcript: string, resume?: string) {
  const events: LaneEventBody[] = []
  const exits: { exitCode: number | null; lastLines: string[] }[] = []
  const tokens: string[] = []
  const start = () =>
    acpAdapter({ graceMs: 500, agents: [geminiAcpHooks] }).start(
      {
        laneId: 'lane_replay',
        cwd: dir,
        command: process.execPath,
        args: [replayer, path.join(TRANSCRIPTS, transcript)],
        env: { PATH: process.env.PATH ?? '', GEMINI_API_KEY: 'mock-key', GEMINI_CLI_HOME: dir },
        configDir: dir,
        cols: 80,
        rows: 24,
        resume,
      },
      { emit: (e) => events.push(e), exited: (e) => exits.push(e), setResumeToken: (t) => tokens.push(t) },
    )
  /** Sends a prompt; resolves with the events of its turn once it completed. */
  const turn = async (session: AgentSession, text: string, during?: (turnEvents: () => LaneEventBody[]) => Promise<void>) => {
    const from = events.length
    const mine = () => events.slice(from)
    await session.send(text)
    await during?.(mine)
    await waitFor('turn.completed', () => mine().some((e) => e.type === 'turn.completed'))
    return mine()
  }
  return { events, exits, tokens, start, turn }
}

const textOf = (events: LaneEventBody[]) => events.map((e) => (e.type === 'text.delta' ? e.text : '')).join('')
const one = <T extends LaneEventBody['type']>(events: LaneEventBody[], type: T) =>
  events.filter((e): e is Extract<LaneEventBody, { type: T }> => e.type === type)

describe('ACP adapter on recorded Gemini CLI traffic', () => {
  it('gemini-acp-1: text, an approved and a denied shell call, an interrupt, and the turn after it', async () => {
    const p = play('gemini-acp-1.io.log')
    const session = await p.start()
    expect(p.tokens).toEqual(['33bcacd0-018d-4895-a2ff-d23be688f989'])

    const hello = await p.turn(session, 'hello from harness')
    expect(textOf(hello)).toBe('MOCK_TEXT_OK: hello from harness')
    expect(one(hello, 'message')).toMatchObject([{ role: 'assistant', text: 'MOCK_TEXT_OK: hello from harness' }])
    expect(one(hello, 'usage')).toEqual([{ type: 'usage', turn: { inputTokens: 140, outputTokens: 10 } }])
    expect(one(hello, 'turn.completed')).toMatchObject([{ outcome: 'completed' }])

    const run = await p.turn(session, 'RUN:echo harness-ok > proof.txt && cat proof.txt', async (mine) => {
      const ask = await waitFor('approval', () => one(mine(), 'approval.requested')[0])
      expect(ask).toMatchObject({
        title: 'echo harness-ok > proof.txt && cat proof.txt',
        detail: expect.stringContaining('mock-llm scripted command'),
        toolCallId: 'run_shell_command__run_shell_command_1795217267187_0',
        readOnly: false,
        options: [
          { id: 'proceed_always', label: 'Allow for this session', kind: 'allow_always' },
          { id: 'proceed_once', label: 'Allow', kind: 'allow_once' },
          { id: 'cancel', label: 'Reject', kind: 'reject_once' },
        ],
      })
      await session.approve(ask.requestId, 'proceed_once')
    })
    // Gemini sends no tool_call before asking: the request itself starts the call.
    expect(one(run, 'tool.started')).toMatchObject([{ toolKind: 'execute', command: 'echo harness-ok > proof.txt && cat proof.txt' }])
    expect(one(run, 'tool.started')[0].output).toBeUndefined()
    expect(one(run, 'tool.completed')).toMatchObject([{ command: 'echo harness-ok > proof.txt && cat proof.txt', status: 'completed' }])
    expect(textOf(run)).toContain('Output: harness-ok')
    expect(one(run, 'usage')).toEqual([{ type: 'usage', turn: { inputTokens: 485, outputTokens: 20 } }])

    const denied = await p.turn(session, 'RUN:echo nope > denied.txt', async (mine) => {
      const ask = await waitFor('approval', () => one(mine(), 'approval.requested')[0])
      await session.approve(ask.requestId, 'cancel')
    })
    // Nothing more comes from Gemini about a rejected call: it ends as declined with the turn.
    expect(one(denied, 'tool.completed')).toMatchObject([{ toolCallId: 'run_shell_command__run_shell_command_1795217267378_0', status: 'declined' }])
    expect(textOf(denied)).toContain('was canceled by the user')
    expect(one(denied, 'turn.completed')).toMatchObject([{ outcome: 'completed' }])

    const story = await p.turn(session, 'SLEEP:20000 tell me a long story', async (mine) => {
      await waitFor('first delta', () => one(mine(), 'text.delta')[0])
      await session.interrupt()
    })
    expect(textOf(story)).toBe('MOCK_TEXT_OK: tell me ')
    expect(one(story, 'turn.completed')).toMatchObject([{ outcome: 'interrupted' }])

    const after = await p.turn(session, 'are you still there')
    expect(textOf(after)).toBe('MOCK_TEXT_OK: are you still there')
    // available_commands_update and friends are not user-visible events.
    expect(p.events.filter((e) => e.type === 'error')).toEqual([])

    await session.stop()
    expect(p.exits).toMatchObject([{ exitCode: 0 }])
    expect(p.exits[0].lastLines).toContain('replay: transcript done')
  })

  it('gemini-acp-2-load: session/load, its replayed history kept out of the lane, then a new turn', async () => {
    const p = play('gemini-acp-2-load.io.log', '33bcacd0-018d-4895-a2ff-d23be688f989')
    const session = await p.start()
    // Gemini replays the whole conversation as updates, most of them after answering session/load:
    // the lane gets none of it, only the session's modes from the answer.
    expect(p.events.map((e) => e.type)).toEqual(['process.started', 'modes'])
    expect(one(p.events, 'modes')[0]).toMatchObject({ current: 'default', available: expect.arrayContaining([{ id: 'plan', name: 'Plan', description: 'Read-only mode' }]) })
    const t = await p.turn(session, 'after resume')
    expect(textOf(t)).toBe('MOCK_TEXT_OK: after resume')
    expect(one(t, 'message').map((m) => m.text)).toEqual(['MOCK_TEXT_OK: after resume'])
    expect(p.tokens).toEqual([])
    await session.stop()
    expect(p.exits).toMatchObject([{ exitCode: 0 }])
    expect(p.exits[0].lastLines).toContain('replay: transcript done')
  })

  it('gemini-acp-3-bug: a load Gemini cannot do is reported with its reason', async () => {
    const created = play('gemini-acp-3-bug-new.io.log')
    const first = await created.start()
    expect(textOf(await created.turn(first, 'throwaway session'))).toBe('MOCK_TEXT_OK: throwaway session')
    await first.stop()

    const p = play('gemini-acp-3-bug-load.io.log', created.tokens[0])
    // The transcript ends after the failed load, so the fresh session the adapter falls back to is refused too.
    await expect(p.start()).rejects.toThrow(/not in the transcript/)
    expect(one(p.events, 'error')[0].message).toMatch(/Could not continue the earlier conversation .*Invalid session identifier "2fefe895/)
  })
})

describe('ACP adapter helpers', () => {
  it('reads usage from ACP’s usage field or Gemini’s _meta.quota', () => {
    expect(usageOf({ usage: { inputTokens: 5, outputTokens: 2, totalTokens: 7, cachedReadTokens: 3 } })).toEqual({ inputTokens: 5, outputTokens: 2, cachedInputTokens: 3 })
    expect(usageOf({ _meta: { quota: { token_count: { input_tokens: 140, output_tokens: 10 } } } })).toEqual({ inputTokens: 140, outputTokens: 10 })
    expect(usageOf({})).toBeUndefined()
  })

  it('writes unified diffs with context', () => {
    const before = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].join('\n') + '\n'
    const after = before.replace('e\n', 'E\n')
    expect(unifiedDiff('x.txt', before, after)).toBe('--- a/x.txt\n+++ b/x.txt\n@@ -2,7 +2,7 @@\n b\n c\n d\n-e\n+E\n f\n g\n h\n')
    expect(unifiedDiff('new.txt', null, 'one\ntwo\n')).toBe('--- /dev/null\n+++ b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n')
  })

  it('moves a Gemini session file named for the current minute out of the way of session/load', () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'switchyard-gemini-home-'))
    const chats = path.join(home, '.gemini', 'tmp', 'ws', 'chats')
    const id = '2fefe895-ad12-453f-97a5-757b86b94d88'
    const now = new Date('2026-11-20T23:27:50Z')
    mkdirSync(chats, { recursive: true })
    const line = JSON.stringify({ sessionId: id }) + '\n{"type":"user"}\n'
    writeFileSync(path.join(chats, 'session-2026-11-20T23-27-2fefe895.jsonl'), line)
    writeFileSync(path.join(chats, 'session-2026-11-20T23-26-2fefe895.jsonl'), 'taken')
    writeFileSync(path.join(chats, 'session-2026-11-20T23-10-aaaaaaaa.jsonl'), 'other')
    const moved = sidestepGeminiSameMinuteBug(home, id, now)
    expect(moved).toEqual([path.join(chats, 'session-2026-11-20T23-25-2fefe895.jsonl')])
    expect(readFileSync(moved[0], 'utf8')).toBe(line)
    // An earlier minute cannot collide: left alone.
    expect(sidestepGeminiSameMinuteBug(home, id, now)).toEqual([])
    rmSync(home, { recursive: true, force: true })
  })
})
