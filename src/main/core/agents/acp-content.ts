import path from 'node:path'
import * as acp from '@agentclientprotocol/sdk/unstable'
import type { ContextFill, LaneEventBody } from '../../../shared/events'

/** ACP content as Switchyard shows it: tool kinds, usage, text of content blocks, diffs. Pure functions. */

type ToolEvent = Extract<LaneEventBody, { type: 'tool.started' }>
export type ToolKind = NonNullable<ToolEvent['toolKind']>
type Usage = NonNullable<Extract<LaneEventBody, { type: 'usage' }>['turn']>

// Looked up by the agent's own tool names: no prototype, so `constructor` is just an unknown tool.
const TOOL_KINDS: Record<acp.ToolKind, ToolKind> = Object.assign(Object.create(null), {
  read: 'read',
  edit: 'edit',
  delete: 'edit',
  move: 'edit',
  search: 'search',
  execute: 'execute',
  think: 'think',
  fetch: 'fetch',
  switch_mode: 'other',
  other: 'other',
})
export const READ_ONLY: ReadonlySet<ToolKind> = new Set(['read', 'search', 'fetch', 'think'])

export function toolKindOf(kind: string | null | undefined): ToolKind | undefined {
  return kind ? (TOOL_KINDS[kind as acp.ToolKind] ?? 'other') : undefined
}

/** Token counts from a prompt result: ACP's (unstable) `usage`, or Gemini CLI's `_meta.quota`. */
export function usageOf(result: { usage?: acp.Usage | null; _meta?: Record<string, unknown> | null }): Usage | undefined {
  if (result.usage) {
    const u = result.usage
    return clean({ inputTokens: u.inputTokens, outputTokens: u.outputTokens, cachedInputTokens: u.cachedReadTokens ?? undefined })
  }
  const tc = (result._meta as { quota?: { token_count?: { input_tokens?: number; output_tokens?: number } } } | undefined)?.quota?.token_count
  if (tc) return clean({ inputTokens: tc.input_tokens, outputTokens: tc.output_tokens })
  return undefined
}

function clean(u: Usage): Usage | undefined {
  const out: Usage = {}
  for (const [k, v] of Object.entries(u) as [keyof Usage, number | undefined][]) if (typeof v === 'number' && v >= 0) out[k] = Math.round(v)
  return Object.keys(out).length ? out : undefined
}

const splitLines = (s: string) => (s === '' ? [] : s.replace(/\n$/, '').split('\n'))

/** A unified diff of two texts (3 lines of context): what the UI shows for an edit. */
export function unifiedDiff(file: string, oldText: string | null | undefined, newText: string): string {
  const a = splitLines(oldText ?? '')
  const b = splitLines(newText)
  let pre = 0
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++
  let suf = 0
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++
  const am = a.slice(pre, a.length - suf)
  const bm = b.slice(pre, b.length - suf)
  type Op = { t: ' ' | '-' | '+'; s: string }
  const mid: Op[] = []
  if (am.length * bm.length <= 4_000_000) {
    // Longest common subsequence, walked forwards.
    const n = am.length
    const m = bm.length
    const L = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1))
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) L[i][j] = am[i] === bm[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1])
    let i = 0
    let j = 0
    while (i < n && j < m) {
      if (am[i] === bm[j]) mid.push({ t: ' ', s: am[i++] }), j++
      else if (L[i + 1][j] >= L[i][j + 1]) mid.push({ t: '-', s: am[i++] })
      else mid.push({ t: '+', s: bm[j++] })
    }
    while (i < n) mid.push({ t: '-', s: am[i++] })
    while (j < m) mid.push({ t: '+', s: bm[j++] })
  } else {
    for (const s of am) mid.push({ t: '-', s })
    for (const s of bm) mid.push({ t: '+', s })
  }
  const ops: Op[] = [...a.slice(0, pre).map((s) => ({ t: ' ' as const, s })), ...mid, ...a.slice(a.length - suf).map((s) => ({ t: ' ' as const, s }))]
  const out = [`--- ${oldText == null || oldText === '' ? '/dev/null' : `a/${file}`}`, `+++ b/${file}`]
  const CONTEXT = 3
  let k = 0
  while (k < ops.length) {
    while (k < ops.length && ops[k].t === ' ') k++
    if (k >= ops.length) break
    // A hunk: from CONTEXT lines before the change to CONTEXT lines after the last change close to it.
    const start = Math.max(0, k - CONTEXT)
    let end = k
    for (let q = k; q < ops.length; q++) {
      if (ops[q].t !== ' ') end = q
      else if (q - end > 2 * CONTEXT) break
    }
    const stop = Math.min(ops.length, end + CONTEXT + 1)
    let aLine = 1
    let bLine = 1
    for (let q = 0; q < start; q++) {
      if (ops[q].t !== '+') aLine++
      if (ops[q].t !== '-') bLine++
    }
    const body = ops.slice(start, stop)
    const aLen = body.filter((o) => o.t !== '+').length
    const bLen = body.filter((o) => o.t !== '-').length
    out.push(`@@ -${aLen ? aLine : aLine - 1},${aLen} +${bLen ? bLine : bLine - 1},${bLen} @@`)
    for (const o of body) out.push(o.t + o.s)
    k = stop
  }
  return out.join('\n') + '\n'
}

