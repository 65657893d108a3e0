import { bench, describe } from 'vitest'
import { encodedBytes, MAX_INPUT_BYTES } from '../src/shared/contract'

/**
 * What the router's size check costs per call (it re-encodes the input to measure it):
 * `npx vitest bench --run bench/limits.bench.ts`.
 */
const small = { laneId: 'lane_abc', input: 'hello' }
const large = { laneId: 'lane_abc', input: 'go', attachments: [{ name: 'a.txt', content: 'é'.repeat(Math.floor(MAX_INPUT_BYTES / 2.2)) }] }

describe('input size check', () => {
  bench('a small call', () => {
    encodedBytes(small)
  })
  bench('a call at the limit (~4 MiB of UTF-8)', () => {
    encodedBytes(large)
  }, { time: 2000 })
})
