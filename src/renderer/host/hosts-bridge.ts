import type { Bridge, Result, RpcError } from '../../shared/contract'
import { pastTheGap, type LaneEvent } from '../../shared/events'
import { qualify, refOf } from './lane-ref'
import { TranscriptSync } from './transcript-sync'

/**
 * One Bridge over this machine's core and every connected host's, so the window shows all their
 * workspaces and lanes at once and every feature stays written against one Client.
 *
 * A host's ids come out qualified (`lane-ref.ts`); a call that names one (laneId, workspaceId,
 * profileId) goes to that host through `hosts.call` with the plain ids, anything else to this
 * machine. Lists (lanes, workspaces, profiles, usage, history) and the window-wide streams
 * (`lanes.status`, `lanes.events` of every lane for attention) are asked of every core and merged.
 *
 * A host lane's own event stream is held only while its column is in view (`setLaneInView`): out of
 * view it is dropped, and back in view it is caught up from the transcript by seq, so 5 hosts × 20
 * lanes cost the window the lanes it shows plus one cheap attention stream per host.
 */
export interface HostsBridge extends Bridge {
  /**
   * The hosts whose records the window shows: the connected ones, asked; and those away (dropped,
   * reconnecting), shown as last listed so their lanes don't vanish while they keep running there.
   */
  setHosts(hostIds: readonly string[], away?: readonly string[]): void
  readonly hostIds: readonly string[]
  /** Whether a lane's column is in view: out of view, a host lane's event stream is let go. */
  setLaneInView(laneId: string, inView: boolean): void
}

/** Keys whose values are a core's ids, wherever they appear in a host's answers and events. */
const ID_KEYS = new Set(['laneId', 'workspaceId', 'profileId', 'parentLaneId', 'childLaneId', 'fromLaneId', 'toLaneId'])

/** Methods whose answer (or each of its elements) is a record whose own `id` is a core's id. */
const RECORD_ANSWERS = new Set([
  'lanes.list', 'lanes.create', 'lanes.start', 'lanes.setMode', 'lanes.stop', 'lanes.archive', 'lanes.restore', 'lanes.rename',
  'profiles.login', 'profiles.list', 'profiles.create', 'profiles.update', 'profiles.duplicate',
  'workspaces.list', 'workspaces.add', 'workspaces.pick',
])

/** Asked of every core, answers merged. */
const LIST_METHODS = new Set(['lanes.list', 'workspaces.list', 'profiles.list', 'usage.ledger', 'history.search'])
/** Lists whose last answer stands in for a host that is away. */
const KEPT_WHILE_AWAY = new Set(['lanes.list', 'workspaces.list', 'profiles.list', 'usage.ledger'])

const TRANSCRIPT_PAGE = 1000

/** A host's answer or event with its ids made the renderer's (`<id>@<hostId>`). */
export function qualifyIds(hostId: string, value: unknown, recordId = false): unknown {
  if (Array.isArray(value)) return value.map((v) => qualifyIds(hostId, v, recordId))
  if (value === null || typeof value !== 'object') return value
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && (ID_KEYS.has(key) || (recordId && key === 'id'))) out[key] = qualify(hostId, v)
    // A lane record inside an event (`lanes.status` upserts) has its own id.
    else out[key] = qualifyIds(hostId, v, key === 'lane')
  }
  return out
}

/** Which core an input is for, and the input with that core's own ids; an error when it names two machines. */
export function routeInput(input: unknown): { hostId?: string; input: unknown } | { error: RpcError } {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return { input }
  const hosts = new Set<string | undefined>()
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(input)) {
    if (ID_KEYS.has(key) && typeof v === 'string') {
      const ref = refOf(v)
      hosts.add(ref.hostId)
      out[key] = ref.id
    } else out[key] = v
  }
  if (hosts.size > 1) return { error: { code: 'invalid_input', message: 'These records are on different machines: a lane, its workspace and its profile must be on one' } }
  const [hostId] = hosts
  return hostId ? { hostId, input: out } : { input }
}

type UsageSum = { inputTokens: number; outputTokens: number; cachedInputTokens: number; costUsd: number }
type Ledger = { total: UsageSum; lanes: unknown[]; workspaces: unknown[]; days: Array<{ day: string; usage: UsageSum }> }

function addUsage(a: UsageSum, b: UsageSum): UsageSum {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    costUsd: a.costUsd + b.costUsd,
  }
}

