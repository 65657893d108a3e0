import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer, type Server } from 'node:net'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { ensureElectron } from '../../scripts/electron-binary.mjs'
import { tempDir, waitFor } from '../support/core'

/** A 127.0.0.1 port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as { port: number }).port
  await new Promise((r) => s.close(r))
  return port
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}

/**
 * Electron's download made to fail even where the binary is installed: an empty override dist
 * (electron's own variable) so it counts as missing, an empty cache, and a mirror nothing listens on.
 */
async function electronUnobtainable(): Promise<NodeJS.ProcessEnv> {
  return {
    ELECTRON_OVERRIDE_DIST_PATH: tempDir('switchyard-no-electron-'),
    electron_config_cache: tempDir('switchyard-electron-cache-'),
    ELECTRON_MIRROR: `http://127.0.0.1:${await closedPort()}/`,
  }
}

/** Sets variables of this process's environment (where @electron/get reads them) until the test ends. */
let savedEnv: NodeJS.ProcessEnv | undefined
function withEnv(vars: NodeJS.ProcessEnv): void {
  savedEnv ??= { ...process.env }
  Object.assign(process.env, vars)
}

let started: ChildProcess | undefined
let hanging: Server | undefined
afterEach(() => {
  if (savedEnv) {
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key]
    Object.assign(process.env, savedEnv)
    savedEnv = undefined
  }
  if (started?.pid && groupAlive(started.pid)) process.kill(-started.pid, 'SIGKILL')
  started = undefined
  hanging?.close()
  hanging = undefined
})

const windows = process.platform === 'win32'

describe('npm start without an obtainable Electron', () => {
  // Ctrl+C as a terminal sends it: SIGINT to the whole foreground process group, which Windows has not.
  it.skipIf(windows)(`says why, serves Switchyard in server mode on the printed URL, and Ctrl+C leaves no process${windows ? ' (skipped: POSIX process groups)' : ''}`, async () => {
    const dataDir = tempDir('switchyard-start-data-')
    // Its own process group, like a terminal's foreground job: Ctrl+C signals the whole group.
    const child = spawn('npm', ['start', '--', '--data-dir', dataDir], {
      cwd: path.resolve('.'),
      env: { ...process.env, ...(await electronUnobtainable()), CI: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    })
    started = child
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    let exitCode: number | null | undefined
    const exited = new Promise((r) => child.on('exit', (code) => r((exitCode = code))))

    // Generous: npm start builds first when out/ is older than the sources.
    const url = await waitFor(
      'the server URL on stdout',
      () => {
        if (exitCode !== undefined) throw new Error(`npm start exited (${exitCode}) before printing a URL:\n${stderr}`)
        // The last thing said, after the URL.
        return stderr.includes('Ctrl+C') && stderr.includes('not opened here') && /Switchyard server listening on (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)/.exec(stdout)?.[1]
      },
      150_000,
    )

    expect(stderr).toMatch(/Electron \d+\.\d+\.\d+ could not be obtained: .*ECONNREFUSED/)
    expect(stderr).toContain('ELECTRON_MIRROR')
    expect(stderr).toContain('server mode instead')
    expect(stderr).toContain('not opened here: CI is set')

    const page = await fetch(url)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<div id="root">')
    // The token in the printed URL opens the WebSocket the page uses; a shell lane runs in its own group.
    const { origin, searchParams } = new URL(url)
    const ws = new WebSocket(`${origin.replace('http', 'ws')}/ws?token=${searchParams.get('token')}`, { headers: { Origin: origin } })
    const replies: any[] = []
    ws.on('message', (d) => replies.push(JSON.parse(d.toString())))
    await new Promise((resolve, reject) => (ws.on('open', resolve), ws.on('error', reject)))
    const call = async (id: number, method: string, input: unknown) => {
      ws.send(JSON.stringify({ id, method, input }))
      const reply = await waitFor(`reply ${id}`, () => replies.find((m) => m.id === id), 15_000)
      expect(reply.ok, JSON.stringify(reply)).toBe(true)
      return reply.value
    }
    const workspace = await call(1, 'workspaces.add', { path: tempDir('switchyard-start-ws-') })
    const lane = await call(2, 'lanes.create', { workspaceId: workspace.id, profileId: 'shell' })
    expect(groupAlive(lane.pid)).toBe(true)

    process.kill(-child.pid!, 'SIGINT')
    await exited
    await waitFor('every process of npm start to exit', () => !groupAlive(child.pid!), 15_000)
    await waitFor("the lane's process group to exit", () => !groupAlive(lane.pid), 15_000)
    await expect(fetch(url)).rejects.toThrow()
  }, 200_000)
})

describe('npm start with an Electron at hand', () => {
  it.skipIf(windows)(`launches it on the built app, not server mode${windows ? ' (skipped: the stand-in Electron is a shell script)' : ''}`, () => {
    // A stand-in, through electron-vite's own ELECTRON_EXEC_PATH: the real one may not be downloadable here.
    const fake = path.join(tempDir('switchyard-fake-electron-'), 'electron')
    writeFileSync(fake, '#!/bin/sh\necho "stand-in Electron ran with: $*"\n', { mode: 0o755 })
    const r = spawnSync('npm', ['start'], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, ELECTRON_EXEC_PATH: fake, DISPLAY: ':99', CI: '1' } })
    expect(r.status, r.stderr).toBe(0)
    expect(r.stdout).toContain('stand-in Electron ran with: .')
    expect(r.stderr).not.toContain('server mode')
  }, 150_000)
})

