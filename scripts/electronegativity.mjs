// `node scripts/electronegativity.mjs <dir>…`: runs @doyensec/electronegativity on each directory, prints
// how many findings of each severity it reports, and fails on any HIGH or CRITICAL one. The tool's HTTP
// client (got) crashes the process when a request fails, so it never runs: updated translations are not
// fetched (the bundled ones are used, silently), and Electron's release list, which the check for
// available security fixes needs, is fetched with Node's fetch when it is reachable. When it is not,
// one line says that check was not made, instead of the tool's per-scan "Something went wrong…".
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

const RELEASES = 'https://raw.githubusercontent.com/electron/releases/master/index.json'
const NO_RELEASES = "Something went wrong while fetching Electron's releases. No connectivity?"

/** The two calls of got the release check makes (`got.head(url)`, `got(url, {responseType: 'json'})`), over fetch. */
function releasesClient(online) {
  const get = async (url, method, json) => {
    if (!online) throw new Error('offline')
    const res = await fetch(url, { method, signal: AbortSignal.timeout(20_000) })
    if (!res.ok) throw new Error(`HTTP ${res.status} for ${url}`)
    return { statusCode: res.status, headers: Object.fromEntries(res.headers), body: method === 'HEAD' ? '' : json ? await res.json() : await res.text() }
  }
  return Object.assign((url, opts = {}) => get(url, 'GET', opts.responseType === 'json'), { head: (url) => get(url, 'HEAD') })
}

/** Whether Electron's release list answers, within a few seconds. */
async function releasesReachable() {
  try {
    return (await fetch(RELEASES, { method: 'HEAD', signal: AbortSignal.timeout(5_000) })).ok
  } catch {
    return false
  }
}

/** Runs the tool in this process with got replaced: see the top of this file. */
function runTool(args, online) {
  const require = createRequire(import.meta.url)
  const pkgDir = path.dirname(require.resolve('@doyensec/electronegativity/package.json'))
  const releases = releasesClient(online)
  // Anything else is a translation update: a status other than 200 keeps the bundled ones, without a word.
  const client = Object.assign((url, opts) => (url === RELEASES ? releases(url, opts) : Promise.resolve({ statusCode: 204, body: '' })), {
    head: (url) => (url === RELEASES ? releases.head(url) : Promise.resolve({ statusCode: 204, headers: {} })),
  })
  for (const from of ['dist/locales', 'dist/finder/checks/GlobalChecks']) {
    const got = require.resolve('got', { paths: [path.join(pkgDir, from)] })
    require.cache[got] = { id: got, filename: got, loaded: true, exports: Object.assign(client, { default: client }) }
  }
  // The tool writes the CSV header and then its rows with two racing async writeFile calls: the header
  // can land on top of the first rows (a finding lost, the CSV broken). Written in call order instead.
  const fs = require('node:fs')
  fs.writeFile = (file, data, opts, done) => {
    if (typeof opts === 'function') (done = opts), (opts = undefined)
    let error = null
    try {
      fs.writeFileSync(file, data, opts)
    } catch (err) {
      error = err
    }
    process.nextTick(done, error)
  }
  // Offline, the parent says so once for every scan.
  const log = console.log
  if (!online) console.log = (...a) => (String(a[0]).includes(NO_RELEASES) ? undefined : log(...a))
  const bin = path.join(pkgDir, 'dist/index.js')
  process.argv = [process.argv[0], bin, ...args]
  require(bin)
}

async function main(dirs) {
  const self = fileURLToPath(import.meta.url)
  const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
  const electronVersion = String(pkg.devDependencies.electron).replace(/^[^\d]*/, '')
  mkdirSync('.cache', { recursive: true })
  const online = await releasesReachable()
  if (!online) {
    console.log(
      `electronegativity: Electron's release list (${new URL(RELEASES).host}) is out of reach, so whether Electron ${electronVersion} misses security fixes of a newer release is not checked here`,
    )
  }
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
    const r = spawnSync(process.execPath, [self, online ? '--tool' : '--tool-offline', '-i', dir, '-o', csv, '-r', '-e', electronVersion], {
      stdio: ['ignore', 'inherit', 'inherit'],
    })
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
  if (process.argv[2] === '--tool' || process.argv[2] === '--tool-offline') runTool(process.argv.slice(3), process.argv[2] === '--tool')
  else process.exit(await main(process.argv.slice(2).length ? process.argv.slice(2) : ['src', 'out']))
}
