// `npm start` (built app) and `npm run dev` (`--dev`: hot reload): make sure Electron's binary is
// there, then launch the desktop app. When the binary cannot be had (or there is no display to open a
// window on), say why in one paragraph and run Switchyard in server mode instead, opened in the
// default browser; Ctrl+C stops it.
// Arguments after `--` go to server mode (`npm start -- --port 8080`).
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'

const { supported, refusal } = createRequire(import.meta.url)('./check-node.cjs')
if (!supported(process.versions.node)) {
  process.stderr.write(`${refusal(process.versions.node)}\n`)
  process.exit(1)
}

const { ensureElectron, explainFailure } = await import('./electron-binary.mjs')
const { binScript, browserCommand, buildIsFresh, noDisplayReason, runChild, serverUrlFrom } = await import('./launch.mjs')
const { spawn } = await import('node:child_process')

const dev = process.argv[2] === '--dev'
const serverArgs = process.argv.slice(dev ? 3 : 2)
const command = dev ? 'npm run dev' : 'npm start'
const electronVite = binScript('electron-vite')

const electron = await ensureElectron()
const noDisplay = electron.ok ? noDisplayReason() : undefined
if (electron.ok && !noDisplay) {
  // `preview` builds first unless told not to; skip it when out/ is already current.
  const args = dev ? ['dev'] : ['preview', ...(buildIsFresh() ? ['--skipBuild'] : [])]
  const { exited } = runChild(process.execPath, [electronVite, ...args], { stdio: 'inherit' })
  process.exit(await exited)
}

process.stderr.write(noDisplay ? `\nThe desktop window cannot open here: ${noDisplay}.\n` : `\n${explainFailure(electron)}\n\n`)
process.stderr.write(
  `So ${command} starts Switchyard in server mode instead: the same app in your browser, without the desktop window` +
    `${dev ? ' (and without hot reload: run it again after a change)' : ''}.\n`,
)
if (!buildIsFresh()) {
  // Build output goes to stderr: stdout carries only the server's URL line.
  const build = runChild(process.execPath, [electronVite, 'build', '--logLevel', 'warn'], { stdio: ['ignore', 2, 2] })
  const code = await build.exited
  if (code !== 0) process.exit(code)
}

const server = runChild(process.execPath, ['out/main/server.js', ...serverArgs], { stdio: ['ignore', 'pipe', 'inherit'] })
let announced = false
createInterface({ input: server.child.stdout }).on('line', (line) => {
  process.stdout.write(`${line}\n`)
  const url = announced ? undefined : serverUrlFrom(line)
  if (!url) return
  announced = true
  openBrowser(url)
})
const code = await server.exited
if (!announced) process.stderr.write('Server mode did not start (see the message above).\n')
process.exit(code)

function openBrowser(url) {
  const how = browserCommand(url)
  if (how.skip) {
    process.stderr.write(`Open that URL in a browser (not opened here: ${how.skip}).\n`)
    return
  }
  const opener = spawn(how.cmd, how.args, { stdio: 'ignore', detached: true, windowsVerbatimArguments: how.verbatim })
  opener.on('error', (err) => process.stderr.write(`Could not open a browser (${how.cmd}: ${err.message}): open that URL yourself.\n`))
  opener.on('spawn', () => process.stderr.write('Opened it in your default browser.\n'))
  opener.unref()
}
