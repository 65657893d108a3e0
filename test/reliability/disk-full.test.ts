// Disk trouble is a state, not a crash: a failed write of a transcript or of the lane records puts the
// lanes into a visible error, stops feeding them, keeps every shown event, and Resume (lanes.start)
// continues once there is room. Failures are injected through the `diskWrites` seam and a store that
// refuses writes; where the suite runs as root, a real 2 MB tmpfs fills up for real.
import { execFileSync } from 'node:child_process'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { defaultAdapters } from '../../src/main/core/agents/registry'
import { checkDataDir, describeWriteFailure, diskWrites } from '../../src/main/core/disk'
import { Transcript } from '../../src/main/core/lanes/transcript'
import { fileStore, type KeyValueStore } from '../../src/main/core/store'
import type { LaneEvent } from '../../src/shared/events'
import { fakeJsonlAdapter } from '../support/fake-jsonl-adapter'
import { tempDir, testCore, waitFor, type TestCore } from '../support/core'

const realWrite = diskWrites.writeSync
const enospc = () => Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' })

let core: TestCore | undefined
afterEach(async () => {
  diskWrites.writeSync = realWrite
  await core?.close()
  core = undefined
})

/** A store that refuses every write while `full` is set, like a full disk under the JSON file. */
function fillableStore(dir: string): KeyValueStore & { full: boolean } {
  const inner = fileStore(dir)
  return {
    full: false,
    path: inner.path,
    get: (key) => inner.get(key),
    set(key, value) {
      if (this.full) throw enospc()
      inner.set(key, value)
    },
  }
}

async function agentLane(c: TestCore) {
  const profile = c.profiles.create({ kind: 'terminal', name: 'fake agent' })
  const lane = await c.lanes.create({ workspaceId: c.workspace.id, profileId: profile.id })
  await waitFor('ready', () => c.lanes.get(lane.id).record.status === 'ready')
  return lane.id
}

async function allEvents(c: TestCore, laneId: string): Promise<LaneEvent[]> {
  const events: LaneEvent[] = []
  let after = 0
  for (;;) {
    const page = await Promise.race([
      c.lanes.transcript(laneId, after, 100),
      new Promise<never>((_, j) => setTimeout(() => j(new Error('lanes.transcript did not answer')), 5000)),
    ])
    events.push(...(page.events as LaneEvent[]))
    after = page.next
    if (page.done) return events
  }
}

function onDisk(file: string): LaneEvent[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l)) // a torn line would throw here
}

const texts = (events: LaneEvent[]) => events.flatMap((e) => (e.type === 'input' ? [`in:${e.text}`] : e.type === 'text.delta' ? [e.text] : []))

