// Small shared pieces of the bench rows: what a ratio row returns, medians, bounded waits (a row
// that hangs would keep the whole table from printing), and CPU time from /proc.
import { readdirSync, readFileSync } from 'node:fs'

export interface RatioFigures {
  /** Baseline time / our time, per round. */
  ratios: number[]
  note: string
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
export const mbPerS = (bytes: number, ms: number) => bytes / (1 << 20) / (ms / 1000)

/** `promise`, or a rejection saying `what` did not happen within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * CPU ms used so far by this process's descendants (Linux /proc; USER_HZ 100), Chromium's processes apart
 * from the rest (a server child and its lanes): steadier than wall time on a loaded machine.
 */
export function descendantsCpuMs(): { chromium: number; other: number } {
  const children = new Map<number, { pid: number; ms: number; chromium: boolean }[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const proc = { pid: Number(name), ms: (Number(fields[11]) + Number(fields[12])) * 10, chromium: readFileSync(`/proc/${name}/cmdline`, 'latin1').includes('chromium') }
      const ppid = Number(fields[1])
      children.set(ppid, [...(children.get(ppid) ?? []), proc])
    } catch {} // gone meanwhile
  }
  const total = { chromium: 0, other: 0 }
  const visit = (pid: number) => {
    for (const p of children.get(pid) ?? []) {
      total[p.chromium ? 'chromium' : 'other'] += p.ms
      visit(p.pid)
    }
  }
  visit(process.pid)
  return total
}
