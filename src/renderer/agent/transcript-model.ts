import type { LaneEvent, LaneEventBody } from '../../shared/events'

/**
 * A structured lane's transcript as view items: a pure fold of its LaneEvents.
 *
 * Items are immutable: an event that changes an item replaces it with a new object (so memoized
 * rows re-render only when their item changed), and every item keeps the id of the event that
 * created it (a stable key for the virtualized list).
 */

type Body<T extends LaneEventBody['type']> = Extract<LaneEventBody, { type: T }>
export type ApprovalOption = Body<'approval.requested'>['options'][number]
export type Question = NonNullable<Body<'approval.requested'>['questions']>[number]
export type Answers = NonNullable<Body<'approval.resolved'>['answers']>
export type ToolKind = NonNullable<Body<'tool.started'>['toolKind']>
export type Usage = NonNullable<Body<'usage'>['turn']>
export type PlanEntry = Body<'plan'>['entries'][number]
export type ToolStatus = 'running' | 'completed' | 'failed' | 'declined' | 'stopped'

interface ItemBase {
  /** `e<seq>` of the event that created it. */
  id: string
  at: number
}

export type TranscriptItem =
  | (ItemBase & { kind: 'input'; text: string })
  | (ItemBase & {
      kind: 'message'
      role: 'assistant' | 'user' | 'system'
      messageId?: string
      text: string
      /** Still receiving text deltas. */
      streaming: boolean
      /** Built from deltas and not yet confirmed by a `message` event. */
      fromDeltas: boolean
    })
  | (ItemBase & { kind: 'reasoning'; messageId?: string; text: string; streaming: boolean })
  | (ItemBase & {
      kind: 'tool'
      toolCallId: string
      toolKind?: ToolKind
      title?: string
      command?: string
      output?: string
      exitCode?: number | null
      files?: { path: string; diff?: string }[]
      status: ToolStatus
      /** An approval request about this call that is still open. */
      awaitingApproval?: string
      /** A lane this call created (Switchyard's create_lane tool). */
      child?: { laneId: string; title: string }
    })
  | (ItemBase & {
      kind: 'approval'
      requestId: string
      title: string
      detail?: string
      toolCallId?: string
      readOnly?: boolean
      options: ApprovalOption[]
      /** What the agent asks; the option of kind `other` submits the answers. */
      questions?: Question[]
      /** `answers`: what was answered (a secret question's as `•••`). */
      resolution?: { optionId: string; by: 'user' | 'policy' | 'agent'; label?: string; answers?: Answers }
      /** The turn or the process ended while it was open: nothing answers it any more. */
      expired?: boolean
    })
  | (ItemBase & { kind: 'plan'; entries: PlanEntry[] })
  | (ItemBase & {
      kind: 'error'
      message: string
      fatal: boolean
      /** Failed attempts the agent has retried so far (one card for all of them). */
      retries?: number
      /** The agent is retrying the request now. */
      retrying?: boolean
      /** The turn failed after this error: the prompt a Retry button sends again. */
      retryPrompt?: string
    })
  | (ItemBase & {
      kind: 'turn'
      outcome: 'completed' | 'interrupted' | 'failed'
      message?: string
      durationMs?: number
      usage?: Usage
    })
  | (ItemBase & { kind: 'notice'; text: string; tone: 'info' | 'warn' })
  /** The lane's files saved at this point (checkpoint `n`); `restoring`: saved just before restoring that one. */
  | (ItemBase & { kind: 'checkpoint'; n: number; turn: number; phase: 'start' | 'end' | 'restore' | 'manual'; restoring?: number; path?: string })

export type ItemKind = TranscriptItem['kind']
export type ItemOf<K extends ItemKind> = Extract<TranscriptItem, { kind: K }>

