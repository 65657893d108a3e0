import { mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { artifactLocation, describeError } from '../../scripts/electron-binary.mjs'
import { browserCommand, builderLine, buildIsFresh, noDisplayReason, serverUrlFrom } from '../../scripts/launch.mjs'
import { tempDir } from '../support/core'

const url = 'http://127.0.0.1:4000/?token=abc_-1'

describe('opening the browser', () => {
  it('uses the platform opener where there is a display', () => {
    expect(browserCommand(url, 'linux', { DISPLAY: ':0' })).toEqual({ cmd: 'xdg-open', args: [url] })
    expect(browserCommand(url, 'linux', { WAYLAND_DISPLAY: 'wayland-0' })).toEqual({ cmd: 'xdg-open', args: [url] })
    expect(browserCommand(url, 'darwin', {})).toEqual({ cmd: 'open', args: [url] })
    expect(browserCommand(url, 'win32', {})).toMatchObject({ cmd: 'cmd', args: ['/d', '/s', '/c', `start "" "${url}"`] })
  })

  it('knows where no window can open: Linux or BSD without X11 or Wayland', () => {
    expect(noDisplayReason('linux', {})).toContain('no display')
    expect(noDisplayReason('freebsd', {})).toContain('no display')
    expect(noDisplayReason('linux', { DISPLAY: ':99' })).toBeUndefined()
    expect(noDisplayReason('linux', { WAYLAND_DISPLAY: 'wayland-0' })).toBeUndefined()
    expect(noDisplayReason('darwin', {})).toBeUndefined()
    expect(noDisplayReason('win32', {})).toBeUndefined()
  })

  it('opens nothing under CI or without a display, and says which', () => {
    expect(browserCommand(url, 'darwin', { CI: 'true' })).toEqual({ skip: 'CI is set' })
    expect(browserCommand(url, 'linux', { CI: '1', DISPLAY: ':0' })).toEqual({ skip: 'CI is set' })
    expect(browserCommand(url, 'linux', {})).toMatchObject({ skip: expect.stringContaining('no display') })
  })
})

it('reads the URL from the server line only', () => {
  expect(serverUrlFrom(`Switchyard server listening on ${url}\n`)).toBe(url)
  expect(serverUrlFrom('Data in /tmp/x')).toBeUndefined()
})

describe('build freshness', () => {
  const project = () => {
    const dir = tempDir('switchyard-fresh-')
    for (const f of ['src/main/a.ts', 'package.json', 'out/main/index.js', 'out/main/server.js', 'out/preload/index.cjs', 'out/renderer/index.html']) {
      mkdirSync(path.dirname(path.join(dir, f)), { recursive: true })
      writeFileSync(path.join(dir, f), '')
    }
    const old = new Date(Date.now() - 60_000)
    for (const f of ['src/main/a.ts', 'src/main', 'src', 'package.json']) utimesSync(path.join(dir, f), old, old)
    return dir
  }

  it('is fresh when every output is newer than every input', () => {
    expect(buildIsFresh(project())).toBe(true)
  })

  it('is stale after a source changes, a source is added, or an output is missing', () => {
    const edited = project()
    writeFileSync(path.join(edited, 'src/main/a.ts'), 'changed')
    expect(buildIsFresh(edited)).toBe(false)

    const added = project()
    writeFileSync(path.join(added, 'src/main/b.ts'), '')
    expect(buildIsFresh(added)).toBe(false)

    const missing = project()
    rmSync(path.join(missing, 'out/preload/index.cjs'))
    expect(buildIsFresh(missing)).toBe(false)
  })
})

describe("Electron's download location", () => {
  it("is @electron/get's: the mirror variables and its sha256-named cache folder", () => {
    const env = { electron_config_cache: '/cache' }
    const official = artifactLocation('45.4.1', { platform: 'linux', arch: 'x64' }, env)
    expect(official.url).toBe('https://github.com/electron/electron/releases/download/v45.4.1/electron-v45.4.1-linux-x64.zip')
    // sha256 of https://github.com/electron/electron/releases/download/v45.4.1, as @electron/get's Cache names it.
    expect(official.cachePath).toBe('/cache/63946acb59adc73ff164033f7dbb473beec0a930781be3b30181d4eb34ef3c3c/electron-v45.4.1-linux-x64.zip')
    const mirrored = artifactLocation('45.4.1', { platform: 'darwin', arch: 'arm64' }, { ...env, ELECTRON_MIRROR: 'https://npmmirror.com/mirrors/electron/' })
    expect(mirrored.url).toBe('https://npmmirror.com/mirrors/electron/v45.4.1/electron-v45.4.1-darwin-arm64.zip')
    const npmrc = artifactLocation('45.4.1', { platform: 'win32', arch: 'x64' }, { npm_config_electron_mirror: 'https://m.example/', ELECTRON_CUSTOM_DIR: '{{ version }}' })
    expect(npmrc.url).toBe('https://m.example/45.4.1/electron-v45.4.1-win32-x64.zip')
  })

  it('names the root cause of a failed fetch', () => {
    const err = new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' }) })
    expect(describeError(err)).toBe('getaddrinfo ENOTFOUND github.com')
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) })
    expect(describeError(refused)).toBe('connect ECONNREFUSED 127.0.0.1:9')
  })
})

