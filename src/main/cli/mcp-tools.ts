/**
 * The MCP tools `switchyard mcp` offers: a deliberate subset of the contract, each tool's input schema
 * the contract method's own (as JSON Schema), so a change to the contract changes the tool.
 */
import { z } from 'zod'
import { Id, methods, type MethodName } from '../../shared/contract'
import { inputJsonSchema } from './schema-args'

export interface McpTool {
  name: string
  description: string
  /** The contract method it calls, or `wait` (lanes.events + lanes.transcript, as `switchyard wait`). */
  method: MethodName | 'wait'
  input: z.ZodType
}

const WaitInput = z.object({
  laneId: Id,
  timeoutSeconds: z.number().int().min(1).max(24 * 3600).optional().describe('Give up after this long (default 30 minutes)'),
})

/** lanes.create without the window's concerns (terminal size, tray background runs). */
const CreateInput = methods['lanes.create'].input.omit({ cols: true, rows: true, background: true })

export const MCP_TOOLS: McpTool[] = [
  { name: 'list_workspaces', method: 'workspaces.list', input: methods['workspaces.list'].input, description: 'The workspace (project folder) you may create lanes in.' },
  { name: 'list_profiles', method: 'profiles.list', input: methods['profiles.list'].input, description: 'Agent profiles a new lane can run (id, name, kind).' },
  { name: 'list_lanes', method: 'lanes.list', input: methods['lanes.list'].input, description: 'Lanes (agent sessions) in your workspace, with their status.' },
  {
    name: 'create_lane',
    method: 'lanes.create',
    input: CreateInput,
    description: 'Start another agent in a new lane of your workspace (in its own git worktree by default), optionally with a first prompt. Returns the lane; wait_for_lane returns its answer.',
  },
  { name: 'send_to_lane', method: 'lanes.send', input: methods['lanes.send'].input, description: 'Send a prompt to a lane (wakes it if it sleeps).' },
  { name: 'wait_for_lane', method: 'wait', input: WaitInput, description: "Wait until the lane's current turn completes and return its final message." },
  { name: 'read_transcript', method: 'lanes.transcript', input: methods['lanes.transcript'].input, description: "A page of a lane's events (after a seq cursor)." },
  { name: 'lane_diff', method: 'review.diff', input: methods['review.diff'].input, description: 'The files a lane changed, with unified diffs.' },
  { name: 'stop_lane', method: 'lanes.stop', input: methods['lanes.stop'].input, description: "Stop a lane's agent process (its history stays)." },
  { name: 'archive_lane', method: 'lanes.archive', input: methods['lanes.archive'].input, description: 'Archive a lane: process stopped, history kept.' },
]

/** The tool's input schema as MCP wants it: always a JSON object schema. */
export function toolInputSchema(tool: McpTool): { type: 'object'; properties?: Record<string, unknown>; required?: string[] } {
  const { $schema: _, ...json } = inputJsonSchema(tool.input) as Record<string, unknown>
  return { ...json, type: 'object' } as { type: 'object' }
}
