import { z } from 'zod'

/**
 * LaneEvent: the one vocabulary every adapter speaks upward. Adapters emit a `LaneEventBody`;
 * the lane stamps it with `laneId`, a per-lane `seq` (the transcript cursor) and `at`.
 */

export const LaneStatus = z.enum(['starting', 'ready', 'busy', 'waiting', 'sleeping', 'exited', 'failed'])
export type LaneStatus = z.infer<typeof LaneStatus>

export const Usage = z.object({
  inputTokens: z.number().int().nonnegative().optional(),
  outputTokens: z.number().int().nonnegative().optional(),
  cachedInputTokens: z.number().int().nonnegative().optional(),
  costUsd: z.number().nonnegative().optional(),
})

/** How full the model's context window is, where the agent reports it (its last call against its window). */
export const ContextFill = z.object({
  usedTokens: z.number().int().nonnegative(),
  windowTokens: z.number().int().positive(),
})
export type ContextFill = z.infer<typeof ContextFill>

export const ApprovalOption = z.object({
  id: z.string(),
  label: z.string(),
  kind: z.enum(['allow_once', 'allow_always', 'reject_once', 'reject_always', 'other']),
})

/**
 * A question an agent asks the user (Claude's AskUserQuestion, Codex's request_user_input, pi's input
 * dialogs). Answered through `lanes.approve` with `answers[id]`: chosen option labels and/or typed text.
 */
export const Question = z.object({
  id: z.string(),
  /** A short chip ("Auth method"). */
  header: z.string().optional(),
  question: z.string(),
  options: z.array(z.object({ label: z.string(), description: z.string().optional() })),
  multiSelect: z.boolean().optional(),
  /** The user may type an answer of their own (always so when there are no options). */
  other: z.boolean().optional(),
  /** The typed answer is a secret: masked while typed, never written to the transcript. */
  secret: z.boolean().optional(),
  /** A longer text (pi's editor); `initial` fills it to start with. */
  multiline: z.boolean().optional(),
  initial: z.string().optional(),
})
export type Question = z.infer<typeof Question>

/** Answers by question id; each is the chosen labels, or the one typed text. */
export const Answers = z.record(z.string().max(512), z.array(z.string().max(100_000)).max(64))
export type Answers = z.infer<typeof Answers>

/** A way of working an agent offers (Claude's permission modes, an ACP session mode such as Gemini's "Plan"). */
export const AgentMode = z.object({ id: z.string(), name: z.string(), description: z.string().optional() })
/** The modes an agent offers and the one it is in. */
export const LaneModes = z.object({ current: z.string(), available: z.array(AgentMode) })
export type LaneModes = z.infer<typeof LaneModes>

/** What a tool does, so policies and the UI can tell reading from writing. */
export const ToolKind = z.enum(['read', 'search', 'edit', 'execute', 'fetch', 'think', 'other'])

const ToolCall = z.object({
  toolCallId: z.string(),
  toolKind: ToolKind.optional(),
  title: z.string().optional(),
  command: z.string().optional(),
  output: z.string().optional(),
  exitCode: z.number().int().nullable().optional(),
  files: z.array(z.object({ path: z.string(), diff: z.string().optional() })).optional(),
})

