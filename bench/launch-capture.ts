// "Same argv, same env, same handshake": records what an adapter spawned and the messages it exchanged
// until its lane was ready, then replays that on a bare spawn of the same command. The lane-start and
// wake rows compare the two. Recording wraps AgentProcess.spawn and .write (every structured adapter
// starts its agent through them), so the bare run sees exactly the lane's command line, env and cwd.
import { spawn } from 'node:child_process'
import { AgentProcess, type AgentProcessSpec } from '../src/main/core/transport/agent-process'
import { JsonlReader, encodeJsonl } from '../src/main/core/transport/jsonl'

type Json = Record<string, unknown>

/** One step of a handshake, in the order the lane saw it: a message it wrote, or a message it waited for. */
export type Step = { write: unknown } | { await: string }

export interface Launch {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
  steps: Step[]
}

/** The key a reply (or an agent's request) is matched by: JSON-RPC ids, pi's command ids, Claude's request_id. */
function requestKey(v: Json): string | undefined {
  if (v.type === 'control_request' && typeof v.request_id === 'string') return `req:${v.request_id}`
  if (v.id !== undefined && typeof v.method === 'string') return `req:${String(v.id)}`
  if (v.id !== undefined && typeof v.type === 'string' && v.type !== 'response') return `req:${String(v.id)}` // pi
  return undefined
}
function replyKey(v: Json): string | undefined {
  if (v.type === 'control_response') {
    const id = (v.response as Json | undefined)?.request_id
    return typeof id === 'string' ? `reply:${id}` : undefined
  }
  if (v.id !== undefined && v.method === undefined && ('result' in v || 'error' in v || v.type === 'response')) return `reply:${String(v.id)}`
  return undefined
}

let recording: { launch?: Launch; pid?: number; sent: Set<string> } | undefined
const originalSpawn = AgentProcess.spawn.bind(AgentProcess)
const originalWrite = AgentProcess.prototype.write
let installed = false

function install(): void {
  if (installed) return
  installed = true
  AgentProcess.spawn = async (spec: AgentProcessSpec) => {
    const rec = recording
    if (!rec || rec.launch) return originalSpawn(spec)
    const launch: Launch = { command: spec.command, args: [...spec.args], cwd: spec.cwd, env: { ...spec.env }, steps: [] }
    rec.launch = launch
    const proc = await originalSpawn({
      ...spec,
      onValue(value) {
        if (recording === rec && value && typeof value === 'object') {
          // Replies to what the lane asked, and requests the agent made of the lane (the lane answered them).
          const v = value as Json
          const key = replyKey(v)
          const asked = key && rec.sent.has(key.slice('reply:'.length))
          const agentRequest = !key && requestKey(v)
          if (asked) launch.steps.push({ await: key })
          else if (agentRequest) launch.steps.push({ await: `agent-${agentRequest}` })
        }
        spec.onValue(value)
      },
    })
    rec.pid = proc.pid
    return proc
  }
  AgentProcess.prototype.write = function (this: AgentProcess, value: unknown) {
    const rec = recording
    if (rec && rec.pid === this.pid && rec.launch) {
      rec.launch.steps.push({ write: value })
      const key = value && typeof value === 'object' ? requestKey(value as Json) : undefined
      if (key) rec.sent.add(key.slice('req:'.length))
    }
    return originalWrite.call(this, value)
  }
}

/** Runs `action` (which starts one agent process), timing it and recording that agent's launch until it returns. */
export async function recordLaunch(action: () => Promise<unknown>): Promise<{ ms: number; launch: Launch }> {
  install()
  if (recording) throw new Error('one recording at a time')
  recording = { sent: new Set() }
  const rec = recording
  try {
    const t0 = performance.now()
    await action()
    const ms = performance.now() - t0
    if (!rec.launch) throw new Error('the action started no agent process')
    if (!rec.launch.steps.some((s) => 'await' in s)) throw new Error(`${rec.launch.command} answered nothing before its lane was ready`)
    return { ms, launch: rec.launch }
  } finally {
    recording = undefined
  }
}

/**
 * Spawns `launch`'s command bare (plain spawn, own process group, same argv/env/cwd), replays its
 * handshake, and returns the ms until the last awaited message; then kills the group.
 */
export async function bareLaunch(launch: Launch, timeoutMs = 60_000): Promise<number> {
  const t0 = performance.now()
  const child = spawn(launch.command, launch.args, { cwd: launch.cwd, env: launch.env, stdio: 'pipe', detached: true })
  const seen = new Set<string>()
  let wake: () => void = () => {}
  let failed: Error | undefined
  const reader = new JsonlReader(
    (value) => {
      if (!value || typeof value !== 'object') return
      const v = value as Json
      const key = replyKey(v) ?? (requestKey(v) ? `agent-${requestKey(v)}` : undefined)
      if (key) seen.add(key)
      wake()
    },
    () => {},
  )
  child.stdout.on('data', (d: Buffer) => reader.push(d))
  child.stdin.on('error', () => {})
  child.on('error', (err) => ((failed = err), wake()))
  child.on('exit', (code, signal) => ((failed ??= new Error(`bare ${launch.command} exited (${signal ?? code}) before its handshake ended`)), wake()))
  const timer = setTimeout(() => ((failed ??= new Error(`bare ${launch.command}: no handshake within ${timeoutMs / 1000} s`)), wake()), timeoutMs)
  try {
    for (const step of launch.steps) {
      if ('write' in step) child.stdin.write(encodeJsonl(step.write))
      else
        while (!seen.has(step.await)) {
          if (failed) throw failed
          await new Promise<void>((r) => (wake = r))
        }
    }
    return performance.now() - t0
  } finally {
    clearTimeout(timer)
    child.removeAllListeners('exit')
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
    await new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r(null) : child.once('close', r)))
  }
}
