import { z } from 'zod'
import { LaneEvent, LaneStatus, Usage } from './events'

/**
 * The one contract between main and renderer. Every method and stream is declared here once;
 * the router validates inputs against it and both sides infer their types from it.
 */

export const Id = z.string().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')

export const ErrorCode = z.enum([
  'invalid_input',
  'unknown_method',
  'not_found',
  'conflict',
  'limit_reached',
  'spawn_failed',
  'not_running',
  'unsupported',
  'internal',
])
export type ErrorCode = z.infer<typeof ErrorCode>
export const RpcError = z.object({ code: ErrorCode, message: z.string(), details: z.unknown().optional() })
export type RpcError = z.infer<typeof RpcError>

export const AgentKind = z.enum(['terminal', 'codex', 'claude', 'pi', 'acp'])
export type AgentKind = z.infer<typeof AgentKind>

const EnvName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name')
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
  /** A lane that runs an agent's own login command in a terminal, for a profile. */
  purpose: z.enum(['work', 'login']).optional(),
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

export const LaneStatusEvent = z.discriminatedUnion('type', [
  z.object({ type: z.literal('upsert'), lane: Lane }),
  z.object({ type: z.literal('removed'), laneId: Id }),
])
export type LaneStatusEvent = z.infer<typeof LaneStatusEvent>

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
  'workspaces.list': { input: Empty, output: z.array(Workspace) },
  'workspaces.add': { input: z.object({ path: z.string().min(1).max(4096) }), output: Workspace },
  /** Opens the host's folder dialog and adds what the user picked (null when cancelled). */
  'workspaces.pick': { input: Empty, output: Workspace.nullable() },
  'workspaces.remove': { input: z.object({ workspaceId: Id }), output: Ok },

  'profiles.list': { input: Empty, output: z.array(Profile) },
  'profiles.create': { input: ProfileFields, output: Profile },
  'profiles.update': {
    input: z.object({ profileId: Id, patch: ProfilePatch }),
    output: Profile,
  },
  'profiles.remove': { input: z.object({ profileId: Id }), output: Ok },
  /** Opens a terminal lane running the agent's own login, with the profile's env and private dir. */
  'profiles.login': { input: z.object({ profileId: Id, workspaceId: Id }), output: Lane },
  /** Copies the user's existing global auth/config files of this agent into the profile's private dir. */
  'profiles.importGlobal': { input: z.object({ profileId: Id }), output: z.object({ copied: z.array(z.string()), missing: z.array(z.string()) }) },

  /** Which agent CLIs are installed on the login-shell PATH, with versions and how to get the others. */
  'agents.detect': { input: Empty, output: z.array(AgentInfo) },

  'lanes.list': { input: Empty, output: z.array(Lane) },
  'lanes.create': {
    input: z.object({
      workspaceId: Id,
      profileId: Id,
      title: z.string().trim().max(200).optional(),
      cols: Cols.optional(),
      rows: Rows.optional(),
    }),
    output: Lane,
  },
  /** Sends input; wakes a sleeping lane and restarts an exited or failed one first. */
  'lanes.send': { input: LaneRef.extend({ input: z.string().min(1).max(1 << 20) }), output: Ok },
  /** Wakes a sleeping lane or restarts an exited or failed one, without sending anything. */
  'lanes.start': { input: LaneRef, output: Lane },
  'lanes.interrupt': { input: LaneRef, output: Ok },
  /** Answers an `approval.requested` event with one of its options. */
  'lanes.approve': { input: LaneRef.extend({ requestId: z.string().min(1).max(256), optionId: z.string().min(1).max(256) }), output: Ok },
  'lanes.stop': { input: LaneRef, output: Lane },
  'lanes.remove': { input: LaneRef, output: Ok },
  'lanes.resize': { input: LaneRef.extend({ cols: Cols, rows: Rows }), output: Ok },
  'lanes.transcript': {
    input: LaneRef.extend({
      after: z.number().int().min(0).optional(),
      limit: z.number().int().min(1).max(10_000).optional(),
    }),
    output: z.object({ events: z.array(LaneEvent), next: z.number().int(), done: z.boolean() }),
  },
} as const

export const streams = {
  /** LaneEvents as they happen, for one lane or all. */
  'lanes.events': { input: z.object({ laneId: Id.optional() }).optional(), event: LaneEvent },
  /** Every change of a lane's record (status, pid, exit), and removals. */
  'lanes.status': { input: Empty, event: LaneStatusEvent },
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
