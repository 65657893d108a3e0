/** Unified diffs as rows to draw: pure, no DOM. */

export type DiffLineKind = 'add' | 'del' | 'ctx' | 'hunk' | 'meta'

export interface DiffLine {
  kind: DiffLineKind
  /** Without the leading +, - or space. */
  text: string
  oldNo?: number
  newNo?: number
}

export interface ParsedDiff {
  lines: DiffLine[]
  added: number
  removed: number
}

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/
const META = /^(diff |index |--- |\+\+\+ |new file|deleted file|similarity |rename |old mode|new mode|Binary files)/

/**
 * Reads a unified diff (git's or `diff -u`'s). Text without hunk headers is read line by line by
 * its first character, without line numbers.
 */
export function parseDiff(diff: string): ParsedDiff {
  const raw = diff.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n')
  const lines: DiffLine[] = []
  let added = 0
  let removed = 0
  let oldNo = 0
  let newNo = 0
  let oldLeft = 0
  let newLeft = 0
  let sawHunk = false
  for (const line of raw) {
    const inHunk = oldLeft > 0 || newLeft > 0
    const hunk = inHunk ? null : HUNK.exec(line)
    if (hunk) {
      sawHunk = true
      oldNo = Number(hunk[1])
      newNo = Number(hunk[3])
      oldLeft = hunk[2] === undefined ? 1 : Number(hunk[2])
      newLeft = hunk[4] === undefined ? 1 : Number(hunk[4])
      lines.push({ kind: 'hunk', text: line })
      continue
    }
    if (!inHunk && (META.test(line) || (sawHunk && !/^[-+ ]/.test(line)))) {
      lines.push({ kind: 'meta', text: line })
      continue
    }
    if (line.startsWith('\\')) {
      lines.push({ kind: 'meta', text: line })
      continue
    }
    const mark = line[0]
    const text = line.slice(1)
    if (mark === '+') {
      added++
      lines.push(sawHunk ? { kind: 'add', text, newNo: newNo++ } : { kind: 'add', text })
      newLeft = Math.max(0, newLeft - 1)
    } else if (mark === '-') {
      removed++
      lines.push(sawHunk ? { kind: 'del', text, oldNo: oldNo++ } : { kind: 'del', text })
      oldLeft = Math.max(0, oldLeft - 1)
    } else {
      // Context (a space, or an empty line some tools write for an empty context line).
      const ctx = mark === ' ' ? text : line
      lines.push(sawHunk ? { kind: 'ctx', text: ctx, oldNo: oldNo++, newNo: newNo++ } : { kind: 'ctx', text: ctx })
      oldLeft = Math.max(0, oldLeft - 1)
      newLeft = Math.max(0, newLeft - 1)
    }
  }
  return { lines, added, removed }
}

export type SplitRow =
  | { kind: 'full'; line: DiffLine }
  | { kind: 'pair'; left: DiffLine | null; right: DiffLine | null }

/** Side by side: context on both sides, a run of removals paired with the additions after it. */
export function splitRows(lines: readonly DiffLine[]): SplitRow[] {
  const rows: SplitRow[] = []
  let i = 0
  while (i < lines.length) {
    const line = lines[i]
    if (line.kind === 'hunk' || line.kind === 'meta') {
      rows.push({ kind: 'full', line })
      i++
    } else if (line.kind === 'ctx') {
      rows.push({ kind: 'pair', left: line, right: line })
      i++
    } else {
      const dels: DiffLine[] = []
      const adds: DiffLine[] = []
      while (i < lines.length && lines[i].kind === 'del') dels.push(lines[i++])
      while (i < lines.length && lines[i].kind === 'add') adds.push(lines[i++])
      for (let k = 0; k < Math.max(dels.length, adds.length); k++) {
        rows.push({ kind: 'pair', left: dels[k] ?? null, right: adds[k] ?? null })
      }
    }
  }
  return rows
}
