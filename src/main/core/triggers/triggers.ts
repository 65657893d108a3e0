/**
 * Triggers: a lane's completed turn forwarded to another lane, a failed lane in a workspace notified,
 * a prompt run every day in a fresh lane. Stored with the settings; every firing is written into the
 * transcript of the lane it acts on. The decisions are pure functions below; the class wires them.
 */
import type { MethodArgs, Trigger } from '../../../shared/contract'
import { Trigger as TriggerSchema } from '../../../shared/contract'
import type { LaneEvent } from '../../../shared/events'
import { AppError } from '../errors'
import { newId } from '../ids'
import type { LaneManager } from '../lanes/manager'
import { readList, type KeyValueStore } from '../store'

/** The template with `{{message}}` and `{{lane}}` filled in. */
export function renderTemplate(template: string, values: { message: string; lane: string }): string {
  return template.replace(/\{\{\s*(message|lane)\s*\}\}/g, (_, key: 'message' | 'lane') => values[key])
}

/** The first local `HH:MM` strictly after `afterMs`. */
export function nextDailyRun(afterMs: number, dailyAt: string): number {
  const [h, m] = dailyAt.split(':').map(Number)
  const d = new Date(afterMs)
  d.setHours(h, m, 0, 0)
  if (d.getTime() <= afterMs) d.setDate(d.getDate() + 1)
  return d.getTime()
}

/**
 * Whether a forward from `from` to `to` would close a loop of enabled forwards (A → B → A would
 * ping-pong turns, and tokens, forever).
 */
export function closesForwardLoop(triggers: readonly Trigger[], from: string, to: string): boolean {
  const next = new Map<string, string[]>()
  for (const t of triggers) if (t.kind === 'forward' && t.enabled) next.set(t.fromLaneId!, [...(next.get(t.fromLaneId!) ?? []), t.toLaneId!])
  const seen = new Set<string>()
  const stack = [to]
  while (stack.length) {
    const lane = stack.pop()!
    if (lane === from) return true
    if (seen.has(lane)) continue
    seen.add(lane)
    stack.push(...(next.get(lane) ?? []))
  }
  return false
}

/** Whether a schedule is due at `now`: its next run after the last firing (or its creation) has come. */
export function scheduleDue(t: Trigger, now: number): boolean {
  return t.kind === 'schedule' && t.enabled && t.dailyAt !== undefined && nextDailyRun(t.lastFiredAt ?? t.createdAt, t.dailyAt) <= now
}

export interface TriggerOptions {
  store: KeyValueStore
  lanes: LaneManager
  now?: () => number
  /** Tells the user (desktop notification, or the server's log). */
  notify?: (title: string, body: string, laneId: string) => void
  /** How often schedules are checked; 0: never by itself (tests call `tick`). */
  tickMs?: number
}

export class Triggers {
  private triggers: Trigger[]
  private readonly now: () => number
  private readonly lastMessage = new Map<string, string>()
  private readonly timer: NodeJS.Timeout | undefined

  constructor(private readonly opts: TriggerOptions) {
    this.now = opts.now ?? Date.now
    this.triggers = readList(opts.store, 'triggers', TriggerSchema)
    opts.lanes.onEvent((e) => void this.onLaneEvent(e))
    const every = opts.tickMs ?? 30_000
    this.timer = every > 0 ? setInterval(() => void this.tick(), every) : undefined
    this.timer?.unref()
  }

  list(): Trigger[] {
    return this.triggers
  }

  add(fields: MethodArgs<'triggers.add'>): Trigger {
    if (fields.kind === 'forward' && fields.fromLaneId === fields.toLaneId) throw new AppError('invalid_input', 'A lane cannot forward to itself')
    if (fields.kind === 'forward' && closesForwardLoop(this.triggers, fields.fromLaneId!, fields.toLaneId!)) {
      throw new AppError('conflict', 'That forward would close a loop of forwards (turns would bounce between the lanes forever)')
    }
    for (const laneId of [fields.fromLaneId, fields.toLaneId]) if (laneId) this.opts.lanes.get(laneId)
    const trigger: Trigger = { ...fields, id: newId('trig'), enabled: true, createdAt: this.now() }
    this.save([...this.triggers, trigger])
    return trigger
  }

