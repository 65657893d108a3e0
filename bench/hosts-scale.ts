// 5 hosts × 20 lanes in one window: what the desktop side and the hosts hold, and what reaches the
// renderer, with the window's subscriptions (a host lane's stream only while its column is in view, a
// status and attention summary for the rest) against subscribing to every lane.
//
//   nice node node_modules/jiti/lib/jiti-cli.mjs bench/hosts-scale.ts [--hosts 5] [--lanes 20] [--in-view 4] [--lines 200]
//
// Needs `npx electron-vite build`. The desktop side is `out/main/server.js` (server mode) in a child;
// the renderer's client layer (ws-bridge → hosts-bridge → client) runs in this process. Each host is
// a headless core reached over the stdio transport exactly as a real one: the first through a real
// sshd on 127.0.0.1 (test/support/sshd.ts, installed with `hosts.install`), the others through an
// `ssh` on PATH that runs the same remote command on this machine under a home of its own (same
// stdio relay, same headless core, same HostManager code; only OpenSSH is left out).
import { execFileSync } from 'node:child_process'
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createClient, type Client } from '../src/renderer/host/client'
import { createHostsBridge } from '../src/renderer/host/hosts-bridge'
import { createWsBridge } from '../src/renderer/host/ws-bridge'
import { ATTENTION_EVENT_TYPES } from '../src/renderer/attention/attention-model'
import type { Host, Lane } from '../src/shared/contract'
import type { LaneEvent } from '../src/shared/events'
import { killServer, startServerProcess } from '../test/support/server-process'
import { sshdMissing, startSshd, type TestSshd } from '../test/support/sshd'

const ROOT = path.join(path.dirname(fileURLToPath(import.meta.url)), '..')
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version

export interface HostsScaleOptions {
  hosts?: number
  lanes?: number
  inView?: number
  /** Lines each lane prints per round of load. */
  lines?: number
  /** Skip the real sshd host (all hosts through the local stdio path). */
  noSshd?: boolean
}

export interface Phase {
  name: string
  /** Lane events the renderer received from lanes in view / out of view, and their JSON bytes. */
  inViewEvents: number
  inViewBytes: number
  outOfViewEvents: number
  outOfViewBytes: number
  /** Status and attention events (every lane, the cheap summary). */
  summaryEvents: number
  desktopRssMb: number
  hostsRssMb: number
  clientRssMb: number
  seconds: number
  /** Lanes whose output had not ended within the bounds (listed, not waited for). */
  unfinished: string[]
}

export interface HostsScaleResult {
  hosts: number
  lanes: number
  inView: number
  sshdHost: boolean
  phases: Phase[]
}

const mb = (kb: number) => Math.round(kb / 1024)
function rssKb(pid: number): number {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** The pids whose command line holds every one of `needles` (the hosts' headless cores and stdio relays). */
function pidsWith(...needles: string[]): number[] {
  const pids: number[] = []
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'latin1')
      if (needles.every((n) => cmdline.includes(n))) pids.push(Number(name))
    } catch {}
  }
  return pids
}

