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
}

const now = () => performance.now()

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
  try {
    let file = 0
    const parseOnce = () => {
      const t = now()
      let sink = 0
      for (const l of lines) sink += JSON.parse(l) ? 1 : 0
      if (sink !== lines.length) throw new Error('parse')
      return now() - t
    }
    const pipelineOnce = () => {
      const transcript = new Transcript(path.join(dir, `r${file++}.jsonl`))
      const l = lane(transcript)
      const feed = spec.make((e) => l.emit(e))
      const reader = new JsonlReader(feed, () => {})
      const t = now()
      // Stdout arrives in 64 KiB chunks; each chunk is one event-loop turn, so one group write.
      for (let i = 0; i < bytes.length; i += 65536) {
        reader.push(bytes.subarray(i, i + 65536))
        ;(transcript as { flush?: () => void }).flush?.()
      }
      const took = now() - t
      transcript.close()
      return took
    }
    for (let r = 0; r <= rounds; r++) {
      // Best of three of each, alternated: on a loaded machine the best run is the least disturbed one.
      let parse = Infinity
      let pipeline = Infinity
      for (let k = 0; k < 3; k++) {
        parse = Math.min(parse, parseOnce())
        pipeline = Math.min(pipeline, pipelineOnce())
      }
      if (r > 0) ratios.push(parse / pipeline) // round 0 warms up
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  return { adapter, lines: lines.length, ratios }
}

export const ADAPTERS = Object.keys(TRANSLATORS)

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  for (const a of ADAPTERS) {
    const f = await measurePipeline(a)
    const s = [...f.ratios].sort((x, y) => x - y)
    console.log(`${a}: ${f.lines} lines, pipeline/JSON.parse min ${s[0].toFixed(2)}× median ${s[s.length >> 1].toFixed(2)}×`)
  }
}
