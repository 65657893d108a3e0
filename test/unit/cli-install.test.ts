/**
 * "Install the switchyard command": where the launcher goes and what it says (pure), then the written
 * launcher run end to end in plain Node: a fake app layout (a stand-in app binary that, like Electron,
 * only acts as Node under ELECTRON_RUN_AS_NODE=1) calling a running core through its local endpoint.
 */
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installLauncher, launcherPlan, pathContains, shQuote, type LauncherInput } from '../../src/main/core/desktop/cli-install'
import { createHandlers, createStreamSources } from '../../src/main/rpc/handlers'
import { startLocalEndpoint, type LocalEndpoint } from '../../src/main/rpc/local-endpoint'
import { Router } from '../../src/main/rpc/router'
import { tempDir, testCore, type TestCore } from '../support/core'

const base: LauncherInput = {
  platform: 'linux',
  homeDir: '/home/ada',
  pathEnv: '/home/ada/.local/bin:/usr/bin',
  appBinary: '/opt/Switchyard/switchyard',
  cliScript: '/opt/Switchyard/resources/app.asar/out/main/cli.js',
  canWrite: () => true,
}

describe('launcherPlan', () => {
  it('Linux: ~/.local/bin/switchyard, a sh script running the app binary as Node on the bundled cli.js', () => {
    const plan = launcherPlan(base)
    expect(plan).toMatchObject({ ok: true, file: '/home/ada/.local/bin/switchyard', mode: 0o755, onPath: true })
    if (!plan.ok) return
    expect(plan.content.startsWith('#!/bin/sh\n')).toBe(true)
    expect(plan.content).toContain(`ELECTRON_RUN_AS_NODE=1 exec '/opt/Switchyard/switchyard' '/opt/Switchyard/resources/app.asar/out/main/cli.js' "$@"`)
    expect(plan.message).toContain('switchyard --help')
  })

  it('says how to add the dir when it is not on PATH', () => {
    const plan = launcherPlan({ ...base, pathEnv: '/usr/bin:/bin' })
    expect(plan).toMatchObject({ ok: true, onPath: false })
    expect(plan.message).toContain('export PATH="/home/ada/.local/bin:$PATH"')
  })

  it('macOS: /usr/local/bin when writable, else ~/bin with a message saying why', () => {
    const mac = { ...base, platform: 'darwin' as const, homeDir: '/Users/ada', pathEnv: '/usr/local/bin:/usr/bin' }
    expect(launcherPlan(mac)).toMatchObject({ ok: true, file: '/usr/local/bin/switchyard', onPath: true })
    const fallback = launcherPlan({ ...mac, canWrite: (d) => d !== '/usr/local/bin' })
    expect(fallback).toMatchObject({ ok: true, file: '/Users/ada/bin/switchyard', onPath: false })
    expect(fallback.message).toMatch(/\/usr\/local\/bin is not writable.*\/Users\/ada\/bin/)
    expect(fallback.message).toContain('not on your PATH')
  })

  it('Windows: a .cmd in WindowsApps (on the user Path by default), Path compared case-insensitively', () => {
    const plan = launcherPlan({
      ...base,
      platform: 'win32',
      homeDir: 'C:\\Users\\Ada',
      localAppData: 'C:\\Users\\Ada\\AppData\\Local',
      pathEnv: 'C:\\Windows;c:\\users\\ada\\appdata\\local\\microsoft\\windowsapps\\',
      appBinary: 'C:\\Program Files\\Switchyard\\Switchyard.exe',
      cliScript: 'C:\\Program Files\\Switchyard\\resources\\app.asar\\out\\main\\cli.js',
    })
    expect(plan).toMatchObject({ ok: true, file: 'C:\\Users\\Ada\\AppData\\Local\\Microsoft\\WindowsApps\\switchyard.cmd', onPath: true })
    if (!plan.ok) return
    expect(plan.content.split('\r\n')).toEqual(expect.arrayContaining(['@echo off', 'set ELECTRON_RUN_AS_NODE=1', '"C:\\Program Files\\Switchyard\\Switchyard.exe" "C:\\Program Files\\Switchyard\\resources\\app.asar\\out\\main\\cli.js" %*']))
  })

  it('refuses an AppImage (its mount moves every run) and an unwritable dir, saying why', () => {
    expect(launcherPlan({ ...base, appImage: '/home/ada/Switchyard.AppImage' })).toMatchObject({ ok: false, message: expect.stringContaining('AppImage') })
    expect(launcherPlan({ ...base, canWrite: () => false })).toMatchObject({ ok: false, message: expect.stringContaining('/home/ada/.local/bin') })
  })

  it('quotes paths so nothing in them runs in the shell', () => {
    expect(shQuote(`/a b/it's $(x)`)).toBe(`'/a b/it'\\''s $(x)'`)
    expect(pathContains('/usr/bin:/home/a/.local/bin/', '/home/a/.local/bin', 'linux')).toBe(true)
    expect(pathContains('/usr/bin', '/home/a/.local/bin', 'linux')).toBe(false)
  })
})

