// Obtains Electron's binary the way the `electron` package itself does when first required
// (node_modules/electron/index.js runs its install.js, which downloads through @electron/get), so
// its cache (`electron_config_cache`), mirror (`ELECTRON_MIRROR`, `ELECTRON_CUSTOM_DIR`, the
// npm_config_electron_* forms) and checksum settings all apply, with two additions: progress on the
// terminal, and a bound on a download that stalls. Shared by `npm start`, `npm run dev`,
// `npm run dist` and the `_electron` tests.
import { spawn, execSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const root = path.resolve(import.meta.dirname, '..')

/** A download that receives nothing for this long is given up (a black-holed network never errors). */
export const STALL_MS = Number(process.env.SWITCHYARD_ELECTRON_STALL_MS) || 30_000
const DEFAULT_MIRROR = 'https://github.com/electron/electron/releases/download/'

/** Where the electron package lives (a test may point this at a copy). */
export function electronPackageDir(from = root) {
  return path.dirname(createRequire(path.join(from, 'package.json')).resolve('electron/package.json'))
}

/** The executable inside `dist/`, per platform: the same table as electron's install.js. */
function platformPath(platform) {
  if (platform === 'darwin' || platform === 'mas') return 'Electron.app/Contents/MacOS/Electron'
  if (platform === 'win32') return 'electron.exe'
  return 'electron'
}

/** What install.js would download: its platform/arch choice, including the Rosetta case. */
export function target(env = process.env) {
  const platform = env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || process.platform
  let arch = env.ELECTRON_INSTALL_ARCH || env.npm_config_arch || process.arch
  if (platform === 'darwin' && process.platform === 'darwin' && arch === 'x64' && env.npm_config_arch === undefined) {
    try {
      if (execSync('sysctl -in sysctl.proc_translated').toString().trim() === '1') arch = 'arm64'
    } catch {}
  }
  return { platform, arch }
}

/** The installed executable, or undefined: install.js's own "is it installed" test. */
export function installedElectron(dir = electronPackageDir(), env = process.env) {
  const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version
  const exePath = platformPath(env.ELECTRON_INSTALL_PLATFORM || env.npm_config_platform || os.platform())
  try {
    if (readFileSync(path.join(dir, 'dist', 'version'), 'utf8').replace(/^v/, '') !== version) return undefined
    if (readFileSync(path.join(dir, 'path.txt'), 'utf8') !== exePath) return undefined
  } catch {
    return undefined
  }
  const exe = env.ELECTRON_OVERRIDE_DIST_PATH ? path.join(env.ELECTRON_OVERRIDE_DIST_PATH, exePath) : path.join(dir, 'dist', exePath)
  return existsSync(exe) ? exe : undefined
}

/** @electron/get's reading of a mirror setting (.npmrc, package.json config, environment). */
function mirrorVar(name, env, fallback) {
  const snake = name.replace(/([a-z])([A-Z])/g, (_, a, b) => `${a}_${b}`).toLowerCase()
  return (
    env[`npm_config_electron_${name.toLowerCase()}`] ||
    env[`NPM_CONFIG_ELECTRON_${snake.toUpperCase()}`] ||
    env[`npm_config_electron_${snake}`] ||
    env[`npm_package_config_electron_${name}`] ||
    env[`npm_package_config_electron_${snake}`] ||
    env[`ELECTRON_${snake.toUpperCase()}`] ||
    fallback
  )
}

/** The zip's URL and where @electron/get caches it (a sha256 of the URL's folder, under its cache root). */
export function artifactLocation(version, { platform, arch }, env = process.env) {
  const v = `v${version.replace(/^v/, '')}`
  const file = `electron-${v}-${platform}-${arch}.zip`
  const url = `${mirrorVar('mirror', env, DEFAULT_MIRROR)}${mirrorVar('customDir', env, v).replace('{{ version }}', v.slice(1))}/${mirrorVar('customFilename', env, file)}`
  const folder = new URL(url)
  folder.hash = ''
  folder.search = ''
  folder.pathname = path.posix.dirname(folder.pathname)
  const cacheRoot = env.electron_config_cache || defaultCacheRoot(env)
  return { url, file, cachePath: path.join(cacheRoot, createHash('sha256').update(folder.toString()).digest('hex'), file) }
}

/** env-paths('electron').cache, which @electron/get uses. */
function defaultCacheRoot(env) {
  const home = os.homedir()
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Caches', 'electron')
  if (process.platform === 'win32') return path.join(env.LOCALAPPDATA || path.join(home, 'AppData', 'Local'), 'electron', 'Cache')
  return path.join(env.XDG_CACHE_HOME || path.join(home, '.cache'), 'electron')
}

/** The root cause of a failed fetch, in a few words ("getaddrinfo ENOTFOUND github.com"). */
export function describeError(err) {
  let e = err
  while (e?.cause && e.message === 'fetch failed') e = e.cause
  const code = e?.code && !String(e.message).includes(e.code) ? ` (${e.code})` : ''
  return `${e?.message ?? String(e)}${code}`
}

/** Progress as one overwritten line on a terminal, or a line per 10% in a log. */
function progressPrinter(label, out) {
  let lastTenth = -1
  return ({ transferred, total, percent }) => {
    const mb = (n) => (n / 1048576).toFixed(0)
    const text = total ? `${label}: ${Math.floor(percent * 100)}% (${mb(transferred)} of ${mb(total)} MB)` : `${label}: ${mb(transferred)} MB`
    if (out.isTTY) out.write(`\r${text}\x1b[K${percent >= 1 ? '\n' : ''}`)
    else if (Math.floor(percent * 10) !== lastTenth) {
      lastTenth = Math.floor(percent * 10)
      out.write(`${text}\n`)
    }
  }
}

/**
 * Makes sure Electron's binary is installed: downloads the zip into @electron/get's cache (the same
 * call install.js makes, plus progress and a stall bound), then runs electron's install.js, which
 * finds it there and extracts it. Reads its settings from process.env, as @electron/get does. Never throws.
 * @returns {Promise<{ ok: true, exe: string } | { ok: false, reason: string, url?: string, cachePath?: string, file?: string }>}
 */
export async function ensureElectron({ dir = electronPackageDir(), out = process.stderr, stallMs = STALL_MS } = {}) {
  // @electron/get reads its mirror settings from process.env itself, so this does too.
  const env = process.env
  // electron-vite's own variable for an Electron of your choosing (it runs that one, so we use it too).
  if (env.ELECTRON_EXEC_PATH && existsSync(env.ELECTRON_EXEC_PATH)) return { ok: true, exe: env.ELECTRON_EXEC_PATH }
  const have = installedElectron(dir, env)
  if (have) return { ok: true, exe: have }
  const version = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version
  const where = target(env)
  const loc = artifactLocation(version, where, env)
  if (env.ELECTRON_SKIP_BINARY_DOWNLOAD) return { ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set (unset it to download)', file: loc.file, cachePath: loc.cachePath }

  // force_no_cache: install.js downloads again anyway, so leave the whole job to it.
  if (env.force_no_cache !== 'true' && !existsSync(loc.cachePath)) {
    const requireFromElectron = createRequire(path.join(dir, 'package.json'))
    const { downloadArtifact } = await import(pathToFileURL(requireFromElectron.resolve('@electron/get')).href)
    const abort = new AbortController()
    let stall
    const watchdog = () => {
      clearTimeout(stall)
      stall = setTimeout(() => abort.abort(new Error(`nothing received for ${stallMs / 1000} s`)), stallMs)
    }
    const show = progressPrinter(`Downloading Electron ${version} (${where.platform}-${where.arch})`, out)
    out.write(`Downloading Electron ${version} for ${where.platform}-${where.arch} from ${loc.url}\n`)
    watchdog()
    try {
      await downloadArtifact({
        version,
        artifactName: 'electron',
        cacheRoot: env.electron_config_cache,
        checksums: env.electron_use_remote_checksums || env.npm_config_electron_use_remote_checksums ? undefined : requireFromElectron('./checksums.json'),
        platform: where.platform,
        arch: where.arch,
        downloadOptions: {
          quiet: true,
          signal: abort.signal,
          getProgressCallback: (p) => {
            watchdog()
            show(p)
          },
        },
      })
    } catch (err) {
      return { ok: false, reason: abort.signal.aborted ? describeError(abort.signal.reason) : describeError(err), ...loc }
    } finally {
      clearTimeout(stall)
    }
  }

  // Extraction, path.txt and the rest are install.js's: it finds the zip in the cache.
  const install = spawn(process.execPath, [path.join(dir, 'install.js')], { env, stdio: ['ignore', 'inherit', 'pipe'] })
  let stderr = ''
  install.stderr.on('data', (d) => (stderr += d))
  const timer = setTimeout(() => install.kill('SIGKILL'), 10 * 60_000)
  const code = await new Promise((resolve) => install.on('close', (c, signal) => resolve(signal ? signal : c)))
  clearTimeout(timer)
  const exe = installedElectron(dir, env)
  if (code === 0 && exe) return { ok: true, exe }
  const lastLine = stderr.trim().split('\n').filter(Boolean)[0] ?? `exit ${code}`
  return { ok: false, reason: `electron's install.js failed: ${lastLine}`, ...loc }
}

/** The paragraph a person reads when the binary could not be had: what failed and the three ways out. */
export function explainFailure(result, needs = 'The desktop window needs that binary.') {
  const version = JSON.parse(readFileSync(path.join(electronPackageDir(), 'package.json'), 'utf8')).version
  if (result.ok) return ''
  const zip = result.file ? ` (${result.file})` : ''
  return (
    `Electron ${version} could not be obtained: ${result.reason}` +
    (result.url ? ` while downloading ${result.url}` : '') +
    `. ${needs} To get it: allow this machine to reach the download` +
    ` (github.com, or a proxy via ELECTRON_GET_USE_PROXY=1 and HTTPS_PROXY), or set ELECTRON_MIRROR to a mirror` +
    ` (e.g. ELECTRON_MIRROR=https://npmmirror.com/mirrors/electron/), or copy the zip${zip} downloaded elsewhere to` +
    ` ${result.cachePath ?? "@electron/get's cache"}; then run the command again.`
  )
}

// `node scripts/electron-binary.mjs`: obtain it now (CI does, so a failed download fails loudly there
// instead of the Electron tests skipping).
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const result = await ensureElectron()
  if (result.ok) process.stdout.write(`Electron: ${result.exe}\n`)
  else process.stderr.write(`${explainFailure(result)}\n`)
  process.exit(result.ok ? 0 : 1)
}
