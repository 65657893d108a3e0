/**
 * What an agent may do through Switchyard's MCP tools. A lane whose profile opted in ("may drive other
 * lanes") gets a token; a connection that presents it is narrowed to the lane's workspace, to the
 * tools' methods, and to a cap on lanes it creates. Profiles, secrets and settings stay out of reach.
 *
 * The agent runs as the user, so this scopes what the tools do, not what a shell in the lane could.
 */
import type { Lane, Result, RpcError } from '../../shared/contract'
import { AppError } from '../core/errors'
import { toRpcError, type Router } from './router'
import type { ContractServer } from './stream-transport'

export const DEFAULT_MAX_CHILD_LANES = 4


export interface LaneScope {
  laneId: string
  workspaceId: string
  maxChildLanes: number
}

/** Methods a scoped caller may use, and how each is checked. */
const LANE_METHODS = new Set(['lanes.send', 'lanes.transcript', 'lanes.terminalSnapshot', 'lanes.stop', 'lanes.archive', 'lanes.interrupt', 'review.diff'])
const LISTS = new Set(['workspaces.list', 'lanes.list', 'profiles.list'])

export type ScopeCheck = { ok: true } | { ok: false; error: RpcError }

const refuse = (message: string): ScopeCheck => ({ ok: false, error: { code: 'refused', message } })

/** Whether a scoped caller may make this call (inputs already the contract's shape or rejected later). */
export function checkScoped(method: string, input: unknown, scope: LaneScope, lanes: readonly Lane[]): ScopeCheck {
  const args = (input ?? {}) as Record<string, unknown>
  if (LISTS.has(method)) return { ok: true }
  if (method === 'lanes.create') {
    if (args.workspaceId !== scope.workspaceId) return refuse('A lane may only create lanes in its own workspace')
    if (args.background) return refuse('Lanes created by an agent are not background lanes')
    const made = lanes.filter((l) => l.parentLaneId === scope.laneId).length
    if (made >= scope.maxChildLanes) {
      return { ok: false, error: { code: 'limit_reached', message: `This lane may create ${scope.maxChildLanes} lanes and has created ${made}` } }
    }
    return { ok: true }
  }
  if (LANE_METHODS.has(method)) {
    if (args.laneId === scope.laneId) return refuse('A lane cannot drive itself through these tools')
    const target = lanes.find((l) => l.id === args.laneId)
    if (target && target.workspaceId !== scope.workspaceId) return refuse('That lane is in another workspace')
    return { ok: true }
  }
  return refuse(`${method} is not available to agents`)
}

/** What a scoped caller sees of a list: its workspace only, and of profiles only what picks one. */
export function narrowList(method: string, value: unknown, scope: LaneScope): unknown {
  const rows = value as Record<string, unknown>[]
  if (method === 'workspaces.list') return rows.filter((w) => w.id === scope.workspaceId)
  if (method === 'lanes.list') return rows.filter((l) => l.workspaceId === scope.workspaceId)
  if (method === 'profiles.list') return rows.map((p) => ({ id: p.id, name: p.name, kind: p.kind }))
  return value
}

export interface ScopeDeps {
  lanes: () => Lane[]
  /** Records the parent of a lane an agent created and links it in the parent's transcript. */
  adopt: (parentLaneId: string, child: Lane) => void
}

/** Creations under way per parent: counted against the cap so parallel calls cannot overshoot it. */
const creating = new Map<string, number>()

/** The router as a scoped caller sees it. */
export function scopedServer(router: Router, scope: LaneScope, deps: ScopeDeps): ContractServer {
  return {
    async call(method, input): Promise<Result<unknown>> {
      const pending = creating.get(scope.laneId) ?? 0
      const counted = method === 'lanes.create' ? [...deps.lanes(), ...Array.from({ length: pending }, () => ({ parentLaneId: scope.laneId }) as Lane)] : deps.lanes()
      const check = checkScoped(method, input, scope, counted)
      if (!check.ok) return check
      if (method === 'lanes.create') creating.set(scope.laneId, pending + 1)
      const result = await router.call(method, input).finally(() => {
        if (method === 'lanes.create') creating.set(scope.laneId, (creating.get(scope.laneId) ?? 1) - 1)
      })
      if (!result.ok) return result
      if (LISTS.has(method)) return { ok: true, value: narrowList(method, result.value, scope) }
      if (method === 'lanes.create') {
        try {
          deps.adopt(scope.laneId, result.value as Lane)
        } catch (err) {
          return { ok: false, error: toRpcError(err) }
        }
      }
      return result
    },
    subscribe(stream, input, emit) {
      const laneId = (input as { laneId?: string } | undefined)?.laneId
      const target = deps.lanes().find((l) => l.id === laneId)
      if (stream !== 'lanes.events' || !target || target.workspaceId !== scope.workspaceId) {
        return { ok: false, error: toRpcError(new AppError('refused', 'Agents may follow one lane of their workspace')) }
      }
      return router.subscribe(stream, input, emit)
    },
  }
}
