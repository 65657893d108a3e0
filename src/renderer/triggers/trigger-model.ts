import type { Lane, Trigger, Workspace } from '../../shared/contract'

/** One line saying what a trigger does, in the names the user knows. */
export function describeTrigger(t: Trigger, lanes: readonly Lane[], workspaces: readonly Workspace[]): string {
  const lane = (id?: string) => lanes.find((l) => l.id === id)?.title ?? id ?? '?'
  const ws = (id?: string) => workspaces.find((w) => w.id === id)?.name ?? id ?? '?'
  if (t.kind === 'forward') return `When ${lane(t.fromLaneId)} finishes a turn, send it to ${lane(t.toLaneId)}`
  if (t.kind === 'notify') return `When a lane in ${ws(t.workspaceId)} fails, notify`
  return `Every day at ${t.dailyAt}, run “${t.prompt}” in a new lane on ${ws(t.workspaceId)}`
}
