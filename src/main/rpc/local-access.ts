/**
 * How the local endpoint serves a connection: as the user (full contract), until it presents a lane
 * token (`endpoint.scope`), after which it is narrowed to what that lane's profile allows.
 */
import type { Socket } from 'node:net'
import { z } from 'zod'
import type { Core } from '../core/core'
import type { LaneTokens } from '../core/lanes/lane-tokens'
import { DEFAULT_MAX_CHILD_LANES, scopedServer } from './lane-scope'
import type { Router } from './router'
import type { ContractServer, ServeOptions } from './stream-transport'

/** Not a contract method: answered by the endpoint itself, before the router. */
export const SCOPE_METHOD = 'endpoint.scope'
const ScopeInput = z.object({ token: z.string().min(1).max(256) }).strict()

export function localServeOptions(router: Router, core: Pick<Core, 'lanes' | 'profiles'>, tokens: LaneTokens): (socket: Socket) => ServeOptions {
  return () => {
    let server: ContractServer = router
    let scoped = false
    return {
      router: () => server,
      intercept: (method, input) => {
        if (method !== SCOPE_METHOD) return undefined
        const parsed = ScopeInput.safeParse(input)
        const laneId = parsed.success ? tokens.laneOf(parsed.data.token) : undefined
        if (scoped || !laneId) return Promise.resolve({ ok: false, error: { code: 'refused', message: 'Not a valid lane token' } })
        const lane = core.lanes.get(laneId).record
        const profile = core.profiles.get(lane.profileId)
        if (!profile.mayDriveLanes) return Promise.resolve({ ok: false, error: { code: 'refused', message: `Profile ${profile.name} may not drive other lanes` } })
        scoped = true
        server = scopedServer(router, { laneId, workspaceId: lane.workspaceId, maxChildLanes: profile.maxChildLanes ?? DEFAULT_MAX_CHILD_LANES }, {
          lanes: () => core.lanes.list(),
          adopt: (parentLaneId, child) => {
            core.lanes.patch(child.id, { parentLaneId })
            core.lanes.get(parentLaneId).emit({ type: 'lane.child', childLaneId: child.id, title: child.title })
          },
        })
        return Promise.resolve({ ok: true, value: { laneId, workspaceId: lane.workspaceId } })
      },
    }
  }
}
