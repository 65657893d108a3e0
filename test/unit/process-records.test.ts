import { describe, expect, it } from 'vitest'
import { leftovers, parseRunRecords } from '../../src/main/core/transport/process-records'

const header = { run: '0123456789abcdef', pid: 4242, start: '9000', boot: 'boot-a' }
const text = [JSON.stringify(header), JSON.stringify({ pid: 5000, start: '9100', tree: '0123456789abcdef:1' }), JSON.stringify({ pid: 5001, start: '9200' })].join('\n')

describe('records of lane processes', () => {
  it('parse a run, tolerating a torn last line and refusing pids that are not a process of ours', () => {
    const torn = `${text}\n{"pid": 5002, "sta`
    const withBad = `${torn}\n${JSON.stringify({ pid: 1, start: '1' })}\n${JSON.stringify({ pid: -3, start: '1' })}\n${JSON.stringify({ pid: '77', start: '1' })}`
    const parsed = parseRunRecords(withBad)
    expect(parsed.header).toEqual(header)
    expect(parsed.roots).toEqual([
      { pid: 5000, start: '9100', tree: '0123456789abcdef:1' },
      { pid: 5001, start: '9200' },
    ])
    expect(parseRunRecords('garbage\n').header).toBeUndefined()
    // A run id that is not one of ours (empty, or a prefix of every marker) is no run to sweep.
    expect(parseRunRecords(JSON.stringify({ ...header, run: '' })).header).toBeUndefined()
    expect(parseRunRecords(JSON.stringify({ ...header, run: '0123:' })).header).toBeUndefined()
  })

  it('leave a run alone while its process lives (another instance on the same data dir)', () => {
    const left = leftovers(parseRunRecords(text), { boot: 'boot-a', startOf: (pid) => (pid === 4242 ? '9000' : undefined) })
    expect(left).toEqual({ alive: true, roots: [] })
  })

  it('end a dead run by its marker and its roots; a pid reused by a later process is not the run', () => {
    // 4242 lives again, but started later: another process with the same pid.
    const left = leftovers(parseRunRecords(text), { boot: 'boot-a', startOf: (pid) => (pid === 4242 ? '9999' : undefined) })
    expect(left.alive).toBe(false)
    expect(left.run).toBe(header.run)
    expect(left.roots.map((r) => r.pid)).toEqual([5000, 5001])
  })

  it('after a reboot, pids mean nothing: only the marker is swept', () => {
    const left = leftovers(parseRunRecords(text), { boot: 'boot-b', startOf: () => '9000' })
    expect(left).toEqual({ alive: false, run: header.run, roots: [] })
  })
})
