import { z } from 'zod'
import { Answers, LaneEvent } from '../events'
import { AgentInfo, AppCommand, Attachment, ChangedFile, Checkpoint, EnvName, FilePath, Host, HostCheck, Id, InstallPlan, Lane, LaneStatusEvent, MergeStrategy, ModelChoice, ModelName, Profile, ProfileFields, ProfilePatch, ReviewComment, RpcError, SearchHit, Settings, Trigger, TriggerFields, UsageLedger, Workspace } from './records'
import { UPLOAD_CHUNK_CHARS } from './wire'

/** The method and stream registry: every name, its input and its output, declared once. */

const HostRef = z.object({ hostId: Id })
/** A method or stream of this contract, run by a host's core; never `hosts.*` (no relaying relays). */
const RemoteName = z.string().min(1).max(64).refine((n) => !n.startsWith('hosts.'), 'not a hosts.* name')

const Ok = z.object({ ok: z.literal(true) })
const Empty = z.object({}).strict().optional()
const LaneRef = z.object({ laneId: Id })
const Cols = z.number().int().min(2).max(1000)
const Rows = z.number().int().min(1).max(500)

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
  /**
   * How many things need the user in the window (approvals, questions, failed turns and lanes, finished
   * background turns): the dock/taskbar badge shows it. The window's count, since "seen" is the window's.
   */
  'app.attention': { input: z.strictObject({ count: z.number().int().min(0).max(100_000) }), output: Ok },
  'workspaces.list': { input: Empty, output: z.array(Workspace) },
  'workspaces.add': { input: z.object({ path: FilePath }), output: Workspace },
  /** Opens the host's folder dialog and adds what the user picked (null when cancelled). */
  'workspaces.pick': { input: Empty, output: Workspace.nullable() },
  'workspaces.remove': { input: z.object({ workspaceId: Id }), output: Ok },
  /**
   * The folder browser for a workspace on a host: a folder's subfolders (at most 2,000), each marked when
   * it is a git repository. No path: the home folder. Absolute paths (or `~/…`) only.
   */
  'fs.listDirs': {
    input: z.object({ path: z.string().max(4096).optional(), hidden: z.boolean().optional() }).strict().optional(),
    output: z.object({
      path: z.string(),
      parent: z.string().nullable(),
      home: z.string(),
      entries: z.array(z.object({ name: z.string(), git: z.boolean(), link: z.boolean() })).max(2000),
      truncated: z.boolean(),
    }),
  },

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
  /**
   * The models the profile's agent offers, asked of the agent itself (kept a while per profile;
   * `refresh` asks again). Empty where the agent lists none: the model is then free text.
   */
  'profiles.models': { input: z.strictObject({ profileId: Id, refresh: z.boolean().optional() }), output: z.array(ModelChoice).max(500) },
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
  /** The lane's `approval.requested` events still unanswered: a window opened (or reloaded) after them answers in place. */
  'lanes.pending': { input: z.strictObject({ laneId: Id }), output: z.array(LaneEvent).max(1000) },
  'lanes.stop': { input: LaneRef, output: Lane },
  /** Stops and deletes a lane; its worktree (and branch) are kept unless asked otherwise. */
  'lanes.remove': {
    input: LaneRef.extend({ worktree: z.enum(['keep', 'delete']).optional(), deleteBranch: z.boolean().optional() }),
    output: Ok,
  },
  'lanes.archive': { input: LaneRef, output: Lane },
  /** Deletes an archived lane that has no worktree, for good: its record and transcript (History → Archived → Delete). */
  'lanes.deleteArchived': { input: z.strictObject({ laneId: Id }), output: Ok },
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
  /**
   * A terminal lane's screen and scrollback as escape sequences (≤ ~3 MB), and the seq they reflect: write
   * `data` into a fresh terminal of `cols` × `rows`, then follow `lanes.transcript`/`lanes.events` after `seq`.
   * Instant at any history size (main keeps the screen; a sleeping lane's is rebuilt from its history's tail).
   */
  'lanes.terminalSnapshot': {
    input: LaneRef.strict(),
    output: z.object({ data: z.string(), seq: z.number().int().min(0), cols: Cols, rows: Rows }),
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
  /**
   * `types`: only events of these types (a window watching every lane for attention skips the deltas).
   * `skipFloods`: a terminal drawn from `lanes.terminalSnapshot`: while a lane's output scrolls faster than
   * anyone reads, only its newest output event comes, when the flood pauses or every half second; redraw
   * from a snapshot on the seq gap. A relay catching it up (a host's, after a reconnect) more than a page
   * behind sends one event past a gap too, not the pages.
   */
  'lanes.events': {
    input: z
      .object({ laneId: Id.optional(), types: z.array(z.string().min(1).max(64)).min(1).max(32).optional(), skipFloods: z.boolean().optional() })
      .optional(),
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
