import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { lstat, open, readdir, rm, unlink } from 'node:fs/promises'
import path from 'node:path'

/**
 * Gemini CLI's session storage, as Switchyard keeps it working for several lanes of one profile.
 *
 * Every Gemini start (each lane's spawn and wake, the profile's login) runs Gemini's session
 * cleanup over the chats folder it shares with every other lane of the profile. That cleanup deletes any
 * session with nothing resumable in it yet, so lane B's start erased lane A's fresh session (A created,
 * not prompted yet); A then appends its turns to a file with no header and cannot be woken ("Invalid
 * session identifier"). It also deletes every file of a session id when one of them is empty, and a wake
 * leaves such an empty file beside the real one, so a lane's second wake lost its history too.
 * Switchyard turns that cleanup off in the profile's own settings (`keepGeminiSessions`) and removes
 * only what is safe to remove itself (`removeUnusedGeminiRecordings`): each start's own unused session
 * and each wake's empty copy, which would otherwise pile up, one or two per start.
 */

type Json = Record<string, unknown>

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Removes `//` and `/* *\/` comments outside strings, as Gemini does before parsing its settings. */
export function stripJsonComments(text: string): string {
  let out = ''
  let i = 0
  while (i < text.length) {
    const c = text[i]
    if (c === '"') {
      let j = i + 1
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1
      out += text.slice(i, j + 1)
      i = j + 1
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2)
      i = end === -1 ? text.length : end + 2
    } else {
      out += c
      i++
    }
  }
  return out
}

/**
 * The user's Gemini settings with the session cleanup off, every other setting (the rest of their
 * `sessionRetention` too) kept; `undefined` when it is already off, so an untouched file stays untouched.
 */
export function withGeminiSessionCleanupOff(settings: Json): Json | undefined {
  const general = isObject(settings.general) ? settings.general : {}
  const retention = isObject(general.sessionRetention) ? general.sessionRetention : {}
  if (retention.enabled === false) return undefined
  return { ...settings, general: { ...general, sessionRetention: { ...retention, enabled: false } } }
}

/** Where Gemini reads its user settings when `GEMINI_CLI_HOME` is `home`. */
export const geminiSettingsPath = (home: string) => path.join(home, '.gemini', 'settings.json')

/**
 * Turns Gemini's own session cleanup off in the profile's private dir (Gemini's `GEMINI_CLI_HOME`), merged
 * into whatever settings the user put or imported there. Runs before every Gemini start, because an import
 * of the user's global settings replaces the file. A file that is not a JSON object is left alone (Gemini
 * reports it itself); a rewrite drops the file's comments, never its settings. Returns whether it wrote.
 */
