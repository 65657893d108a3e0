import { createReadStream, existsSync } from 'node:fs'
import readline from 'node:readline'
import type { z } from 'zod'
import type { SearchHit } from '../../../shared/contract'

type Hit = z.infer<typeof SearchHit>

// ---- Pure helpers ---------------------------------------------------------------------------------

/** Terminal escape sequences (CSI, OSC, single-character ones) and stray control characters. */
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[PX^_][^\x1b]*\x1b\\|\x1b[@-Z\\-_]|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g

/** What a terminal shows, as plain text. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI, '').replace(/\r\n?/g, '\n')
}

/** A case-insensitive matcher for `query` taken literally (regex case folding keeps string indices). */
export function queryMatcher(query: string): RegExp {
  return new RegExp(query.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'iu')
}

/** The text around `index`, on one line, cut at word boundaries where it can. */
export function snippetAround(text: string, index: number, length: number, before = 60, after = 100): string {
  let start = Math.max(0, index - before)
  let end = Math.min(text.length, index + length + after)
  if (start > 0) {
    const space = text.slice(start, index).search(/\s/)
    if (space !== -1) start += space + 1
  }
  if (end < text.length) {
    const tail = text.slice(index + length, end)
    const space = Math.max(tail.lastIndexOf(' '), tail.lastIndexOf('\n'))
    if (space !== -1) end = index + length + space
  }
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim()
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`
}

/**
 * What of an event is worth searching, and how it joins its neighbours: streamed deltas and terminal
 * frames cut words anywhere, so consecutive ones are searched as one text.
 */
type Piece = { text: string; run?: string; pending?: string }

function piecesOf(e: any): Piece[] {
  const str = (v: unknown) => (typeof v === 'string' ? v : '')
  switch (e.type) {
    case 'input':
      return [{ text: str(e.text) }]
    case 'message':
      return [{ text: str(e.text) }]
    case 'text.delta':
      // Superseded by the message that ends it (adapters send both), if one comes.
      return [{ text: str(e.text), run: `text:${e.messageId ?? ''}` }]
    case 'terminal.output':
      return [{ text: stripAnsi(str(e.data)), run: 'terminal' }]
    case 'tool.started':
      return [{ text: [e.title, e.command].filter((v) => typeof v === 'string' && v).join('\n') }]
    case 'tool.updated':
      // Output so far (cumulative): kept only if the call never completes.
      return [{ text: str(e.output), pending: `tool:${e.toolCallId}` }]
    case 'tool.completed':
      return [{ text: [e.command, e.output, ...(Array.isArray(e.files) ? e.files.map((f: any) => str(f?.path)) : [])].filter((v) => typeof v === 'string' && v).join('\n') }]
    case 'error':
      return [{ text: str(e.message) }]
    default:
      return []
  }
}

type Run = { key: string; seq: number; at: number; type: string; text: string; marks: Array<{ offset: number; seq: number; at: number }> }

/** Past this, a run of terminal output is searched and only its tail kept (bounded memory). */
const RUN_LIMIT = 64 * 1024

/**
 * Hits in one lane's events, in file order. At most one hit per event (or joined run); `keep` bounds
 * how many of the newest are kept.
 */
export class TranscriptScanner {
  readonly hits: Hit[] = []
  private run: Run | undefined
  /** Deltas and tool outputs waiting to learn whether a final event supersedes them. */
  private readonly pending = new Map<string, { seq: number; at: number; type: string; text: string }>()

  constructor(
    private readonly lane: { id: string; title: string; archived: boolean },
    private readonly re: RegExp,
    /** The query's length: a match is exactly this long. */
    private readonly queryLength: number,
    private readonly keep: number,
  ) {}

  push(e: any): void {
    if (!e || typeof e !== 'object' || typeof e.seq !== 'number') return
    const at = typeof e.at === 'number' ? e.at : 0
    // A streamed message carries no text of its own: its deltas are what is searched.
    if (e.type === 'message' && !e.streamed) {
      const key = `text:${e.messageId ?? ''}`
      if (this.run?.key === key) this.run = undefined
      this.pending.delete(key)
    }
    if (e.type === 'tool.completed') this.pending.delete(`tool:${e.toolCallId}`)
    if (e.type === 'turn.completed' || e.type === 'process.exited') this.flushPending()
    for (const piece of piecesOf(e)) {
      if (piece.run) {
        if (this.run && this.run.key !== piece.run) this.endRun()
        this.run ??= { key: piece.run, seq: e.seq, at, type: e.type, text: '', marks: [] }
        this.run.marks.push({ offset: this.run.text.length, seq: e.seq, at })
        this.run.text += piece.text
        if (this.run.key === 'terminal' && this.run.text.length > RUN_LIMIT) {
          this.searchRun(this.run)
          // A match cannot lie wholly in a tail shorter than it, so no hit is counted twice.
          const tail = this.run.text.slice(-(this.queryLength - 1) || this.run.text.length)
          this.run = { ...this.run, seq: e.seq, at, text: tail, marks: [{ offset: 0, seq: e.seq, at }] }
        }
        continue
      }
      this.endRun()
      if (piece.pending) this.pending.set(piece.pending, { seq: e.seq, at, type: e.type, text: piece.text })
      else this.search(piece.text, e.seq, at, e.type)
    }
  }

  /** The end of the file: what is still waiting counts. */
  end(): Hit[] {
    this.endRun()
    this.flushPending()
    return this.hits
  }

  private endRun(): void {
    const run = this.run
    if (!run) return
    this.run = undefined
    if (run.key === 'terminal') return this.searchRun(run)
    // A streamed message waits for the message event that may replace it (and may go on after a tool call).
    const before = this.pending.get(run.key)
    this.pending.set(run.key, before ? { ...before, text: before.text + run.text } : { seq: run.seq, at: run.at, type: run.type, text: run.text })
  }

  /** Terminal output: the hit points at the frame the match starts in. */
  private searchRun(run: Run): void {
    const m = this.re.exec(run.text)
    if (!m) return
    let mark = run.marks[0]
    for (const k of run.marks) if (k.offset <= m.index) mark = k
    this.hits.push({ laneId: this.lane.id, laneTitle: this.lane.title, archived: this.lane.archived, seq: mark.seq, at: mark.at, type: run.type, snippet: snippetAround(run.text, m.index, m[0].length) })
    this.trim()
  }

  private flushPending(): void {
    this.endRun()
    for (const p of this.pending.values()) this.search(p.text, p.seq, p.at, p.type)
    this.pending.clear()
  }

  private search(text: string, seq: number, at: number, type: string): void {
    if (!text) return
    const m = this.re.exec(text)
    if (!m) return
    this.hits.push({ laneId: this.lane.id, laneTitle: this.lane.title, archived: this.lane.archived, seq, at, type, snippet: snippetAround(text, m.index, m[0].length) })
    this.trim()
  }

  private trim(): void {
    if (this.hits.length > this.keep * 2) this.hits.splice(0, this.hits.length - this.keep) // newest are last
  }
}

// ---- Files ----------------------------------------------------------------------------------------

async function scanFile(lane: { id: string; title: string; archived: boolean; file: string }, re: RegExp, queryLength: number, keep: number): Promise<Hit[]> {
  if (!existsSync(lane.file)) return []
  const scanner = new TranscriptScanner(lane, re, queryLength, keep)
  const lines = readline.createInterface({ input: createReadStream(lane.file, { encoding: 'utf8', highWaterMark: 256 * 1024 }), crlfDelay: Infinity })
  for await (const line of lines) {
    if (!line) continue
    try {
      scanner.push(JSON.parse(line))
    } catch {} // a torn last line from a crash
  }
  return scanner.end()
}

/**
 * Case-insensitive search over every lane's transcript: what the user sent, what the agent said, tool
 * commands and output, terminal output (as plain text). One hit per event, newest first. Files are
 * streamed line by line, never read whole.
 */
export async function searchTranscripts(
  lanes: ReadonlyArray<{ id: string; title: string; archived: boolean; file: string }>,
  query: string,
  limit: number,
): Promise<Hit[]> {
  const q = query.trim()
  if (!q) return []
  const re = queryMatcher(q)
  const perLane = await Promise.all(lanes.map((l) => scanFile(l, re, q.length, limit).catch(() => [] as Hit[])))
  return perLane
    .flat()
    .sort((a, b) => b.at - a.at || b.seq - a.seq)
    .slice(0, limit)
}
