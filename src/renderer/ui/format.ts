/** Small formatting helpers for the structured lane view: pure. */

export interface UsageLike {
  inputTokens?: number
  outputTokens?: number
  cachedInputTokens?: number
  costUsd?: number
}

/** 950 → "950", 12_345 → "12.3k", 1_234_567 → "1.23M". */
export function formatTokens(n: number): string {
  if (n < 1000) return String(n)
  if (n < 100_000) return `${trim((n / 1000).toFixed(1))}k`
  if (n < 1_000_000) return `${Math.round(n / 1000)}k`
  return `${trim((n / 1_000_000).toFixed(2))}M`
}

const trim = (s: string) => s.replace(/\.0+$/, '').replace(/(\.\d*?)0+$/, '$1')

/** Dollars: cents for anything above a dime, more digits below. */
export function formatCost(usd: number): string {
  if (usd === 0) return '$0'
  if (usd >= 0.1) return `$${usd.toFixed(2)}`
  if (usd >= 0.001) return `$${usd.toFixed(3)}`
  return '<$0.001'
}

/** 850 → "0.9s", 12_000 → "12s", 184_000 → "3m 4s". */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`
  const s = Math.round(ms / 1000)
  if (s < 60) return `${s}s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m}m ${s % 60}s`
  return `${Math.floor(m / 60)}h ${m % 60}m`
}

/** The parts of a usage worth showing, e.g. ["12.3k in", "1.2k out", "$0.04"]. */
export function usageParts(usage: UsageLike | undefined): string[] {
  if (!usage) return []
  const parts: string[] = []
  if (usage.inputTokens !== undefined) parts.push(`${formatTokens(usage.inputTokens)} in`)
  if (usage.outputTokens !== undefined) parts.push(`${formatTokens(usage.outputTokens)} out`)
  if (usage.costUsd !== undefined) parts.push(formatCost(usage.costUsd))
  return parts
}

/** A tooltip with every figure spelled out. */
/** `toLocaleString` builds a formatter per call (~0.1 ms), and every lane header formats its usage on each render. */
const GROUPED = new Intl.NumberFormat('en-US')

export function usageTitle(usage: UsageLike | undefined): string {
  if (!usage) return ''
  const lines: string[] = []
  if (usage.inputTokens !== undefined) lines.push(`Input tokens: ${GROUPED.format(usage.inputTokens)}`)
  if (usage.cachedInputTokens !== undefined) lines.push(`Cached input tokens: ${GROUPED.format(usage.cachedInputTokens)}`)
  if (usage.outputTokens !== undefined) lines.push(`Output tokens: ${GROUPED.format(usage.outputTokens)}`)
  if (usage.costUsd !== undefined) lines.push(`Cost: $${usage.costUsd.toFixed(4)}`)
  return lines.join('\n')
}

/**
 * Splits a command line's arguments the way a shell would for the simple cases: whitespace
 * separates, single and double quotes group, a backslash escapes (outside single quotes).
 */
export function splitArgs(line: string): string[] {
  const args: string[] = []
  let current = ''
  let has = false
  let quote: '"' | "'" | null = null
  for (let i = 0; i < line.length; i++) {
    const c = line[i]
    if (quote === "'") {
      if (c === "'") quote = null
      else current += c
    } else if (c === '\\' && i + 1 < line.length && (quote === null || /["\\$`]/.test(line[i + 1]))) {
      current += line[++i]
      has = true
    } else if (quote === '"') {
      if (c === '"') quote = null
      else current += c
    } else if (c === '"' || c === "'") {
      quote = c
      has = true
    } else if (/\s/.test(c)) {
      if (has) args.push(current)
      current = ''
      has = false
    } else {
      current += c
      has = true
    }
  }
  if (has) args.push(current)
  return args
}

/** Arguments as one line a shell would read back the same (quoting where needed). */
export function joinArgs(args: readonly string[]): string {
  return args.map((a) => (a === '' ? "''" : /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ')
}

/** Idle timeouts offered in the profile editor (ms; 0 = never). */
export const IDLE_CHOICES: readonly { ms: number; label: string }[] = [
  { ms: 0, label: 'never' },
  { ms: 5 * 60_000, label: '5 min' },
  { ms: 15 * 60_000, label: '15 min' },
  { ms: 30 * 60_000, label: '30 min' },
  { ms: 60 * 60_000, label: '1 hour' },
  { ms: 4 * 3600_000, label: '4 hours' },
  { ms: 24 * 3600_000, label: '1 day' },
]

export function idleLabel(ms: number): string {
  const known = IDLE_CHOICES.find((c) => c.ms === ms)
  if (known) return known.label
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`
  if (ms < 3600_000) return `${Math.round(ms / 60_000)} min`
  return `${+(ms / 3600_000).toFixed(1)} hours`
}

/** The context window's fill as a whole percentage (0–100), or null when the agent does not report it. */
export function contextPercent(context: { usedTokens: number; windowTokens: number } | undefined): number | null {
  if (!context || context.windowTokens <= 0) return null
  return Math.min(100, Math.round((context.usedTokens / context.windowTokens) * 100))
}
