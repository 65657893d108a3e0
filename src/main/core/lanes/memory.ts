import { readFile } from 'node:fs/promises'
import { listProcesses, treeMembers } from '../transport/process-tree'

/** Resident memory of one process in bytes (Linux /proc); 0 where it cannot be read. */
async function rssOf(pid: number): Promise<number> {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'latin1')
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) * 1024
  } catch {
    return 0 // gone meanwhile, or not Linux
  }
}

/** The summed RSS of each lane's process tree (its root, group, session and descendants), from one read of the process table. */
export async function laneTreeRss(roots: readonly { laneId: string; pid: number }[]): Promise<{ laneId: string; rssBytes: number }[]> {
  if (process.platform !== 'linux') return roots.map((r) => ({ laneId: r.laneId, rssBytes: 0 }))
  const table = await listProcesses()
  return Promise.all(
    roots.map(async (r) => {
      const sizes = await Promise.all(treeMembers(r.pid, table).map(rssOf))
      return { laneId: r.laneId, rssBytes: sizes.reduce((a, b) => a + b, 0) }
    }),
  )
}
