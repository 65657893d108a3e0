import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { AcpClientServices, confinePath, MAX_READ_BYTES, openConfined } from '../../src/main/core/agents/acp-client-services'
import { acpAdapter } from '../../src/main/core/agents/acp'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import type { LaneEvent } from '../../src/shared/events'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

// An ACP agent asks us to read and write files: nothing it names may reach outside the lane's folder,
// whatever links it (or anything else in the folder) planted, before or during the request.

const FAKE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../support/fake-agents/acp-agent.mjs')

let core: TestCore | undefined
const scratch: string[] = []
const dir = (prefix: string) => {
  const d = tempDir(prefix)
  scratch.push(d)
  return d
}
afterEach(async () => {
  await core?.close()
  core = undefined
  for (const d of scratch.splice(0)) rmSync(d, { recursive: true, force: true })
})

/** A lane on the fake ACP agent; `turn` sends a prompt and returns the text of its reply. */
async function acpLane() {
  core = testCore({ adapters: { ...defaultAdapters(), acp: acpAdapter({ graceMs: 500 }) } })
  const c = core
  const profile = c.profiles.create({ kind: 'acp', name: 'fake acp', command: process.execPath, args: [FAKE], env: { FAKE_ACP_HOME: dir('switchyard-acp-home-') }, approvalPolicy: 'ask' })
  const events: LaneEvent[] = []
  c.lanes.onEvent((e) => events.push(e))
  const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
  const turn = async (prompt: string) => {
    const after = events.length
    await c.lanes.send(lane.id, prompt)
    await waitFor('turn.completed', () => events.slice(after).some((e) => e.laneId === lane.id && e.type === 'turn.completed'))
    return events
      .slice(after)
      .map((e) => (e.laneId === lane.id && e.type === 'text.delta' ? e.text : ''))
      .join('')
  }
  return { ws: c.folder, outside: dir('switchyard-outside-'), turn }
}

