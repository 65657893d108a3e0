import { z } from 'zod'
import { Answers, ContextFill, LaneEvent, LaneModes, LaneStatus, Usage } from './events'

/**
 * The one contract between main and renderer. Every method and stream is declared here once;
 * the router validates inputs against it and both sides infer their types from it.
 */

const KiB = 1024
const MiB = 1024 * KiB

/**
 * The largest message between a client and main: the WebSocket's frame limit. Every input limit below
 * derives from it, so whatever the contract accepts fits in one frame (and IPC refuses the same).
 */
export const MAX_MESSAGE_BYTES = 4 * MiB
/** An input's size as JSON, leaving room for its envelope (`{"id":…,"method":…,"input":…}`). */
export const MAX_INPUT_BYTES = MAX_MESSAGE_BYTES - 16 * KiB

/** Node's Buffer where there is one (main): it counts without a JS loop. */
const nodeBuffer = (globalThis as { Buffer?: { byteLength(s: string, encoding: 'utf8'): number } }).Buffer

/** UTF-8 bytes of a string: Node's count in main, this loop in the browser. */
export function utf8Bytes(s: string): number {
  return nodeBuffer ? nodeBuffer.byteLength(s, 'utf8') : countUtf8(s)
}

/** UTF-8 bytes of a string, counted without encoding it (a lone surrogate counts as U+FFFD, as encoders write it). */
export function countUtf8(s: string): number {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0x80) n += 1
    else if (c < 0x800) n += 2
    else if (c >= 0xd800 && c < 0xdc00 && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4 // a surrogate pair is one 4-byte character
      i++
    } else n += 3
  }
  return n
}

/** An input's size on the wire (JSON, UTF-8), or Infinity for what JSON cannot carry. */
export function encodedBytes(input: unknown): number {
  try {
    const text = JSON.stringify(input)
    return text === undefined ? 0 : utf8Bytes(text)
  } catch {
    return Infinity
  }
}

/** Names a plain JS object already answers to: never an id or a key, whatever stores it. */
export const RESERVED_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype']
const notReserved = (name: string) => !RESERVED_KEYS.includes(name)

/** A path on this machine, as the OS bounds one. */
const FilePath = z.string().min(1).max(4096)

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
})
export type Settings = z.infer<typeof Settings>

/**
 * One piece of an upload, in characters: even a piece of control characters (6 bytes each as JSON)
 * fits in one message, so a file of any size crosses the WebSocket in frames it accepts.
 */
export const UPLOAD_CHUNK_CHARS = Math.floor((MAX_INPUT_BYTES - 4 * KiB) / 6)
/** All pieces of one upload together (UTF-8 bytes on disk). */
export const MAX_UPLOAD_BYTES = 64 * MiB

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
const HostRef = z.object({ hostId: Id })
/** A method or stream of this contract, run by a host's core; never `hosts.*` (no relaying relays). */
const RemoteName = z.string().min(1).max(64).refine((n) => !n.startsWith('hosts.'), 'not a hosts.* name')

const Ok = z.object({ ok: z.literal(true) })
const Empty = z.object({}).strict().optional()
const LaneRef = z.object({ laneId: Id })
const Cols = z.number().int().min(2).max(1000)
const Rows = z.number().int().min(1).max(500)

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

