import { expect, type Page } from '@playwright/test'
import type { AgentInfo, Lane, Profile, Settings, Workspace } from '../../src/shared/contract'
import type { LaneEvent, LaneEventBody } from '../../src/shared/events'

/**
 * A scripted host for the renderer: `window.switchyard` (the Electron preload's place) answering
 * from canned data, so a view can be driven event by event, deterministically, without an agent.
 * The page is still served by the real server; only the bridge is replaced.
 */
export interface MockWorld {
  workspaces: Workspace[]
  profiles: Profile[]
  lanes: Lane[]
  agents?: AgentInfo[]
  /** laneId → its transcript so far. */
  transcripts: Record<string, LaneEvent[]>
  /** File name → where the host says a dropped file lives (Electron's getPathForFile); '' otherwise. */
  paths?: Record<string, string>
  settings?: Settings
}

export interface MockCall {
  method: string
  input: unknown
}

export async function installMockBridge(page: Page, world: MockWorld): Promise<void> {
  await page.addInitScript((w: MockWorld) => {
    const calls: MockCall[] = []
    const subs = new Map<number, { stream: string; input: { laneId?: string } | undefined; cb: (e: unknown) => void }>()
    let nextSub = 1
    const ok = (value: unknown) => Promise.resolve({ ok: true, value })
    const emit = (event: LaneEvent) => {
      const list = (w.transcripts[event.laneId] ??= [])
      list.push(event)
      for (const s of subs.values()) {
        if (s.stream === 'lanes.events' && (!s.input?.laneId || s.input.laneId === event.laneId)) s.cb(event)
      }
    }
    const setLane = (lane: Lane) => {
      w.lanes = w.lanes.map((l) => (l.id === lane.id ? lane : l))
      for (const s of subs.values()) if (s.stream === 'lanes.status') s.cb({ type: 'upsert', lane })
    }
    const push = (laneId: string, body: LaneEventBody) => {
      const list = w.transcripts[laneId] ?? []
      const seq = (list[list.length - 1]?.seq ?? 0) + 1
      emit({ ...body, laneId, seq, at: Date.now() } as LaneEvent)
    }
    const win = window as unknown as Record<string, unknown>
    /** An event on any stream (e.g. `app.commands` from main's menus and tray). */
    const emitStream = (stream: string, event: unknown) => {
      for (const s of subs.values()) if (s.stream === stream) s.cb(event)
    }
    win.__mock = { calls, push, setLane, emitStream, world: w }
    win.switchyard = {
      getPathForFile: (file: File) => w.paths?.[file.name] ?? '',
      invoke(method: string, input: any) {
        calls.push({ method, input })
        switch (method) {
          case 'app.info':
            return ok({ name: 'Switchyard', version: '0.0.0-mock', mode: 'electron', platform: 'linux', dataDir: '/tmp/mock', canPickFolder: false })
          case 'workspaces.list':
            return ok(w.workspaces)
          case 'profiles.list':
            return ok(w.profiles)
          case 'agents.detect':
            return ok(w.agents ?? [])
          case 'settings.get':
            return ok((w.settings ??= { theme: 'system', maxProcesses: 12, memoryBudgetMb: 0, keepRunningInTray: true, notifications: true, checkpointsKeep: 100, noClientReapAfterHours: 8 }))
          case 'settings.update':
            w.settings = { ...(w.settings ?? { theme: 'system', maxProcesses: 12, memoryBudgetMb: 0, keepRunningInTray: true, notifications: true, checkpointsKeep: 100, noClientReapAfterHours: 8 }), ...input }
            return ok(w.settings)
          case 'secrets.list':
            return ok([])
          case 'lanes.list':
            return ok(w.lanes)
          case 'lanes.memory':
            return ok({ totalBytes: 0, budgetBytes: (w.settings?.memoryBudgetMb ?? 0) * 1024 * 1024, lanes: [], measuredAt: Date.now() })
          case 'lanes.transcript': {
            const after = input.after ?? 0
            const limit = input.limit ?? 1000
            const all = (w.transcripts[input.laneId] ?? []).filter((e) => e.seq > after)
            const events = all.slice(0, limit)
            const next = events.length ? events[events.length - 1].seq : after
            return ok({ events, next, done: all.length <= limit })
          }
          // An empty screen at seq 0: the terminal then replays the mock transcript from its start.
          case 'lanes.terminalSnapshot': {
            const lane = w.lanes.find((l) => l.id === input.laneId)
            return ok({ data: '', seq: 0, cols: lane?.cols ?? 80, rows: lane?.rows ?? 24 })
          }
          case 'lanes.approve':
            push(input.laneId, { type: 'approval.resolved', requestId: input.requestId, optionId: input.optionId, by: 'user', ...(input.answers ? { answers: input.answers } : {}) })
            return ok({ ok: true })
          case 'lanes.send':
            push(input.laneId, { type: 'input', text: input.input })
            return ok({ ok: true })
          // Closing archives: the lane leaves the columns, its record stays (History → Archived).
          case 'lanes.archive':
          case 'lanes.restore': {
            const lane = w.lanes.find((l) => l.id === input.laneId)
            if (!lane) return Promise.resolve({ ok: false, error: { code: 'not_found', message: 'mock: no such lane' } })
            const next = { ...lane, archived: method === 'lanes.archive' ? true : undefined, status: method === 'lanes.archive' ? ('sleeping' as const) : lane.status }
            setLane(next)
            return ok(next)
          }
          case 'lanes.remove':
            w.lanes = w.lanes.filter((l) => l.id !== input.laneId)
            for (const s of subs.values()) if (s.stream === 'lanes.status') s.cb({ type: 'removed', laneId: input.laneId })
            return ok({ ok: true })
          // As Gemini in a folder it does not trust: privileged modes are refused.
          case 'lanes.setMode': {
            const lane = w.lanes.find((l) => l.id === input.laneId)
            if (!lane?.modes) return Promise.resolve({ ok: false, error: { code: 'unsupported', message: 'mock: no modes' } })
            if (input.modeId === 'yolo') {
              return Promise.resolve({ ok: false, error: { code: 'unsupported', message: 'The agent did not switch to YOLO: Cannot enable privileged approval modes in an untrusted folder.' } })
            }
            // A new record, as over the wire (the window's lane columns render when their lane changes).
            const next = { ...lane, modes: { ...lane.modes, current: input.modeId } }
            setLane(next)
            return ok(next)
          }
          case 'lanes.interrupt':
          case 'lanes.resize':
            return ok({ ok: true })
          // Review drafts live in sessionStorage, which a reload keeps (main's store, in the real app).
          case 'review.drafts':
            return ok({ comments: JSON.parse(sessionStorage.getItem(`mock.reviewDrafts.${input.laneId}`) ?? '[]') })
          case 'review.saveDrafts':
            sessionStorage.setItem(`mock.reviewDrafts.${input.laneId}`, JSON.stringify(input.comments))
            return ok({ ok: true })
          default:
            return Promise.resolve({ ok: false, error: { code: 'unsupported', message: `mock: ${method}` } })
        }
      },
      subscribe(stream: string, input: any, cb: (e: unknown) => void) {
        const id = nextSub++
        subs.set(id, { stream, input, cb })
        return () => subs.delete(id)
      },
    }
  }, world)
}