async function until(what: string, probe: () => boolean | Promise<boolean>, ms = 120_000): Promise<void> {
  const deadline = Date.now() + ms
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** `ssh` for the bench's local hosts (`sy-local-N`): the remote command, run here under that host's home. */
const SSH_SHIM = `#!/bin/bash
dest=; cmd=; exitop=
args=("$@")
for ((i = 0; i < \${#args[@]}; i++)); do
  [ "\${args[$i]}" = "-O" ] && exitop=1
  if [ "\${args[$i]}" = "--" ]; then dest="\${args[$((i + 1))]}"; cmd="\${args[$((i + 2))]}"; break; fi
done
case "$dest" in
  sy-local-*)
    [ -n "$exitop" ] && exit 0
    export HOME="$BENCH_HOMES/$dest"
    cd "$HOME" && exec bash -c "$cmd" ;;
  *) exec /usr/bin/ssh "$@" ;;
esac
`

export async function measureHostsScale(opts: HostsScaleOptions = {}): Promise<HostsScaleResult> {
  const HOSTS = opts.hosts ?? 5
  const LANES = opts.lanes ?? 20
  const IN_VIEW = opts.inView ?? 4
  const LINES = opts.lines ?? 200
  const useSshd = !opts.noSshd && sshdMissing() === null
  const dir = mkdtempSync('/tmp/syhb-') // short: ssh's ControlPath socket lives under the data dir
  const homes = path.join(dir, 'homes')
  const shimDir = path.join(dir, 'bin')
  mkdirSync(shimDir)
  writeFileSync(path.join(shimDir, 'ssh'), SSH_SHIM)
  chmodSync(path.join(shimDir, 'ssh'), 0o755)
  let sshd: TestSshd | undefined
  const destinations: string[] = []
  const folders: string[] = []
  if (useSshd) {
    sshd = await startSshd()
    destinations.push(sshd.hosts.ok)
    execFileSync('ssh', ['-F', sshd.configFile, sshd.hosts.ok, 'mkdir -p bench-proj'])
    folders.push(path.join(sshd.home, 'bench-proj'))
  }
  while (destinations.length < HOSTS) {
    const name = `sy-local-${destinations.length}`
    const home = path.join(homes, name)
    mkdirSync(path.join(home, '.switchyard'), { recursive: true })
    mkdirSync(path.join(home, 'bench-proj'))
    // "Installed" here is this checkout: out/main and node_modules, as hosts.install would copy them.
    symlinkSync(ROOT, path.join(home, '.switchyard', VERSION))
    destinations.push(name)
    folders.push(path.join(home, 'bench-proj'))
  }

  const server = await startServerProcess(path.join(dir, 'd'), {
    PATH: `${shimDir}:${process.env.PATH}`,
    BENCH_HOMES: homes,
    ...(sshd ? { SWITCHYARD_SSH_CONFIG: sshd.configFile } : {}),
  })
  const page = new URL(server.url)
  const ws = createWsBridge({ url: `ws://${page.host}/ws?token=${page.searchParams.get('token')}`, tokenRefused: async () => false })
  const bridge = createHostsBridge(ws)
  const client: Client = createClient(bridge)
  const hostCoresKb = () => [...pidsWith(homes), ...(sshd ? pidsWith(sshd.home) : [])].reduce((sum, pid) => sum + rssKb(pid), 0)
  const phases: Phase[] = []
  const hostIds: string[] = []
  try {
    for (const destination of destinations) {
      const host = (await client.call('hosts.add', { destination })) as Host
      if (destination === sshd?.hosts.ok) await client.call('hosts.install', { hostId: host.id })
      const connected = await client.call('hosts.connect', { hostId: host.id })
      if (connected.status !== 'connected') throw new Error(`${destination}: ${connected.status} ${connected.message ?? ''}`)
      hostIds.push(host.id)
    }
    bridge.setHosts(hostIds)
    const profiles = await client.call('profiles.list', {})
    const lanes: Lane[] = []
    for (const [i, hostId] of hostIds.entries()) {
      const workspace = await client.call('hosts.call', { hostId, method: 'workspaces.add', input: { path: folders[i] } })
      const wsId = `${(workspace as { id: string }).id}@${hostId}`
      const shell = profiles.find((p) => p.kind === 'terminal' && p.builtIn && p.id.endsWith(`@${hostId}`))
      if (!shell) throw new Error(`no shell profile on ${destinations[i]}`)
      for (let n = 0; n < LANES; n++) {
        lanes.push(await client.call('lanes.create', { workspaceId: wsId, profileId: shell.id, title: `bench ${i}.${n}`, cols: 100, rows: 30, worktree: { enabled: false } }))
      }
    }
    const shown = new Set(lanes.filter((_, i) => i % Math.ceil(lanes.length / IN_VIEW) === 0).slice(0, IN_VIEW).map((l) => l.id))

    // The window: status and attention for every lane, and each column's own stream.
    const count = { inView: 0, inViewBytes: 0, outOfView: 0, outOfViewBytes: 0, summary: 0 }
    const done = new Set<string>()
    /** The last bytes each lane printed: a marker may arrive split over two chunks. */
    const tail = new Map<string, string>()
    let marker = ''
    const closers = [
      client.subscribe('lanes.status', {}, () => count.summary++),
      client.subscribe('lanes.events', { types: [...ATTENTION_EVENT_TYPES] }, () => count.summary++),
      ...lanes.map((lane) =>
        client.subscribe('lanes.events', { laneId: lane.id }, (e: LaneEvent) => {
          const bytes = JSON.stringify(e).length
          if (shown.has(lane.id)) (count.inView++, (count.inViewBytes += bytes))
          else (count.outOfView++, (count.outOfViewBytes += bytes))
          if (e.type !== 'terminal.output') return
          const text = (tail.get(lane.id) ?? '') + e.data
          tail.set(lane.id, text.slice(-64))
          if (marker && text.includes(marker)) done.add(lane.id)
        }),
      ),
    ]
    let allInView = false

    async function round(name: string) {
      await new Promise((r) => setTimeout(r, 1500)) // subscriptions settle, the prompts are drawn
      Object.assign(count, { inView: 0, inViewBytes: 0, outOfView: 0, outOfViewBytes: 0, summary: 0 })
      done.clear()
      const started = Date.now()
      let peakDesktop = 0
      let peakHosts = 0
      const sample = () => {
        peakDesktop = Math.max(peakDesktop, rssKb(server.pid))
        peakHosts = Math.max(peakHosts, hostCoresKb())
      }
      sample()
      const sampler = setInterval(sample, 250)
      // Printed only by the command, never in its echo (the shell works the number out).
      const n = 1000 + phases.length
      marker = `BENCH-DONE-${n}`
      await Promise.all(lanes.map((l) => client.call('lanes.send', { laneId: l.id, input: `for i in $(seq 1 ${LINES}); do echo "bench line $i of lane ${l.title}"; done; echo BENCH-DONE-$((${n}))\r` })))
      const watched = lanes.filter((l) => shown.has(l.id) || allInView)
      await until(`${name}: the lanes in view to finish`, () => watched.every((l) => done.has(l.id)), 60_000).catch(() => undefined)
      // The lanes out of view finish too (asked of each host, not streamed); those that do not within
      // a minute are counted, not waited for.
      const finished = async (l: Lane) => {
        let after = 0
        let text = ''
        for (;;) {
          const page = await client.call('lanes.transcript', { laneId: l.id, after, limit: 1000 })
          for (const e of page.events) if (e.type === 'terminal.output') text += e.data
          if (page.done) return text.includes(marker)
          after = page.next
        }
      }
      let waiting = lanes.filter((l) => !watched.includes(l))
      const deadline = Date.now() + 60_000
      while (waiting.length > 0 && Date.now() < deadline) {
        const left: Lane[] = []
        for (const l of waiting) if (!(await finished(l))) left.push(l)
        waiting = left
        if (waiting.length) await new Promise((r) => setTimeout(r, 1000))
      }
      clearInterval(sampler)
      sample()
      phases.push({
        name,
        inViewEvents: count.inView,
        inViewBytes: count.inViewBytes,
        outOfViewEvents: count.outOfView,
        outOfViewBytes: count.outOfViewBytes,
        summaryEvents: count.summary,
        desktopRssMb: mb(peakDesktop),
        hostsRssMb: mb(peakHosts),
        clientRssMb: Math.round(process.memoryUsage().rss / (1 << 20)),
        seconds: (Date.now() - started) / 1000,
        unfinished: [...watched.filter((l) => !done.has(l.id)), ...waiting].map((l) => l.title),
      })
    }

    for (const lane of lanes) if (!shown.has(lane.id)) bridge.setLaneInView(lane.id, false)
    await round(`window: ${IN_VIEW} in view, ${lanes.length - IN_VIEW} out`)
    allInView = true
    for (const lane of lanes) bridge.setLaneInView(lane.id, true)
    // Back in view, each lane catches up what it missed; then everything streams.
    await until('the catch-up', () => lanes.every((l) => done.has(l.id) || shown.has(l.id)), 60_000).catch(() => undefined)
    await round(`every lane subscribed (${lanes.length})`)
    for (const close of closers) close()
    for (const hostId of hostIds) await client.call('hosts.stopAll', { hostId })
    return { hosts: HOSTS, lanes: LANES, inView: IN_VIEW, sshdHost: useSshd, phases }
  } finally {
    ws.close()
    await killServer(server)
    // The hosts' headless cores outlive a client by design: these ones end with the bench.
    for (const pid of pidsWith('--headless', homes)) process.kill(pid, 'SIGTERM')
    await sshd?.close()
    await new Promise((r) => setTimeout(r, 500))
    rmSync(dir, { recursive: true, force: true })
  }
}

export function printHostsScale(r: HostsScaleResult): void {
  console.log(`\n${r.hosts} hosts × ${r.lanes} terminal lanes${r.sshdHost ? ' (one through a real sshd)' : ''}; every lane prints the same lines each round`)
  const head = ['subscriptions', 'events in view', 'KB in view', 'events out of view', 'KB out of view', 'status+attention events', 'desktop RSS MB', 'hosts RSS MB', 'client RSS MB', 's', 'unfinished lanes']
  console.log(head.join(' | '))
  for (const p of r.phases) {
    console.log([p.name, p.inViewEvents, Math.round(p.inViewBytes / 1024), p.outOfViewEvents, Math.round(p.outOfViewBytes / 1024), p.summaryEvents, p.desktopRssMb, p.hostsRssMb, p.clientRssMb, p.seconds.toFixed(1), p.unfinished.join(' ') || '0'].join(' | '))
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name: string) => {
    const i = process.argv.indexOf(`--${name}`)
    return i > 0 ? Number(process.argv[i + 1]) : undefined
  }
  const result = await measureHostsScale({ hosts: arg('hosts'), lanes: arg('lanes'), inView: arg('in-view'), lines: arg('lines'), noSshd: process.argv.includes('--no-sshd') })
  printHostsScale(result)
  process.exit(0)
}