describe('server mode for newcomers', () => {
  // After the test above, which builds out/ when it is stale.
  it('prints its options and how to stop it with --help, and names --help on a wrong option', () => {
    const help = spawnSync(process.execPath, ['out/main/server.js', '--help'], { encoding: 'utf8', timeout: 20_000 })
    expect(help.status).toBe(0)
    for (const option of ['--host', '--port', '--data-dir', '--help', 'Ctrl+C']) expect(help.stdout).toContain(option)
    const wrong = spawnSync(process.execPath, ['out/main/server.js', '--prot', '80'], { encoding: 'utf8', timeout: 20_000 })
    expect(wrong.status).toBe(1)
    expect(wrong.stderr).toContain("Unknown option '--prot' (--help lists the options)")
  })
})

describe('npm run dist without a network', () => {
  it('stops before building, with a sentence and no stack trace', () => {
    return electronUnobtainable().then((env) => {
      const r = spawnSync('npm', ['run', 'dist'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env }, shell: windows })
      expect(r.status).not.toBe(0)
      expect(r.stderr).toMatch(/npm run dist: cannot package without Electron\. Electron \S+ could not be obtained: .*ECONNREFUSED/)
      expect(r.stdout + r.stderr).not.toMatch(/^\s+at /m)
      expect(r.stdout).not.toContain('electron-builder')
    })
  }, 90_000)
})

describe('obtaining Electron', () => {
  it('gives up on a mirror that accepts and never answers, within its stall bound', async () => {
    hanging = createServer(() => {}) // holds every connection open, says nothing
    await new Promise<void>((r) => hanging!.listen(0, '127.0.0.1', r))
    withEnv({ ...(await electronUnobtainable()), ELECTRON_MIRROR: `http://127.0.0.1:${(hanging.address() as { port: number }).port}/` })
    const t0 = Date.now()
    const result = await ensureElectron({ out: { write: () => true }, stallMs: 1500 })
    expect(result).toMatchObject({ ok: false, reason: 'nothing received for 1.5 s' })
    expect(Date.now() - t0).toBeLessThan(10_000)
  })

  it('does not try a download when ELECTRON_SKIP_BINARY_DOWNLOAD is set', async () => {
    withEnv({ ...(await electronUnobtainable()), ELECTRON_SKIP_BINARY_DOWNLOAD: '1' })
    expect(await ensureElectron({ out: { write: () => true } })).toMatchObject({ ok: false, reason: 'ELECTRON_SKIP_BINARY_DOWNLOAD is set (unset it to download)' })
  })
})
