// `npm run dist`: the installers for this platform. Packaging downloads Electron (through the same
// code path and cache as `npm start`) and electron-builder's own tools (NSIS, AppImage, fpm … from
// github.com); without a network it stops with a sentence saying so, not a stack trace.
import { createRequire } from 'node:module'
import { createInterface } from 'node:readline'

const { supported, refusal } = createRequire(import.meta.url)('./check-node.cjs')
if (!supported(process.versions.node)) {
  process.stderr.write(`${refusal(process.versions.node)}\n`)
  process.exit(1)
}

const { ensureElectron, explainFailure } = await import('./electron-binary.mjs')
const { binScript, builderLine, runChild } = await import('./launch.mjs')

const electron = await ensureElectron()
if (!electron.ok) {
  process.stderr.write(`\nnpm run dist: cannot package without Electron. ${explainFailure(electron, 'The installers are built around that binary.')}\n`)
  process.exit(1)
}

const build = runChild(process.execPath, [binScript('electron-vite'), 'build'], { stdio: 'inherit' })
const built = await build.exited
if (built !== 0) process.exit(built)

const builder = runChild(process.execPath, [binScript('electron-builder'), ...process.argv.slice(2)], { stdio: ['inherit', 'pipe', 'pipe'] })
let failure
for (const [stream, out] of [[builder.child.stdout, process.stdout], [builder.child.stderr, process.stderr]]) {
  createInterface({ input: stream }).on('line', (line) => {
    const r = builderLine(line, failure)
    failure = r.failure
    if (r.print !== undefined) out.write(`${r.print}\n`)
  })
}
const code = await builder.exited
if (code !== 0 && failure) {
  process.stderr.write(
    `\nnpm run dist could not download what packaging needs (${failure}): electron-builder fetches its tools` +
      ' (NSIS, AppImage, fpm …) from github.com and Electron from its mirror. Run it where those are reachable,' +
      ' through a proxy (HTTPS_PROXY), or with ELECTRON_BUILDER_BINARIES_MIRROR and ELECTRON_MIRROR set to mirrors.\n',
  )
}
process.exit(code)