/** Several cores' answers to one list method, as one answer (this machine's first). */
export function mergeAnswers(method: string, answers: unknown[], input: unknown): unknown {
  if (method === 'usage.ledger') {
    const ledgers = answers as Ledger[]
    const days = new Map<string, UsageSum>()
    for (const l of ledgers) for (const d of l.days) days.set(d.day, days.has(d.day) ? addUsage(days.get(d.day)!, d.usage) : d.usage)
    return {
      total: ledgers.slice(1).reduce((sum, l) => addUsage(sum, l.total), ledgers[0].total),
      lanes: ledgers.flatMap((l) => l.lanes),
      workspaces: ledgers.flatMap((l) => l.workspaces),
      days: [...days].sort((a, b) => (a[0] < b[0] ? 1 : -1)).map(([day, usage]) => ({ day, usage })),
    }
  }
  const all = (answers as unknown[][]).flat()
  if (method === 'history.search') {
    const limit = (input as { limit?: number } | undefined)?.limit
    const hits = (all as Array<{ at: number }>).sort((a, b) => b.at - a.at)
    return limit ? hits.slice(0, limit) : hits
  }
  return all
}

/**
 * A host lane's event stream, held only while the lane is in view and caught up by seq when it returns.
 * A subscriber that redraws from snapshots (`skipFloods`, a terminal) more than a page behind is sent
 * one event past the gap instead of every byte it missed: it redraws from a fresh snapshot.
 */
class HostLaneStream {
  private lastSeq = 0
  private close: (() => void) | null = null
  private sync: TranscriptSync | null = null

  constructor(
    private readonly open: (onEvent: (event: LaneEvent) => void) => () => void,
    private readonly fetchPage: (after: number) => Promise<{ events: LaneEvent[]; next: number; done: boolean }>,
    private readonly onEvent: (event: LaneEvent) => void,
    private readonly onError: ((error: RpcError) => void) | undefined,
    private readonly gaps = false,
  ) {}

  get attached(): boolean {
    return this.close !== null
  }

  private deliver = (event: LaneEvent) => {
    if (event.seq <= this.lastSeq) return
    this.lastSeq = event.seq
    this.onEvent(event)
  }

  /** Attach; `catchUp`: first replay from the transcript what came after the last event passed on. */
  show(catchUp: boolean): void {
    if (this.close) return
    if (!catchUp) {
      this.close = this.open(this.deliver)
      return
    }
    const fetchPage = this.gaps ? (after: number) => this.fetchPage(after).then(pastTheGap) : this.fetchPage
    const sync = new TranscriptSync(fetchPage, this.deliver, (e) => this.onError?.(toRpcError(e)))
    sync.skipTo(this.lastSeq)
    this.sync = sync
    this.close = this.open((event) => sync.live(event))
    void sync.catchUp()
  }

  /**
   * Detach; `shownUpTo`: how far the view read the lane's transcript itself (what it has, though this
   * stream did not pass it on). Taken now: a read while out of view is someone else's.
   */
  hide(shownUpTo = 0): void {
    if (this.close) this.lastSeq = Math.max(this.lastSeq, shownUpTo)
    this.close?.()
    this.close = null
    this.sync?.dispose()
    this.sync = null
  }
}

function toRpcError(error: unknown): RpcError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) return error as RpcError
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}

