/**
 * Hosts: remote machines, each running its own core behind `server.js --stdio` over the user's ssh.
 * Main relays the contract to them; a dropped connection is retried with backoff while the host's
 * lanes keep running there.
 */
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { Duplex } from 'node:stream'
import { z } from 'zod'
import { Host, methods, streams, type MethodName, type Result, type Settings, type StreamName } from '../../../shared/contract'
import type { LaneEvent } from '../../../shared/events'
import { StreamClient } from '../../rpc/stream-transport'
import { AppError } from '../errors'
import { newId } from '../ids'
import type { SecretStore } from '../secrets'
import { readList, type KeyValueStore } from '../store'
import { LaneEventCatchUp } from './catch-up'
import { checkScript, installScript, parseCheck, planInstall, stdioCommand, type HostCheck, type InstallPlan } from './setup'
import { parseDestination, runSsh, spawnSsh, sshFailure, type SshTarget } from './ssh'

const HostRecord = Host.pick({ id: true, name: true, destination: true, addedAt: true })
type HostRecord = z.infer<typeof HostRecord>

export interface HostManagerOptions {
  store: KeyValueStore
  /** Where the ControlMaster sockets live. */
  controlDir: string
  /** The checkout or app folder that holds `out/main` and `node_modules`. */
  appRoot: string
  version: string
  /** Where a host's profile secrets are kept: here (keychain or 0600 file), never on the host's disk. */
  secrets: SecretStore
  /** Tests: an ssh_config of their own (`ssh -F`). */
  sshConfigFile?: string
  /** Reconnect delays, ms: doubled from `min` up to `max`. */
  backoff?: { min: number; max: number }
  /** Settings of this machine each host's core is given on connect (its no-client reaping). */
  hostSettings?: () => Partial<Settings>
}

/** Next reconnect delay: doubling, capped, with up to 20% jitter so many hosts do not retry in step. */
export function backoffDelay(attempt: number, min: number, max: number, random = Math.random): number {
  const base = Math.min(max, min * 2 ** Math.min(attempt, 30))
  return Math.round(base * (1 - 0.2 * random()))
}

interface Relay {
  stream: string
  input: unknown
  emit: (event: unknown) => void
  catchUp?: LaneEventCatchUp
  unsubscribe?: () => void
}

class HostConnection {
  status: Host['status'] = 'disconnected'
  message: string | undefined
  client: StreamClient | undefined
  private wanted = false
  private attempt = 0
  private timer: NodeJS.Timeout | undefined
  private connecting: Promise<void> | undefined
  readonly relays = new Set<Relay>()

  constructor(
    readonly record: HostRecord,
    private readonly mgr: HostManager,
  ) {}

  setStatus(status: Host['status'], message?: string) {
    this.status = status
    this.message = message
    this.mgr.notify(this)
  }

  /** Connects, and keeps reconnecting after drops until `stop`. Resolves after the first attempt. */
  start(): Promise<void> {
    this.wanted = true
    clearTimeout(this.timer)
    if (this.client) return Promise.resolve()
    return (this.connecting ??= this.open().finally(() => (this.connecting = undefined)))
  }

  stop() {
    this.wanted = false
    clearTimeout(this.timer)
    this.client?.close()
    this.client = undefined
    // The shared master connection too (it would linger for ControlPersist); the host's core stays up.
    if (process.platform !== 'win32') {
      const exit = spawnSsh(this.mgr.target(this.record), undefined, undefined, ['-O', 'exit'])
      exit.on('error', () => undefined)
      exit.stdin?.end()
    }
    this.setStatus('disconnected')
  }

  private async open(): Promise<void> {
    this.setStatus('connecting')
    const child = spawnSsh(this.mgr.target(this.record), stdioCommand(this.mgr.opts.version))
    let stderr = ''
    child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8192)))
    child.stdin!.on('error', () => undefined)
    const client = new StreamClient(Duplex.from({ readable: child.stdout!, writable: child.stdin! }))
    child.once('exit', () => client.close())
    const info = await client.call('app.info')
    if (!info.ok) {
      child.kill()
      if (/Cannot find module|No such file/.test(stderr) && !/ssh:/.test(stderr)) {
        return this.dropped(`Switchyard ${this.mgr.opts.version} is not installed on ${this.record.destination}: use Install first`, true)
      }
      return this.dropped(child.exitCode === 255 || stderr ? sshFailure(stderr) : info.error.message, true)
    }
    if (!this.wanted) {
      // Disconnected while the connection was being made.
      client.close()
      child.kill()
      return
    }
    this.client = client
    this.attempt = 0
    client.onClose = () => {
      if (this.client !== client) return
      this.client = undefined
      child.kill()
      this.dropped(`Connection lost${stderr.trim() ? `: ${sshFailure(stderr)}` : ''}`, false)
    }
    this.setStatus('connected')
    await this.mgr.provideAll(this.record.id, client).catch(() => undefined)
    // An older core there may not know the setting: it keeps its own.
    if (this.mgr.opts.hostSettings) await client.call('settings.update', this.mgr.opts.hostSettings()).catch(() => undefined)
    for (const relay of this.relays) await this.attach(relay, client).catch(() => undefined)
  }

  private dropped(message: string, failedToStart: boolean) {
    // A changed host key or a missing core will not fix itself: say so and stop retrying.
    const permanent = failedToStart && /host key|Host key verification failed|Permission denied|not found|No such file|not installed/i.test(message)
    this.setStatus(permanent ? 'failed' : 'disconnected', message)
    if (!this.wanted || permanent) return
    const { min, max } = this.mgr.opts.backoff ?? { min: 1000, max: 30_000 }
    this.timer = setTimeout(() => void this.start(), backoffDelay(this.attempt++, min, max))
  }

  async attach(relay: Relay, client: StreamClient): Promise<void> {
    relay.catchUp?.hold()
    const sub = await client.subscribe(relay.stream, relay.input, relay.catchUp ? (e) => relay.catchUp!.live(e as LaneEvent) : relay.emit)
    if (!sub.ok) throw new AppError(sub.error.code, sub.error.message)
    relay.unsubscribe = sub.value
    await relay.catchUp?.attach(client)
    if (relay.stream === 'lanes.status') {
      // What changed while we were away: every lane's record as it is now.
      const lanes = await client.call('lanes.list')
      if (lanes.ok) for (const lane of lanes.value as unknown[]) relay.emit({ type: 'upsert', lane })
    }
  }
}

