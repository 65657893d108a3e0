import { describe, expect, it } from 'vitest'
import type { Lane } from '../../src/shared/contract'
import { navRows } from '../../src/renderer/navigator/navigator-model'

const lane = (id: string, parentLaneId?: string, workspaceId = 'w1') => ({ id, workspaceId, title: id, ...(parentLaneId ? { parentLaneId } : {}) }) as unknown as Lane
const shape = (rows: ReturnType<typeof navRows>) => rows.map((r) => `${'  '.repeat(r.depth)}${r.lane.id}${r.parent ? `<${r.parent.id}` : ''}`)

describe('navRows: lanes created by an agent show under their parent', () => {
  it('puts children (in column order) right under their parent, grandchildren deeper', () => {
    const lanes = [lane('c1', 'p'), lane('x'), lane('p'), lane('g', 'c2'), lane('c2', 'p')]
    expect(shape(navRows(lanes))).toEqual(['x', 'p', '  c1<p', '  c2<p', '    g<c2'])
  })

  it('a child whose parent is in another workspace stays top level and still names it', () => {
    const parent = lane('p', undefined, 'w2')
    const child = lane('c', 'p')
    expect(shape(navRows([child], [parent, child]))).toEqual(['c<p'])
  })

  it('a closed parent or a parent cycle hides no lane', () => {
    expect(shape(navRows([lane('c', 'gone')]))).toEqual(['c'])
    const rows = navRows([lane('a', 'b'), lane('b', 'a'), lane('s', 's')])
    expect(rows.map((r) => r.lane.id).sort()).toEqual(['a', 'b', 's'])
  })
})