  toggle(id: string, enabled: boolean): Trigger {
    const t = this.get(id)
    if (enabled && !t.enabled && t.kind === 'forward' && closesForwardLoop(this.triggers, t.fromLaneId!, t.toLaneId!)) {
      throw new AppError('conflict', 'Turning this on would close a loop of forwards')
    }
    return this.patch(id, { enabled })
  }

  remove(id: string): void {
    this.get(id)
    this.save(this.triggers.filter((t) => t.id !== id))
  }

  /** Runs the schedules that are due (the interval calls it; tests call it with a faked clock). */
  async tick(): Promise<void> {
    const now = this.now()
    for (const t of this.triggers.filter((t) => scheduleDue(t, now))) {
      this.patch(t.id, { lastFiredAt: now })
      try {
        const lane = await this.opts.lanes.create({ workspaceId: t.workspaceId!, profileId: t.profileId!, title: `Scheduled ${t.dailyAt}`, background: true })
        this.record(lane.id, `Trigger ${t.id}: the daily ${t.dailyAt} prompt`)
        await this.opts.lanes.send(lane.id, t.prompt!)
      } catch (err) {
        console.error(`switchyard: scheduled trigger ${t.id} failed:`, err instanceof Error ? err.message : err)
      }
    }
  }

  close(): void {
    if (this.timer) clearInterval(this.timer)
  }

  private async onLaneEvent(e: LaneEvent): Promise<void> {
    if (e.type === 'message' && e.role === 'assistant') this.lastMessage.set(e.laneId, e.text)
    if (e.type === 'input') this.lastMessage.delete(e.laneId)
    if (e.type === 'turn.completed' && e.outcome === 'completed') {
      const message = e.message ?? this.lastMessage.get(e.laneId) ?? ''
      for (const t of this.triggers.filter((t) => t.enabled && t.kind === 'forward' && t.fromLaneId === e.laneId)) {
        const from = this.opts.lanes.get(e.laneId).record
        this.patch(t.id, { lastFiredAt: this.now() })
        try {
          this.record(t.toLaneId!, `Trigger ${t.id}: forwarded from ${from.title}`)
          await this.opts.lanes.send(t.toLaneId!, renderTemplate(t.template!, { message, lane: from.title }))
        } catch (err) {
          console.error(`switchyard: forward trigger ${t.id} failed:`, err instanceof Error ? err.message : err)
        }
      }
    }
    if (e.type === 'status' && e.status === 'failed') {
      const lane = this.opts.lanes.list().find((l) => l.id === e.laneId)
      for (const t of this.triggers.filter((t) => t.enabled && t.kind === 'notify' && t.workspaceId === lane?.workspaceId)) {
        this.patch(t.id, { lastFiredAt: this.now() })
        this.record(e.laneId, `Trigger ${t.id}: notified that this lane failed`)
        this.opts.notify?.(`${lane!.title} failed`, lane!.exit?.message ?? 'The lane failed', e.laneId)
      }
    }
  }

  /** Writes a firing into the transcript of the lane it acts on. */
  private record(laneId: string, text: string): void {
    this.opts.lanes.get(laneId).emit({ type: 'message', role: 'system', text })
  }

  private get(id: string): Trigger {
    const t = this.triggers.find((t) => t.id === id)
    if (!t) throw new AppError('not_found', `No trigger ${id}`)
    return t
  }

  private patch(id: string, fields: Partial<Trigger>): Trigger {
    const next = { ...this.get(id), ...fields }
    this.save(this.triggers.map((t) => (t.id === id ? next : t)))
    return next
  }

  private save(list: Trigger[]): void {
    this.triggers = list
    this.opts.store.set('triggers', list)
  }
}
