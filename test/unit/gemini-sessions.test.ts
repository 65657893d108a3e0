/**
 * Gemini lanes keep their own history: the profile's settings turn Gemini's own session cleanup off
 * (merged into the user's settings), and Switchyard removes only recordings with nothing in them.
 * The recordings below have the shape Gemini CLI 0.61 writes (header, `$set` updates, messages).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  describeRecording,
  forgetGeminiSession,
  geminiSessionIsEmpty,
  geminiSettingsPath,
  keepGeminiSessions,
  removeUnusedGeminiRecordings,
  stripJsonComments,
  unusedRecordings,
  withGeminiSessionCleanupOff,
  type Recording,
} from '../../src/main/core/agents/gemini-sessions'

const homes: string[] = []
function home(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-gemini-home-'))
  homes.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of homes.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const header = (sessionId: string) =>
  JSON.stringify({ sessionId, projectHash: '2680', startTime: '2026-12-04T16:22:31.837Z', lastUpdated: '2026-12-04T16:22:31.837Z', kind: 'main' })
const contextSet = JSON.stringify({
  $set: { messages: [{ id: 'd049', type: 'user', content: [{ text: '<session_context>\nThis is the Gemini CLI.\n</session_context>' }] }], lastUpdated: '2026-12-04T16:22:31.840Z' },
})
const userMessage = (text: string) => JSON.stringify({ id: 'm1', timestamp: '2026-12-04T16:23:00.000Z', type: 'user', content: [{ text }] })
const reply = JSON.stringify({ id: 'm2', type: 'gemini', content: 'ECHO: hi' })

// A fresh session as Gemini writes it (the header twice, the session context as metadata): nothing in it.
const empty = (id: string) => [header(id), contextSet, header(id), contextSet].join('\n') + '\n'
const used = (id: string) => [header(id), contextSet, userMessage('REMEMBER:heron'), reply].join('\n') + '\n'

describe('Gemini settings: session cleanup off, the user’s settings kept', () => {
  it('merges the switch into the user’s settings and leaves a file that already has it alone', () => {
    const user = { general: { vimMode: true, sessionRetention: { enabled: true, maxAge: '7d' } }, security: { auth: { selectedType: 'oauth-personal' } } }
    expect(withGeminiSessionCleanupOff(user)).toEqual({
      general: { vimMode: true, sessionRetention: { enabled: false, maxAge: '7d' } },
      security: { auth: { selectedType: 'oauth-personal' } },
    })
    expect(withGeminiSessionCleanupOff({ general: { sessionRetention: { enabled: false } } })).toBeUndefined()
    expect(withGeminiSessionCleanupOff({})).toEqual({ general: { sessionRetention: { enabled: false } } })
    // Input is not modified.
    expect(user.general.sessionRetention.enabled).toBe(true)
  })

  it('reads settings with comments as Gemini does, without touching strings', () => {
    const text = '{\n  // the proxy\n  "proxy": "http://a//b", /* block */ "q": "say \\"//\\" please"\n}'
    expect(JSON.parse(stripJsonComments(text))).toEqual({ proxy: 'http://a//b', q: 'say "//" please' })
  })

  it('writes a private settings file in a fresh profile dir', () => {
    const dir = home()
    expect(keepGeminiSessions(dir)).toBe(true)
    const file = geminiSettingsPath(dir)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({ general: { sessionRetention: { enabled: false } } })
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(keepGeminiSessions(dir)).toBe(false)
  })

  it('keeps every setting of an imported file (with comments), and rewrites it only once', () => {
    const dir = home()
    const file = geminiSettingsPath(dir)
    mkdirSync(path.dirname(file), { recursive: true })
    writeFileSync(file, '{\n  // mine\n  "general": { "vimMode": true },\n  "mcpServers": { "x": { "command": "srv" } }\n}\n')
    expect(keepGeminiSessions(dir)).toBe(true)
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual({
      general: { vimMode: true, sessionRetention: { enabled: false } },
      mcpServers: { x: { command: 'srv' } },
    })
    const once = readFileSync(file, 'utf8')
    expect(keepGeminiSessions(dir)).toBe(false)
    expect(readFileSync(file, 'utf8')).toBe(once)
    expect(readdirSync(path.dirname(file))).toEqual(['settings.json'])
  })

  it('leaves a file it cannot read as settings to Gemini, which reports it', () => {
    const dir = home()
    const file = geminiSettingsPath(dir)
    mkdirSync(path.dirname(file), { recursive: true })
    for (const text of ['{ "general": ', '[1, 2]']) {
      writeFileSync(file, text)
      expect(keepGeminiSessions(dir)).toBe(false)
      expect(readFileSync(file, 'utf8')).toBe(text)
    }
  })
})

