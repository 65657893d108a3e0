/** Fuzzy matching for the command palette: pure, so the ranking is unit-tested. */

export interface FuzzyMatch {
  score: number
  /** Indices into the text of the matched characters (for highlighting). */
  positions: number[]
}

const isWordStart = (text: string, i: number) => i === 0 || /[\s\-_/.:·(]/.test(text[i - 1]) || (/[a-z]/.test(text[i - 1]) && /[A-Z]/.test(text[i]))

/**
 * Whether `query`'s characters occur in `text` in order (case-insensitive), and how well: a match at
 * the start, at word starts and in runs scores higher; gaps cost a little. Null when they do not occur.
 * Letters may jump to word starts, which is what people type ("nl" → "New lane").
 */
export function fuzzyMatch(query: string, text: string): FuzzyMatch | null {
  const q = query.toLowerCase()
  const t = text.toLowerCase()
  if (q.length === 0) return { score: 0, positions: [] }
  // A plain substring is the best kind of match: prefer it (at its best place) when there is one.
  const candidates = [bestSubstring(q, t, text), scan(q, t, text, true), scan(q, t, text, false)]
  let best: FuzzyMatch | null = null
  for (const c of candidates) if (c && (!best || c.score > best.score)) best = c
  return best
}

/** Left to right; with `jump`, a letter goes to a later word start when there is one (may then miss). */
function scan(q: string, t: string, text: string, jump: boolean): FuzzyMatch | null {
  const positions: number[] = []
  let score = 0
  let from = 0
  let previous = -2
  for (const ch of q) {
    if (ch === ' ') continue
    let i = t.indexOf(ch, from)
    if (i < 0) return null
    if (jump && i !== previous + 1) {
      for (let j = i; j >= 0; j = t.indexOf(ch, j + 1)) {
        if (isWordStart(text, j)) {
          i = j
          break
        }
      }
    }
    score += 1
    if (i === previous + 1) score += 5
    if (isWordStart(text, i)) score += 8
    if (i === 0) score += 6
    score -= Math.min(3, Math.max(0, i - previous - 1)) * 0.5
    positions.push(i)
    previous = i
    from = i + 1
  }
  return { score, positions }
}

function bestSubstring(q: string, t: string, text: string): FuzzyMatch | null {
  const needle = q.trim()
  if (!needle || needle.includes(' ')) return null
  let best: FuzzyMatch | null = null
  for (let i = t.indexOf(needle); i >= 0; i = t.indexOf(needle, i + 1)) {
    const score = needle.length * 6 + (isWordStart(text, i) ? 8 : 0) + (i === 0 ? 6 : 0) + 4
    if (!best || score > best.score) best = { score, positions: Array.from({ length: needle.length }, (_, k) => i + k) }
  }
  return best
}

export interface Searchable {
  title: string
  /** More words that find the item (not shown). */
  keywords?: string
}

export interface Ranked<T> {
  item: T
  score: number
  /** Matched positions in the title. */
  positions: number[]
}

/**
 * The items matching every word of `query` (fuzzily in the title, or failing that as the start of a
 * keyword), best first;
 * equal scores keep the list's order. An empty query keeps everything in order.
 */
export function rankItems<T extends Searchable>(items: readonly T[], query: string): Ranked<T>[] {
  const words = query.trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return items.map((item) => ({ item, score: 0, positions: [] }))
  const out: (Ranked<T> & { order: number })[] = []
  items.forEach((item, order) => {
    let score = 0
    const positions = new Set<number>()
    for (const word of words) {
      const inTitle = fuzzyMatch(word, item.title)
      if (inTitle) {
        score += inTitle.score
        for (const p of inTitle.positions) positions.add(p)
        continue
      }
      // Keywords match by word prefix only: scattered letters over a bag of synonyms find everything.
      const lower = word.toLowerCase()
      const inKeywords = item.keywords?.toLowerCase().split(/\s+/).some((k) => k.startsWith(lower))
      if (!inKeywords) return
      // A keyword hit counts, but less than a hit in the title.
      score += lower.length * 3
    }
    // The whole query as one run in the title beats the same letters spread over words.
    if (words.length > 1 && item.title.toLowerCase().includes(words.join(' ').toLowerCase())) score += 10
    out.push({ item, score, positions: [...positions].sort((a, b) => a - b), order })
  })
  out.sort((a, b) => b.score - a.score || a.order - b.order)
  return out.map(({ item, score, positions }) => ({ item, score, positions }))
}
