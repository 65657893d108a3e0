import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'
import { APP_ID, LINUX_EXECUTABLE, PRODUCT_NAME } from '../../src/main/core/desktop/identity'
import { countFindings, parseCsv } from '../../scripts/electronegativity.mjs'

/**
 * electron-builder.yml, loaded and validated the way `electron-builder` itself does (its own loader and
 * JSON schema), then checked for what a working installer needs. Building installers does not run here.
 */
const root = path.resolve('.')
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
// app-builder-lib is electron-builder's engine; reach it through electron-builder's own dependencies.
const fromBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'))
const { getConfig, validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config')
const { DebugLogger } = fromBuilder('builder-util')

type Targets = string | Array<string | { target: string }>
interface Config {
  appId: string
  productName: string
  /** As electron-builder normalizes it: sets of globs, each optionally copied from/to elsewhere. */
  files: Array<string | { from?: string; to?: string; filter?: string[] }>
  asarUnpack: string[]
  asar: boolean
  mac: { target: Targets; icon: string }
  win: { target: Targets; icon: string }
  linux: { target: Targets; icon: string; executableName: string; maintainer?: string }
  directories: { output: string; buildResources: string }
}
let config: Config

const targetNames = (t: Targets) => (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : x.target))
/** Whether electron-builder's `files` globs (later `!` patterns exclude) take this app-relative path. */
const filePatterns = () => config.files.flatMap((f) => (typeof f === 'string' ? [f] : f.from || f.to ? [] : (f.filter ?? [])))
const packaged = (file: string) => {
  let taken = false
  for (const pattern of filePatterns()) {
    if (pattern.startsWith('!')) {
      if (path.matchesGlob(file, pattern.slice(1))) taken = false
    } else if (path.matchesGlob(file, pattern)) taken = true
  }
  return taken
}
/** Width and height from a PNG's IHDR. */
const pngSize = (file: string) => {
  const b = readFileSync(file)
  expect(b.subarray(1, 4).toString()).toBe('PNG')
  return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) }
}

beforeAll(async () => {
  config = await getConfig(root, null, null)
  await validateConfiguration(config, new DebugLogger(false))
})