describe('Gemini recordings Switchyard removes', () => {
  const whole = { whole: true, mtimeMs: 0 }

  it('tells a recording with nothing in it from one with a conversation', () => {
    expect(describeRecording('a', empty('A'), whole)).toEqual({ name: 'a', sessionId: 'A', content: false, mtimeMs: 0 })
    expect(describeRecording('a', used('A'), whole)).toMatchObject({ sessionId: 'A', content: true })
    // Commands and context are not a conversation; a reply, a tool call or a line we cannot read is.
    expect(describeRecording('a', [header('A'), userMessage('/help')].join('\n'), whole).content).toBe(false)
    expect(describeRecording('a', [header('A'), JSON.stringify({ id: 'x', type: 'gemini', toolCalls: [{}] })].join('\n'), whole).content).toBe(true)
    expect(describeRecording('a', [header('A'), '{"id":"x","type":"us'].join('\n'), whole).content).toBe(true)
    expect(describeRecording('a', [header('A'), JSON.stringify({ $rewindTo: 'm1' })].join('\n'), whole).content).toBe(true)
    // Only the start of a large file was read: what follows may be content.
    expect(describeRecording('a', empty('A'), { whole: false, mtimeMs: 0 }).content).toBe(true)
    // History that lost its header: no session to place it in.
    expect(describeRecording('a', [userMessage('hi'), reply].join('\n'), whole)).toEqual({ name: 'a', content: true, mtimeMs: 0 })
  })

  it('removes old empty recordings, but never a lane’s only recording, a young one or one with content', () => {
    const now = 100 * 60_000
    const old = now - 11 * 60_000
    const rec = (name: string, sessionId: string | undefined, content: boolean, mtimeMs = old): Recording => ({ name, ...(sessionId ? { sessionId } : {}), content, mtimeMs })
    const recordings = [
      rec('startup', 'S', false), // a Gemini start's own session: nobody's
      rec('lane-a', 'A', false), // lane A, created, not prompted yet
      rec('lane-b', 'B', true),
      rec('lane-b-copy', 'B', false), // the fresh recording a wake of B opened
      rec('young', 'Y', false, now - 60_000), // a session a starting lane does not know the id of yet
      rec('user-chat', 'U', true), // the user's own chat in the login terminal
      rec('headless', undefined, true), // a lane's history that lost its header to Gemini's cleanup
      rec('headless-metadata', undefined, false), // what a running Gemini wrote after its file was gone
    ]
    expect(unusedRecordings(recordings, new Set(['A', 'B']), now)).toEqual(['startup', 'lane-b-copy', 'headless-metadata'])
  })

  it('removes them from every project’s chats folder, and nothing else', async () => {
    const dir = home()
    const chats = path.join(dir, '.gemini', 'tmp', 'ws', 'chats')
    mkdirSync(chats, { recursive: true })
    const files = {
      'session-2026-12-04T16-22-73c7d879.jsonl': empty('73c7d879-startup'),
      'session-2026-12-04T16-22-427a3698.jsonl': empty('427a3698-lane'),
      'session-2026-12-04T16-20-bbbbbbbb.jsonl': used('bbbbbbbb-lane'),
      'session-2026-12-04T16-24-bbbbbbbb.jsonl': empty('bbbbbbbb-lane'),
      'session-2026-12-04T16-25-cccccccc.jsonl': used('cccccccc-x') + 'x'.repeat(70 * 1024) + '\n',
      'session-2026-12-04T16-26-dddddddd.jsonl': contextSet + '\n',
      'session-2026-12-04T16-27-eeeeeeee.jsonl': [userMessage('REMEMBER:heron'), reply].join('\n') + '\n',
      'notes.txt': 'not a recording',
    }
    const hourAgo = new Date(Date.now() - 3600_000)
    for (const [name, text] of Object.entries(files)) {
      writeFileSync(path.join(chats, name), text)
      utimesSync(path.join(chats, name), hourAgo, hourAgo)
    }
    const removed = await removeUnusedGeminiRecordings(dir, new Set(['427a3698-lane', 'bbbbbbbb-lane']))
    expect(removed.map((f) => path.basename(f)).sort()).toEqual([
      'session-2026-12-04T16-22-73c7d879.jsonl',
      'session-2026-12-04T16-24-bbbbbbbb.jsonl',
      'session-2026-12-04T16-26-dddddddd.jsonl',
    ])
    expect(readdirSync(chats).sort()).toEqual([
      'notes.txt',
      'session-2026-12-04T16-20-bbbbbbbb.jsonl',
      'session-2026-12-04T16-22-427a3698.jsonl',
      'session-2026-12-04T16-25-cccccccc.jsonl',
      'session-2026-12-04T16-27-eeeeeeee.jsonl',
    ])
    expect(await removeUnusedGeminiRecordings(path.join(dir, 'missing'), new Set())).toEqual([])
    expect(existsSync(chats)).toBe(true)
  })

  it('forgets a deleted lane’s session with what Gemini keeps beside it, and only that', async () => {
    const dir = home()
    const project = path.join(dir, '.gemini', 'tmp', 'ws')
    const chats = path.join(project, 'chats')
    const id = '427a3698-106f-4265-8e5c-257c1a0e4ab4'
    const twin = '427a3698-ffff-4265-8e5c-257c1a0e4ab4' // same file-name prefix, another session
    mkdirSync(path.join(chats, id), { recursive: true })
    mkdirSync(path.join(project, 'tool-outputs', `session-${id}`), { recursive: true })
    mkdirSync(path.join(project, 'logs'), { recursive: true })
    writeFileSync(path.join(chats, 'session-2026-12-04T16-22-427a3698.jsonl'), used(id))
    writeFileSync(path.join(chats, 'session-2026-12-04T16-30-427a3698.jsonl'), empty(id))
    writeFileSync(path.join(chats, 'session-2026-12-04T16-31-427a3698.jsonl'), used(twin))
    writeFileSync(path.join(chats, id, 'agent-1.jsonl'), used('agent-1'))
    writeFileSync(path.join(project, 'logs', `session-${id}.jsonl`), '{}\n')
    const removed = await forgetGeminiSession(dir, id)
    expect(removed.length).toBe(5)
    expect(readdirSync(chats)).toEqual(['session-2026-12-04T16-31-427a3698.jsonl'])
    expect(readdirSync(path.join(project, 'logs'))).toEqual([])
    expect(readdirSync(path.join(project, 'tool-outputs'))).toEqual([])
    // A resume token that is not a session id never becomes a path.
    for (const bad of ['..', '../../etc', 'a/b', '']) expect(await forgetGeminiSession(dir, bad)).toEqual([])
    expect(existsSync(path.join(chats, 'session-2026-12-04T16-31-427a3698.jsonl'))).toBe(true)
  })

  it('knows a session it could only find empty, so a wake does not try to load it', async () => {
    const dir = home()
    const chats = path.join(dir, '.gemini', 'tmp', 'ws', 'chats')
    mkdirSync(chats, { recursive: true })
    const idle = '11111111-0000-4000-8000-000000000000'
    const talked = '22222222-0000-4000-8000-000000000000'
    writeFileSync(path.join(chats, 'session-2026-12-04T16-22-11111111.jsonl'), empty(idle))
    writeFileSync(path.join(chats, 'session-2026-12-04T16-22-22222222.jsonl'), used(talked))
    writeFileSync(path.join(chats, 'session-2026-12-04T16-40-22222222.jsonl'), empty(talked)) // a wake's copy
    expect(await geminiSessionIsEmpty(dir, idle)).toBe(true)
    expect(await geminiSessionIsEmpty(dir, talked)).toBe(false)
    // No recording at all: the load's own error tells the user the history is gone.
    expect(await geminiSessionIsEmpty(dir, '33333333-0000-4000-8000-000000000000')).toBe(false)
    expect(await geminiSessionIsEmpty(dir, '../x')).toBe(false)
  })
})
