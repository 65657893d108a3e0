// The event pipeline against its floor: recorded agent stdout through reader → adapter → lane →
// transcript (group commit), vs a bare JSON.parse of the same lines, in the same run.
// `node node_modules/jiti/lib/jiti-cli.mjs bench/pipeline.ts` prints one row per adapter; bench/run.ts uses it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { ClaudeProtocol } from '../src/main/core/agents/claude'
import { CodexTranslator } from '../src/main/core/agents/codex-protocol'
import { PiProtocol } from '../src/main/core/agents/pi'
import type { AgentAdapter } from '../src/main/core/agents/types'
import { Lane } from '../src/main/core/lanes/lane'
import { Transcript } from '../src/main/core/lanes/transcript'
import { JsonlReader } from '../src/main/core/transport/jsonl'
import type { LaneEventBody } from '../src/shared/events'
import type { Lane as LaneRecord } from '../src/shared/contract'

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '../test/fixtures/transcripts')

/** What the agent printed (`<<` lines), as raw JSON text. */
export function recordedStdout(...files: string[]): string[] {
  return files.flatMap((f) =>
    readFileSync(path.join(FIXTURES, f), 'utf8')
      .split('\n')
      .map((l) => /^\[\s*\d+ms\] << (.*)$/.exec(l)?.[1])
      .filter((j): j is string => j !== undefined),
  )
}

type Emit = (e: LaneEventBody) => void
/** Each adapter's translator, fed parsed stdout values the way its session does. */
const TRANSLATORS: Record<string, { files: string[]; make: (emit: Emit) => (value: any) => void }> = {
  pi: {
    files: ['pi-rpc-1.io.log', 'pi-rpc-openai-responses.io.log', 'pi-rpc-anthropic-messages.io.log'],
    make(emit) {
      const p = new PiProtocol({ emit, write: () => {} })
      return (v) => {
        p.receive(v)
        p.flush()
      }
    },
  },
  claude: {
    files: ['claude-sdk-1.io.log', 'claude-sdk-2-resume.io.log'],
    make(emit) {
      const p = new ClaudeProtocol({ emit, setResumeToken: () => {}, write: () => {} })
      return (v) => p.onMessage(v)
    },
  },
  codex: {
    files: ['codex-app-server-1.io.log', 'codex-app-server-2-resume.io.log'],
    make(emit) {
      const t = new CodexTranslator(emit, 'bench')
      // Requests (approvals) wait for a user; responses go to the JSON-RPC client: neither is the hot path.
      return (v) => {
        if (v.method && v.id === undefined) t.notification(v.method, v.params)
      }
    },
  },
}

export interface PipelineFigure {
  adapter: string
  lines: number
  /** JSON.parse time / pipeline time, per round. */
  ratios: number[]
  /** The same from CPU time (this process's user + system): what other processes' load does not move. */
  cpuRatios: number[]
  /** Each round's best wall time of each side, in ms. */
  parseMs: number[]
  pipelineMs: number[]
}

const now = () => performance.now()
const cpuNow = () => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1000
}
/** Wall and CPU ms of `run`. */
function timed(run: () => void): { wall: number; cpu: number } {
  const t = now()
  const c = cpuNow()
  run()
  return { wall: now() - t, cpu: cpuNow() - c }
}

function lane(transcript: Transcript): Lane {
  const record = { id: 'lane_bench', workspaceId: 'w', profileId: 'p', kind: 'pi', title: 'bench', status: 'ready', createdAt: 0, lastActivityAt: 0 } as unknown as LaneRecord
  return new Lane(record, {
    adapter: undefined as unknown as AgentAdapter,
    transcript,
    now: Date.now,
    launchSpec: async () => {
      throw new Error('not started in the bench')
    },
    onRecord: () => {},
    onEvent: () => {},
    policy: () => 'ask',
  })
}