describe('ACP fs services stay in the lane folder', () => {
  it('a write through a dangling link that points outside is refused, and creates nothing there', async () => {
    const { ws, outside, turn } = await acpLane()
    symlinkSync(path.join(outside, 'x.txt'), path.join(ws, 'link'))
    symlinkSync(path.relative(ws, path.join(outside, 'y.txt')), path.join(ws, 'rel-link'))
    // A chain: inside → inside → (dangling) outside.
    symlinkSync('rel-link', path.join(ws, 'chain'))

    for (const name of ['link', 'rel-link', 'chain']) {
      expect(await turn(`WRITE:${path.join(ws, name)} planted`)).toMatch(/^WRITE_ERR: .*outside this lane's workspace/)
    }
    expect(existsSync(path.join(outside, 'x.txt'))).toBe(false)
    expect(existsSync(path.join(outside, 'y.txt'))).toBe(false)
  })

  it('a dangling link in a parent folder that points outside is refused, and creates no folder there', async () => {
    const { ws, outside, turn } = await acpLane()
    symlinkSync(path.join(outside, 'newdir'), path.join(ws, 'gone'))
    symlinkSync(outside, path.join(ws, 'out'))
    expect(await turn(`WRITE:${path.join(ws, 'gone', 'deep', 'x.txt')} planted`)).toMatch(/^WRITE_ERR: .*outside this lane's workspace/)
    expect(await turn(`WRITE:${path.join(ws, 'out', 'x.txt')} planted`)).toMatch(/^WRITE_ERR: .*outside this lane's workspace/)
    expect(existsSync(path.join(outside, 'newdir'))).toBe(false)
    expect(existsSync(path.join(outside, 'x.txt'))).toBe(false)
  })

  it('links that stay inside still work: a dangling one creates its target in the folder', async () => {
    const { ws, turn } = await acpLane()
    mkdirSync(path.join(ws, 'src'))
    symlinkSync('src', path.join(ws, 'alias'))
    symlinkSync(path.join('src', 'later.txt'), path.join(ws, 'later'))
    expect(await turn(`WRITE:${path.join(ws, 'alias', 'a.txt')} via alias`)).toBe('WRITE_OK')
    expect(readFileSync(path.join(ws, 'src', 'a.txt'), 'utf8')).toBe('via alias')
    expect(await turn(`WRITE:${path.join(ws, 'later')} made later`)).toBe('WRITE_OK')
    expect(readFileSync(path.join(ws, 'src', 'later.txt'), 'utf8')).toBe('made later')
    expect(await turn(`READ:${path.join(ws, 'later')}`)).toBe('READ_OK: made later')
  })
})

describe('a link swapped in between the check and the open', () => {
  const setup = () => {
    const root = dir('switchyard-ws-')
    const outside = dir('switchyard-outside-')
    writeFileSync(path.join(outside, 'victim.txt'), 'precious')
    return { root, outside }
  }

  it('in place of the file: the write is refused and the target outside keeps its content', async () => {
    const { root, outside } = setup()
    writeFileSync(path.join(root, 'notes.txt'), 'mine')
    const file = await confinePath(root, path.join(root, 'notes.txt'))
    rmSync(file)
    symlinkSync(path.join(outside, 'victim.txt'), file)
    await expect(openConfined(root, file, 'write')).rejects.toThrow(/symbolic link/)
    await expect(openConfined(root, file, 'read')).rejects.toThrow(/symbolic link/)
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious')
  })

  it.runIf(process.platform === 'linux')('in place of a parent folder: refused, nothing written outside (Linux opens folder by folder)', async () => {
    const { root, outside } = setup()
    mkdirSync(path.join(root, 'sub'))
    const file = await confinePath(root, path.join(root, 'sub', 'victim.txt'))
    renameSync(path.join(root, 'sub'), path.join(root, 'sub-old'))
    symlinkSync(outside, path.join(root, 'sub'))
    await expect(openConfined(root, file, 'write')).rejects.toThrow(/symbolic link/)
    expect(readFileSync(path.join(outside, 'victim.txt'), 'utf8')).toBe('precious')
  })
})

describe('what is in the folder cannot stall or flood main', () => {
  it('a FIFO is refused at once for reading and writing (no fs thread waits on it)', async () => {
    const root = dir('switchyard-ws-')
    const services = new AcpClientServices({ cwd: root, env: {} })
    const fifo = path.join(root, 'pipe')
    execFileSync('mkfifo', [fifo])
    // Four reads and four writes: more than libuv's default pool of four threads, had they blocked.
    const reads = await Promise.allSettled(Array.from({ length: 4 }, () => services.readTextFile({ sessionId: 's', path: fifo })))
    const writes = await Promise.allSettled(Array.from({ length: 4 }, () => services.writeTextFile({ sessionId: 's', path: fifo, content: 'x' })))
    const reasons = (all: PromiseSettledResult<unknown>[]) => all.map((r) => (r.status === 'rejected' ? String((r.reason as Error).message) : 'answered'))
    for (const reason of reasons(reads)) expect(reason).toMatch(/not a regular file/)
    // With no reader, opening a FIFO for writing without blocking fails at once (ENXIO).
    for (const reason of reasons(writes)) expect(reason).toMatch(/not a regular file|ENXIO/)
    // And the pool is free: an ordinary read still answers.
    writeFileSync(path.join(root, 'ok.txt'), 'fine')
    expect(await services.readTextFile({ sessionId: 's', path: path.join(root, 'ok.txt') })).toEqual({ content: 'fine' })
  }, 10_000)

  it('a file larger than an agent may read at once is refused with its size, not loaded', async () => {
    const root = dir('switchyard-ws-')
    const services = new AcpClientServices({ cwd: root, env: {} })
    const big = path.join(root, 'big.log')
    writeFileSync(big, '')
    truncateSync(big, MAX_READ_BYTES + 1) // sparse: no disk used
    await expect(services.readTextFile({ sessionId: 's', path: big })).rejects.toThrow(/big.log is 65 MiB, more than the 64 MiB/)
  })
})