describe("electron-builder's output in npm run dist", () => {
  const filter = (lines: string[]) => {
    let failure: string | undefined
    const printed: string[] = []
    for (const line of lines) {
      const r = builderLine(line, failure)
      failure = r.failure
      if (r.print !== undefined) printed.push(r.print)
    }
    return { printed, failure }
  }

  it('keeps the error of a failed download and drops its stack trace', () => {
    const { printed, failure } = filter([
      '  • packaging       platform=linux arch=x64 electron=45.4.1 appOutDir=dist/linux-unpacked',
      '  ⨯ getaddrinfo ENOTFOUND github.com  failedTask=build stackTrace=RequestError: getaddrinfo ENOTFOUND github.com',
      '    at ClientRequest.<anonymous> (/x/node_modules/got/dist/source/core/index.js:970:111)',
      '    at GetAddrInfoReqWrap.onlookupall [as oncomplete] (node:dns:123:26)',
    ])
    expect(failure).toBe('getaddrinfo ENOTFOUND github.com')
    expect(printed).toEqual(['  • packaging       platform=linux arch=x64 electron=45.4.1 appOutDir=dist/linux-unpacked', '  ⨯ getaddrinfo ENOTFOUND github.com'])
  })

  it('leaves every other failure, stack included, as it was', () => {
    const lines = ['  ⨯ Cannot find module x  failedTask=build stackTrace=Error: Cannot find module x', '    at Module._resolveFilename (node:internal)']
    expect(filter(lines)).toEqual({ printed: lines, failure: undefined })
  })
})

describe('the Node check', () => {
  it("agrees with package.json's engines and refuses in one line naming both versions", async () => {
    const { supported, refusal } = (await import('../../scripts/check-node.cjs')).default as {
      supported: (v: string) => boolean
      refusal: (v: string) => string
    }
    const { readFileSync } = await import('node:fs')
    expect(JSON.parse(readFileSync('package.json', 'utf8')).engines.node).toBe('>=22.12')
    for (const v of ['22.12.0', 'v22.13.1', '23.0.0', '24.21.0', '100.0.0']) expect(supported(v), v).toBe(true)
    for (const v of ['22.11.9', 'v20.20.2', '18.0.0', '8.17.0']) expect(supported(v), v).toBe(false)
    expect(refusal('v20.20.2')).toMatch(/^Switchyard needs Node >= 22\.12, but this is Node 20\.20\.2: [^\n]+$/)
  })
})