export function blockText(block: acp.ContentBlock): string {
  switch (block.type) {
    case 'text':
      return block.text
    case 'resource_link':
      return block.uri
    case 'resource':
      return 'text' in block.resource ? block.resource.text : ''
    default:
      return ''
  }
}

export function contentText(content: acp.ToolCallContent[] | null | undefined): string {
  return (content ?? [])
    .map((c) => (c.type === 'content' ? blockText(c.content) : ''))
    .filter(Boolean)
    .join('\n')
}

/** `usage_update`'s tokens in context (`used`) against the window (`size`), where both are sane. */
export function contextOfUpdate(u: { used?: unknown; size?: unknown }): ContextFill | undefined {
  const { used, size } = u
  if (typeof used !== 'number' || typeof size !== 'number' || !Number.isFinite(used) || !Number.isFinite(size)) return undefined
  if (size <= 0 || used < 0) return undefined
  return { usedTokens: Math.round(used), windowTokens: Math.round(size) }
}

/** What a session offers (`models` of session/new|load|resume; unstable in ACP, Gemini sends it). */
export interface SessionModels {
  availableModels: ReadonlyArray<{ modelId: string; name?: string; description?: string | null }>
  currentModelId?: string
}

export function sessionModels(result: unknown): SessionModels | undefined {
  const models = (result as { models?: unknown } | null | undefined)?.models as SessionModels | undefined
  return models && Array.isArray(models.availableModels) ? models : undefined
}

/** What we know of one tool call, merged from its `tool_call`, updates and permission request. */
export interface ToolState {
  toolCallId: string
  kind?: acp.ToolKind | null
  title?: string | null
  status?: acp.ToolCallStatus | null
  content?: acp.ToolCallContent[] | null
  rawInput?: unknown
  rawOutput?: unknown
  declined?: boolean
  done?: boolean
}

/** A path inside the lane's folder as the user reads it (relative); anything else as given. */
export function relativeTo(cwd: string, p: string): string {
  const r = path.relative(cwd, p)
  return r && !r.startsWith('..') && !path.isAbsolute(r) ? r : p
}

/** A tool call's event fields; a `terminal` content's output comes from the terminal we ran for it. */
export function toolEventFields(
  tool: ToolState,
  cwd: string,
  terminalOf: (id: string) => { output: string; exit?: { exitCode: number | null } } | undefined,
): Omit<ToolEvent, 'type'> {
  const kind = toolKindOf(tool.kind)
  const input = (tool.rawInput ?? {}) as Record<string, unknown>
  let command: string | undefined
  if (kind === 'execute') {
    const c = input.command ?? input.cmd
    command = Array.isArray(c) ? c.join(' ') : typeof c === 'string' ? c : (tool.title ?? undefined)
  }
  const content = tool.content ?? []
  const outputs: string[] = []
  let exitCode: number | null | undefined
  // A pending call's content explains the request; it is not output yet.
  if (tool.status !== 'pending') {
    const text = contentText(content)
    if (text) outputs.push(text)
    for (const c of content) {
      if (c.type !== 'terminal') continue
      const t = terminalOf(c.terminalId)
      if (t) {
        outputs.push(t.output)
        if (t.exit) exitCode = t.exit.exitCode
      }
    }
    const raw = tool.rawOutput as Record<string, unknown> | string | undefined
    if (!outputs.length && typeof raw === 'string') outputs.push(raw)
    if (raw && typeof raw === 'object') {
      const o = raw.output ?? raw.stdout ?? raw.formatted_output ?? raw.aggregated_output
      if (!outputs.length && typeof o === 'string') outputs.push(o)
      const code = raw.exitCode ?? raw.exit_code ?? raw.returncode
      if (typeof code === 'number') exitCode = code
    }
  }
  const files = content.filter((c) => c.type === 'diff').map((d) => ({ path: d.path, diff: unifiedDiff(relativeTo(cwd, d.path), d.oldText, d.newText) }))
  return {
    toolCallId: tool.toolCallId,
    ...(kind ? { toolKind: kind } : {}),
    ...(tool.title ? { title: tool.title } : {}),
    ...(command !== undefined ? { command } : {}),
    ...(outputs.length ? { output: outputs.join('\n') } : {}),
    ...(exitCode !== undefined ? { exitCode } : {}),
    ...(files.length ? { files } : {}),
  }
}
