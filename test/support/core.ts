import { mkdtempSync, realpathSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, expect } from 'vitest'
import { createCore, type CoreOptions } from '../../src/main/core/core'
import { fileStore } from '../../src/main/core/store'
import type { LaneEvent } from '../../src/shared/events'
import type { Lane, Profile } from '../../src/shared/contract'
import { listProcesses } from '../../src/main/core/transport/process-tree'
import { eventLog } from './lane-events'

export function tempDir(prefix = 'switchyard-test-'): string {
  return realpathSync(mkdtempSync(path.join(os.tmpdir(), prefix)))
}

/** `tempDir` for one test file: call it at the file's top level; what it makes is deleted after the file's tests. */
export function tempDirsDeletedAfterAll(): (prefix?: string) => string {
  const made: string[] = []
  afterAll(() => {
    for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
  })
  return (prefix) => {
    const dir = tempDir(prefix)
    made.push(dir)
    return dir
  }
}

/** A core on a fresh data dir, with a fresh workspace folder; `close()` stops every lane and deletes both. */
export function testCore(opts: Partial<CoreOptions> = {}) {
  const dataDir = opts.dataDir ?? tempDir('switchyard-data-')
  const folder = tempDir('switchyard-ws-')
  const core = createCore({ reaperIntervalMs: 0, ...opts, dataDir, store: opts.store ?? fileStore(dataDir) })
  const workspace = core.workspaces.add(folder)
  return {
    ...core,
    dataDir,
    folder,
    workspace,
    /** A terminal profile running `command args` (default: bash without rc files). */
    profile(fields: { command?: string; args?: string[]; env?: Record<string, string>; idleTimeoutMs?: number } = {}) {
      return core.profiles.create({
        kind: 'terminal',
        name: 'test shell',
        command: fields.command ?? '/bin/bash',
        args: fields.args ?? (fields.command ? [] : ['--noprofile', '--norc', '-i']),
        env: fields.env ?? {},
        idleTimeoutMs: fields.idleTimeoutMs ?? 0,
      })
    },
    async close(keepData = false) {
      await core.lanes.stopAll()
      rmSync(folder, { recursive: true, force: true })
      if (!keepData) rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
export type TestCore = ReturnType<typeof testCore>

export async function waitFor<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

/** All terminal output of a lane so far, from its transcript. */
export async function outputOf(core: TestCore, laneId: string): Promise<string> {
  let after = 0
  let text = ''
  for (;;) {
    const page = await core.lanes.transcript(laneId, after, 1000)
    for (const e of page.events as LaneEvent[]) if (e.type === 'terminal.output') text += e.data
    after = page.next
    if (page.done) return text
  }
}

export function waitForOutput(core: TestCore, laneId: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  return waitFor(`output ${pattern} in ${laneId}`, async () => {
    const text = await outputOf(core, laneId)
    return pattern.test(text) ? text : undefined
  }, timeoutMs)
}

export function laneStatus(core: TestCore, laneId: string): Lane['status'] {
  return core.lanes.get(laneId).record.status
}

export async function alivePids(pids: number[]): Promise<number[]> {
  const living = new Set((await listProcesses()).filter((p) => !p.zombie).map((p) => p.pid))
  return pids.filter((p) => living.has(p))
}

/** Drives lanes of `profile` on `core`: its event log, plus a lane that must start ready and a turn that waits for its end. */
export function laneDriver(core: TestCore, profile: Profile) {
  const log = eventLog(core.lanes)
  const lane = async () => {
    const l = await core.lanes.create({ workspaceId: core.workspace.id, profileId: profile.id })
    expect(l.status).toBe('ready')
    return l
  }
  /** Sends and waits for the turn after the lane's newest event to end. */
  const turn = async (laneId: string, input: string) => {
    const after = log.mark(laneId)
    await core.lanes.send(laneId, input)
    const done = await waitFor('turn completed', () => log.find(laneId, 'turn.completed', after)[0])
    return { after, done }
  }
  return { c: core, profile, ...log, lane, turn }
}
