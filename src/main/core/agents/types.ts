import type { AgentKind } from '../../../shared/contract'
import type { LaneEventBody } from '../../../shared/events'

/** Everything an adapter needs to start its agent; the lane manager has already built env and dirs. */
export interface LaunchSpec {
  laneId: string
  cwd: string
  /** Resolved command (the profile's, or the kind's default) and its args. */
  command: string
  args: string[]
  env: Record<string, string>
  configDir: string
  cols: number
  rows: number
  /** Opaque token the adapter returned earlier (`resumeToken`), to continue the same conversation. */
  resume?: string
}

export interface AdapterCallbacks {
  emit(event: LaneEventBody): void
  /** The process ended (by itself or after stop()). `lastLines` helps explain a failure. */
  exited(info: { exitCode: number | null; signal: string | null; lastLines: string[] }): void
}

/** One running agent process, as the lane sees it. */
export interface AgentSession {
  readonly pid: number | undefined
  /** Set by adapters whose agent can continue a conversation in a new process. */
  readonly resumeToken?: string
  send(input: string): void | Promise<void>
  interrupt(): void | Promise<void>
  resize(cols: number, rows: number): void
  /** Stops the whole process tree (protocol shutdown first where there is one). */
  stop(): Promise<void>
}

export interface AgentAdapter {
  kind: AgentKind
  /** Input is raw keystrokes (a pty): not recorded as messages in the transcript. */
  keystrokes: boolean
  /** The command a profile with an empty `command` runs. */
  defaultCommand(): { command: string; args: string[] }
  /** Variables the kind sets for its agent (config dir, TERM …). */
  kindEnv(spec: { configDir: string; laneId: string }): Record<string, string>
  start(spec: LaunchSpec, callbacks: AdapterCallbacks): Promise<AgentSession>
}

