import { describe, expect, it } from 'vitest'
import { LaneEventCatchUp, lastSeqOf, type RemoteCore } from '../../src/main/core/hosts/catch-up'
import { backoffDelay } from '../../src/main/core/hosts/host-manager'
import { parseCheck, stdioCommand } from '../../src/main/core/hosts/setup'
import { parseDestination, sshArgs } from '../../src/main/core/hosts/ssh'
import type { LaneEvent } from '../../src/shared/events'

describe('SSH destinations', () => {
  it('reads alias, user@host and user@host:port', () => {
    expect(parseDestination('buildbox')).toEqual({ host: 'buildbox' })
    expect(parseDestination(' me@example.org ')).toEqual({ host: 'me@example.org' })
    expect(parseDestination('me@10.0.0.2:2222')).toEqual({ host: 'me@10.0.0.2', port: 2222 })
  })

  it('refuses what ssh would take as an option or a shell would interpret', () => {
    for (const bad of ['-oProxyCommand=touch /tmp/x', '-F/etc/passwd', 'a b', 'host;rm -rf ~', 'h$(id)', "h'x", 'me@h:99999', '', ':22']) {
      expect(() => parseDestination(bad), bad).toThrow()
    }
  })

  it('puts the destination after `--`, with one multiplexed master per host', () => {
    const args = sshArgs({ destination: 'me@h:2200', controlDir: '/d/ssh' }, 'echo hi')
    expect(args.slice(-3)).toEqual(['--', 'me@h', 'echo hi'])
    expect(args).toContain('ControlMaster=auto')
    expect(args).toContain('ControlPath=/d/ssh/%C')
    expect(args).toContain('BatchMode=yes')
    expect(args.join(' ')).toContain('-p 2200')
    expect(args).not.toContain('-F')
  })

  it('does not ask Windows\' OpenSSH for connection sharing it lacks', () => {
    const args = sshArgs({ destination: 'h', controlDir: 'C:\\d' }, 'echo hi', [], 'win32')
    expect(args.join(' ')).not.toMatch(/Control/)
    expect(args).toContain('BatchMode=yes')
  })
})

describe('host check', () => {
  const out = (over: Record<string, string>) =>
    Object.entries({ node: '/usr/bin/node', nodeVersion: 'v22.12.0', nodeAbi: 'linux-x64', git: 'git version 2.39.5', tar: '/usr/bin/tar', home: '/home/me', installed: 'no', ...over })
      .map(([k, v]) => `${k}=${v}`)
      .join('\n')

  it('accepts Node 22.12 and names what is there', () => {
    const c = parseCheck(out({ 'agent.codex': '/usr/local/bin/codex' }), 'box')
    expect(c.problems).toEqual([])
    expect(c.node.ok).toBe(true)
    expect(c.agents.codex).toBe('/usr/local/bin/codex')
    expect(c.agents.claude).toBeNull()
  })

  it('says plainly when node is missing or too old', () => {
    expect(parseCheck(out({ node: '', nodeVersion: '' }), 'box').problems[0]).toMatch(/^Node\.js was not found on box/)
    expect(parseCheck(out({ nodeVersion: 'v20.19.0' }), 'box').problems[0]).toBe('box has Node.js v20.19.0 at /usr/bin/node; Switchyard needs Node.js 22.12 or newer there.')
    expect(parseCheck(out({ nodeVersion: 'v22.11.9' }), 'box').node.ok).toBe(false)
  })

  it('starts the versioned core on stdio', () => {
    expect(stdioCommand('1.2.3')).toBe('cd && exec node .switchyard/1.2.3/out/main/server.js --stdio --data-dir "$HOME/.switchyard/data"')
  })
})

describe('reconnect backoff', () => {
  it('doubles up to the cap, with at most 20% jitter', () => {
    expect([0, 1, 2, 3, 10].map((a) => backoffDelay(a, 1000, 30_000, () => 0))).toEqual([1000, 2000, 4000, 8000, 30_000])
    expect(backoffDelay(2, 1000, 30_000, () => 1)).toBe(3200)
  })
})