/** Opens the app on `world` and waits for its first lane's structured view. */
export async function openStructuredLane(page: Page, url: string, world: MockWorld) {
  await installMockBridge(page, world)
  await page.goto(url)
  const lane = page.locator('.lane').first()
  await expect(lane.locator('.structured')).toBeVisible()
  return lane
}

/** Appends events to a lane as the agent would, live. */
export async function pushEvents(page: Page, laneId: string, bodies: LaneEventBody[]): Promise<void> {
  await page.evaluate(
    ({ laneId, bodies }) => {
      const mock = (window as unknown as { __mock: { push(l: string, b: unknown): void } }).__mock
      for (const b of bodies) mock.push(laneId, b)
    },
    { laneId, bodies },
  )
}

/** Sends an event on a stream, as main would (e.g. an `app.commands` request from a menu). */
export async function emitStream(page: Page, stream: string, event: unknown): Promise<void> {
  await page.evaluate(
    ({ stream, event }) => (window as unknown as { __mock: { emitStream(s: string, e: unknown): void } }).__mock.emitStream(stream, event),
    { stream, event },
  )
}

export async function mockCalls(page: Page): Promise<MockCall[]> {
  return page.evaluate(() => (window as unknown as { __mock: { calls: MockCall[] } }).__mock.calls)
}

/** Stamps bodies into a transcript: seq 1…n. */
export function stamp(laneId: string, bodies: LaneEventBody[], start = Date.now() - 60_000): LaneEvent[] {
  return bodies.map((b, i) => ({ ...b, laneId, seq: i + 1, at: start + i * 700 }) as LaneEvent)
}

export function mockProfile(p: Partial<Profile> & Pick<Profile, 'id' | 'name' | 'kind'>): Profile {
  return { command: '', args: [], env: {}, idleTimeoutMs: 30 * 60_000, approvalPolicy: 'ask', configDir: `/tmp/mock/${p.id}`, builtIn: false, ...p }
}

export function mockLane(p: Partial<Lane> & Pick<Lane, 'id' | 'kind' | 'profileId'>): Lane {
  const now = Date.now()
  return { workspaceId: 'ws', title: '', status: 'ready', createdAt: now, lastActivityAt: now, cols: 80, rows: 24, ...p }
}