export const LaneEventBody = z.discriminatedUnion('type', [
  /** The lane's status changed (the lane emits these, adapters never do). */
  z.object({ type: z.literal('status'), status: LaneStatus, previous: LaneStatus.optional() }),
  /** What the user sent to the lane. */
  z.object({ type: z.literal('input'), text: z.string() }),
  /** Bytes a terminal lane's pty wrote, decoded as UTF-8, coalesced into frames. */
  z.object({ type: z.literal('terminal.output'), data: z.string() }),
  z.object({ type: z.literal('process.started'), pid: z.number().int().optional(), command: z.string() }),
  z.object({
    type: z.literal('process.exited'),
    exitCode: z.number().int().nullable(),
    signal: z.string().nullable(),
    /** Whether Switchyard stopped it (stop, reap, quit) rather than it ending by itself. */
    requested: z.boolean(),
  }),
  z.object({ type: z.literal('turn.started'), turnId: z.string().optional() }),
  z.object({
    type: z.literal('turn.completed'),
    turnId: z.string().optional(),
    outcome: z.enum(['completed', 'interrupted', 'failed']),
    message: z.string().optional(),
  }),
  z.object({ type: z.literal('text.delta'), messageId: z.string().optional(), text: z.string() }),
  z.object({ type: z.literal('reasoning.delta'), messageId: z.string().optional(), text: z.string() }),
  z.object({
    type: z.literal('message'),
    role: z.enum(['assistant', 'user', 'system']),
    messageId: z.string().optional(),
    text: z.string(),
    /** The text is exactly what this message's `text.delta` events streamed, so it is not repeated here (`text` is ''). */
    streamed: z.boolean().optional(),
  }),
  z.object({ type: z.literal('tool.started'), ...ToolCall.shape }),
  z.object({ type: z.literal('tool.updated'), ...ToolCall.shape }),
  z.object({ type: z.literal('tool.completed'), ...ToolCall.shape, status: z.enum(['completed', 'failed', 'declined']) }),
  z.object({
    type: z.literal('approval.requested'),
    requestId: z.string(),
    title: z.string(),
    detail: z.string().optional(),
    /** The tool call it is about, when there is one. */
    toolCallId: z.string().optional(),
    /** True when granting it only lets the agent read (the `auto_reads` policy approves these). */
    readOnly: z.boolean().optional(),
    options: z.array(ApprovalOption).min(1),
    /** Questions to answer: the option of kind `other` submits the answers, a reject option declines them. */
    questions: z.array(Question).min(1).optional(),
  }),
  /** `agent`: the agent withdrew or settled the request itself (turn interrupted, answered elsewhere). */
  z.object({
    type: z.literal('approval.resolved'),
    requestId: z.string(),
    optionId: z.string(),
    by: z.enum(['user', 'policy', 'agent']),
    /** The answers given (a secret question's as `•••`). */
    answers: Answers.optional(),
  }),
  /** The agent's modes, or a change of its current one. */
  z.object({ type: z.literal('modes'), ...LaneModes.shape }),
  z.object({ type: z.literal('plan'), entries: z.array(z.object({ text: z.string(), status: z.enum(['pending', 'in_progress', 'completed']) })) }),
  /** `turn`: what this report adds to the running turn (reports add up); `total`: the session's total so far. */
  z.object({ type: z.literal('usage'), turn: Usage.optional(), total: Usage.optional(), context: ContextFill.optional() }),
  /** This lane's agent created another lane (through Switchyard's MCP tools): a link to it. */
  z.object({ type: z.literal('lane.child'), childLaneId: z.string(), title: z.string() }),
  /**
   * The lane's files were saved as checkpoint `n` (a private git ref): at a turn's start or end, before
   * a restore (`restoring`: the checkpoint being restored, so this one undoes it), or on request.
   */
  z.object({
    type: z.literal('checkpoint'),
    n: z.number().int().positive(),
    turn: z.number().int().min(0),
    phase: z.enum(['start', 'end', 'restore', 'manual']),
    commit: z.string(),
    /** False when the files were as at the previous checkpoint (no new git object was written). */
    changed: z.boolean(),
    restoring: z.number().int().positive().optional(),
    /** A restore of one file or folder only. */
    path: z.string().optional(),
  }),
  /** Something went wrong that the user should see; `fatal` ones fail the lane. */
  z.object({
    type: z.literal('error'),
    message: z.string(),
    fatal: z.boolean().optional(),
    details: z.unknown().optional(),
    /** The agent retries the request itself (pi's auto-retry, Codex's `willRetry`): one card counts the attempts. */
    retry: z.object({ attempt: z.number().int().optional(), maxAttempts: z.number().int().optional() }).optional(),
  }),
])
export type LaneEventBody = z.infer<typeof LaneEventBody>

export const LaneEvent = z.intersection(
  z.object({ laneId: z.string(), seq: z.number().int().positive(), at: z.number() }),
  LaneEventBody,
)
export type LaneEvent = LaneEventBody & { laneId: string; seq: number; at: number }

/**
 * A transcript page for a subscriber that redraws over a seq gap (`lanes.events` with `skipFloods`): one with
 * more after it is cut to its last event, so catching up far behind costs a page and a snapshot, not the bytes.
 */
export function pastTheGap<P extends { events: LaneEvent[]; done: boolean }>(page: P): P {
  return page.done ? page : { ...page, events: page.events.slice(-1), done: true }
}