describe.skipIf(process.platform === 'win32')('the installed launcher, end to end (POSIX sh)', () => {
  let core: TestCore
  let endpoint: LocalEndpoint
  beforeAll(async () => {
    core = testCore()
    const router = new Router(createHandlers(core, { mode: 'electron', version: 'test', dataDir: core.dataDir }), createStreamSources(core))
    endpoint = await startLocalEndpoint({ dataDir: core.dataDir, mode: 'electron', serve: () => ({ router: () => router }) })
  })
  afterAll(async () => {
    await endpoint?.close()
    await core?.close()
  })

  it('writes an executable launcher that reaches the running app through its data dir', async () => {
    // A fake installed app whose paths have a space, a quote and a `$` in them.
    const app = path.join(tempDir(), `Switch yard's $HOME app`)
    const binary = path.join(app, 'switchyard')
    const cliScript = path.join(app, 'resources', 'app.asar', 'out', 'main', 'cli.js')
    mkdirSync(path.dirname(cliScript), { recursive: true })
    // The stand-in binary: without ELECTRON_RUN_AS_NODE it would open a window, here it fails loudly.
    writeFileSync(binary, `#!/bin/sh\n[ "$ELECTRON_RUN_AS_NODE" = 1 ] || { echo "would start the GUI" >&2; exit 90; }\nexec ${shQuote(process.execPath)} "$@"\n`, { mode: 0o755 })
    // The "bundled" CLI: the real entry, loaded from source (jiti) instead of the build.
    const jiti = pathToFileURL(path.resolve('node_modules/jiti/lib/jiti.mjs')).href
    const entry = path.resolve('src/main/cli/index.ts')
    writeFileSync(cliScript, `import { createJiti } from ${JSON.stringify(jiti)}\nawait createJiti(import.meta.url).import(${JSON.stringify(entry)})\n`)

    const home = tempDir()
    const plan = launcherPlan({ ...base, homeDir: home, pathEnv: '/usr/bin', appBinary: binary, cliScript })
    expect(plan.ok).toBe(true)
    if (!plan.ok) return
    installLauncher(plan)
    expect(statSync(plan.file).mode & 0o777).toBe(0o755)
    expect(readFileSync(plan.file, 'utf8')).toBe(plan.content)

    const run = (...args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        const env = { PATH: `${path.dirname(plan.file)}:/usr/bin:/bin`, HOME: home, SWITCHYARD_DATA_DIR: core.dataDir }
        execFile('switchyard', args, { env, timeout: 60_000 }, (err, out, errOut) => resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out, err: errOut }))
      })
    const listed = await run('workspaces', 'list', '--json')
    expect(listed.err).toBe('')
    expect(listed.code).toBe(0)
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ id: core.workspace.id })])
    // Arguments pass through untouched, and a validation error exits non-zero like the CLI itself.
    const bad = await run('lanes', 'get', '--json')
    expect(bad.code).not.toBe(0)
    expect(bad.err).not.toBe('')
  }, 90_000)
})
