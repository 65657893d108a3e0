// CPU time of this process's descendants from Linux /proc: steadier than wall time on a loaded machine.
// Plain JS so that both the TypeScript rows and bench/renderer.bench.mjs use it.
import { readdirSync, readFileSync } from 'node:fs'

const TICK_MS = 10 // USER_HZ is 100 on Linux

/** CPU ms used so far by our descendants, split into Chromium's processes and the rest (a server child, its lanes). */
export function descendantsCpuMs() {
  const children = new Map()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1')
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
      const chromium = readFileSync(`/proc/${name}/cmdline`, 'latin1').includes('chromium')
      const ppid = Number(fields[1])
      children.set(ppid, [...(children.get(ppid) ?? []), { pid: Number(name), ms: (Number(fields[11]) + Number(fields[12])) * TICK_MS, chromium }])
    } catch {} // gone meanwhile
  }
  const total = { chromium: 0, other: 0 }
  const visit = (pid) => {
    for (const p of children.get(pid) ?? []) {
      total[p.chromium ? 'chromium' : 'other'] += p.ms
      visit(p.pid)
    }
  }
  visit(process.pid)
  return total
}
