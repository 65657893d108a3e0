import type { ContextFill, LaneEventBody } from '../../../shared/events'

/** Claude Code's content as LaneEvents: what a tool call is, its text, usage and context fill (pure). */

type Json = Record<string, any>
type ToolKind = NonNullable<Extract<LaneEventBody, { type: 'tool.started' }>['toolKind']>

// Looked up by the agent's own tool names: no prototype, so `constructor` is just an unknown tool.
const KINDS: Record<string, ToolKind> = Object.assign(Object.create(null), {
  Bash: 'execute', BashOutput: 'execute', KillShell: 'execute', KillBash: 'execute', Monitor: 'execute',
  Read: 'read', NotebookRead: 'read', LS: 'read',
  Glob: 'search', Grep: 'search', ToolSearch: 'search',
  Edit: 'edit', MultiEdit: 'edit', Write: 'edit', NotebookEdit: 'edit',
  WebFetch: 'fetch', WebSearch: 'fetch',
  TodoWrite: 'think', EnterPlanMode: 'think', ExitPlanMode: 'think',
})

interface ToolInfo {
  toolKind: ToolKind
  title: string
  command?: string
  files?: { path: string; diff?: string }[]
}

export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined)

function lineDiff(file: string, before: string, after: string): string {
  const side = (s: string, sign: string) => (s ? s.split('\n').map((l) => sign + l) : [])
  return [`--- ${file}`, `+++ ${file}`, ...side(before, '-'), ...side(after, '+')].join('\n')
}

/** What a tool call is, in the lane's vocabulary. */
export function describeTool(name: string, input: Json): ToolInfo {
  const toolKind = KINDS[name] ?? 'other'
  const file = str(input.file_path) ?? str(input.notebook_path) ?? str(input.path)
  switch (name) {
    case 'Bash': {
      const command = str(input.command) ?? ''
      return { toolKind, title: str(input.description) ?? command, command }
    }
    case 'Write':
      return { toolKind, title: `Write ${file}`, files: file ? [{ path: file, diff: lineDiff(file, '', String(input.content ?? '')) }] : [] }
    case 'Edit':
      return { toolKind, title: `Edit ${file}`, files: file ? [{ path: file, diff: lineDiff(file, String(input.old_string ?? ''), String(input.new_string ?? '')) }] : [] }
    case 'MultiEdit': {
      const edits: Json[] = Array.isArray(input.edits) ? input.edits : []
      const diff = edits.map((e) => lineDiff(file ?? '', String(e.old_string ?? ''), String(e.new_string ?? ''))).join('\n')
      return { toolKind, title: `Edit ${file}`, files: file ? [{ path: file, diff }] : [] }
    }
    case 'NotebookEdit':
      return { toolKind, title: `Edit ${file}`, files: file ? [{ path: file }] : [] }
    case 'Read':
      return { toolKind, title: `Read ${file}`, files: file ? [{ path: file }] : [] }
    case 'Grep':
    case 'Glob':
      return { toolKind, title: `${name} ${str(input.pattern) ?? ''}`.trim() }
    case 'WebFetch':
      return { toolKind, title: `Fetch ${str(input.url) ?? ''}`.trim() }
    case 'WebSearch':
      return { toolKind, title: `Search the web: ${str(input.query) ?? ''}` }
    case 'Task':
    case 'Agent':
      return { toolKind, title: `Agent: ${str(input.description) ?? str(input.subagent_type) ?? 'task'}` }
    default:
      return { toolKind, title: str(input.description) ?? name }
  }
}

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content.map((b: Json) => (b?.type === 'text' && typeof b.text === 'string' ? b.text : '')).join('')
}

export function usageOf(r: Json): Extract<LaneEventBody, { type: 'usage' }> {
  const nn = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
  // modelUsage is per model and cumulative over the session (also across --resume); the `_since_last_result`
  // variant is this turn's share, and unlike `usage` it still counts an interrupted request.
  const sum = (models: unknown) => {
    if (!models || typeof models !== 'object') return undefined
    const t = { inputTokens: 0, outputTokens: 0, cachedInputTokens: 0, costUsd: 0 }
    for (const m of Object.values(models as Record<string, Json>)) {
      t.inputTokens += nn(m.inputTokens) + nn(m.cacheReadInputTokens) + nn(m.cacheCreationInputTokens)
      t.outputTokens += nn(m.outputTokens)
      t.cachedInputTokens += nn(m.cacheReadInputTokens)
      t.costUsd += nn(m.costUSD)
    }
    return t
  }
  const u: Json = r.usage ?? {}
  const turn = sum(r.model_usage_since_last_result) ?? {
    inputTokens: nn(u.input_tokens) + nn(u.cache_read_input_tokens) + nn(u.cache_creation_input_tokens),
    outputTokens: nn(u.output_tokens),
    cachedInputTokens: nn(u.cache_read_input_tokens),
  }
  const total = sum(r.modelUsage)
  if (total && typeof r.total_cost_usd === 'number') total.costUsd = nn(r.total_cost_usd)
  return total ? { type: 'usage', turn, total } : { type: 'usage', turn }
}

/** Tokens one model call put into the context: everything it read and wrote. */
export function callTokens(u: Json): number {
  const nn = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0)
  return nn(u.input_tokens) + nn(u.cache_read_input_tokens) + nn(u.cache_creation_input_tokens) + nn(u.output_tokens)
}

/** The context window's fill: the last main call's tokens against its model's window from modelUsage. */
export function contextOf(models: unknown, lastCall: { model: string; tokens: number } | undefined): ContextFill | undefined {
  if (!lastCall || !models || typeof models !== 'object') return undefined
  const window = (models as Record<string, Json>)[lastCall.model]?.contextWindow
  if (typeof window !== 'number' || !Number.isFinite(window) || window <= 0) return undefined
  return { usedTokens: Math.round(lastCall.tokens), windowTokens: Math.round(window) }
}