describe('electron-builder configuration', () => {
  it('passes electron-builder’s own schema and names the app as the code does', () => {
    expect(config.appId).toBe(APP_ID)
    expect(config.productName).toBe(PRODUCT_NAME)
    expect(pkg.productName).toBe(PRODUCT_NAME)
    expect(config.linux.executableName).toBe(LINUX_EXECUTABLE)
    expect(config.linux.maintainer).toMatch(/<.+@.+>/) // deb refuses to build without one
  })

  it('ships the switchyard CLI: out/main/cli.js is packaged and everything it imports is a production dependency', () => {
    expect(readFileSync(path.join(root, 'electron.vite.config.ts'), 'utf8')).toMatch(/cli: 'src\/main\/cli\/index\.ts'/)
    expect(packaged('out/main/cli.js')).toBe(true)
    const cliDir = path.join(root, 'src/main/cli')
    const bare = new Set<string>()
    for (const file of readdirSync(cliDir)) {
      for (const m of readFileSync(path.join(cliDir, file), 'utf8').matchAll(/from '([^.'][^']*)'/g)) {
        if (!m[1].startsWith('node:')) bare.add(m[1].startsWith('@') ? m[1].split('/').slice(0, 2).join('/') : m[1].split('/')[0])
      }
    }
    expect([...bare].sort()).toEqual(expect.arrayContaining(['@modelcontextprotocol/sdk', 'zod']))
    for (const dep of bare) expect(pkg.dependencies[dep], `${dep} must be a dependency, not a devDependency`).toBeDefined()
  })

  it('builds dmg and zip on macOS, NSIS on Windows, AppImage and deb on Linux', () => {
    expect(targetNames(config.mac.target).sort()).toEqual(['dmg', 'zip'])
    expect(targetNames(config.win.target)).toEqual(['nsis'])
    expect(targetNames(config.linux.target).sort()).toEqual(['AppImage', 'deb'])
  })

  it('uses icons from resources/ that exist and are large enough for every platform', () => {
    for (const platform of ['mac', 'win', 'linux'] as const) {
      const icon = path.join(root, config[platform].icon)
      expect(config[platform].icon.startsWith('resources/'), platform).toBe(true)
      expect(existsSync(icon), icon).toBe(true)
      const { width, height } = pngSize(icon)
      // macOS wants 512×512 at least, Windows 256×256.
      expect(width).toBeGreaterThanOrEqual(512)
      expect(height).toBe(width)
    }
    expect(config.directories.buildResources).toBe('resources')
  })

  it('packages the built app, the icons it loads at run time, and not the sources or tests', () => {
    expect(filePatterns()).toContain('out/**')
    for (const file of [pkg.main, 'out/main/server.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json']) expect(packaged(file), file).toBe(true)
    for (const icon of ['icon.png', 'trayTemplate.png', 'trayTemplate@2x.png', 'tray-light.png', 'tray-dark@2x.png']) {
      expect(existsSync(path.join(root, 'resources', icon)), icon).toBe(true)
      expect(packaged(`resources/${icon}`), icon).toBe(true)
    }
    for (const file of ['src/main/index.ts', 'test/unit/packaging.test.ts', 'out/main/index.js.map', 'node_modules/.bin/vitest']) expect(packaged(file), file).toBe(false)
    expect(pkg.main).toBe('out/main/index.js')
  })

  it('unpacks node-pty from the asar archive, and ships it as a production dependency', () => {
    expect(config.asar).toBe(true)
    for (const file of ['node_modules/node-pty/build/Release/pty.node', 'node_modules/node-pty/build/Release/spawn-helper', 'node_modules/node-pty/lib/index.js']) {
      expect(config.asarUnpack.some((p) => path.matchesGlob(file, p)), file).toBe(true)
    }
    expect(pkg.dependencies['node-pty']).toBeDefined()
    expect(pkg.devDependencies['node-pty']).toBeUndefined()
  })

  it('ships what "Install on host" packs as real files beside app.asar (tar cannot read the archive)', () => {
    for (const file of ['out/main/server.js', 'out/main/cli.js', 'package.json', 'package-lock.json', 'node_modules/ws/package.json', 'node_modules/zod/package.json']) {
      expect(packaged(file) || file.startsWith('node_modules/'), file).toBe(true)
      expect(config.asarUnpack.some((p) => path.matchesGlob(file, p)), file).toBe(true)
    }
  })

  it('has `npm run dist` build the app and then the installers', () => {
    expect(pkg.scripts.dist).toBe('node scripts/dist.mjs')
    const script = readFileSync('scripts/dist.mjs', 'utf8')
    expect(script.indexOf("binScript('electron-vite'), 'build'")).toBeGreaterThan(0)
    expect(script.indexOf("binScript('electron-builder')")).toBeGreaterThan(script.indexOf("binScript('electron-vite'), 'build'"))
    expect(config.directories.output).toBe('dist')
  })
})

describe('the electronegativity stage of npm test', () => {
  it('reads its CSV, quoted fields with commas, quotes and line breaks included', () => {
    const csv = [
      'issue, severity, confidence, filename, location, sample, description, url',
      'CSP_GLOBAL_CHECK,"LOW","FIRM","renderer/index.html","4:0","default-src \'self\'; x","One or more CSP directives\r\nare weak, ""really""",https://x/CSP',
      'NODE_INTEGRATION_JS_CHECK,"HIGH","FIRM","main/a.js","3:1","nodeIntegration: true","Disable",https://x/N',
      'CONTEXT_ISOLATION_JS_CHECK,"CRITICAL","TENTATIVE","main/b.js","5:2","contextIsolation: false","Enable",https://x/C',
      '',
    ].join('\n')
    const rows = parseCsv(csv)
    expect(rows).toHaveLength(4)
    expect(rows[1]![6]).toBe('One or more CSP directives\r\nare weak, "really"')
    expect(countFindings(csv)).toEqual({
      total: 3,
      bySeverity: { LOW: 1, HIGH: 1, CRITICAL: 1 },
      blocking: [
        { issue: 'NODE_INTEGRATION_JS_CHECK', severity: 'HIGH', file: 'main/a.js', location: '3:1' },
        { issue: 'CONTEXT_ISOLATION_JS_CHECK', severity: 'CRITICAL', file: 'main/b.js', location: '5:2' },
      ],
    })
    expect(countFindings('issue, severity, confidence, filename, location, sample, description, url\n')).toEqual({ total: 0, bySeverity: {}, blocking: [] })
  })
})