export function keepGeminiSessions(home: string): boolean {
  const file = geminiSettingsPath(home)
  let settings: Json = {}
  let text: string | undefined
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  if (text !== undefined && text.trim() !== '') {
    let parsed: unknown
    try {
      parsed = JSON.parse(stripJsonComments(text))
    } catch {
      return false
    }
    if (!isObject(parsed)) return false
    settings = parsed
  }
  const merged = withGeminiSessionCleanupOff(settings)
  if (!merged) return false
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
  // Another lane's Gemini may be reading it right now: never let it see half a file.
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`
  try {
    writeFileSync(tmp, `${JSON.stringify(merged, null, 2)}\n`, { mode: 0o600 })
    chmodSync(tmp, 0o600)
    renameSync(tmp, file)
  } catch (err) {
    rmSync(tmp, { force: true })
    throw err
  }
  return true
}

// ---------------------------------------------------------------------------------------------
// Switchyard's own cleanup of the chats folder

/**
 * How old a recording with nothing in it must be before it is removed: a lane's session exists on
 * disk a moment before the lane learns its id, and a running Gemini may still touch its files.
 */
export const UNUSED_RECORDING_GRACE_MS = 10 * 60_000

/** A chat recording, as far as cleanup cares. */
export interface Recording {
  name: string
  /** From its header; a file without one is removed only if it holds nothing (history that lost it stays). */
  sessionId?: string
  /** Holds anything a user could want back: a prompt, a reply, a tool call, or a line we cannot read. */
  content: boolean
  mtimeMs: number
}

const IGNORED_USER_TEXT = /^(\/|\?|<session_context>|<hook_context>|$)/

/** Gemini's own test for a message worth resuming, but reading anything unexpected as content. */
function isContent(message: unknown): boolean {
  if (!isObject(message)) return true
  if (message.type !== 'user') return message.type !== 'info' && message.type !== 'error' && message.type !== 'warning'
  const parts = Array.isArray(message.content) ? message.content : [message.content]
  const text = parts.map((p) => (typeof p === 'string' ? p : isObject(p) && typeof p.text === 'string' ? p.text : '\0')).join('')
  return !IGNORED_USER_TEXT.test(text.trim())
}

/**
 * Reads a recording (JSONL: a header, messages, `{"$set": …}` metadata updates). `whole` is false when
 * `text` is only the start of the file: what we did not see may be content, so it counts as content.
 */
export function describeRecording(name: string, text: string, opts: { whole: boolean; mtimeMs: number }): Recording {
  const lines = text.split('\n').filter((l) => l.trim() !== '')
  let sessionId: string | undefined
  let content = !opts.whole
  for (const [i, line] of lines.entries()) {
    let r: unknown
    try {
      r = JSON.parse(line)
    } catch {
      content = true
      break
    }
    if (!isObject(r)) content = true
    else if (typeof r.id === 'string') content ||= isContent(r)
    else if (isObject(r.$set)) content ||= Array.isArray(r.$set.messages) && r.$set.messages.some(isContent)
    else if (typeof r.sessionId === 'string') sessionId ??= i === 0 ? r.sessionId : undefined
    else content = true
  }
  return { name, ...(sessionId ? { sessionId } : {}), content, mtimeMs: opts.mtimeMs }
}

/**
 * The recordings to remove: those with nothing in them, older than the grace, that are not the session of
 * a lane (`laneSessions`) unless another recording holds that session's content (a wake's fresh copy).
 * This removes what Gemini's cleanup removed for good reason (each start's own unused session, each
 * wake's copy, metadata a running Gemini wrote after its file was gone) and never what it removed
 * wrongly (a lane's session before its first prompt).
 */
export function unusedRecordings(recordings: Recording[], laneSessions: ReadonlySet<string>, now: number, graceMs = UNUSED_RECORDING_GRACE_MS): string[] {
  const withContent = new Set(recordings.filter((r) => r.content && r.sessionId).map((r) => r.sessionId))
  const unused = (r: Recording) => !r.sessionId || withContent.has(r.sessionId) || !laneSessions.has(r.sessionId)
  return recordings.filter((r) => !r.content && now - r.mtimeMs > graceMs && unused(r)).map((r) => r.name)
}

/** Removes the unused recordings in every project's chats folder under `home` (see `unusedRecordings`). Returns their paths. */
export async function removeUnusedGeminiRecordings(home: string, laneSessions: ReadonlySet<string>, now = Date.now()): Promise<string[]> {
  const removed: string[] = []
  for (const chats of await chatsFolders(home)) {
    const names = (await readdirOr(chats)).filter((n) => /^session-.*\.jsonl$/.test(n))
    // A file gone or unreadable is not ours to judge.
    const read = await mapLimited(names, 16, (n) => readRecording(path.join(chats, n)).catch(() => undefined))
    const recordings = read.filter((r): r is Recording => r !== undefined)
    for (const name of unusedRecordings(recordings, laneSessions, now)) await unlinkQuietly(path.join(chats, name), removed)
  }
  return removed
}

/** Gemini's session ids are UUIDs: anything else is never turned into a path. */
const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9-]{7,63}$/

/**
 * Deletes a session's recordings and what Gemini keeps beside them (its log, tool outputs, subagent
 * chats), as Gemini's own `--delete-session` does: for a lane the user deleted. Returns what it removed.
 */
export async function forgetGeminiSession(home: string, sessionId: string): Promise<string[]> {
  const removed: string[] = []
  if (!SESSION_ID.test(sessionId)) return removed
  for (const { file } of await recordingsOf(home, sessionId)) await unlinkQuietly(file, removed)
  for (const chats of await chatsFolders(home)) {
    const project = path.dirname(chats)
    const beside = [
      path.join(chats, sessionId), // its subagents' chats
      path.join(project, 'logs', `session-${sessionId}.jsonl`),
      path.join(project, 'tool-outputs', `session-${sessionId}`),
      path.join(project, sessionId),
    ]
    for (const p of beside) {
      if (!(await lstat(p).catch(() => undefined))) continue
      await rm(p, { recursive: true, force: true })
      removed.push(p)
    }
  }
  return removed
}

/**
 * Whether Gemini holds the session only in recordings with nothing in them (a lane that slept before its
 * first prompt): `session/load` refuses such a session, and there is nothing to continue.
 */
export async function geminiSessionIsEmpty(home: string, sessionId: string): Promise<boolean> {
  if (!SESSION_ID.test(sessionId)) return false
  const found = await recordingsOf(home, sessionId)
  return found.length > 0 && found.every((r) => !r.recording.content)
}

/** The recordings of one session, in every project's chats folder. */
async function recordingsOf(home: string, sessionId: string): Promise<Array<{ file: string; recording: Recording }>> {
  const found: Array<{ file: string; recording: Recording }> = []
  for (const chats of await chatsFolders(home)) {
    for (const name of await readdirOr(chats)) {
      if (!name.startsWith('session-') || !name.endsWith(`-${sessionId.slice(0, 8)}.jsonl`)) continue
      const file = path.join(chats, name)
      const recording = await readRecording(file).catch(() => undefined)
      if (recording?.sessionId === sessionId) found.push({ file, recording })
    }
  }
  return found
}

/**
 * Readies a Gemini profile's private dir before any Gemini start in it (lane, wake or login):
 * `laneSessions` are the session ids of the profile's lanes.
 */
export async function prepareGeminiHome(home: string, laneSessions: Iterable<string>): Promise<void> {
  keepGeminiSessions(home)
  await removeUnusedGeminiRecordings(home, new Set(laneSessions))
}

async function chatsFolders(home: string): Promise<string[]> {
  const tmp = path.join(home, '.gemini', 'tmp')
  return (await readdirOr(tmp)).map((project) => path.join(tmp, project, 'chats'))
}

/** A recording's start (64 KiB at most: a longer file holds content anyway) and its age. */
async function readRecording(file: string): Promise<Recording> {
  const max = 64 * 1024
  const fh = await open(file, 'r')
  try {
    const { size, mtimeMs } = await fh.stat()
    const buf = Buffer.alloc(Math.min(size, max))
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
    return describeRecording(path.basename(file), buf.subarray(0, bytesRead).toString('utf8'), { whole: size <= max, mtimeMs })
  } finally {
    await fh.close()
  }
}

/** `fn` over `items`, `width` at a time: a folder of thousands of files neither crawls nor runs out of descriptors. */
async function mapLimited<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, worker))
  return out
}

async function unlinkQuietly(file: string, removed: string[]): Promise<void> {
  try {
    await unlink(file)
    removed.push(file)
  } catch {
    // Already gone.
  }
}

async function readdirOr(dir: string): Promise<string[]> {
  try {
    return await readdir(dir)
  } catch {
    return []
  }
}