export interface TranscriptState {
  items: TranscriptItem[]
  /** Seq of the last event folded in. */
  seq: number
  /** The assistant message receiving text deltas. */
  openMessage: number | null
  /** The reasoning block receiving reasoning deltas. */
  openReasoning: number | null
  /** toolCallId → item index. */
  tools: Record<string, number>
  /** requestId → item index. */
  approvals: Record<string, number>
  /** The turn under way, if any. */
  turn: { startedAt: number; firstItem: number; plan: number | null; usage?: Usage } | null
  /** The plan item of the latest turn (updates replace its entries). */
  plan: number | null
  /** Assistant messages built from deltas, not yet confirmed by a `message` event. */
  streamed: number[]
  /** The agent's mode as last reported: a change shows as a line in the transcript. */
  mode: string | null
}

export function emptyTranscript(): TranscriptState {
  return { items: [], seq: 0, openMessage: null, openReasoning: null, tools: {}, approvals: {}, turn: null, plan: null, streamed: [], mode: null }
}

/** Folds one event in. */
export function reduceTranscript(state: TranscriptState, event: LaneEvent): TranscriptState {
  return applyEvents(state, [event])
}

/** Folds a batch of events in (one copy of the item list for the whole batch). */
export function applyEvents(state: TranscriptState, events: readonly LaneEvent[]): TranscriptState {
  const fresh = events.filter((e) => e.seq > state.seq)
  if (fresh.length === 0) return state
  const s: TranscriptState = {
    ...state,
    items: state.items.slice(),
    tools: { ...state.tools },
    approvals: { ...state.approvals },
    streamed: state.streamed.slice(),
    turn: state.turn && { ...state.turn },
  }
  for (const event of fresh) {
    if (event.seq <= s.seq) continue
    s.seq = event.seq
    fold(s, event)
  }
  return s
}

/** Whether the transcript ends in a turn still under way. */
export function turnInProgress(state: TranscriptState): boolean {
  return state.turn !== null
}

// ---------------------------------------------------------------------------------------------

const norm = (text: string) => text.replace(/\s+/g, ' ').trim()

/** A failed turn: its last error card (after the last prompt) stops retrying and offers to send that prompt again. */
function offerRetry(s: TranscriptState): void {
  for (let i = s.items.length - 1; i >= 0; i--) {
    const item = s.items[i]
    if (item.kind === 'input') return
    if (item.kind !== 'error') continue
    const prompt = s.items.findLast((it, j) => j < i && it.kind === 'input') as ItemOf<'input'> | undefined
    update<'error'>(s, i, { retrying: false, ...(prompt ? { retryPrompt: prompt.text } : {}) })
    return
  }
}

function push(s: TranscriptState, item: TranscriptItem): number {
  s.items.push(item)
  return s.items.length - 1
}

function update<K extends ItemKind>(s: TranscriptState, index: number, patch: Partial<ItemOf<K>>): void {
  s.items[index] = { ...s.items[index], ...patch } as TranscriptItem
}

/** Ends the streaming of the open message and reasoning (something else came in between). */
function closeStreams(s: TranscriptState): void {
  if (s.openMessage !== null) {
    update<'message'>(s, s.openMessage, { streaming: false })
    s.openMessage = null
  }
  if (s.openReasoning !== null) {
    update<'reasoning'>(s, s.openReasoning, { streaming: false })
    s.openReasoning = null
  }
}

function base(event: LaneEvent): ItemBase {
  return { id: `e${event.seq}`, at: event.at }
}

function defined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>
}

/** Ends the turn (or the process): closes streams, stops running tools, expires open approvals. */
function settle(s: TranscriptState): void {
  closeStreams(s)
  for (const index of Object.values(s.tools)) {
    const item = s.items[index] as ItemOf<'tool'>
    if (item.status === 'running' || item.awaitingApproval) {
      update<'tool'>(s, index, { status: item.status === 'running' ? 'stopped' : item.status, awaitingApproval: undefined })
    }
  }
  for (const index of Object.values(s.approvals)) {
    const item = s.items[index] as ItemOf<'approval'>
    if (!item.resolution && !item.expired) update<'approval'>(s, index, { expired: true })
  }
  // A settled turn's tools and requests are done; later events with the same ids start afresh.
  s.tools = {}
  s.approvals = {}
  // Confirmed or not, what the deltas built is the message now.
  for (const i of s.streamed) update<'message'>(s, i, { fromDeltas: false })
  s.streamed = []
}

