/**
 * Which machine a record lives on is part of its identity in the renderer. One window shows the
 * lanes, workspaces and profiles of this machine's core and of every connected host; their ids are
 * unique only within one core, so a host's ids are shown qualified: `<id>@<hostId>`. The contract's
 * ids never hold an `@` (letters, digits, `_` and `-`), so a plain id is this machine's and a
 * qualified one can be split back without doubt. Only the client layer (`hosts-bridge.ts`) makes
 * and resolves them; features pass the ids they were given and never look inside.
 */

/** A record on some machine: `hostId` absent for this machine's core. */
export interface Ref {
  hostId?: string
  id: string
}

const SEPARATOR = '@'

/** The id the renderer uses for record `id` on `hostId` (this machine's ids stay as they are). */
export function qualify(hostId: string | undefined, id: string): string {
  return hostId ? `${id}${SEPARATOR}${hostId}` : id
}

/** The machine and the core's own id behind an id the renderer uses. */
export function refOf(qualified: string): Ref {
  const at = qualified.lastIndexOf(SEPARATOR)
  if (at <= 0 || at === qualified.length - 1) return { id: qualified }
  return { hostId: qualified.slice(at + 1), id: qualified.slice(0, at) }
}

/** The host of a record, or undefined for this machine's. */
export function hostOf(qualified: string): string | undefined {
  return refOf(qualified).hostId
}

/** Whether two records live on the same machine (a lane's workspace and profile must). */
export function sameHost(a: string, b: string): boolean {
  return hostOf(a) === hostOf(b)
}

/** Records grouped by machine, each group in its own order: this machine's first, then each host's as first met. */
export function byMachine<T extends { id: string }>(items: readonly T[]): T[] {
  const groups = new Map<string | undefined, T[]>([[undefined, []]])
  for (const item of items) {
    const hostId = hostOf(item.id)
    const group = groups.get(hostId)
    if (group) group.push(item)
    else groups.set(hostId, [item])
  }
  return [...groups.values()].flat()
}
