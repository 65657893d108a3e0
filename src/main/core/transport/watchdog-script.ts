/**
 * The sweeper: a small plain-JS program run by `node -e` (Electron with ELECTRON_RUN_AS_NODE) in a
 * session of its own, so that nothing aimed at the app's process group reaches it. It is kept as
 * source text because it must run outside the app's bundle, from Electron, server mode and tests alike.
 *
 *   watch <config>  holds a pipe from main; reads "pid start" lines of lane roots from it; when the
 *                   pipe closes (main exited, crashed, was SIGKILLed or OOM-killed) it sweeps and exits.
 *   sweep <config>  sweeps now (a restart ending what a previous run left) and exits.
 *
 * config: {"runs": [runId…], "roots": [{"pid", "start"}…], "exclude": [pid…], "graceMs"}; the excluded
 * processes, their ancestors and descendants are spared.
 * A sweep ends every process whose environment carries SWITCHYARD_TREE=<run>:… for one of the runs
 * (Linux: /proc/<pid>/environ), every process in the session of a recorded root that still runs with
 * its recorded start time, and elsewhere on POSIX the recorded roots whose start time still matches
 * (or that are gone), with their process groups and descendants. SIGTERM first, then SIGSTOP + SIGKILL in
 * rounds until nothing is left, so a process forking as it dies is caught too. It prints the number of
 * processes it ended.
 */
/** What `ps` shows for each mode (process.title). */
export const WATCHDOG_TITLE = 'switchyard-watchdog'
export const SWEEPER_TITLE = 'switchyard-sweeper'

export const SWEEPER_SOURCE = String.raw`
'use strict'
const fs = require('fs')
const { execFileSync } = require('child_process')
const mode = process.argv[1]
process.title = mode === 'watch' ? '${WATCHDOG_TITLE}' : '${SWEEPER_TITLE}'
const config = JSON.parse(process.argv[2] || '{}')
const runs = config.runs || []
const roots = (config.roots || []).slice()
const exclude = new Set([process.pid, ...(config.exclude || [])])
const graceMs = config.graceMs == null ? 1000 : config.graceMs
// Only SIGKILL ends the sweeper: hang-ups, Ctrl-C and TERMs meant for the app are not for it.
for (const sig of ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGQUIT', 'SIGPIPE']) process.on(sig, () => {})

function linuxTable() {
  const table = []
  for (const name of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    let stat
    try { stat = fs.readFileSync('/proc/' + name + '/stat', 'latin1') } catch { continue }
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    if (f[0] === 'Z' || f[0] === 'X') continue
    let env = ''
    try { env = fs.readFileSync('/proc/' + name + '/environ', 'latin1') } catch {}
    table.push({ pid: +name, ppid: +f[1], pgid: +f[2], sid: +f[3], start: f[19], env })
  }
  return table
}

function psTable() {
  let out = ''
  try { out = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,pgid=,stat=,lstart='], { encoding: 'utf8' }) } catch { return [] }
  const table = []
  for (const line of out.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(\d+)\s+(\S+)\s+(.*\S)\s*$/.exec(line)
    if (!m || m[4].startsWith('Z')) continue
    table.push({ pid: +m[1], ppid: +m[2], pgid: +m[3], sid: undefined, start: m[5], env: '' })
  }
  return table
}

function marked(env) {
  for (const run of runs) {
    const tag = 'SWITCHYARD_TREE=' + run + ':'
    if (env.startsWith(tag) || env.includes('\0' + tag)) return true
  }
  return false
}

// The excluded processes (main, the sweeper), their ancestors and their descendants are never swept:
// a Switchyard restarted from a shell that a dead run left behind must survive its own start-up sweep.
function family(table, byPid) {
  const kept = new Set(exclude)
  for (const pid of exclude) {
    for (let p = byPid.get(pid); p && p.ppid > 1 && !kept.has(p.ppid); p = byPid.get(p.ppid)) kept.add(p.ppid)
  }
  const below = new Set(exclude)
  let grew = true
  while (grew) {
    grew = false
    for (const p of table) if (!below.has(p.pid) && below.has(p.ppid)) { below.add(p.pid); grew = true }
  }
  for (const pid of below) kept.add(pid)
  return kept
}

function targets() {
  const table = process.platform === 'linux' ? linuxTable() : psTable()
  const byPid = new Map(table.map((p) => [p.pid, p]))
  const kept = family(table, byPid)
  const found = new Set()
  // A root still alive with its recorded start time. One that is gone is followed no further on Linux:
  // hours later its pid may lead someone else's session, and what it left carries the marker anyway.
  // Elsewhere its group is all there is to go by.
  const ours = roots.filter((r) => { const p = byPid.get(r.pid); return p ? p.start === r.start : process.platform !== 'linux' })
  const ourIds = new Set(ours.map((r) => r.pid))
  for (const p of table) {
    if (marked(p.env) || (p.sid !== undefined ? ourIds.has(p.sid) : ourIds.has(p.pgid))) found.add(p.pid)
  }
  for (const r of ours) if (byPid.has(r.pid)) found.add(r.pid)
  // Descendants by parent links (the only way to follow a tree where environments cannot be read).
  let grew = true
  while (grew) {
    grew = false
    for (const p of table) if (!found.has(p.pid) && !kept.has(p.pid) && found.has(p.ppid)) { found.add(p.pid); grew = true }
  }
  return [...found].filter((pid) => !kept.has(pid))
}

function signal(pids, sig) {
  for (const pid of pids) { try { process.kill(pid, sig) } catch {} }
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

let sweeping = false
async function sweep() {
  if (sweeping) return
  sweeping = true
  const ended = new Set()
  let pids = targets()
  pids.forEach((p) => ended.add(p))
  if (pids.length > 0 && graceMs > 0) {
    signal(pids, 'SIGTERM')
    const deadline = Date.now() + graceMs
    while (Date.now() < deadline && (pids = targets()).length > 0) await sleep(50)
  }
  for (let round = 0; round < 200; round++) {
    pids = targets()
    if (pids.length === 0) break
    pids.forEach((p) => ended.add(p))
    signal(pids, 'SIGSTOP') // frozen processes cannot fork between the scan and the kill
    signal(pids, 'SIGKILL')
    await sleep(20)
  }
  process.stdout.write(String(ended.size) + '\n', () => process.exit(0))
}

if (mode === 'watch') {
  let buffer = ''
  process.stdin.setEncoding('utf8')
  process.stdin.on('data', (chunk) => {
    buffer += chunk
    let nl
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const [pid, ...start] = buffer.slice(0, nl).split(' ')
      buffer = buffer.slice(nl + 1)
      if (/^\d+$/.test(pid)) roots.push({ pid: +pid, start: start.join(' ') })
    }
  })
  process.stdin.on('end', sweep)
  process.stdin.on('error', sweep)
} else {
  sweep()
}
`
