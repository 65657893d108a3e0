import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { tempDir } from '../support/core'

// The distribution's Node (Debian's 20 here) is a real old Node: the check runs under it.
const oldNode = '/usr/bin/node'
const oldVersion = existsSync(oldNode) ? spawnSync(oldNode, ['--version'], { encoding: 'utf8' }).stdout.trim() : ''
const [major, minor] = oldVersion.replace(/^v/, '').split('.').map(Number)
const skipReason = !oldVersion
  ? `skipped: no ${oldNode} to run as an old Node`
  : major > 22 || (major === 22 && minor >= 12)
    ? `skipped: ${oldNode} is ${oldVersion}, not older than 22.12`
    : ''
const title = (what: string) => (skipReason ? `${what} (${skipReason})` : what)

describe(`Node older than 22.12 (${oldVersion || 'none'})`, () => {
  it.skipIf(skipReason)(title('is refused by the check script in one line naming the required version'), () => {
    const r = spawnSync(oldNode, ['scripts/check-node.cjs'], { encoding: 'utf8' })
    expect(r.status).toBe(1)
    expect(r.stdout).toBe('')
    const lines = r.stderr.trim().split('\n')
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('Node >= 22.12')
    expect(lines[0]).toContain(oldVersion.replace(/^v/, ''))
  })

  it.skipIf(skipReason)(title('is refused by npm install before anything is installed (engine-strict)'), () => {
    const project = tempDir('switchyard-old-node-')
    mkdirSync(path.join(project, 'scripts'))
    for (const f of ['package.json', 'package-lock.json', '.npmrc', 'scripts/check-node.cjs']) copyFileSync(f, path.join(project, f))
    // npm is a Node script: with the old Node first on PATH, it runs under it, as on such a machine.
    const r = spawnSync('npm', ['install', '--no-audit', '--no-fund'], {
      cwd: project,
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, PATH: `${path.dirname(oldNode)}${path.delimiter}${process.env.PATH}`, npm_config_cache: tempDir('switchyard-npm-cache-') },
    })
    expect(r.status).not.toBe(0)
    expect(r.stderr).toContain('EBADENGINE')
    expect(r.stderr).toContain('"node":">=22.12"')
    expect(existsSync(path.join(project, 'node_modules'))).toBe(false)
  }, 90_000)
})
