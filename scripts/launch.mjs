// Decisions for `npm start`/`npm run dev` (scripts/start.mjs), kept pure where they can be so they are
// tested without starting anything: is the build current, how to open a browser here, which line
// carries the server's URL, and running a child that gets our signals.
import { spawn } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'

export const root = path.resolve(import.meta.dirname, '..')

/** What `electron-vite build` reads, and what it writes that `npm start` runs. */
const BUILD_INPUTS = ['src', 'electron.vite.config.ts', 'package.json', 'package-lock.json', 'tsconfig.json']
const BUILD_OUTPUTS = ['out/main/index.js', 'out/main/server.js', 'out/preload/index.cjs', 'out/renderer/index.html']

/** The newest mtime of a file or a tree (folders count too: a deleted file changes its folder's). */
function newestMtime(p) {
  const st = statSync(p)
  if (!st.isDirectory()) return st.mtimeMs
  let newest = st.mtimeMs
  for (const entry of readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)))
  return newest
}

/** Whether out/ was built after every input last changed, so a rebuild would change nothing. */
export function buildIsFresh(dir = root) {
  const outputs = BUILD_OUTPUTS.map((f) => path.join(dir, f))
  if (!outputs.every((f) => existsSync(f))) return false
  const builtAt = Math.min(...outputs.map((f) => statSync(f).mtimeMs))
  const changedAt = Math.max(...BUILD_INPUTS.map((f) => path.join(dir, f)).filter(existsSync).map(newestMtime))
  return changedAt < builtAt
}

/** Why no window can open here (Linux/BSD without X11 or Wayland: an ssh session, a container), or undefined. */
export function noDisplayReason(platform = process.platform, env = process.env) {
  if (platform === 'darwin' || platform === 'win32') return undefined
  return env.DISPLAY || env.WAYLAND_DISPLAY ? undefined : 'no display (DISPLAY and WAYLAND_DISPLAY are unset)'
}

/** How to open `url` in the default browser on `platform`, or why not: never under CI, nor without a display. */
export function browserCommand(url, platform = process.platform, env = process.env) {
  if (env.CI) return { skip: 'CI is set' }
  if (platform === 'darwin') return { cmd: 'open', args: [url] }
  // `start` is a cmd built-in; its first quoted argument is a window title. The token is base64url (no & or ^).
  if (platform === 'win32') return { cmd: 'cmd', args: ['/d', '/s', '/c', `start "" "${url}"`], verbatim: true }
  const noDisplay = noDisplayReason(platform, env)
  return noDisplay ? { skip: noDisplay } : { cmd: 'xdg-open', args: [url] }
}

/** The URL in the server's "Switchyard server listening on URL" line. */
export function serverUrlFrom(line) {
  return /^Switchyard server listening on (https?:\/\/\S+)$/.exec(line.trim())?.[1]
}

/** A package's bin script, run with this Node (no shell, no npx lookup). */
export function binScript(pkg, name = pkg) {
  const require = createRequire(path.join(root, 'package.json'))
  const manifestPath = require.resolve(`${pkg}/package.json`)
  const { bin } = require(manifestPath)
  return path.join(path.dirname(manifestPath), typeof bin === 'string' ? bin : bin[name])
}

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP']

/**
 * Runs a child that shares our fate: our SIGINT/SIGTERM/SIGHUP go to it (Ctrl+C in a terminal
 * reaches both; a `kill` of our pid only us), and we wait for it to end. Resolves with its exit code.
 */
export function runChild(cmd, args, options = {}) {
  const child = spawn(cmd, args, { cwd: root, ...options })
  const forward = (signal) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal)
  }
  for (const s of SIGNALS) process.on(s, forward)
  const exited = new Promise((resolve) => {
    child.on('error', (err) => {
      process.stderr.write(`${cmd}: ${err.message}\n`)
      resolve(1)
    })
    child.on('close', (code, signal) => {
      for (const s of SIGNALS) process.off(s, forward)
      resolve(code ?? (signal === 'SIGINT' ? 130 : 1))
    })
  })
  return { child, exited }
}

const NETWORK_ERROR = /\b(ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENETUNREACH|EHOSTUNREACH|socket hang up)\b/

/**
 * Filters one line of electron-builder's output: once a download has failed for want of a network,
 * its stack trace says nothing a person can act on, so it is left out (the sentence after says it all).
 * Returns the line to print (or undefined) and the network failure seen so far.
 */
export function builderLine(line, failure) {
  const m = /⨯\s*(.*?)(\s+failedTask=.*)?$/.exec(line)
  if (m && NETWORK_ERROR.test(m[1])) return { print: `  ⨯ ${m[1]}`, failure: m[1] }
  if (failure && /^\s+at\s/.test(line)) return { print: undefined, failure }
  return { print: line, failure }
}
