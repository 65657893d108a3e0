/** History and archive decisions: which lanes are in the columns, search snippets. Pure, no DOM. */
import type { Lane } from '../../shared/contract'

/** Lanes shown as columns: every lane not archived. */
export function activeLanes<T extends Pick<Lane, 'archived'>>(lanes: readonly T[]): T[] {
  return lanes.filter((l) => !l.archived)
}

/** Archived lanes, most recently active first. */
export function archivedLanes<T extends Pick<Lane, 'archived' | 'lastActivityAt'>>(lanes: readonly T[]): T[] {
  return lanes.filter((l) => l.archived).sort((a, b) => b.lastActivityAt - a.lastActivityAt)
}

export interface SnippetPart {
  text: string
  match: boolean
}

/**
 * The snippet cut into plain and matching parts: every occurrence of the query, or (when the whole
 * query does not occur) of each of its words, case-insensitively.
 */
export function highlightParts(snippet: string, query: string): SnippetPart[] {
  const q = query.trim()
  if (!q || !snippet) return snippet ? [{ text: snippet, match: false }] : []
  const whole = snippet.toLowerCase().includes(q.toLowerCase())
  const terms = (whole ? [q] : q.split(/\s+/)).filter(Boolean).sort((a, b) => b.length - a.length)
  const pattern = new RegExp(terms.map(escapeRegExp).join('|'), 'gi')
  const parts: SnippetPart[] = []
  let last = 0
  for (const m of snippet.matchAll(pattern)) {
    if (m[0].length === 0) continue
    const at = m.index ?? 0
    if (at > last) parts.push({ text: snippet.slice(last, at), match: false })
    parts.push({ text: m[0], match: true })
    last = at + m[0].length
  }
  if (last < snippet.length) parts.push({ text: snippet.slice(last), match: false })
  return parts
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** "just now", "5 min ago", "3 h ago", "yesterday", else the date. */
export function relativeTime(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000))
  if (s < 45) return 'just now'
  const min = Math.round(s / 60)
  if (min < 60) return `${min} min ago`
  const h = Math.round(min / 60)
  if (h < 24) return `${h} h ago`
  const d = Math.round(h / 24)
  if (d === 1) return 'yesterday'
  if (d < 7) return `${d} days ago`
  return new Date(at).toISOString().slice(0, 10)
}

/** What kind of transcript entry a hit is, as the result row says it. */
export function hitKind(type: string): string {
  if (type === 'input') return 'you'
  if (type === 'message' || type === 'text.delta') return 'agent'
  if (type.startsWith('tool.')) return 'tool'
  if (type === 'terminal.output') return 'terminal'
  if (type === 'reasoning.delta') return 'thinking'
  return type
}
