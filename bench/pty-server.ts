// The server side of the pty → WebSocket row: the real core, router and WebSocket server in this
// process, with one terminal profile running the command given as argv[2], serving the built renderer
// from argv[3] if given. Prints one JSON line {url, page, workspaceId, profileId} once listening; stops
// its lanes and exits on SIGTERM. Run by bench/pty.ts.
import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { createCore } from '../src/main/core/core'
import { fileStore } from '../src/main/core/store'
import { createHandlers, createStreamSources } from '../src/main/rpc/handlers'
import { Router } from '../src/main/rpc/router'
import { startWsServer } from '../src/main/rpc/ws-server'

const here = path.dirname(fileURLToPath(import.meta.url))
const temp = (prefix: string) => realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)))

const dataDir = temp('switchyard-pty-data-')
const folder = temp('switchyard-pty-ws-')
const core = createCore({ dataDir, store: fileStore(dataDir), reaperIntervalMs: 0 })
const workspace = core.workspaces.add(folder)
const profile = core.profiles.create({ kind: 'terminal', name: 'flood', command: '/bin/sh', args: ['-c', process.argv[2]], env: {}, idleTimeoutMs: 0 })
const router = new Router(createHandlers(core, { mode: 'server', version: 'bench', dataDir }), createStreamSources(core))
const token = 'pty-bench-token'
const server = await startWsServer({ router, host: '127.0.0.1', port: 0, token, staticDir: process.argv[3] ?? here })
process.on('SIGTERM', async () => {
  await server.close()
  await core.close()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(folder, { recursive: true, force: true })
  process.exit(0)
})
process.stdout.write(JSON.stringify({ url: `ws://127.0.0.1:${server.port}/ws?token=${token}`, page: server.url, workspaceId: workspace.id, profileId: profile.id }) + '\n')