function fold(s: TranscriptState, event: LaneEvent): void {
  switch (event.type) {
    case 'input': {
      closeStreams(s)
      push(s, { ...base(event), kind: 'input', text: event.text })
      return
    }
    case 'turn.started': {
      if (s.turn) settle(s)
      s.turn = { startedAt: event.at, firstItem: s.items.length, plan: null }
      return
    }
    case 'turn.completed': {
      const turn = s.turn
      settle(s)
      if (event.outcome === 'failed') offerRetry(s)
      push(s, {
        ...base(event),
        kind: 'turn',
        outcome: event.outcome,
        message: event.message,
        durationMs: turn ? Math.max(0, event.at - turn.startedAt) : undefined,
        usage: turn?.usage,
      })
      s.turn = null
      return
    }
    case 'text.delta': {
      if (!event.text) return
      const open = s.openMessage !== null ? (s.items[s.openMessage] as ItemOf<'message'>) : null
      if (open && (open.messageId === event.messageId || !event.messageId || !open.messageId)) {
        update<'message'>(s, s.openMessage!, { text: open.text + event.text, messageId: open.messageId ?? event.messageId })
        return
      }
      closeStreams(s)
      s.openMessage = push(s, {
        ...base(event),
        kind: 'message',
        role: 'assistant',
        messageId: event.messageId,
        text: event.text,
        streaming: true,
        fromDeltas: true,
      })
      s.streamed.push(s.openMessage)
      return
    }
    case 'reasoning.delta': {
      if (!event.text) return
      const open = s.openReasoning !== null ? (s.items[s.openReasoning] as ItemOf<'reasoning'>) : null
      if (open && (open.messageId === event.messageId || !event.messageId || !open.messageId)) {
        update<'reasoning'>(s, s.openReasoning!, { text: open.text + event.text, messageId: open.messageId ?? event.messageId })
        return
      }
      closeStreams(s)
      s.openReasoning = push(s, { ...base(event), kind: 'reasoning', messageId: event.messageId, text: event.text, streaming: true })
      return
    }
    case 'message':
      return foldMessage(s, event)
    case 'tool.started':
    case 'tool.updated':
    case 'tool.completed': {
      const { type: _t, laneId: _l, seq: _s, at: _a, ...fields } = event
      const status: ToolStatus | undefined = event.type === 'tool.completed' ? event.status : undefined
      const patch = defined({ ...fields, status })
      const known = s.tools[event.toolCallId]
      if (known !== undefined) {
        const item = s.items[known] as ItemOf<'tool'>
        update<'tool'>(s, known, {
          ...patch,
          awaitingApproval: event.type === 'tool.completed' ? undefined : item.awaitingApproval,
        })
        return
      }
      closeStreams(s)
      const pending = Object.entries(s.approvals).find(([, i]) => {
        const a = s.items[i] as ItemOf<'approval'>
        return a.toolCallId === event.toolCallId && !a.resolution && !a.expired
      })
      s.tools[event.toolCallId] = push(s, {
        ...base(event),
        kind: 'tool',
        status: 'running',
        ...patch,
        toolCallId: event.toolCallId,
        awaitingApproval: status ? undefined : pending?.[0],
      } as ItemOf<'tool'>)
      return
    }
    case 'lane.child': {
      // Emitted while the agent's create_lane call runs: the newest tool call is the one that made it.
      const last = Object.values(s.tools).reduce((a, b) => Math.max(a, b), -1)
      const child = { laneId: event.childLaneId, title: event.title }
      if (last >= 0) update<'tool'>(s, last, { child })
      else push(s, { ...base(event), kind: 'notice', text: `Created lane ${event.title}`, tone: 'info' })
      return
    }
    case 'approval.requested': {
      closeStreams(s)
      s.approvals[event.requestId] = push(s, {
        ...base(event),
        kind: 'approval',
        requestId: event.requestId,
        title: event.title,
        detail: event.detail,
        toolCallId: event.toolCallId,
        readOnly: event.readOnly,
        options: event.options,
        questions: event.questions,
      })
      const tool = event.toolCallId !== undefined ? s.tools[event.toolCallId] : undefined
      if (tool !== undefined) update<'tool'>(s, tool, { awaitingApproval: event.requestId })
      return
    }
    case 'approval.resolved': {
      const index = s.approvals[event.requestId]
      if (index === undefined) return
      const item = s.items[index] as ItemOf<'approval'>
      const label = item.options.find((o) => o.id === event.optionId)?.label
      update<'approval'>(s, index, { resolution: { optionId: event.optionId, by: event.by, label, answers: event.answers }, expired: false })
      const tool = item.toolCallId !== undefined ? s.tools[item.toolCallId] : undefined
      if (tool !== undefined) {
        const t = s.items[tool] as ItemOf<'tool'>
        if (t.awaitingApproval === event.requestId) update<'tool'>(s, tool, { awaitingApproval: undefined })
      }
      return
    }
    case 'plan': {
      const index = s.turn ? s.turn.plan : s.plan
      if (index !== null && s.items[index]?.kind === 'plan') {
        update<'plan'>(s, index, { entries: event.entries })
        return
      }
      closeStreams(s)
      s.plan = push(s, { ...base(event), kind: 'plan', entries: event.entries })
      if (s.turn) s.turn.plan = s.plan
      return
    }
    case 'usage': {
      if (s.turn && event.turn) s.turn.usage = addUsage(s.turn.usage, event.turn)
      return
    }
    case 'modes': {
      // Every start reports the mode; only a change is worth a line (why the agent stopped writing files).
      const changed = s.mode !== null && s.mode !== event.current
      s.mode = event.current
      if (changed) {
        const name = event.available.find((m) => m.id === event.current)?.name ?? event.current
        closeStreams(s)
        push(s, { ...base(event), kind: 'message', role: 'system', text: `Mode: ${name}`, streaming: false, fromDeltas: false })
      }
      return
    }
    case 'error': {
      closeStreams(s)
      const last = s.items.length - 1
      const previous = s.items[last]
      // The agent retrying one request: the same card counts the attempts and ends with the final error.
      if (previous?.kind === 'error' && previous.retrying) {
        update<'error'>(s, last, { message: event.message, fatal: event.fatal === true, retries: (previous.retries ?? 0) + (event.retry ? 1 : 0), retrying: event.retry !== undefined })
        return
      }
      push(s, { ...base(event), kind: 'error', message: event.message, fatal: event.fatal === true, ...(event.retry ? { retries: 1, retrying: true } : {}) })
      return
    }
    case 'process.exited': {
      const wasInTurn = s.turn !== null
      settle(s)
      s.turn = null
      if (wasInTurn) push(s, { ...base(event), kind: 'turn', outcome: 'interrupted', message: 'The agent process ended' })
      if (!event.requested) {
        const how = event.signal ? `was killed by ${event.signal}` : `exited with code ${event.exitCode}`
        push(s, { ...base(event), id: `e${event.seq}x`, kind: 'notice', text: `The agent ${how}`, tone: event.exitCode === 0 ? 'info' : 'warn' })
      }
      return
    }
    case 'status': {
      const text =
        event.status === 'sleeping'
          ? 'Asleep — the next message wakes the agent'
          : event.status === 'exited'
            ? 'Stopped'
            : event.status === 'starting' && event.previous && event.previous !== 'starting'
              ? event.previous === 'sleeping'
                ? 'Waking up…'
                : 'Restarting…'
              : null
      if (text) {
        closeStreams(s)
        push(s, { ...base(event), kind: 'notice', text, tone: 'info' })
      }
      return
    }
    case 'checkpoint': {
      // One marker per boundary: a turn's start shows only where the files changed since the last end (or before the first turn).
      if (event.phase === 'start' && event.changed === false && event.turn > 1) return
      push(s, { ...base(event), kind: 'checkpoint', n: event.n, turn: event.turn, phase: event.phase, restoring: event.restoring, path: event.path })
      return
    }
    case 'terminal.output':
    case 'process.started':
      return
  }
}

