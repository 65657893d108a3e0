import type { AgentKind, ModelChoice } from '../../../shared/contract'
import type { Answers, LaneEventBody } from '../../../shared/events'

/** Everything an adapter needs to start its agent; the lane manager has already built env and dirs. */
export interface LaunchSpec {
  laneId: string
  cwd: string
  /** Resolved command (the profile's, or the kind's default); `args` are the profile's extra args. */
  command: string
  args: string[]
  env: Record<string, string>
  configDir: string
  cols: number
  rows: number
  /** What the adapter passed to `setResumeToken` earlier: continue that conversation. */
  resume?: string
  /** The model the lane asks for; absent: the agent's default. */
  model?: string
  /** The mode the lane was in (a wake restores it), if the agent has modes. */
  mode?: string
  /** Switchyard's MCP server for this lane (its profile may drive other lanes); see mcp-config.ts. */
  mcp?: McpServerSpec
}

/** A stdio MCP server to give the agent, in the agent's own way of configuring one. */
export interface McpServerSpec {
  name: string
  command: string
  args: string[]
  env: Record<string, string>
}

/** What asking an agent for its models needs: the profile's command, env and private dir. */
export interface ModelProbeSpec {
  command: string
  args: string[]
  env: Record<string, string>
  cwd: string
  configDir: string
  /** The whole exchange, start to answer, at most. */
  timeoutMs: number
}

export interface AdapterCallbacks {
  emit(event: LaneEventBody): void
  /** The process ended (by itself or after stop()). `lastLines` (stderr, screen) explain a failure. */
  exited(info: { exitCode: number | null; signal: string | null; lastLines: string[] }): void
  /** The agent's conversation handle (thread, session id or file): kept so a wake continues it. */
  setResumeToken(token: string): void
}

/** One running agent process, as the lane sees it. */
export interface AgentSession {
  readonly pid: number | undefined
  /** A prompt, or (terminal) keystrokes. While a turn runs, structured agents steer or queue it. */
  send(input: string): void | Promise<void>
  interrupt(): void | Promise<void>
  /** Answers an `approval.requested` this session emitted; `answers` (checked by the lane) come with a request's questions. */
  approve(requestId: string, optionId: string, answers?: Answers): void | Promise<void>
  resize(cols: number, rows: number): void
  /** Switches the agent's mode; resolves once it took it (and emitted `modes`). Absent: no modes. */
  setMode?(modeId: string): Promise<void>
  /**
   * Forgets turn `beforeTurnId` (the id its `turn.started` carried) and every later turn from the
   * conversation, so the agent continues as if they never happened. Absent: the agent cannot rewind.
   */
  rewind?(beforeTurnId: string): Promise<void>
  /** Stops the whole process tree (protocol shutdown first where there is one). */
  stop(): Promise<void>
}

export interface AgentAdapter {
  kind: AgentKind
  /** Input is raw keystrokes (a pty): not recorded as messages in the transcript. */
  keystrokes: boolean
  /** The command a profile with an empty `command` runs. */
  defaultCommand(): { command: string; args: string[] }
  /** Variables the kind sets for every agent it runs (TERM …). */
  kindEnv(spec: { configDir: string; laneId: string }): Record<string, string>
  start(spec: LaunchSpec, callbacks: AdapterCallbacks): Promise<AgentSession>
  /** The models the agent offers, asked of a short-lived process. */
  listModels?(spec: ModelProbeSpec): Promise<ModelChoice[]>
  /** The models of an agent that cannot be asked (known by heart, from its docs). Neither: it lists none. */
  knownModels?: readonly ModelChoice[]
}
