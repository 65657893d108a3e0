import { z } from 'zod'
import { ContextFill, LaneModes, LaneStatus, Usage } from '../events'
import { MAX_UPLOAD_BYTES } from './wire'

/** The records the methods carry: ids, workspaces, profiles, lanes, settings, hosts, triggers. */

/** Names a plain JS object already answers to: never an id or a key, whatever stores it. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype']
const notReserved = (name: string) => !RESERVED_KEYS.includes(name)

/** A path on this machine, as the OS bounds one. */
export const FilePath = z.string().min(1).max(4096)

export const Id = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
  .refine(notReserved, 'not __proto__, constructor or prototype')

export const ErrorCode = z.enum([
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'limit_reached',
  'spawn_failed',
  'not_running',
  'unsupported',
  /** The caller may not do this (another user's endpoint, or outside a lane token's scope). */
  'refused',
  /** The disk refused a write (full, read-only, I/O error); the message names the file. */
  'disk_error',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>
export const RpcError = z.object({ code: ErrorCode, message: z.string(), details: z.unknown().optional() })
export type RpcError = z.infer<typeof RpcError>

export const AgentKind = z.enum(['terminal', 'codex', 'claude', 'pi', 'acp'])
export type AgentKind = z.infer<typeof AgentKind>

export const EnvName = z
  .string()
  .max(256)
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
  .refine(notReserved, 'not __proto__, constructor or prototype')
/** Who answers an agent's permission requests: the user, or main on the user's behalf. */
export const ApprovalPolicy = z.enum(['ask', 'auto_reads', 'auto_all'])
export type ApprovalPolicy = z.infer<typeof ApprovalPolicy>

/** 0 means never reap. */
const IdleTimeoutMs = z.number().int().min(0).max(7 * 24 * 3600_000)

export const Workspace = z.object({
  id: Id,
  name: z.string(),
  path: z.string(),
  addedAt: z.number(),
})
export type Workspace = z.infer<typeof Workspace>

/** A model id as the agent spells it (`gpt-5.1-codex`, `sonnet`, `anthropic/claude-sonnet-4`). */
export const ModelName = z.string().trim().max(200).regex(/^[^\s-][^\s]*$|^$/, 'A model id has no spaces and does not start with -')
/** One model the agent offers, as its own list names it. */
export const ModelChoice = z.object({ id: ModelName.min(1), name: z.string().max(200), description: z.string().max(1000).optional() })
export type ModelChoice = z.infer<typeof ModelChoice>

const profileShape = {
  kind: AgentKind,
  name: z.string().trim().min(1).max(100),
  /** Empty: the kind's default (for `terminal`, the user's login shell). */
  command: z.string().max(4096),
  args: z.array(z.string().max(4096)).max(256),
  env: z.record(EnvName, z.string().max(32768)),
  idleTimeoutMs: IdleTimeoutMs,
  approvalPolicy: ApprovalPolicy,
  /** The known agent this profile runs (its config-dir variables, login, import); none for a custom ACP command. */
  preset: z.string().max(64).optional(),
  /** The model its lanes ask for (the agent's own flag or request field); empty or absent: the agent's default. */
  model: ModelName.optional(),
  /** Its lanes get Switchyard's MCP tools: create lanes in their workspace, send, wait, read (not pi: no MCP). */
  mayDriveLanes: z.boolean().optional(),
  /** How many lanes one of its lanes may create through those tools (default 4). */
  maxChildLanes: z.number().int().min(0).max(64).optional(),
}
/** A new profile: what is left out gets the kind's defaults. */
export const ProfileFields = z.object({
  ...profileShape,
  command: profileShape.command.default(''),
  args: profileShape.args.default([]),
  env: profileShape.env.default({}),
  idleTimeoutMs: profileShape.idleTimeoutMs.default(30 * 60_000),
  approvalPolicy: profileShape.approvalPolicy.default('ask'),
})
/** No defaults here: a patch changes only what it names. */
export const ProfilePatch = z.object(profileShape).omit({ kind: true }).partial()
export const Profile = z.object(profileShape).extend({
  id: Id,
  /** The profile's private config directory (mode 0700, under the data dir). */
  configDir: z.string(),
  builtIn: z.boolean(),
})
export type Profile = z.infer<typeof Profile>

/** A lane's own git worktree (under the data dir), on a branch of its own. */
export const LaneWorktree = z.object({
  path: z.string(),
  branch: z.string(),
  /** What the branch started from (a ref as the user chose it) and that commit. */
  base: z.string(),
  baseCommit: z.string(),
  repoPath: z.string(),
})
export type LaneWorktree = z.infer<typeof LaneWorktree>

/** Git state of the folder a lane works in, refreshed on file changes and turn ends (rate-limited). */
export const GitStatus = z.object({
  branch: z.string().nullable(),
  ahead: z.number().int(),
  behind: z.number().int(),
  changedFiles: z.number().int(),
  at: z.number(),
})

export const Lane = z.object({
  id: Id,
  workspaceId: Id,
  profileId: Id,
  kind: AgentKind,
  title: z.string(),
  status: LaneStatus,
  createdAt: z.number(),
  lastActivityAt: z.number(),
  cols: z.number().int(),
  rows: z.number().int(),
  pid: z.number().int().optional(),
  /** Tokens and cost so far, where the agent reports them. */
  usage: Usage.optional(),
  /** The model this lane asked for (its own, else its profile's at creation); absent: the agent's default. */
  model: z.string().optional(),
  /** The context window's fill at the last report, where the agent reports it. */
  context: ContextFill.optional(),
  /** The agent's modes (plan, accept edits …) where it has them; `current` is also what a wake restores. */
  modes: LaneModes.optional(),
  /** A lane that runs an agent's own login command in a terminal, for a profile. */
  purpose: z.enum(['work', 'login']).optional(),
  /** Started from the tray: runs its prompt to completion without the window, then sleeps. */
  background: z.boolean().optional(),
  /** Out of the columns, process gone, history kept; `lanes.restore` brings it back. */
  archived: z.boolean().optional(),
  worktree: LaneWorktree.optional(),
  /** The lane whose agent created this one (through Switchyard's MCP tools). */
  parentLaneId: Id.optional(),
  git: GitStatus.optional(),
  /**
   * A write of this lane's history or of the app's records failed ("disk full writing <path>"): the lane
   * is stopped and takes no input; `unsaved` events are held in memory (and shown) until `lanes.start`
   * finds room again and writes them.
   */
  diskError: z.object({ message: z.string(), path: z.string(), unsaved: z.number().int().nonnegative() }).optional(),
  /** Why the lane is `failed` (or how it `exited`). */
  exit: z
    .object({
      exitCode: z.number().int().nullable(),
      signal: z.string().nullable(),
      message: z.string(),
      lastLines: z.array(z.string()),
    })
    .optional(),
})
export type Lane = z.infer<typeof Lane>

export const AgentInfo = z.object({
  kind: AgentKind,
  /** A built-in profile's agent (several profiles may share one kind: ACP serves many agents). */
  profileId: Id,
  name: z.string(),
  command: z.string(),
  installed: z.boolean(),
  path: z.string().optional(),
  version: z.string().optional(),
  /** How to install it, for a missing one. */
  install: z.string(),
  /** Variables with credentials it accepts instead of a login (set them in the profile's env). */
  secrets: z.array(z.string()),
})
export type AgentInfo = z.infer<typeof AgentInfo>

export const Theme = z.enum(['system', 'light', 'dark'])
export const Settings = z.object({
  theme: Theme,
  /**
   * Lanes with a live process at once: a soft limit (idle lanes cost little; the reaper puts the least
   * recently active to sleep to make room), so it may be set well above the number of cores.
   */
  maxProcesses: z.number().int().min(1).max(512),
  /** Total resident memory (MB) the lanes' process trees may use before idle lanes are put to sleep; 0: no budget. */
  memoryBudgetMb: z.number().int().min(0).max(1024 * 1024),
  /** Closing the last window keeps the app in the tray while lanes are busy or waiting. */
  keepRunningInTray: z.boolean(),
  notifications: z.boolean(),
  /** Checkpoints each lane keeps (the oldest are pruned). */
  checkpointsKeep: z.number().int().min(1).max(10_000),
  /**
   * A host's core with no client connected for this many hours puts its idle lanes to sleep (and exits
   * once nothing runs); 0: never. Set here, it is given to each host on connect. Fractions allowed.
   */
  noClientReapAfterHours: z.number().min(0).max(24 * 365),
})
export type Settings = z.infer<typeof Settings>


/**
 * A file given with a prompt: by path (the agent reads it), by content (small, dropped in a browser),
 * or uploaded in pieces first (`attachments.upload`), after which the agent gets the stored file's path.
 */
export const Attachment = z.object({
  name: z.string().max(1024),
  path: FilePath.optional(),
  content: z.string().max(1 << 20).optional(),
  uploadId: Id.optional(),
})
export type Attachment = z.infer<typeof Attachment>

export const ChangedFile = z.object({
  path: z.string(),
  /** Renamed from. */
  oldPath: z.string().optional(),
  status: z.enum(['added', 'modified', 'deleted', 'renamed', 'untracked']),
  additions: z.number().int(),
  deletions: z.number().int(),
  /** Unified diff against the base (git's own format, hunks included). */
  diff: z.string(),
  binary: z.boolean(),
})
export type ChangedFile = z.infer<typeof ChangedFile>

/** A lane's files saved at a turn boundary (or before a restore, or on request), under a private git ref. */
export const Checkpoint = z.object({
  n: z.number().int().positive(),
  turn: z.number().int().min(0),
  phase: z.enum(['start', 'end', 'restore', 'manual']),
  commit: z.string(),
  at: z.number(),
  changed: z.boolean(),
  /** Untracked files left out because they are over the size bound (paths from the repository root). */
  skipped: z.array(z.string()).optional(),
  /** A `restore` checkpoint (saved just before restoring): which one was restored, and the path if only one was. */
  restoring: z.number().int().positive().optional(),
  path: FilePath.optional(),
})
export type Checkpoint = z.infer<typeof Checkpoint>

export const MergeStrategy = z.enum(['ff', 'squash', 'rebase'])

export const ReviewComment = z.object({
  path: FilePath,
  startLine: z.number().int().min(1),
  endLine: z.number().int().min(1),
  /** Which side of the diff the lines are on: the base (old) or the lane's version (new). */
  side: z.enum(['old', 'new']).default('new'),
  /** The selected lines, quoted to the agent. */
  quote: z.string().max(100_000).optional(),
  text: z.string().min(1).max(100_000),
})

export const SearchHit = z.object({
  laneId: Id,
  laneTitle: z.string(),
  archived: z.boolean(),
  seq: z.number().int(),
  at: z.number(),
  type: z.string(),
  snippet: z.string(),
})

/** `HH:MM`, 24-hour, local time. */
const DailyAt = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM (24-hour)')
const triggerFields = {
  /** forward: when `fromLaneId`'s turn completes, send `template` to `toLaneId`. notify: when a lane of
   *  `workspaceId` fails, notify. schedule: every day at `dailyAt`, run `prompt` in a fresh lane. */
  kind: z.enum(['forward', 'notify', 'schedule']).describe('forward | notify | schedule'),
  fromLaneId: Id.optional().describe('forward: the lane whose completed turn fires it'),
  toLaneId: Id.optional().describe('forward: the lane that gets the message'),
  template: z.string().min(1).max(100_000).optional().describe('forward: the prompt sent; {{message}} is the final message, {{lane}} the source lane'),
  workspaceId: Id.optional().describe('notify: the workspace watched; schedule: where the lane runs'),
  profileId: Id.optional().describe('schedule: the profile of the fresh lane'),
  prompt: z.string().min(1).max(1 << 20).optional().describe('schedule: the prompt to run'),
  dailyAt: DailyAt.optional().describe('schedule: HH:MM, local time'),
}
const NEEDS: Record<'forward' | 'notify' | 'schedule', (keyof typeof triggerFields)[]> = {
  forward: ['fromLaneId', 'toLaneId', 'template'],
  notify: ['workspaceId'],
  schedule: ['workspaceId', 'profileId', 'prompt', 'dailyAt'],
}
/** A new trigger: flat (so the CLI has plain flags), with the fields its kind needs checked. */
export const TriggerFields = z.object(triggerFields).superRefine((t, ctx) => {
  for (const key of NEEDS[t.kind]) if (t[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `A ${t.kind} trigger needs ${key}` })
})
/** The dispatcher pattern: an event on one lane starts work on another. Stored with the settings. */
export const Trigger = z.object({
  ...triggerFields,
  id: Id,
  enabled: z.boolean(),
  createdAt: z.number(),
  /** When it last fired. */
  lastFiredAt: z.number().optional(),
})
export type Trigger = z.infer<typeof Trigger>

/** Something main asks the renderer to do (menu item, tray, notification click, second launch). */
export const AppCommand = z.discriminatedUnion('type', [
  z.object({ type: z.literal('focusLane'), laneId: Id }),
  z.object({ type: z.literal('newLane') }),
  z.object({ type: z.literal('closeLane') }),
  z.object({ type: z.literal('openPalette') }),
  z.object({ type: z.literal('openSettings') }),
  z.object({ type: z.literal('workspaceAdded'), workspace: Workspace }),
])
export type AppCommand = z.infer<typeof AppCommand>

export const LaneStatusEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('upsert'), lane: Lane }),
  z.object({ type: z.literal('removed'), laneId: Id }),
])
export type LaneStatusEvent = z.infer<typeof LaneStatusEvent>

