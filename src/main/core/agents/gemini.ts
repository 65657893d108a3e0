import { existsSync, readdirSync, readFileSync, renameSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { geminiSessionIsEmpty } from './gemini-sessions'
import type { AcpAgentHooks } from './registry'

/**
 * Gemini CLI's quirks, as hooks of its preset: the ACP adapter itself knows no agent by name.
 * Each quirk is a function of its own.
 */

export const geminiAcpHooks: AcpAgentHooks = {
  agentName: 'gemini-cli',
  authMethod: geminiAuthMethod,
  beforeLoad: ({ env, sessionId }) => void sidestepGeminiSameMinuteBug(geminiHome(env), sessionId),
  nothingToResume: ({ env, sessionId }) => geminiSessionIsEmpty(geminiHome(env), sessionId),
}

/** Where Gemini CLI keeps its `.gemini` folder for this lane. */
export function geminiHome(env: Record<string, string>): string {
  return env.GEMINI_CLI_HOME || env.HOME || os.homedir()
}

/** Gemini's API key, or Vertex AI with a Google API key, when the profile's env has them. */
export function geminiAuthMethod(methods: ReadonlyArray<{ id: string }>, env: Record<string, string>): string | undefined {
  for (const m of methods) {
    if (m.id === 'gemini-api-key' && env.GEMINI_API_KEY) return m.id
    if (m.id === 'vertex-ai' && env.GOOGLE_API_KEY && env.GOOGLE_GENAI_USE_VERTEXAI === 'true') return m.id
  }
  return undefined
}

const minuteStamp = (d: Date) => d.toISOString().slice(0, 16).replace(/:/g, '-')

/**
 * Gemini CLI 0.61 names a session's recording `session-<UTC minute>-<id prefix>.jsonl`, and
 * `session/load` first starts a fresh recording under the same id: in the minute the session file
 * was created that is the same file name, and the fresh start wipes the history
 * ("Invalid session identifier"). Renaming the file to an earlier minute before the load sidesteps
 * it; Gemini finds sessions by the id inside the file, not by the name. Returns the renamed paths.
 */
export function sidestepGeminiSameMinuteBug(geminiHome: string, sessionId: string, now = new Date()): string[] {
  const renamed: string[] = []
  const current = minuteStamp(now)
  const short = sessionId.slice(0, 8)
  const tmp = path.join(geminiHome, '.gemini', 'tmp')
  let projects: string[] = []
  try {
    projects = readdirSync(tmp)
  } catch {
    return renamed
  }
  for (const project of projects) {
    const chats = path.join(tmp, project, 'chats')
    let files: string[] = []
    try {
      files = readdirSync(chats)
    } catch {
      continue
    }
    for (const name of files) {
      const m = /^session-(\d{4}-\d{2}-\d{2}T\d{2}-\d{2})-(.+?)(\.jsonl?)$/.exec(name)
      // Only a file named for the current minute (or later: clock skew) can collide.
      if (!m || m[2] !== short || m[1] < current) continue
      const file = path.join(chats, name)
      try {
        const first = readFileSync(file, 'utf8').split('\n', 1)[0]
        if ((JSON.parse(first) as { sessionId?: string }).sessionId !== sessionId) continue
      } catch {
        continue
      }
      let back = 1
      let target: string
      do target = path.join(chats, `session-${minuteStamp(new Date(now.getTime() - back++ * 60_000))}-${m[2]}${m[3]}`)
      while (existsSync(target))
      renameSync(file, target)
      renamed.push(target)
    }
  }
  return renamed
}

