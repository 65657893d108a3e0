import { describe, expect, it } from 'vitest'
import { fileStore } from '../../src/main/core/store'
import { alivePids, outputOf, testCore, waitForOutput } from '../support/core'

describe('restart recovery', () => {
  it('workspaces, profiles and lanes survive a quit; lanes come back asleep with their transcripts and wake', async () => {
    const first = testCore()
    const profile = first.profile({ env: { KEEP: 'me' } })
    const lane = await first.lanes.create({ workspaceId: first.workspace.id, profileId: profile.id, title: 'my lane' })
    await first.lanes.send(lane.id, 'echo from-first-run\r')
    await waitForOutput(first, lane.id, /^from-first-run/m)
    await first.lanes.stopAll()

    const second = testCore({ dataDir: first.dataDir })
    try {
      expect(second.workspaces.list().map((w) => w.path)).toContain(first.folder)
      expect(second.profiles.get(profile.id)).toMatchObject({ name: 'test shell', env: { KEEP: 'me' } })
      const [restored] = second.lanes.list()
      expect(restored).toMatchObject({ id: lane.id, title: 'my lane', status: 'sleeping' })
      expect(restored.pid).toBeUndefined()
      expect(await outputOf(second, lane.id)).toContain('from-first-run')
      await second.lanes.send(lane.id, 'echo from-second-run\r')
      const text = await waitForOutput(second, lane.id, /^from-second-run/m)
      expect(text.indexOf('from-first-run')).toBeLessThan(text.indexOf('from-second-run'))
      // seq keeps counting where the first run stopped
      const page = await second.lanes.transcript(lane.id, 0, 10_000)
      const seqs = page.events.map((e) => e.seq)
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b))
      expect(new Set(seqs).size).toBe(seqs.length)
    } finally {
      await second.close()
      await first.close()
    }
  })

  it('after a crash (no clean stop), running lanes come back asleep', async () => {
    const first = testCore()
    const lane = await first.lanes.create({ workspaceId: first.workspace.id, profileId: first.profile().id })
    first.lanes.flush() // what the store holds after the app dies with the lane running
    expect((fileStore(first.dataDir).get('lanes') as any[])[0].status).toBe('ready')
    const second = testCore({ dataDir: first.dataDir })
    try {
      expect(second.lanes.get(lane.id).record.status).toBe('sleeping')
    } finally {
      await second.close(true)
      await first.close()
      expect(await alivePids([lane.pid!])).toEqual([])
    }
  })
})
