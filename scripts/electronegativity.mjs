// `node scripts/electronegativity.mjs <dir>…`: runs @doyensec/electronegativity on each directory, prints
// how many findings of each severity it reports, and fails on any HIGH or CRITICAL one. Offline: the
// tool fetches translations and Electron's release list over the network, and its HTTP client crashes
// the process when that fails, so the run answers those requests with an immediate failure instead
// (it then prints "Could not retrieve updated translations…", which is harmless).
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks. */
export function parseCsv(text) {
  const rows = []
  let row = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++
      else if (c === '"') quoted = false
      else field += c
    } else if (c === '"') quoted = true
    else if (c === ',') row.push(field), (field = '')
    else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field || row.length) row.push(field), rows.push(row)
  return rows.filter((r) => !(r.length === 1 && r[0] === ''))
}

const BLOCKING = new Set(['HIGH', 'CRITICAL'])

/** Findings of an electronegativity CSV: how many, by severity, and the blocking ones. */
export function countFindings(csv) {
  const [, ...rows] = parseCsv(csv)
  const bySeverity = {}
  const blocking = []
  for (const [issue, severity, , file, location] of rows) {
    bySeverity[severity] = (bySeverity[severity] ?? 0) + 1
    if (BLOCKING.has(severity)) blocking.push({ issue, severity, file, location })
  }
  return { total: rows.length, bySeverity, blocking }
}

/** Runs the tool in this process with its HTTP client answering every request with a failure. */
function runToolOffline(args) {
  const require = createRequire(import.meta.url)
  const pkgDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'))
  const offline = () => Promise.reject(new Error('offline'))
  for (const from of ['dist/locales', 'dist/finder/checks/GlobalChecks']) {
    const got = require.resolve('got', { paths: [path.join(pkgDir, from)] })
    require.cache[got] = { id: got, filename: got, loaded: true, exports: Object.assign(offline, { default: offline }) }
  }
  const bin = path.join(pkgDir, 'dist/index.js')
  process.argv = [process.argv[0], bin, ...args]
  require(bin)
}

function main(dirs) {
  const self = fileURLToPath(import.meta.url)
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  const electronVersion = String(pkg.devDependencies.electron).replace(/^[^\d]*/, '')
  mkdirSync('.cache', { recursive: true })
  const blocking = []
  const totals = {}
  let total = 0
  for (const dir of dirs) {
    if (!existsSync(dir)) {
      console.error(`electronegativity: ${dir} does not exist`)
      return 1
    }
    const csv = path.resolve('.cache', `electronegativity-${path.basename(path.resolve(dir))}.csv`)
    rmSync(csv, { force: true })
    const r = spawnSync(process.execPath, [self, '--tool', '-i', dir, '-o', csv, '-r', '-e', electronVersion], { stdio: ['ignore', 'inherit', 'inherit'] })
    if (r.status !== 0 || !existsSync(csv)) {
      console.error(`electronegativity: the scan of ${dir} failed (exit ${r.status})`)
      return 1
    }
    const found = countFindings(readFileSync(csv, 'utf8'))
    total += found.total
    for (const [sev, n] of Object.entries(found.bySeverity)) totals[sev] = (totals[sev] ?? 0) + n
    blocking.push(...found.blocking.map((f) => ({ ...f, file: path.join(dir, f.file) })))
    console.log(`electronegativity: ${dir}: ${found.total} finding${found.total === 1 ? '' : 's'} ${JSON.stringify(found.bySeverity)}`)
  }
  for (const f of blocking) console.log(`  ${f.severity} ${f.issue} at ${f.file}:${f.location}`)
  console.log(`electronegativity: ${total} findings in ${dirs.join(', ')}; ${blocking.length} high or critical`)
  return blocking.length ? 1 : 0
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv[2] === '--tool') runToolOffline(process.argv.slice(3))
  else process.exit(main(process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'out']))
}
