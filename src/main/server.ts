/**
 * Server mode: the same core and contract as the desktop app, in plain Node, over a token-guarded
 * WebSocket, serving the built renderer to a browser. `npm run serve -- --port 0 --data-dir DIR`.
 */
import { randomBytes } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { version } from '../../package.json'
import { createCore, type Core } from './core/core'
import { serverDataDir } from './core/data-dirs'
import { installCrashHandlers } from './core/crash'
import { NoClientWatch } from './core/hosts/no-client-reaper'
import { checkDataDir } from './core/disk'
import { fileStore } from './core/store'
import { createHandlers, createStreamSources } from './rpc/handlers'
import { countingClients } from './rpc/client-presence'
import { localServeOptions } from './rpc/local-access'
import { startLocalEndpoint, type LocalEndpoint } from './rpc/local-endpoint'
import { relayStdio } from './rpc/stdio-relay'
import { Router } from './rpc/router'
import { startWsServer } from './rpc/ws-server'

const defaultDataDir = () => serverDataDir()

const USAGE = `Usage: npm run serve -- [options]   (or: node out/main/server.js [options])

Runs Switchyard's core in plain Node and serves its UI to a browser. Prints one line on stdout,
"Switchyard server listening on http://HOST:PORT/?token=TOKEN" (npm prints its own "> switchyard…"
header above it; \`npm run -s serve\` does not): open that URL. The token is new on every start and
guards the connection. Ctrl+C (or SIGTERM) stops the server and every lane it runs.

Options:
  --host HOST      address to bind (default 127.0.0.1; anything else exposes it to your network)
  --port PORT      port to listen on, 0 for any free one (default 0)
  --data-dir DIR   where workspaces, profiles, lanes and transcripts live
                   (default ${defaultDataDir()})
  --stdio          the contract on stdin/stdout (one JSON message per line), for a client over SSH:
                   connects to the data dir's headless core, starting it if needed, so its lanes
                   outlive this process; logs go to stderr
  --headless       the core and its local endpoint only (no WebSocket, no UI), what --stdio starts
  -h, --help       print this and exit
`

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
      stdio: { type: 'boolean' },
      headless: { type: 'boolean' },
    },
  })
  if (values.help) {
    process.stdout.write(USAGE)
    return
  }
  if (values.stdio) {
    // stdout is the wire here: nothing else may be written to it.
    await relayStdio({ dataDir: path.resolve(values['data-dir'] ?? defaultDataDir()), serverJs: fileURLToPath(import.meta.url) })
    process.exit(0)
  }
  if (values.headless) return runHeadless(path.resolve(values['data-dir'] ?? defaultDataDir()))
  const port = Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, not ${values.port}`)
  const dataDir = path.resolve(values['data-dir'] ?? defaultDataDir())

  // Lanes whose profile may drive other lanes run `switchyard mcp` from the same build.
  const cliLauncher = { command: process.execPath, args: [fileURLToPath(new URL('./cli.js', import.meta.url))] }
  // A browser has no notifications from us; a failure trigger says it on stderr.
  const notify = (title: string, body: string) => process.stderr.write(`switchyard: ${title}: ${body}\n`)
  checkDataDir(dataDir) // a read-only or uncreatable data dir is reported as such (and exits 1, below)
  const core = createCore({ dataDir, store: fileStore(dataDir), cliLauncher, notify, appRoot: fileURLToPath(new URL('../..', import.meta.url)), sshConfigFile: process.env.SWITCHYARD_SSH_CONFIG })
  exitOnCrash(dataDir, core)
  const router = new Router(createHandlers(core, { mode: 'server', version, dataDir }), createStreamSources(core))
  const server = await startWsServer({
    router,
    host: values.host!,
    port,
    token: randomBytes(24).toString('base64url'),
    staticDir: fileURLToPath(new URL('../renderer', import.meta.url)),
  })
  // The CLI's and `switchyard mcp`'s way in; the browser UI works without it, so a failure only warns.
  const endpoint = await startLocalEndpoint({ dataDir, mode: 'server', serve: localServeOptions(router, core, core.laneTokens) }).catch((err: Error) => {
    process.stderr.write(`switchyard: the CLI cannot reach this server: ${err.message}\n`)
    return undefined
  })
  process.stdout.write(`Switchyard server listening on ${server.url}\n`)
  // stdout carries the one line above; the rest is for the person who started it.
  process.stderr.write(`Data in ${dataDir}; profile secrets are kept in ${path.join(dataDir, 'secrets.json')} (mode 0600, readable only by you).\n`)
  if (endpoint) process.stderr.write(`The switchyard CLI reaches it through ${endpoint.path} (yours only).\n`)
  process.stderr.write('Stop it with Ctrl+C.\n')
  void core.previousRunsEnded.then(({ runs, processes }) => {
    if (runs > 0) process.stderr.write(`Ended ${processes} process(es) left running by ${runs} earlier run(s) that did not shut down.\n`)
  })

  let closing = false
  const shutdown = async () => {
    if (closing) return
    closing = true
    await server.close()
    await endpoint?.close()
    await core.close()
    process.exit(0)
  }
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  process.on('SIGHUP', shutdown)
}

/** The core behind a local endpoint only: what a remote host runs for `--stdio` clients. */
async function runHeadless(dataDir: string): Promise<void> {
  checkDataDir(dataDir)
  // Its lanes may drive other lanes like a server's: the same `switchyard mcp` launcher and lane tokens.
  const cliLauncher = { command: process.execPath, args: [fileURLToPath(new URL('./cli.js', import.meta.url))] }
  const notify = (title: string, body: string) => process.stderr.write(`switchyard: ${title}: ${body}\n`)
  const core = createCore({ dataDir, store: fileStore(dataDir), cliLauncher, notify })
  exitOnCrash(dataDir, core)
  const router = new Router(createHandlers(core, { mode: 'server', version, dataDir }), createStreamSources(core))
  // No client for `noClientReapAfterHours`: idle lanes go to sleep, and once nothing runs the core ends.
  const watch = new NoClientWatch({
    afterHours: () => core.settings.get().noClientReapAfterHours,
    lanes: () => core.lanes.list(),
    schedules: () => core.triggers.list().filter((t) => t.kind === 'schedule' && t.enabled).length,
    sleep: (ids) => core.lanes.sleepIfReady(ids),
    exit: () => {
      process.stderr.write(`switchyard: no client for ${core.settings.get().noClientReapAfterHours} h and nothing running: exiting\n`)
      void shutdown()
    },
  })
  const serve = countingClients(localServeOptions(router, core, core.laneTokens), () => watch.open())
  let endpoint: LocalEndpoint | undefined
  async function shutdown() {
    watch.stop()
    await endpoint?.close()
    await core.close()
    process.exit(0)
  }
  endpoint = await startLocalEndpoint({ dataDir, mode: 'server', serve })
  process.stderr.write(`Switchyard ${version} headless core on ${endpoint.path} (pid ${process.pid})\n`)
  process.on('SIGINT', shutdown)
  process.on('SIGTERM', shutdown)
  // Detached from any terminal: a hangup is not a request to stop.
  process.on('SIGHUP', () => undefined)
}

/**
 * An exception no handler expected: logged to `<dataDir>/crash.log`, lane records saved, every lane's
 * tree stopped, exit 1. A bad client or lane never gets here; it is handled where it happened.
 */
function exitOnCrash(dataDir: string, core: Core): void {
  installCrashHandlers({ dataDir, flush: () => core.lanes.flush(), stop: () => core.close(), exit: (code) => process.exit(code) })
}

main().catch((err) => {
  console.error(`switchyard: ${err instanceof Error ? err.message : err} (--help lists the options)`)
  process.exit(1)
})