/** A machine reached over the user's own OpenSSH, running its own core (see docs/design-notes.md). */
export const Host = z.object({
  id: Id,
  name: z.string(),
  /** As the user typed it: a Host alias from ~/.ssh/config, user@host or user@host:port. */
  destination: z.string(),
  addedAt: z.number(),
  status: z.enum(['disconnected', 'connecting', 'connected', 'failed']),
  /** Why it is failed or disconnected (ssh's own words where ssh said it). */
  message: z.string().optional(),
})
export type Host = z.infer<typeof Host>

export const HostCheck = z.object({
  home: z.string(),
  node: z.object({ path: z.string().nullable(), version: z.string().nullable(), ok: z.boolean() }),
  platform: z.string().nullable(),
  git: z.string().nullable(),
  toolchain: z.object({ cxx: z.string().nullable(), make: z.string().nullable(), python: z.string().nullable() }),
  tar: z.boolean(),
  installed: z.boolean(),
  agents: z.record(z.string(), z.string().nullable()),
  problems: z.array(z.string()),
})
export const InstallPlan = z.object({
  dir: z.string(),
  files: z.number().int(),
  bytes: z.number().int(),
  nativeModules: z.string(),
  paths: z.array(z.string()),
  /** What stops the install. */
  problems: z.array(z.string()),
  /** What the user should know but does not stop it. */
  warnings: z.array(z.string()),
})

const UsageSum = z.object({
  inputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  costUsd: z.number().nonnegative(),
})
/** Tokens and cost summed from the lanes' recorded usage reports: per lane, per workspace, per day. */
export const UsageLedger = z.object({
  total: UsageSum,
  lanes: z.array(z.object({ laneId: Id, workspaceId: Id, kind: AgentKind, title: z.string(), usage: UsageSum, reports: z.number().int() })),
  workspaces: z.array(z.object({ workspaceId: Id, usage: UsageSum })),
  /** Newest first; `day` is YYYY-MM-DD in the caller's zone. */
  days: z.array(z.object({ day: z.string(), usage: UsageSum })),
})
export type UsageLedger = z.infer<typeof UsageLedger>
