/** AgentProcess on real processes: the one set of rules every structured adapter now shares. */
import { describe, expect, it } from 'vitest'
import { AgentProcess, EXIT_DRAIN_MS, type AgentProcessSpec } from '../../src/main/core/transport/agent-process'
import { alivePids, tempDir, waitFor } from '../support/core'

/** A node script as the agent, with its values and protocol errors collected. */
function agent(script: string, extra: Partial<AgentProcessSpec> = {}) {
  const values: unknown[] = []
  const errors: string[] = []
  const spec: AgentProcessSpec = {
    command: process.execPath,
    args: ['-e', script],
    cwd: tempDir('switchyard-agent-process-'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
    onValue: (v) => values.push(v),
    onProtocolError: (err) => errors.push(err.message),
    ...extra,
  }
  return { spec, values, errors, spawn: () => AgentProcess.spawn(spec) }
}

describe('AgentProcess', () => {
  it('reads JSONL values, keeps going past a malformed line, and writes JSONL', async () => {
    const a = agent(`
      process.stdout.write('{"a":1}\\nnot json\\n{"b":')
      setTimeout(() => process.stdout.write('2}\\n'), 50)
      process.stdin.on('data', (d) => process.stdout.write(d))
    `)
    const p = await a.spawn()
    await waitFor('a line split over two writes', () => a.values.length === 2)
    expect(p.write({ echo: 'é\u2028x' })).toBe(true)
    await waitFor('the echo', () => a.values.length === 3)
    expect(a.values).toEqual([{ a: 1 }, { b: 2 }, { echo: 'é\u2028x' }])
    expect(a.errors).toEqual([expect.stringMatching(/malformed JSON/)])
    await p.stop({ graceMs: 300 })
    expect(p.write({ late: true })).toBe(false)
  })

  it('a command that cannot start rejects with the reason', async () => {
    const a = agent('', { command: '/nonexistent/agent-cli' })
    await expect(a.spawn()).rejects.toThrow(/Could not start \/nonexistent\/agent-cli: .*ENOENT/)
  })

  it('an exit before the handshake fails readiness with the exit and the last stderr lines', async () => {
    const a = agent(`console.error('loading'); console.error('no credentials found'); process.exit(4)`)
    const p = await a.spawn()
    await expect(p.ready(new Promise(() => {}), 10_000)).rejects.toThrow(/^The agent exited \(code 4\) before it was ready\nloading\nno credentials found$/)
  })

  it('a handshake that never answers fails readiness after the timeout', async () => {
    const a = agent(`console.error('waiting for a login'); setInterval(() => {}, 1000)`)
    const p = await a.spawn()
    await waitFor('stderr', () => p.lastLines().length > 0)
    await expect(p.ready(new Promise(() => {}), 300)).rejects.toThrow(/did not become ready within 0.3 s\nwaiting for a login/)
    await p.stop({ graceMs: 300 })
    expect(await alivePids([p.pid])).toEqual([])
  })

  it('keeps only the tail of a flood of stderr: the last 20 lines', async () => {
    const a = agent(`for (let i = 0; i < 5000; i++) console.error('line ' + i); process.exitCode = 1`)
    const p = await a.spawn()
    const info = await p.exited
    expect(info).toEqual({ exitCode: 1, signal: null })
    expect(p.lastLines()).toEqual(Array.from({ length: 20 }, (_, i) => `line ${4980 + i}`))
  })

  it('reports the exit after the last output, without waiting on a grandchild that holds stdout open; the grandchild goes too', async () => {
    const a = agent(`
      const child = require('child_process').spawn('sleep', ['30'], { stdio: ['ignore', 'inherit', 'inherit'] })
      process.stdout.write(JSON.stringify({ child: child.pid }) + '\\n', () => process.exit(0))
    `)
    const p = await a.spawn()
    const started = Date.now()
    const info = await p.exited
    expect(info.exitCode).toBe(0)
    const { child } = a.values[0] as { child: number }
    // The grandchild keeps the pipe open for 30 s: the drain bound (EXIT_DRAIN_MS) ends the wait long before.
    expect(Date.now() - started).toBeLessThan(EXIT_DRAIN_MS + 9_500)
    // Nobody called stop: what the agent left in its group ends with it.
    await waitFor('the grandchild ended', async () => (await alivePids([child])).length === 0, 5000)
  })

  it('delivers nothing after the exit report, though a grandchild keeps writing to the pipe', async () => {
    const WRITER = 'setInterval(() => console.log(JSON.stringify({ late: 1 })), 50)'
    // In a group of its own, so it outlives the agent (and the agent's group cleanup) while this runs.
    const a = agent(`
      const writer = require('child_process').spawn(process.execPath, ['-e', ${JSON.stringify(WRITER)}], { stdio: ['ignore', 'inherit', 'inherit'], detached: true })
      console.log(JSON.stringify({ writer: writer.pid }))
      setTimeout(() => process.exit(0), 200)
    `)
    const p = await a.spawn()
    await p.exited
    const { writer } = a.values[0] as { writer: number }
    try {
      const seen = a.values.length
      await new Promise((r) => setTimeout(r, 400))
      expect(a.values.length).toBe(seen)
    } finally {
      if ((await alivePids([writer])).length) process.kill(writer, 'SIGKILL')
    }
  })

  it('stop says goodbye, closes stdin, then goes down the kill ladder for a tree that ignores both', async () => {
    const a = agent(`
      process.on('SIGTERM', () => {})
      const child = require('child_process').spawn('sh', ['-c', 'trap "" TERM; sleep 30'], { stdio: 'ignore', detached: true })
      console.log(JSON.stringify({ child: child.pid }))
      process.stdin.on('data', (d) => console.log(JSON.stringify({ got: String(d).trim() })))
      setInterval(() => {}, 1000)
    `)
    const p = await a.spawn()
    const { child } = (await waitFor('child', () => a.values.find((v) => (v as { child?: number }).child))) as { child: number }
    const stopping = p.stop({ graceMs: 300, goodbye: () => p.write({ bye: true }) })
    await stopping
    expect(a.values).toContainEqual({ got: '{"bye":true}' })
    expect(await alivePids([p.pid, child])).toEqual([])
    expect((await p.exited).signal).toBe('SIGKILL')
  })
})
