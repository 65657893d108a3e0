/**
 * Server mode: the same core and contract as the desktop app, in plain Node, over a token-guarded
 * WebSocket, serving the built renderer to a browser. `npm run serve -- --port 0 --data-dir DIR`.
 */
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { version } from '../../package.json'
import { createCore } from './core/core'
import { checkDataDir } from './core/disk'
import { fileStore } from './core/store'
import { createHandlers, createStreamSources } from './rpc/handlers'
import { Router } from './rpc/router'
import { startWsServer } from './rpc/ws-server'

function defaultDataDir(): string {
  const home = os.homedir()
  if (process.platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Switchyard Server')
  if (process.platform === 'win32') return path.join(process.env.APPDATA ?? home, 'Switchyard Server')
  return path.join(process.env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'switchyard-server')
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
    },
  })
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, not ${values.port}`)
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir())

  checkDataDir(dataDir) // a read-only or uncreatable data dir is reported as such (and exits 1, below)
  const core = createCore({ dataDir, store: fileStore(dataDir) })
  const router = new Router(createHandlers(core, { mode: 'server', version, dataDir }), createStreamSources(core))
  const server = await startWsServer({
    router,
    host: values.host!,
    port,
    token: randomBytes(24).toString('base64url'),
    staticDir: fileURLToPath(new URL('../renderer', import.meta.url)),
  })
  process.stdout.write(`Switchyard server listening on ${server.url}\n`)
  // stdout carries the one line above; the rest is for the person who started it.
  process.stderr.write(`Data in ${dataDir}; profile secrets are kept in ${path.join(dataDir, 'secrets.json')} (mode 0600, readable only by you).\n`)

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await server.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  process.on('SIGHUP', shutdown)
}

main().catch((err) => {
  console.error(`switchyard: ${err instanceof Error ? err.message : err}`)
  process.exit(1)
})
