// Lane start vs bare start. An agent lane: `lanes.create` until it returns ready, against spawning the
// same command (argv, env, cwd recorded from the lane's own spawn) and replaying the handshake the
// adapter had until ready (pi: get_state; codex: initialize … thread/start; claude: the initialize
// control request; ACP: initialize, session/new). A terminal lane: create until an echo comes back,
// against the same shell (argv and env read from the lane's /proc) in a bare node-pty.
import { readFileSync } from 'node:fs'
import * as nodePty from 'node-pty'
import { TREE_VAR } from '../src/main/core/transport/supervision'
import type { TestCore } from '../test/support/core'
import type { AgentName, BenchAgents } from './agents'
import { median, within, type RatioFigures } from './figures'
import { bareLaunch, recordLaunch } from './launch-capture'

const ms = (x: number) => `${x.toFixed(0)} ms`

/** `rounds` lane starts and bare starts of `name`, alternated, after one of each to warm the disk cache. */
export async function laneStartVsBare(agents: BenchAgents, name: AgentName, rounds: number): Promise<RatioFigures> {
  const { core } = agents
  const { profile, real } = agents.profile(name)
  const lane: number[] = []
  const bare: number[] = []
  for (let i = 0; i <= rounds; i++) {
    let laneId = ''
    const rec = await recordLaunch(async () => {
      const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
      laneId = lane.id
      if (lane.status !== 'ready') throw new Error(`the ${name} lane is ${lane.status}, not ready`)
    })
    await core.lanes.remove(laneId)
    const b = await bareLaunch(rec.launch)
    if (i === 0) continue
    lane.push(rec.ms)
    bare.push(b)
  }
  return {
    ratios: bare.map((b, i) => b / lane[i]),
    note: `${real ? 'real CLI' : 'fake agent (CLI not installed)'}; median lane ${ms(median(lane))}, bare ${ms(median(bare))}`,
  }
}

/** A process's argv and env, as the kernel has them (Linux). */
function procLaunch(pid: number): { argv: string[]; env: Record<string, string> } {
  const split = (file: string) => readFileSync(`/proc/${pid}/${file}`, 'utf8').split('\0').filter(Boolean)
  const env: Record<string, string> = {}
  for (const kv of split('environ')) {
    const eq = kv.indexOf('=')
    if (eq > 0) env[kv.slice(0, eq)] = kv.slice(eq + 1)
  }
  delete env[TREE_VAR]
  return { argv: split('cmdline'), env }
}

const ECHO = 'echo lane-$((6*7))\r'
const ECHOED = 'lane-42'

/** A terminal lane (bash without rc files) until its echo, vs the same shell in a bare pty. */
export async function terminalStartVsBare(core: TestCore, rounds: number): Promise<RatioFigures> {
  if (process.platform !== 'linux') throw new Error('reads the lane shell’s argv and env from /proc (Linux only)')
  const profile = core.profile()
  const lane: number[] = []
  const bare: number[] = []
  for (let i = 0; i <= rounds; i++) {
    const t0 = performance.now()
    let out = ''
    let echoed!: () => void
    const seen = new Promise<void>((r) => (echoed = r))
    let laneId = ''
    const off = core.lanes.onEvent((e) => {
      if (e.laneId !== laneId || e.type !== 'terminal.output') return
      out += e.data
      if (out.includes(ECHOED)) echoed()
    })
    const record = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    laneId = record.id
    await core.lanes.send(laneId, ECHO)
    await within(seen, 20_000, 'the terminal lane’s echo')
    const laneMs = performance.now() - t0
    off()
    const { argv, env } = procLaunch(record.pid!)
    await core.lanes.remove(laneId)
    const bareMs = await barePtyEcho(argv, env, core.folder, record.cols, record.rows)
    if (i === 0) continue
    lane.push(laneMs)
    bare.push(bareMs)
  }
  return { ratios: bare.map((b, i) => b / lane[i]), note: `bash --norc in a pty; median lane ${ms(median(lane))}, bare ${ms(median(bare))}` }
}

async function barePtyEcho(argv: string[], env: Record<string, string>, cwd: string, cols: number, rows: number): Promise<number> {
  const t0 = performance.now()
  const pty = nodePty.spawn(argv[0], argv.slice(1), { name: env.TERM ?? 'xterm-256color', cols, rows, cwd, env, encoding: 'utf8' })
  let out = ''
  try {
    const echoed = new Promise<void>((resolve) =>
      pty.onData((d) => {
        out += d
        if (out.includes(ECHOED)) resolve()
      }),
    )
    pty.write(ECHO)
    await within(echoed, 20_000, 'the bare shell’s echo')
    return performance.now() - t0
  } finally {
    pty.kill('SIGKILL')
  }
}
