import type { Attachment } from '../../../shared/contract'

/**
 * One prompt from the user's text and the files they attached: paths are named for the agent to read
 * (it runs on this machine), contents (dropped in a browser) are inlined as fenced blocks.
 */
export function composePrompt(input: string, attachments: readonly Attachment[] = []): string {
  if (attachments.length === 0) return input
  const parts = attachments.map((a) => {
    if (a.path) return `- ${a.path}`
    const fence = a.content?.includes('```') ? '````' : '```'
    return `- ${a.name}:\n${fence}\n${a.content ?? ''}\n${fence}`
  })
  return `${input}${input ? '\n\n' : ''}Attached files:\n${parts.join('\n')}`
}

/** A lane's name from its first prompt: the first line that says something, cut to `max` characters. */
export function titleFromPrompt(input: string, max = 60): string | null {
  const line = input
    .split('\n')
    .map((l) => l.replace(/\s+/g, ' ').trim())
    .find((l) => l.length > 0)
  if (!line) return null
  return line.length > max ? `${line.slice(0, max - 1).trimEnd()}…` : line
}