function foldMessage(s: TranscriptState, event: Extract<LaneEvent, { type: 'message' }>): void {
  if (event.role === 'user') {
    // The user's own words come as `input`; an agent that echoes them (or replays history) says them again.
    const last = s.items[s.items.length - 1]
    if (last?.kind === 'input' && norm(last.text) === norm(event.text)) return
    closeStreams(s)
    push(s, { ...base(event), kind: 'input', text: event.text })
    return
  }
  if (event.role === 'system') {
    closeStreams(s)
    push(s, { ...base(event), kind: 'message', role: 'system', text: event.text, streaming: false, fromDeltas: false, messageId: event.messageId })
    return
  }
  // An assistant message completes what its deltas streamed.
  if (event.messageId) {
    const from = Math.min(s.turn?.firstItem ?? Infinity, Math.max(0, s.items.length - 200))
    const index = findLast(s.items, from, (i) => i.kind === 'message' && i.role === 'assistant' && i.messageId === event.messageId)
    if (index >= 0) {
      if (index === s.openMessage) s.openMessage = null
      s.streamed = s.streamed.filter((i) => i !== index)
      update<'message'>(s, index, { text: event.text || (s.items[index] as ItemOf<'message'>).text, streaming: false, fromDeltas: false })
      return
    }
  }
  const pending = s.streamed.filter((i) => !event.messageId || !(s.items[i] as ItemOf<'message'>).messageId)
  if (pending.length > 0) {
    s.streamed = s.streamed.filter((i) => !pending.includes(i))
    const confirm = (i: number, text?: string) => {
      if (i === s.openMessage) s.openMessage = null
      update<'message'>(s, i, { streaming: false, fromDeltas: false, ...(text !== undefined ? { text } : {}) })
    }
    const joined = norm(pending.map((i) => (s.items[i] as ItemOf<'message'>).text).join(' '))
    const full = norm(event.text)
    if (joined === full || full === '') {
      for (const i of pending) confirm(i)
      return
    }
    const last = pending[pending.length - 1]
    const lastText = norm((s.items[last] as ItemOf<'message'>).text)
    if (full.startsWith(lastText) || full.endsWith(lastText)) {
      // The message is the last streamed block, complete (the earlier blocks were their own messages).
      for (const i of pending) confirm(i, i === last ? event.text : undefined)
      return
    }
    for (const i of pending) confirm(i)
  }
  if (!event.text) return
  closeStreams(s)
  push(s, { ...base(event), kind: 'message', role: 'assistant', messageId: event.messageId, text: event.text, streaming: false, fromDeltas: false })
}

function findLast<T>(list: readonly T[], from: number, test: (item: T) => boolean): number {
  for (let i = list.length - 1; i >= from; i--) if (test(list[i])) return i
  return -1
}

export function addUsage(a: Usage | undefined, b: Usage): Usage {
  const sum: Usage = { ...a }
  for (const [k, v] of Object.entries(b) as [keyof Usage, number | undefined][]) {
    if (v !== undefined) sum[k] = (sum[k] ?? 0) + v
  }
  return sum
}
