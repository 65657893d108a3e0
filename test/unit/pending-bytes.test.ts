import { describe, expect, it } from 'vitest'
import { PendingBytes } from '../../src/main/core/transport/pending-bytes'

/** Feeds `bytes` in pieces of `size` and returns what take() decodes. */
function roundTrip(bytes: Buffer, size: number): string {
  const pending = new PendingBytes()
  for (let at = 0; at < bytes.length; at += size) pending.append(Buffer.from(bytes.subarray(at, at + size)))
  expect(pending.length).toBe(bytes.length)
  const line = pending.take()
  expect(pending.length).toBe(0)
  return line
}

describe('PendingBytes', () => {
  // Multi-byte characters cut across pieces, a line that moves into its own store and grows past it.
  const text = 'ä€𝄞 plain text, '.repeat(400_000)
  const bytes = Buffer.from(text)

  it('gives back a long line fed in odd-sized pieces, byte for byte, as it grows', () => {
    expect(bytes.length).toBeGreaterThan(8 << 20)
    expect(roundTrip(bytes, 65_537)).toBe(text)
  })

  it('gives back a line of many tiny pieces', () => {
    const small = Buffer.from('é'.repeat(5000))
    expect(roundTrip(small, 3)).toBe('é'.repeat(5000))
  })

  it('appends the last piece, and starts clean after take() and clear()', () => {
    const pending = new PendingBytes()
    pending.append(bytes.subarray(0, 3 << 20))
    expect(pending.take(bytes.subarray(3 << 20, 4 << 20))).toBe(bytes.subarray(0, 4 << 20).toString())
    pending.append(Buffer.from('{"a":'))
    expect(pending.take(Buffer.from('1}'))).toBe('{"a":1}')
    pending.append(bytes.subarray(0, 2 << 20))
    pending.clear()
    expect(pending.length).toBe(0)
    expect(pending.take(Buffer.from('x'))).toBe('x')
  })
})
