import { describe, expect, test } from 'vitest'
import { closeConcerns } from '../../src/renderer/lanes/close-lane'

describe('closing a lane asks first when it would lose something', () => {
  test('a live shell asks; an exited one does not', () => {
    expect(closeConcerns({ kind: 'terminal', status: 'ready' }, '')).toEqual(['Its shell is still running; closing ends it and whatever runs in it.'])
    expect(closeConcerns({ kind: 'terminal', status: 'exited' }, '')).toEqual([])
    expect(closeConcerns({ kind: 'terminal', status: 'sleeping' }, '')).toEqual([])
  })
  test('an agent mid-turn or waiting for an answer asks; an idle one does not', () => {
    expect(closeConcerns({ kind: 'codex', status: 'busy' }, '')).toHaveLength(1)
    expect(closeConcerns({ kind: 'claude', status: 'waiting' }, '')).toEqual(['The agent is waiting for your answer.'])
    expect(closeConcerns({ kind: 'pi', status: 'ready' }, '')).toEqual([])
  })
  test('unsent composer text asks, whitespace does not', () => {
    expect(closeConcerns({ kind: 'pi', status: 'ready' }, 'half a prompt')).toHaveLength(1)
    expect(closeConcerns({ kind: 'pi', status: 'ready' }, '  \n')).toEqual([])
  })
})