describe('catching up lanes after a reconnect', () => {
  const ev = (laneId: string, seq: number): LaneEvent => ({ laneId, seq, at: seq, type: 'text.delta', text: `t${seq}` })

  /** A host core whose lanes have these transcripts. */
  function fakeCore(transcripts: Record<string, LaneEvent[]>): RemoteCore & { calls: number } {
    const core = {
      calls: 0,
      async call(method: string, input?: unknown) {
        core.calls++
        if (method === 'lanes.list') return { ok: true as const, value: Object.keys(transcripts).map((id) => ({ id })) }
        const { laneId, after = 0, limit = 1000 } = input as { laneId: string; after?: number; limit?: number }
        const events = transcripts[laneId].filter((e) => e.seq > after).slice(0, limit)
        return { ok: true as const, value: { events, next: events.at(-1)?.seq ?? after, done: events.length < limit } }
      },
    }
    return core
  }

  it('finds a transcript\'s last seq in a few one-event reads', async () => {
    for (const n of [0, 1, 2, 3, 7, 8, 9, 1000, 1023, 1024, 1025]) {
      let reads = 0
      const end = await lastSeqOf(async (after) => (reads++, after < n))
      expect(end, String(n)).toBe(n)
      expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(n + 2)) + 2)
    }
  })

  it('passes on what happened while away, then live events, each once and in order', async () => {
    const a = Array.from({ length: 10 }, (_, i) => ev('a', i + 1))
    const transcripts = { a: a.slice(0, 3) }
    const got: number[] = []
    const catchUp = new LaneEventCatchUp((e) => got.push(e.seq))
    await catchUp.attach(fakeCore(transcripts)) // first connection: history is the transcript's
    catchUp.live(a[3])
    // Dropped after seq 4; the lane wrote 5..8 meanwhile. On the new connection the live stream
    // delivers 7 and 8 again and 9 before the catch-up has read the transcript.
    transcripts.a = a.slice(0, 8)
    catchUp.hold()
    catchUp.live(a[6])
    catchUp.live(a[7])
    catchUp.live(a[8])
    await catchUp.attach(fakeCore(transcripts))
    catchUp.live(a[8])
    catchUp.live(a[9])
    expect(got).toEqual([4, 5, 6, 7, 8, 9, 10])
  })

  it('sends a subscriber that redraws from snapshots one event past the gap when a page or more was missed', async () => {
    const a = Array.from({ length: 2600 }, (_, i) => ev('a', i + 1))
    const b = Array.from({ length: 5 }, (_, i) => ev('b', i + 1))
    const transcripts = { a: a.slice(0, 2), b: b.slice(0, 2) }
    const got: string[] = []
    const catchUp = new LaneEventCatchUp((e) => got.push(`${e.laneId}${e.seq}`), undefined, true)
    await catchUp.attach(fakeCore(transcripts))
    transcripts.a = a.slice(0, 2500)
    transcripts.b = b.slice(0, 4)
    catchUp.hold()
    catchUp.live(a[2500])
    const core = fakeCore(transcripts)
    await catchUp.attach(core)
    catchUp.live(b[4])
    // a: 2498 missed, so the last of the first page (seq 1002) then the live 2501; b: the two it missed.
    expect(got).toEqual(['a1002', 'b3', 'b4', 'a2501', 'b5'])
    expect(core.calls).toBe(3) // lanes.list and one page each
  })

  it('replays a lane created while away from its start', async () => {
    const got: string[] = []
    const catchUp = new LaneEventCatchUp((e) => got.push(`${e.laneId}${e.seq}`))
    await catchUp.attach(fakeCore({ a: [ev('a', 1)] }))
    catchUp.hold()
    await catchUp.attach(fakeCore({ a: [ev('a', 1)], b: [ev('b', 1), ev('b', 2)] }))
    expect(got).toEqual(['b1', 'b2'])
  })
})