/** One adapter: `copies` of its recorded sessions, `rounds` times, baseline and pipeline interleaved. */
export async function measurePipeline(adapter: string, rounds = 5, copies = 60): Promise<PipelineFigure> {
  const spec = TRANSLATORS[adapter]
  const one = recordedStdout(...spec.files)
  const lines = Array.from({ length: copies }, () => one).flat()
  const bytes = Buffer.from(lines.join('\n') + '\n')
  const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-'))
  const ratios: number[] = []
  const cpuRatios: number[] = []
  const parseMs: number[] = []
  const pipelineMs: number[] = []
  try {
    let file = 0
    // Baseline: JSON.parse of each line, already a string in memory (so no reading, splitting or decoding).
    const parseOnce = () => {
      let sink = 0
      const took = timed(() => {
        for (const l of lines) sink += JSON.parse(l) ? 1 : 0
      })
      if (sink !== lines.length) throw new Error('parse')
      return took
    }
    // Pipeline: the same lines as UTF-8 bytes in 64 KiB chunks → JsonlReader (split, decode, JSON.parse) →
    // the adapter's translator → Lane.emit → Transcript, written to a file once per chunk. Not included:
    // the agent's pipe, sending frames to clients (no client subscribes here).
    const pipelineOnce = () => {
      const transcript = new Transcript(path.join(dir, `r${file++}.jsonl`))
      const l = lane(transcript)
      const feed = spec.make((e) => l.emit(e))
      const reader = new JsonlReader(feed, () => {})
      const took = timed(() => {
        // Stdout arrives in 64 KiB chunks; each chunk is one event-loop turn, so one group write.
        for (let i = 0; i < bytes.length; i += 65536) {
          reader.push(bytes.subarray(i, i + 65536))
          ;(transcript as { flush?: () => void }).flush?.()
        }
      })
      transcript.close()
      return took
    }
    for (let r = 0; r <= rounds; r++) {
      // Best of three of each, alternated: on a loaded machine the best run is the least disturbed one.
      const parse = { wall: Infinity, cpu: Infinity }
      const pipeline = { wall: Infinity, cpu: Infinity }
      for (let k = 0; k < 3; k++) {
        const p = parseOnce()
        const q = pipelineOnce()
        parse.wall = Math.min(parse.wall, p.wall)
        parse.cpu = Math.min(parse.cpu, p.cpu)
        pipeline.wall = Math.min(pipeline.wall, q.wall)
        pipeline.cpu = Math.min(pipeline.cpu, q.cpu)
      }
      if (r === 0) continue // round 0 warms up
      ratios.push(parse.wall / pipeline.wall)
      cpuRatios.push(parse.cpu / pipeline.cpu)
      parseMs.push(parse.wall)
      pipelineMs.push(pipeline.wall)
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return { adapter, lines: lines.length, ratios, cpuRatios, parseMs, pipelineMs }
}

export const ADAPTERS = Object.keys(TRANSLATORS)

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const rounds = Number(process.argv[2] ?? 5)
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ')
  const sorted = (xs: number[]) => [...xs].sort((x, y) => x - y)
  const median = (xs: number[]) => sorted(xs)[xs.length >> 1]
  // No forced GC between runs: a full GC shrinks the young generation, and each side would then pay for
  // growing it again; both run in the warmed-up heap a busy server has (the warm-up round).
  console.log(`pipeline bench, ${rounds} rounds (best of 3 each, alternated); load ${load()}`)
  for (const a of ADAPTERS) {
    const f = await measurePipeline(a, rounds)
    const s = sorted(f.ratios)
    console.log(
      `${a}: ${f.lines} lines, JSON.parse/pipeline min ${s[0].toFixed(2)}× median ${median(f.ratios).toFixed(2)}× max ${s[s.length - 1].toFixed(2)}×` +
        ` (median ms: parse ${median(f.parseMs).toFixed(1)}, pipeline ${median(f.pipelineMs).toFixed(1)});` +
        ` by CPU time min ${Math.min(...f.cpuRatios).toFixed(2)}× median ${median(f.cpuRatios).toFixed(2)}×`,
    )
  }
  console.log(`load at end ${load()}`)
}