export const methods = {
  'app.info': {
    input: Empty,
    output: z.object({
      name: z.string(),
      version: z.string(),
      mode: z.enum(['electron', 'server']),
      platform: z.string(),
      dataDir: z.string(),
      /** Whether `workspaces.pick` can open a native folder dialog here. */
      canPickFolder: z.boolean(),
    }),
  },
  'workspaces.list': { input: Empty, output: z.array(Workspace) },
  'workspaces.add': { input: z.object({ path: FilePath }), output: Workspace },
  /** Opens the host's folder dialog and adds what the user picked (null when cancelled). */
  'workspaces.pick': { input: Empty, output: Workspace.nullable() },
  'workspaces.remove': { input: z.object({ workspaceId: Id }), output: Ok },

  'profiles.list': { input: Empty, output: z.array(Profile) },
  'profiles.create': { input: ProfileFields, output: Profile },
  'profiles.update': {
    input: z.object({ profileId: Id, patch: ProfilePatch }),
    output: Profile,
  },
  /** A copy of a profile (command, args, env, policies, model) with its own empty config dir: a second account. */
  'profiles.duplicate': { input: z.object({ profileId: Id, name: z.string().trim().min(1).max(100).optional() }), output: Profile },
  /** pi asks nothing by itself: whether the profile loads an extension (that may gate), for an honest "Ask". */
  'profiles.piGate': { input: z.object({ profileId: Id }), output: z.object({ extension: z.boolean() }) },
  /** Installs the project's permission-gate extension into a pi profile's agent dir. */
  'profiles.installPiGate': { input: z.object({ profileId: Id }), output: Ok },
  'profiles.remove': { input: z.object({ profileId: Id }), output: Ok },
  /** Opens a terminal lane running the agent's own login, with the profile's env and private dir. */
  'profiles.login': { input: z.object({ profileId: Id, workspaceId: Id }), output: Lane },
  /** Copies the user's existing global auth/config files of this agent into the profile's private dir. */
  'profiles.importGlobal': { input: z.object({ profileId: Id }), output: z.object({ copied: z.array(z.string()), missing: z.array(z.string()) }) },

  /** Which agent CLIs are installed on the login-shell PATH, with versions and how to get the others. */
  'agents.detect': { input: Empty, output: z.array(AgentInfo) },

  'lanes.list': { input: Empty, output: z.array(Lane) },
  /** The resident memory of each running lane's process tree, measured now, and the budget (0: none). */
  'lanes.memory': {
    input: Empty,
    output: z.object({
      totalBytes: z.number(),
      budgetBytes: z.number(),
      lanes: z.array(z.object({ laneId: Id, rssBytes: z.number() })),
      measuredAt: z.number(),
    }),
  },
  'lanes.create': {
    input: z.object({
      workspaceId: Id,
      profileId: Id,
      title: z.string().trim().max(200).optional(),
      cols: Cols.optional(),
      rows: Rows.optional(),
      /** Work in an own git worktree on a new branch (default on for git workspaces). */
      worktree: z
        .object({
          enabled: z.boolean(),
          /** Ref to branch from; default the workspace's current HEAD. */
          base: z.string().max(256).optional(),
          /** Branch name; default switchyard/<title>-<id>. */
          branch: z.string().max(256).optional(),
          /** Ignored files to copy into the worktree, as globs relative to the repo (e.g. `.env*`). */
          copyIgnored: z.array(z.string().max(256)).max(64).optional(),
        })
        .optional(),
      /** A first prompt to send once the agent is up. */
      prompt: z.string().min(1).max(1 << 20).optional(),
      /** Run the prompt without the window, then sleep (tray's "New background agent"). */
      background: z.boolean().optional(),
      /** The model for this lane, instead of the profile's. */
      model: ModelName.optional(),
    }),
    output: Lane,
  },
  /** Sends input; wakes a sleeping lane and restarts an exited or failed one first. */
  'lanes.send': {
    input: LaneRef.extend({ input: z.string().max(1 << 20), attachments: z.array(Attachment).max(64).optional() }).refine(
      (v) => v.input.length > 0 || (v.attachments?.length ?? 0) > 0,
      { message: 'Send some input or an attachment', path: ['input'] },
    ),
    output: Ok,
  },
  /**
   * Stores a file for a later `lanes.send`, one piece per call: the first call (no uploadId) starts it,
   * each next one appends. A browser sends large dropped files this way; Electron sends their paths.
   */
  'attachments.upload': {
    input: z.object({ uploadId: Id.optional(), name: z.string().trim().min(1).max(255), chunk: z.string().max(UPLOAD_CHUNK_CHARS) }),
    output: z.object({ uploadId: Id, bytes: z.number().int() }),
  },
  /** Wakes a sleeping lane or restarts an exited or failed one, without sending anything. */
  'lanes.start': { input: LaneRef, output: Lane },
  'lanes.interrupt': { input: LaneRef, output: Ok },
  /** Switches the agent to one of its modes (`lane.modes.available`); a sleeping lane wakes in it. */
  'lanes.setMode': { input: LaneRef.extend({ modeId: z.string().min(1).max(128) }), output: Lane },
  /** Answers an `approval.requested` event with one of its options (and, for questions, the answers). */
  'lanes.approve': {
    input: LaneRef.extend({ requestId: z.string().min(1).max(256), optionId: z.string().min(1).max(256), answers: Answers.optional() }),
    output: Ok,
  },
  'lanes.stop': { input: LaneRef, output: Lane },
  /** Stops and deletes a lane; its worktree (and branch) are kept unless asked otherwise. */
  'lanes.remove': {
    input: LaneRef.extend({ worktree: z.enum(['keep', 'delete']).optional(), deleteBranch: z.boolean().optional() }),
    output: Ok,
  },
  'lanes.archive': { input: LaneRef, output: Lane },
  'lanes.restore': { input: LaneRef, output: Lane },
  /** The user's name for the lane (the navigator, the column header). */
  'lanes.rename': { input: LaneRef.extend({ title: z.string().trim().min(1).max(200) }), output: Lane },
  'lanes.resize': { input: LaneRef.extend({ cols: Cols, rows: Rows }), output: Ok },
  'lanes.transcript': {
    input: LaneRef.extend({
      after: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
    output: z.object({ events: z.array(LaneEvent), next: z.number().int(), done: z.boolean() }),
  },

  'settings.get': { input: Empty, output: Settings },
  'settings.update': { input: Settings.partial().strict(), output: Settings },
  /** Which secrets a profile has: names and set / not set, never values. */
  'secrets.list': { input: z.object({ profileId: Id }), output: z.array(z.object({ name: z.string(), set: z.boolean() })) },
  'secrets.set': { input: z.object({ profileId: Id, name: EnvName, value: z.string().min(1).max(65536) }), output: Ok },
  'secrets.remove': { input: z.object({ profileId: Id, name: EnvName }), output: Ok },
  /**
   * A profile's secrets held in memory only, replacing what was provided before: how a client gives a
   * host's core the secrets its lanes need without them ever being written on the host.
   */
  'secrets.provide': { input: z.object({ profileId: Id, values: z.record(EnvName, z.string().min(1).max(65536)) }), output: Ok },

  /** Files the lane changed against its base (worktree lanes) or HEAD (others). */
  'review.diff': { input: LaneRef, output: z.object({ base: z.string(), files: z.array(ChangedFile) }) },
  /** Throws away the lane's change to a file, or one hunk of it (index into that file's diff hunks). */
  'review.discard': { input: LaneRef.extend({ path: FilePath, hunk: z.number().int().min(0).optional() }), output: Ok },
  'review.commit': { input: LaneRef.extend({ message: z.string().trim().min(1).max(10_000) }), output: z.object({ commit: z.string() }) },
  /** Sends review comments (file and line references, quoted lines) to the agent as its next prompt. */
  'review.comment': { input: LaneRef.extend({ comments: z.array(ReviewComment).min(1).max(100) }), output: Ok },
  /** Review comments written but not sent yet: kept in main so a reload or restart loses none. */
  'review.drafts': { input: LaneRef, output: z.object({ comments: z.array(ReviewComment) }) },
  /** Replaces the lane's drafts (an empty list deletes them). */
  'review.saveDrafts': { input: LaneRef.extend({ comments: z.array(ReviewComment).max(100) }), output: Ok },
  /** The lane's checkpoints, oldest first; `rewind`: its running agent can also rewind its conversation. */
  'checkpoints.list': { input: LaneRef, output: z.object({ checkpoints: z.array(Checkpoint), rewind: z.boolean() }) },
  /** Saves the lane's files now (terminal lanes, or any lane on request). Null where the folder is not a git repository. */
  'checkpoints.create': { input: LaneRef, output: Checkpoint.nullable() },
  /** What restoring checkpoint `n` would change, from the files now to the checkpoint (whole folder or `path`). */
  'checkpoints.diff': { input: LaneRef.extend({ n: z.number().int().positive(), path: FilePath.optional() }), output: z.object({ files: z.array(ChangedFile) }) },
  /**
   * Restores checkpoint `n` (whole folder or `path`) after saving the present as checkpoint `undo`.
   * `conversation`: also rewind the agent's conversation where it can (else its next prompt is told).
   */
  'checkpoints.restore': {
    input: LaneRef.extend({ n: z.number().int().positive(), path: FilePath.optional(), conversation: z.boolean().optional() }),
    output: z.object({ undo: z.number().int(), files: z.array(z.string()), conversation: z.enum(['rewound', 'noted']) }),
  },
  /**
   * Puts the lane's committed work into its worktree's base branch: fast-forward, one squashed commit,
   * or rebased then fast-forwarded. A conflict leaves everything as it was and is answered (`merged: false`).
   */
  'finish.merge': {
    input: LaneRef.extend({ strategy: MergeStrategy, message: z.string().trim().max(10_000).optional() }),
    output: z.object({ merged: z.boolean(), commit: z.string().optional(), conflicts: z.array(z.string()), message: z.string() }),
  },
  /** Asks the lane's agent to resolve the conflicts a merge reported. */
  'finish.resolve': { input: LaneRef.extend({ conflicts: z.array(FilePath).max(1000) }), output: Ok },
  /** Pushes the lane's branch (or, `target: 'base'`, its base) and sets the upstream; `force` (with lease) only when asked. */
  'finish.push': {
    input: LaneRef.extend({ target: z.enum(['lane', 'base']).optional(), remote: z.string().min(1).max(256).optional(), force: z.boolean().optional() }),
    output: z.object({ remote: z.string(), branch: z.string() }),
  },
  /** A pull request's title and body, drafted from the lane's transcript and commits. */
  'finish.draftPr': { input: LaneRef, output: z.object({ title: z.string(), body: z.string() }) },
  /** Opens the pull request through `gh` when it is installed and logged in, else answers the forge's compare URL. */
  'finish.openPr': {
    input: LaneRef.extend({ title: z.string().trim().min(1).max(256), body: z.string().max(65_536), remote: z.string().min(1).max(256).optional() }),
    output: z.object({ url: z.string(), via: z.enum(['gh', 'compare']) }),
  },
  /** The lane branch's pull request and its checks (through gh); null without gh or without a pull request. */
  'finish.prStatus': {
    input: LaneRef,
    output: z
      .object({ number: z.number().int(), url: z.string(), state: z.string(), draft: z.boolean(), checks: z.object({ passed: z.number().int(), failed: z.number().int(), pending: z.number().int() }) })
      .nullable(),
  },
  /** Git branches of a workspace, for choosing a worktree's base. */
  'git.branches': { input: z.object({ workspaceId: Id }), output: z.object({ current: z.string().nullable(), branches: z.array(z.string()) }) },
  /** Worktrees under the data dir that no lane owns (after a crash, or lanes removed with "keep"). */
  'worktrees.orphans': { input: Empty, output: z.array(z.object({ path: z.string(), branch: z.string().nullable(), repoPath: z.string() })) },
  'worktrees.removeOrphan': { input: z.object({ path: FilePath, deleteBranch: z.boolean().optional() }), output: Ok },

  'triggers.list': { input: Empty, output: z.array(Trigger) },
  'triggers.add': { input: TriggerFields, output: Trigger },
  'triggers.toggle': { input: z.object({ triggerId: Id, enabled: z.boolean() }), output: Trigger },
  'triggers.remove': { input: z.object({ triggerId: Id }), output: Ok },

  /** Full-text search over every lane's transcript, archived ones included. */
  /** The usage ledger over every lane, archived ones included; `utcOffsetMinutes` picks where days begin. */
  'usage.ledger': { input: z.strictObject({ utcOffsetMinutes: z.number().int().min(-900).max(900).optional() }).optional(), output: UsageLedger },
  'history.search': { input: z.object({ query: z.string().trim().min(1).max(1000), limit: z.number().int().min(1).max(500).optional() }), output: z.array(SearchHit) },

  'hosts.list': { input: Empty, output: z.array(Host) },
  /** Remembers an SSH destination; nothing is run on it yet. */
  'hosts.add': { input: z.object({ destination: z.string().min(1).max(512), name: z.string().trim().min(1).max(100).optional() }), output: Host },
  /** Disconnects (its lanes keep running there) and forgets the host. */
  'hosts.remove': { input: HostRef, output: Ok },
  /** Over SSH (BatchMode): Node, toolchain, git, the agents' CLIs, and whether this version is installed. */
  'hosts.check': { input: HostRef, output: HostCheck },
  /** What `hosts.install` would copy and where, for the user's consent. */
  'hosts.installPlan': { input: HostRef, output: InstallPlan },
  'hosts.install': { input: HostRef, output: InstallPlan },
  /** Starts (or joins) the host's core over one multiplexed SSH connection; reconnects with backoff after drops. */
  'hosts.connect': { input: HostRef, output: Host },
  /** Closes our connection; the host's lanes keep running. */
  'hosts.disconnect': { input: HostRef, output: Host },
  /** Stops every lane on the host. */
  'hosts.stopAll': { input: HostRef, output: z.object({ stopped: z.number().int() }) },
  /** Runs one of this contract's methods on the host's core; input and output are that method's. */
  'hosts.call': { input: HostRef.extend({ method: RemoteName, input: z.unknown().optional() }), output: z.unknown() },
} as const

export const streams = {
  /** LaneEvents as they happen, for one lane or all. */
  /** `types`: only events of these types (a window watching every lane for attention skips the deltas). */
  'lanes.events': {
    input: z.object({ laneId: Id.optional(), types: z.array(z.string().min(1).max(64)).min(1).max(32).optional() }).optional(),
    event: LaneEvent,
  },
  /** Every change of a lane's record (status, pid, exit), and removals. */
  'lanes.status': { input: Empty, event: LaneStatusEvent },
  /** Requests from main's menus, tray, notifications and second launches. */
  'app.commands': { input: Empty, event: AppCommand },
  /** Every change of a host's record or connection state. */
  'hosts.status': { input: Empty, event: Host },
  /**
   * One of this contract's streams on a host's core, kept across reconnects; `lanes.events` then
   * replays what each lane wrote meanwhile, so every event arrives once.
   */
  'hosts.events': { input: HostRef.extend({ stream: RemoteName, input: z.unknown().optional() }), event: z.unknown() },
} as const

export type Methods = typeof methods
export type MethodName = keyof Methods
export type StreamName = keyof typeof streams
export type MethodInput<M extends MethodName> = z.input<Methods[M]['input']>
export type MethodArgs<M extends MethodName> = z.output<Methods[M]['input']>
export type MethodOutput<M extends MethodName> = z.infer<Methods[M]['output']>
export type StreamInput<S extends StreamName> = z.input<(typeof streams)[S]['input']>
export type StreamArgs<S extends StreamName> = z.output<(typeof streams)[S]['input']>
export type StreamEvent<S extends StreamName> = z.infer<(typeof streams)[S]['event']>

export type Result<T> = { ok: true; value: T } | { ok: false; error: RpcError }

/** What a host (Electron preload or the WebSocket client) offers the renderer. */
export interface Bridge {
  invoke(method: string, input: unknown): Promise<Result<unknown>>
  subscribe(stream: string, input: unknown, onEvent: (event: unknown) => void, onError?: (error: RpcError) => void): () => void
}