describe('disk full while a lane works', () => {
  it('a transcript write that fails stops the lane with "disk full writing <path>", keeps every event, and Resume writes them', async () => {
    core = testCore({ adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
    const id = await agentLane(core)
    const file = core.lanes.transcriptFile(id)
    await core.lanes.send(id, 'before')
    await waitFor('first answer', async () => texts(await allEvents(core!, id)).includes('echo: before'))

    diskWrites.writeSync = () => {
      throw enospc()
    }
    await core.lanes.send(id, 'during')
    const record = await waitFor('failed', () => (core!.lanes.get(id).record.status === 'failed' ? core!.lanes.get(id).record : undefined))
    expect(record.exit?.message).toBe(`disk full writing ${file}`)
    expect(record.diskError).toMatchObject({ message: `disk full writing ${file}`, path: file })
    expect(record.diskError!.unsaved).toBeGreaterThan(0)

    // Everything shown is still there for a reader, in order; none of it is on disk yet.
    const shown = await allEvents(core, id)
    expect(texts(shown)).toContain('in:during')
    expect(shown.map((e) => e.seq)).toEqual(shown.map((_, i) => i + 1))
    expect(texts(onDisk(file))).not.toContain('in:during')

    // No input while it cannot be written; Resume refuses while the disk is still full.
    await expect(core.lanes.send(id, 'more')).rejects.toMatchObject({ code: 'disk_error' })
    await expect(core.lanes.start(id)).rejects.toMatchObject({ code: 'disk_error', message: `disk full writing ${file}` })
    expect(core.lanes.get(id).record.status).toBe('failed')

    diskWrites.writeSync = realWrite
    await core.lanes.start(id)
    await waitFor('ready again', () => core!.lanes.get(id).record.status === 'ready')
    expect(core.lanes.get(id).record.diskError).toBeUndefined()
    const saved = onDisk(file)
    expect(saved.map((e) => e.seq)).toEqual(saved.map((_, i) => i + 1))
    expect(texts(saved)).toContain('in:during')
    expect(saved.some((e) => e.type === 'status' && e.status === 'failed')).toBe(true)

    await core.lanes.send(id, 'after')
    await waitFor('answer after resume', async () => texts(onDisk(file)).includes('echo: after'))
  })

  it('a write cut short by a full disk leaves no torn line behind', async () => {
    const dir = tempDir()
    try {
      const t = new Transcript(path.join(dir, 't.jsonl'))
      const ev = (seq: number, text: string) => ({ laneId: 'lane_x', seq, at: seq, type: 'text.delta', text }) as LaneEvent
      t.append(ev(1, 'one'))
      t.flush()
      let calls = 0
      diskWrites.writeSync = (fd, buf, off, len) => {
        if (calls++ === 0) return realWrite(fd, buf, off, Math.floor(len / 2)) // half a line fits
        throw enospc()
      }
      t.append(ev(2, 'two'.repeat(100)))
      expect(t.flush()?.message).toMatch(/^disk full writing /) // group commit: the batch is written at the end of the turn
      expect(t.append(ev(3, 'three'))).toBeDefined()
      expect(t.unsaved).toBe(1) // 3 waits in the batch, behind 2, until flushed
      diskWrites.writeSync = realWrite
      expect(t.retry()).toBeUndefined()
      t.append(ev(4, 'four'))
      t.close()
      expect(onDisk(t.file).map((e) => e.seq)).toEqual([1, 2, 3, 4])
      expect((await new Transcript(t.file).read()).events.map((e) => e.seq)).toEqual([1, 2, 3, 4])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a failed write of the lane records (from the save timer) does not crash: lanes show it, stop, and resume', async () => {
    const dataDir = tempDir('switchyard-data-')
    const store = fillableStore(dataDir)
    core = testCore({ dataDir, store, adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
    const id = await agentLane(core)
    const idle = await agentLane(core)
    await core.lanes.stop(idle)
    store.full = true
    await core.lanes.send(id, 'hello') // its status changes schedule a save, which fails on a timer
    const record = await waitFor('failed', () => (core!.lanes.get(id).record.status === 'failed' ? core!.lanes.get(id).record : undefined), 5000)
    expect(record.diskError?.message).toBe(`disk full writing ${store.path}`)
    expect(record.exit?.message).toBe(`disk full writing ${store.path}`)
    await expect(core.lanes.send(id, 'more')).rejects.toMatchObject({ code: 'disk_error' })
    await expect(core.lanes.start(id)).rejects.toMatchObject({ code: 'disk_error' })

    expect(core.lanes.get(idle).record.diskError?.message).toBe(`disk full writing ${store.path}`)
    await expect(core.lanes.send(idle, 'hi')).rejects.toMatchObject({ code: 'disk_error' })

    store.full = false
    await core.lanes.start(id)
    expect(core.lanes.get(id).record).toMatchObject({ status: 'ready', diskError: undefined })
    // Once the records are written, the other lanes take input again without a Resume of their own.
    expect(core.lanes.get(idle).record.diskError).toBeUndefined()
    await core.lanes.send(idle, 'hi')
    await waitFor('idle lane answers', async () => texts(await allEvents(core!, idle)).includes('echo: hi'))
    core.lanes.flush()
    expect((store.get('lanes') as { id: string; status: string }[]).find((l) => l.id === id)?.status).toBe('ready')
  })

  it('quitting while the disk is full does not throw', async () => {
    const dataDir = tempDir('switchyard-data-')
    const store = fillableStore(dataDir)
    core = testCore({ dataDir, store, adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
    await agentLane(core)
    store.full = true
    diskWrites.writeSync = () => {
      throw enospc()
    }
    await expect(core.lanes.stopAll()).resolves.toBeUndefined()
  })
})

/** Runs `fn` on a fresh tmpfs of `size` mounted at a new folder (root only); returns false, printing why, when it cannot. */
async function onTmpfs(options: string, fn: (dir: string) => Promise<void>): Promise<boolean> {
  if (process.getuid?.() !== 0) {
    console.log('skipped: mounting a tmpfs needs root; the injected-failure tests above cover the same paths')
    return false
  }
  const dir = tempDir('switchyard-tmpfs-')
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' })
  } catch (err) {
    console.log(`skipped: mount -t tmpfs failed here (${String((err as { stderr?: Buffer }).stderr ?? err).trim()})`)
    rmSync(dir, { recursive: true, force: true })
    return false
  }
  try {
    await fn(dir)
  } finally {
    execFileSync('umount', ['-l', dir])
    rmSync(dir, { recursive: true, force: true })
  }
  return true
}

describe('what the user reads', () => {
  it('names the trouble and the file', () => {
    const err = (code: string) => Object.assign(new Error(code), { code })
    expect(describeWriteFailure(err('ENOSPC'), '/d/t.jsonl')).toBe('disk full writing /d/t.jsonl')
    expect(describeWriteFailure(err('EROFS'), '/d/t.jsonl')).toBe('read-only file system writing /d/t.jsonl')
    expect(describeWriteFailure(err('EIO'), '/d/t.jsonl')).toBe('I/O error writing /d/t.jsonl')
    expect(describeWriteFailure(err('EDQUOT'), '/d/t.jsonl')).toBe('disk quota exceeded writing /d/t.jsonl')
  })
})

describe('a real small disk', () => {
  it('a 2 MB tmpfs that fills up: the lane fails visibly, and resumes once space is freed', async () => {
    await onTmpfs('size=2m,mode=0700', async (dataDir) => {
      core = testCore({ dataDir, adapters: { ...defaultAdapters(), terminal: fakeJsonlAdapter() } })
      const id = await agentLane(core)
      const file = core.lanes.transcriptFile(id)
      // Fill what is left, then ask the agent for more.
      const filler = path.join(dataDir, 'filler')
      try {
        execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=64k'], { stdio: 'pipe' })
      } catch {} // dd ends with ENOSPC: that is the point
      await core.lanes.send(id, 'x'.repeat(64 * 1024)).catch(() => undefined)
      const record = await waitFor('failed', () => (core!.lanes.get(id).record.status === 'failed' ? core!.lanes.get(id).record : undefined), 10_000)
      expect(record.diskError?.message).toMatch(/^disk full writing /)
      expect(record.exit?.message).toMatch(/^disk full writing /)
      expect(texts(await allEvents(core, id))).toContain(`in:${'x'.repeat(64 * 1024)}`)

      rmSync(filler)
      await core.lanes.start(id)
      await waitFor('ready', () => core!.lanes.get(id).record.status === 'ready')
      expect(texts(onDisk(file))).toContain(`in:${'x'.repeat(64 * 1024)}`)
      await core.close(true) // the mount point is unmounted and removed below
      core = undefined
    })
  })
})

describe('startup data dir checks', () => {
  it('a read-only data dir is reported as read-only, a missing one under a read-only parent as that', async () => {
    await onTmpfs('size=1m,ro', async (ro) => {
      expect(() => checkDataDir(ro)).toThrow(`The data dir ${ro} is on a read-only file system`)
      const missing = path.join(ro, 'switchyard')
      expect(() => checkDataDir(missing)).toThrow(`The data dir ${missing} is missing and cannot be created: read-only file system (in ${ro})`)
    })
  })

  it('a missing data dir is created, a file in its place is named as such', () => {
    const base = tempDir()
    try {
      checkDataDir(path.join(base, 'a', 'b'))
      writeFileSync(path.join(base, 'file'), '')
      expect(() => checkDataDir(path.join(base, 'file'))).toThrow(`The data dir ${path.join(base, 'file')} is not a folder`)
      expect(() => checkDataDir(path.join(base, 'file', 'y'))).toThrow(`cannot be created: ${path.join(base, 'file')} is a file, not a folder`)
    } finally {
      rmSync(base, { recursive: true, force: true })
    }
  })
})