export class HostManager {
  private readonly connections = new Map<string, HostConnection>()
  private readonly listeners = new Set<(host: Host) => void>()

  constructor(readonly opts: HostManagerOptions) {
    for (const r of readList(opts.store, 'hosts', HostRecord)) this.connections.set(r.id, new HostConnection(r, this))
  }

  /** Made on first use: a core that never reaches a host writes nothing for hosts (a read-only data dir starts). */
  target(record: HostRecord): SshTarget {
    mkdirSync(this.opts.controlDir, { recursive: true, mode: 0o700 })
    return { destination: record.destination, controlDir: this.opts.controlDir, configFile: this.opts.sshConfigFile }
  }

  private view(c: HostConnection): Host {
    return { ...c.record, status: c.status, ...(c.message ? { message: c.message } : {}) }
  }

  notify(c: HostConnection) {
    const host = this.view(c)
    for (const l of this.listeners) l(host)
  }

  onStatus(listener: (host: Host) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private get(hostId: string): HostConnection {
    const c = this.connections.get(hostId)
    if (!c) throw new AppError('not_found', `No host ${hostId}`)
    return c
  }

  private save() {
    this.opts.store.set('hosts', [...this.connections.values()].map((c) => c.record))
  }

  list(): Host[] {
    return [...this.connections.values()].map((c) => this.view(c))
  }

  add(destination: string, name?: string): Host {
    parseDestination(destination)
    const record: HostRecord = { id: newId('host'), name: name ?? destination.trim(), destination: destination.trim(), addedAt: Date.now() }
    const c = new HostConnection(record, this)
    this.connections.set(record.id, c)
    this.save()
    this.notify(c)
    return this.view(c)
  }

  remove(hostId: string) {
    this.get(hostId).stop()
    this.connections.delete(hostId)
    this.save()
  }

  /** One round trip over ssh; a refused connection (a changed host key…) comes back in ssh's words. */
  async check(hostId: string): Promise<HostCheck> {
    const c = this.get(hostId)
    const r = await runSsh(this.target(c.record), checkScript(this.opts.version), { timeoutMs: 60_000 })
    if (r.code === 255) throw new AppError('not_running', sshFailure(r.stderr))
    if (r.code !== 0 && !r.stdout.includes('home=')) throw new AppError('not_running', `The check failed on ${c.record.destination}: ${sshFailure(r.stderr)}`)
    return parseCheck(r.stdout, c.record.destination)
  }

  async installPlan(hostId: string): Promise<InstallPlan & { check: HostCheck }> {
    const check = await this.check(hostId)
    return { ...planInstall({ appRoot: this.opts.appRoot, version: this.opts.version, check, localPlatform: `${process.platform}-${process.arch}` }), check }
  }

  /** Packs the plan's files with tar and unpacks them there in one ssh session. */
  async install(hostId: string): Promise<InstallPlan> {
    const c = this.get(hostId)
    const { check, ...plan } = await this.installPlan(hostId)
    if (plan.problems.length) throw new AppError('unsupported', plan.problems.join('\n'), plan)
    const tar = spawn('tar', ['-czf', '-', '-C', this.opts.appRoot, '--', ...plan.paths], { stdio: ['ignore', 'pipe', 'pipe'] })
    let tarErr = ''
    tar.stderr.on('data', (d: Buffer) => (tarErr += d.toString()))
    const rebuild = check.platform !== `${process.platform}-${process.arch}`
    const r = await runSsh(this.target(c.record), installScript(this.opts.version, rebuild), { input: tar.stdout, timeoutMs: 15 * 60_000 })
    if (r.code !== 0) throw new AppError('spawn_failed', `Installing on ${c.record.destination} failed: ${sshFailure(r.stderr + tarErr)}`)
    return plan
  }

  async connect(hostId: string): Promise<Host> {
    const c = this.get(hostId)
    await c.start()
    return this.view(c)
  }

  disconnect(hostId: string): Host {
    const c = this.get(hostId)
    c.stop()
    return this.view(c)
  }

  private client(hostId: string): StreamClient {
    const c = this.get(hostId)
    if (!c.client) throw new AppError('not_running', `${c.record.name} is ${c.status}${c.message ? `: ${c.message}` : ''}`)
    return c.client
  }

  /** This machine's key for a host profile's secrets. */
  private secretKey = (hostId: string, profileId: string) => `${hostId}/${profileId}`

  /** Hands the host's core every secret kept here for its profiles: in its memory, not on its disk. */
  async provideAll(hostId: string, client: StreamClient): Promise<void> {
    const profiles = await client.call('profiles.list')
    if (!profiles.ok) return
    for (const p of profiles.value as Array<{ id: string }>) {
      const values = this.opts.secrets.values(this.secretKey(hostId, p.id))
      if (Object.keys(values).length) await client.call('secrets.provide', { profileId: p.id, values })
    }
  }

  /**
   * A host profile's secrets stay here: set and remove change this machine's store and then the
   * host's in-memory copy (`secrets.provide`); list answers from here and from the host's own store.
   */
  private async relaySecrets(hostId: string, method: string, input: unknown): Promise<unknown> {
    const { profileId, name, value } = input as { profileId: string; name: string; value?: string }
    const key = this.secretKey(hostId, profileId)
    if (method === 'secrets.list') {
      const there = (await this.forward(hostId, 'secrets.list', { profileId })) as Array<{ name: string }>
      const names = new Set([...there.map((s) => s.name), ...this.opts.secrets.names(key)])
      return [...names].sort().map((n) => ({ name: n, set: true }))
    }
    // The profile must exist there before anything is kept here for it.
    const profiles = (await this.forward(hostId, 'profiles.list', {})) as Array<{ id: string }>
    if (!profiles.some((p) => p.id === profileId)) throw new AppError('not_found', `No profile ${profileId} on ${this.get(hostId).record.name}`)
    if (method === 'secrets.set') this.opts.secrets.set(key, name, value!)
    else {
      this.opts.secrets.remove(key, name)
      await this.forward(hostId, 'secrets.remove', { profileId, name })
    }
    await this.forward(hostId, 'secrets.provide', { profileId, values: this.opts.secrets.values(key) })
    return { ok: true }
  }

  /** A contract method on the host's core; its answer is checked against the contract before it goes on. */
  async call(hostId: string, method: string, input: unknown): Promise<unknown> {
    if (!Object.hasOwn(methods, method) || method.startsWith('hosts.')) throw new AppError('unknown_method', `Unknown method: ${method}`)
    if (method === 'secrets.set' || method === 'secrets.remove' || method === 'secrets.list') {
      const parsed = methods[method].input.safeParse(input)
      if (!parsed.success) throw parsed.error
      return this.relaySecrets(hostId, method, parsed.data)
    }
    return this.forward(hostId, method, input)
  }

  private async forward(hostId: string, method: string, input: unknown): Promise<unknown> {
    const r: Result<unknown> = await this.client(hostId).call(method, input)
    if (!r.ok) throw new AppError(r.error.code, r.error.message, r.error.details)
    const out = methods[method as MethodName].output.safeParse(r.value)
    if (!out.success) throw new AppError('internal', `${this.get(hostId).record.name} answered ${method} with something this version does not understand`)
    return out.data
  }

  async stopAll(hostId: string): Promise<{ stopped: number }> {
    const lanes = (await this.call(hostId, 'lanes.list', {})) as Array<{ id: string; pid?: number }>
    let stopped = 0
    for (const l of lanes) {
      if (l.pid === undefined) continue
      await this.call(hostId, 'lanes.stop', { laneId: l.id })
      stopped++
    }
    return { stopped }
  }

  /** A contract stream on the host's core, re-subscribed after every reconnect (lane events caught up by seq). */
  subscribe(hostId: string, stream: string, input: unknown, emit: (event: unknown) => void): () => void {
    if (!Object.hasOwn(streams, stream) || stream.startsWith('hosts.')) throw new AppError('unknown_method', `Unknown stream: ${stream}`)
    const c = this.get(hostId)
    const schema = streams[stream as StreamName].event
    const checked = (event: unknown) => {
      const parsed = schema.safeParse(event)
      if (parsed.success) emit(parsed.data)
    }
    const events = stream === 'lanes.events' ? (input as { laneId?: string; skipFloods?: boolean } | undefined) : undefined
    const relay: Relay = { stream, input, emit: checked, catchUp: stream === 'lanes.events' ? new LaneEventCatchUp(checked, events?.laneId, events?.skipFloods === true) : undefined }
    c.relays.add(relay)
    if (c.client) void c.attach(relay, c.client).catch(() => undefined)
    return () => {
      c.relays.delete(relay)
      relay.unsubscribe?.()
    }
  }

  /** Quit: our connections close; the hosts' lanes keep running. */
  close() {
    for (const c of this.connections.values()) c.stop()
  }
}
