import { afterEach, describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { fatalHandler } from '../../src/main/core/crash'
import { alivePids, tempDirsDeletedAfterAll, testCore, waitFor, type TestCore } from '../support/core'

const crashModule = fileURLToPath(new URL('../../src/main/core/crash.ts', import.meta.url))

/**
 * A process that installs the crash handlers, starts a real child (its "lane") and then fails in the
 * way given: Node runs crash.ts itself (it imports only Node built-ins).
 */
function crashingProcess(dataDir: string, failure: string) {
  const script = path.join(dataDir, 'crash-child.mjs')
  writeFileSync(
    script,
    `
import { spawn } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { installCrashHandlers } from ${JSON.stringify(crashModule)}
const lane = spawn('sleep', ['1000'], { stdio: 'ignore' })
process.stdout.write(lane.pid + '\\n')
installCrashHandlers({
  dataDir: ${JSON.stringify(dataDir)},
  flush: () => writeFileSync(${JSON.stringify(path.join(dataDir, 'flushed'))}, 'yes'),
  stop: () => new Promise((resolve) => { lane.once('exit', resolve); lane.kill('SIGTERM') }),
  exit: (code) => process.exit(code),
})
setTimeout(() => { ${failure} }, 50)
setInterval(() => {}, 1000) // a server keeps running
`,
  )
  const child = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d) => (stdout += d))
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  return { child, exited, lanePid: () => waitFor('the lane pid', () => Number(stdout.trim()) || undefined), stderr: () => stderr }
}

const tempDir = tempDirsDeletedAfterAll()

describe('an unexpected exception', () => {
  for (const [what, failure] of [
    ['an uncaught exception', `throw new Error('boom from a timer')`],
    ['an unhandled rejection', `Promise.reject(new Error('boom from a promise'))`],
  ] as const) {
    it(`${what}: written to crash.log, state flushed, the lane stopped, exit non-zero`, async () => {
      const dataDir = tempDir('switchyard-crash-')
      const p = crashingProcess(dataDir, failure)
      const lanePid = await p.lanePid()
      const code = await p.exited
      expect(code, p.stderr()).toBe(1)
      const log = readFileSync(path.join(dataDir, 'crash.log'), 'utf8')
      expect(log).toMatch(/boom from a (timer|promise)/)
      expect(log).toMatch(/^--- \d{4}-\d\d-\d\dT.* pid \d+ (uncaughtException|unhandledRejection)\n/)
      expect(log).toContain('crash-child.mjs') // the stack
      expect(readFileSync(path.join(dataDir, 'flushed'), 'utf8')).toBe('yes')
      expect(await alivePids([lanePid])).toEqual([])
      expect(p.stderr()).toContain(path.join(dataDir, 'crash.log'))
    })
  }
})

describe('the fatal handler over a real core', () => {
  let core: TestCore | undefined
  afterEach(async () => {
    await core?.close()
    core = undefined
  })

  it('flushes the lane records and stops every lane tree before it exits; a second fault is only logged', async () => {
    core = testCore()
    const lane = await core.lanes.create({ workspaceId: core.workspace.id, profileId: core.profile({ command: '/bin/sleep', args: ['1000'] }).id })
    const pid = core.lanes.get(lane.id).record.pid!
    expect(await alivePids([pid])).toEqual([pid])
    const exits: number[] = []
    const c = core
    const handle = fatalHandler({ dataDir: c.dataDir, flush: () => c.lanes.flush(), stop: () => c.close(true), exit: (code) => exits.push(code), log: () => {} })
    handle('uncaughtException', new Error('first'))
    handle('unhandledRejection', new Error('second, while stopping'))
    await waitFor('exit', () => exits.length > 0, 15_000)
    expect(exits).toEqual([1])
    expect(await alivePids([pid])).toEqual([])
    const log = readFileSync(path.join(c.dataDir, 'crash.log'), 'utf8')
    expect(log).toMatch(/uncaughtException\nError: first/)
    expect(log).toMatch(/during shutdown\nError: second, while stopping/)
    // The records on disk know the lane, so the next start shows it (asleep, not lost).
    expect(existsSync(path.join(c.dataDir, 'switchyard.json'))).toBe(true)
    const stored = JSON.parse(readFileSync(path.join(c.dataDir, 'switchyard.json'), 'utf8'))
    expect(stored.lanes.map((l: { id: string }) => l.id)).toContain(lane.id)
  })

  it('exits even when stopping hangs', async () => {
    const dataDir = tempDir('switchyard-crash-')
    const exits: number[] = []
    const handle = fatalHandler({ dataDir, flush: () => {}, stop: () => new Promise(() => {}), exit: (code) => exits.push(code), stopTimeoutMs: 200, log: () => {} })
    handle('uncaughtException', new Error('stuck'))
    await waitFor('exit', () => exits.length > 0, 5000)
    expect(exits).toEqual([1])
  })
})
