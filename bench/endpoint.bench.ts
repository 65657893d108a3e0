// What the CLI's way in costs: a call over the data dir's Unix socket (connect + call, and a call on an
// open connection) and the CLI's whole in-process path. `npx vitest bench --run bench/endpoint.bench.ts`.
import { afterAll, bench, describe } from 'vitest'
import { runCli } from '../src/main/cli/main'
import { createHandlers, createStreamSources } from '../src/main/rpc/handlers'
import { connectLocalEndpoint, startLocalEndpoint } from '../src/main/rpc/local-endpoint'
import { Router } from '../src/main/rpc/router'
import { testCore } from '../test/support/core'

const core = testCore()
const router = new Router(createHandlers(core, { mode: 'server', version: 'bench', dataDir: core.dataDir }), createStreamSources(core))
const endpoint = await startLocalEndpoint({ dataDir: core.dataDir, mode: 'server', serve: () => ({ router: () => router }) })
const open = await connectLocalEndpoint(core.dataDir)
afterAll(async () => {
  open.close()
  await endpoint.close()
  await core.close()
})
const quiet = { stdout: () => {}, stderr: () => {}, env: { SWITCHYARD_DATA_DIR: core.dataDir }, interrupted: new Promise<void>(() => {}) }

describe('local endpoint', () => {
  bench('lanes.list on an open connection', async () => {
    await open.call('lanes.list')
  })
  bench('connect, app.info, close', async () => {
    const c = await connectLocalEndpoint(core.dataDir)
    await c.call('app.info')
    c.close()
  })
  bench('runCli lanes list --json (parse, validate, connect, call, print)', async () => {
    await runCli(['lanes', 'list', '--json'], quiet)
  })
})