export function createHostsBridge(local: Bridge): HostsBridge {
  let hostIds: readonly string[] = []
  let awayIds: readonly string[] = []
  /** A host's last answer to a kept list, by host, method and input. */
  const lastAnswers = new Map<string, unknown>()
  const outOfView = new Set<string>()
  const laneStreams = new Map<string, Set<HostLaneStream>>()
  /** The last seq each host lane's transcript was read up to (by its view's own catch-up), for a stream that goes out of view. */
  const readUpTo = new Map<string, number>()

  async function onHost(hostId: string, method: string, input: unknown): Promise<Result<unknown>> {
    const r = await local.invoke('hosts.call', { hostId, method, ...(input === undefined ? {} : { input }) })
    return r.ok ? { ok: true, value: qualifyIds(hostId, r.value, RECORD_ANSWERS.has(method)) } : r
  }

  function onHostStream(hostId: string, stream: string, input: unknown, onEvent: (e: unknown) => void, onError?: (e: RpcError) => void) {
    return local.subscribe('hosts.events', { hostId, stream, ...(input === undefined ? {} : { input }) }, (e) => onEvent(qualifyIds(hostId, e)), onError)
  }

  async function fanOut(method: string, input: unknown): Promise<Result<unknown>> {
    const hosts = hostIds
    const away = awayIds
    const keyOf = (hostId: string) => `${hostId}\n${method}\n${JSON.stringify(input ?? null)}`
    const kept = KEPT_WHILE_AWAY.has(method)
    const [here, ...there] = await Promise.all([local.invoke(method, input), ...hosts.map((h) => onHost(h, method, input))])
    if (!here.ok) return here
    // A host that cannot answer now (dropped, reconnecting) gives its last answer, or leaves its part
    // out; its marks and the Hosts panel say it is away.
    const answers = [here.value]
    hosts.forEach((h, i) => {
      const r = there[i]
      if (r.ok && kept) lastAnswers.set(keyOf(h), r.value)
      if (r.ok) answers.push(r.value)
      else if (lastAnswers.has(keyOf(h))) answers.push(lastAnswers.get(keyOf(h)))
    })
    for (const h of away) if (lastAnswers.has(keyOf(h))) answers.push(lastAnswers.get(keyOf(h)))
    return { ok: true, value: mergeAnswers(method, answers, input) }
  }

  function subscribeLane(laneId: string, hostId: string, input: Record<string, unknown>, onEvent: (e: unknown) => void, onError?: (e: RpcError) => void) {
    const plain = refOf(laneId).id
    const stream = new HostLaneStream(
      (deliver) => onHostStream(hostId, 'lanes.events', { ...input, laneId: plain }, (e) => deliver(e as LaneEvent), onError),
      async (after) => {
        const r = await onHost(hostId, 'lanes.transcript', { laneId: plain, after, limit: TRANSCRIPT_PAGE })
        if (!r.ok) throw r.error
        return r.value as { events: LaneEvent[]; next: number; done: boolean }
      },
      (e) => onEvent(e),
      onError,
      input.skipFloods === true,
    )
    let set = laneStreams.get(laneId)
    if (!set) laneStreams.set(laneId, (set = new Set()))
    set.add(stream)
    if (!outOfView.has(laneId)) stream.show(false)
    return () => {
      stream.hide()
      set.delete(stream)
      if (set.size === 0) laneStreams.delete(laneId)
    }
  }

  const bridge: HostsBridge = {
    get hostIds() {
      return hostIds
    },
    setHosts(ids, away = []) {
      hostIds = [...ids]
      awayIds = away.filter((h) => !ids.includes(h))
      // A host that is neither is gone from the window: forget what it last listed.
      for (const key of lastAnswers.keys()) {
        const h = key.slice(0, key.indexOf('\n'))
        if (!hostIds.includes(h) && !awayIds.includes(h)) lastAnswers.delete(key)
      }
    },
    setLaneInView(laneId, inView) {
      if (inView) outOfView.delete(laneId)
      else outOfView.add(laneId)
      for (const stream of laneStreams.get(laneId) ?? []) {
        if (inView) stream.show(true)
        else stream.hide(readUpTo.get(laneId))
      }
    },
    async invoke(method, input) {
      if (method.startsWith('hosts.')) return local.invoke(method, input)
      if (LIST_METHODS.has(method) && hostIds.length + awayIds.length > 0) return fanOut(method, input)
      const route = routeInput(input)
      if ('error' in route) return { ok: false, error: route.error }
      if (!route.hostId) return local.invoke(method, input)
      const r = await onHost(route.hostId, method, route.input)
      if (r.ok && method === 'lanes.transcript') {
        const laneId = (input as { laneId: string }).laneId
        const last = (r.value as { events: LaneEvent[] }).events.at(-1)?.seq ?? 0
        readUpTo.set(laneId, Math.max(readUpTo.get(laneId) ?? 0, last))
      }
      return r
    },
    subscribe(stream, input, onEvent, onError) {
      const laneId = stream === 'lanes.events' ? (input as { laneId?: string } | undefined)?.laneId : undefined
      if (laneId) {
        const { hostId } = refOf(laneId)
        if (hostId) return subscribeLane(laneId, hostId, input as Record<string, unknown>, onEvent, onError)
        return local.subscribe(stream, input, onEvent, onError)
      }
      if (stream !== 'lanes.status' && stream !== 'lanes.events') return local.subscribe(stream, input, onEvent, onError)
      const closers = [local.subscribe(stream, input, onEvent, onError), ...hostIds.map((h) => onHostStream(h, stream, input, onEvent, onError))]
      return () => {
        for (const close of closers) close()
      }
    },
  }
  if ('getPathForFile' in local) Object.assign(bridge, { getPathForFile: (local as Bridge & { getPathForFile(f: File): string }).getPathForFile })
  return bridge
}
