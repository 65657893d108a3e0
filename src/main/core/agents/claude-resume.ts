import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'

/** Where a Claude conversation can be picked up again: resume ids, and the cut a rewind resumes at. */

/**
 * A Claude turn id is the chain entry the conversation ended at before the turn (`after:<uuid>`, or
 * `after:` for the first turn): `--resume-session-at` keeps everything up to and including it.
 */
export function claudeTurnId(lastEntry: string | undefined): string {
  return `after:${lastEntry ?? ''}`
}

/** The arguments that resume session `sessionId` without turn `turnId` and later ones; `[]`: a new conversation. */
export function rewindArgs(sessionId: string | undefined, turnId: string): string[] {
  if (!turnId.startsWith('after:')) throw new Error(`Not a Claude turn id: ${turnId}`)
  const entry = turnId.slice('after:'.length)
  return sessionId && entry ? ['--resume', sessionId, '--resume-session-at', entry] : []
}

/** Whether `--resume id` can work: the CLI keeps each session at projects/<cwd>/<id>.jsonl. */
export function sessionExists(configDir: string, id: string): boolean {
  const projects = path.join(configDir, 'projects')
  try {
    return readdirSync(projects).some((d) => existsSync(path.join(projects, d, `${id}.jsonl`)))
  } catch {
    return false
  }
}

