/** The desktop shell's pure renderer parts: attachments, profile env text and secrets rows, theme, settings input. */
import { describe, expect, it as test } from 'vitest'
import type { Attachment, Profile } from '../../src/shared/contract'
import { addAttachments, chunkText, decodeText, fileToAttachment, MAX_ATTACHMENTS, planUploads, quotePath, withUploads } from '../../src/renderer/ui/attachments'
import { encodedBytes, MAX_INPUT_BYTES } from '../../src/shared/contract'
import { formatEnv, parseEnv, secretRows } from '../../src/renderer/profiles/env-text'
import { resolveTheme } from '../../src/renderer/settings/theme'
import { parseProcessLimit } from '../../src/renderer/settings/SettingsPanel'
import { backgroundProfiles } from '../../src/renderer/background/BackgroundForm'

describe('attachments', () => {
  test('by path where the host can tell it, else by content', async () => {
    const file = new File(['hello\n'], 'notes.txt', { type: 'text/plain' })
    expect(await fileToAttachment(file, () => '/home/me/notes.txt')).toEqual({ ok: true, attachment: { name: 'notes.txt', path: '/home/me/notes.txt' } })
    expect(await fileToAttachment(file, () => '')).toEqual({ ok: true, attachment: { name: 'notes.txt', content: 'hello\n' } })
    expect(await fileToAttachment(file)).toEqual({ ok: true, attachment: { name: 'notes.txt', content: 'hello\n' } })
  })
  test('binaries and files over 1 MiB are refused with a reason, not cut', async () => {
    const png = new File([new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 13])], 'logo.png')
    const r1 = await fileToAttachment(png)
    expect(r1).toEqual({ ok: false, message: expect.stringMatching(/logo\.png looks binary/) })
    const big = new File(['x'.repeat((1 << 20) + 1)], 'big.log')
    const r2 = await fileToAttachment(big)
    expect(r2).toEqual({ ok: false, message: expect.stringMatching(/big\.log is 1\.0 MiB; attachments are limited to 1 MiB/) })
    // Exactly 1 MiB is fine.
    expect((await fileToAttachment(new File(['y'.repeat(1 << 20)], 'max.txt'))).ok).toBe(true)
  })
  test('text means valid UTF-8 without NUL bytes', () => {
    expect(decodeText(new TextEncoder().encode('grüße ✓'))).toBe('grüße ✓')
    expect(decodeText(new Uint8Array([0x66, 0xff, 0x66]))).toBeNull()
    expect(decodeText(new Uint8Array([0x61, 0x00, 0x62]))).toBeNull()
  })
  test('adding skips duplicates and keeps to the limits', () => {
    const a: Attachment = { name: 'a.txt', content: 'A' }
    const p: Attachment = { name: 'b.txt', path: '/x/b.txt' }
    let r = addAttachments([a], [a, p, { name: 'b.txt', path: '/x/b.txt' }])
    expect(r.list).toEqual([a, p])
    expect(r.refused).toEqual([])
    // Same name, other content: another file.
    r = addAttachments([a], [{ name: 'a.txt', content: 'other' }])
    expect(r.list).toHaveLength(2)
    const many = Array.from({ length: MAX_ATTACHMENTS }, (_, i) => ({ name: `${i}`, path: `/p/${i}` }))
    r = addAttachments(many, [{ name: 'one more', path: '/p/more' }])
    expect(r.list).toHaveLength(MAX_ATTACHMENTS)
    expect(r.refused).toEqual([expect.stringMatching(/^one more: at most 64 files/)])
    // More than one message can carry: taken, and uploaded in pieces when sent.
    const mib = 'z'.repeat(1 << 20)
    r = addAttachments([{ name: '1', content: mib }, { name: '2', content: mib }, { name: '3', content: mib }], [{ name: '4', content: mib }, { name: '5', content: mib }])
    expect(r.refused).toEqual([])
    expect(r.list).toHaveLength(5)
  })
  test('sending: contents that do not fit in one message are uploaded first, largest first, in pieces', async () => {
    const small: Attachment = { name: 's.txt', content: 'small' }
    const byPath: Attachment = { name: 'p.txt', path: '/x/p.txt' }
    expect(planUploads('hi', [small, byPath])).toEqual([])
    const mib = (c: string) => c.repeat(1 << 20)
    const five = [small, ...['a', 'b', 'c', 'd'].map((c) => ({ name: `${c}.txt`, content: mib(c) })), byPath]
    // 4 MiB of content and a prompt: two must go ahead so the rest fits under the limit.
    const plan = planUploads('x'.repeat(100_000), five)
    expect(plan.length).toBeGreaterThan(0)
    expect(plan).not.toContain(0)
    expect(plan).not.toContain(5)
    const pieces: { uploadId?: string; name: string; chunk: string }[] = []
    const sent = await withUploads('x'.repeat(100_000), five, async (p) => (pieces.push(p), { uploadId: p.uploadId ?? `up_${p.name}` }))
    for (const i of plan) expect(sent[i]).toEqual({ name: five[i]!.name, uploadId: `up_${five[i]!.name}` })
    expect(sent[0]).toBe(small)
    expect(encodedBytes({ laneId: 'lane_x', input: 'x'.repeat(100_000), attachments: sent })).toBeLessThanOrEqual(MAX_INPUT_BYTES)
    // Every piece fits in a message, even at 6 bytes a character.
    for (const p of pieces) expect(p.chunk.length * 6).toBeLessThan(MAX_INPUT_BYTES)
    expect(pieces.filter((p) => p.name === five[plan[0]!]!.name).map((p) => p.chunk).join('')).toBe(five[plan[0]!]!.content)
  })
  test('pieces never split a surrogate pair', () => {
    const text = 'a😀b😀'
    expect(chunkText(text, 2)).toEqual(['a', '😀', 'b', '😀'])
    expect(chunkText('', 5)).toEqual([''])
    expect(chunkText('abcdef', 4)).toEqual(['abcd', 'ef'])
  })
  test('paths typed into a terminal are quoted for its shell', () => {
    expect(quotePath('/home/me/notes.txt', false)).toBe('/home/me/notes.txt')
    expect(quotePath('/home/me/my notes.txt', false)).toBe("'/home/me/my notes.txt'")
    expect(quotePath("/tmp/it's", false)).toBe(`'/tmp/it'\\''s'`)
    expect(quotePath('/tmp/$HOME;rm', false)).toBe("'/tmp/$HOME;rm'")
    expect(quotePath('C:\\Users\\me\\my notes.txt', true)).toBe('"C:\\Users\\me\\my notes.txt"')
    expect(quotePath('C:\\x.txt', true)).toBe('C:\\x.txt')
  })
})

describe('profile env and secrets', () => {
  test('env round-trips through its text form', () => {
    const env = { A: '1', PATH_EXTRA: 'x=y', EMPTY: '' }
    expect(parseEnv(formatEnv(env))).toEqual({ ok: true, env })
  })
  test('blank lines and comments are skipped; bad lines are reported by number', () => {
    expect(parseEnv('\n# note\nA=1\n')).toEqual({ ok: true, env: { A: '1' } })
    expect(parseEnv('A=1\nnot a pair')).toEqual({ ok: false, message: 'Line 2: expected NAME=value' })
    expect(parseEnv('1X=2')).toEqual({ ok: false, message: expect.stringMatching(/^Line 1: “1X” is not a variable name/) })
    expect(parseEnv('A=1\nA=2')).toEqual({ ok: false, message: 'Line 2: A is set twice' })
  })
  test('secret rows: the agent\'s known names as "not set", stored ones as set, nothing twice', () => {
    expect(secretRows([{ name: 'OPENAI_API_KEY', set: true }, { name: 'EXTRA', set: true }], ['OPENAI_API_KEY', 'CODEX_API_KEY'])).toEqual([
      { name: 'OPENAI_API_KEY', set: true, known: true },
      { name: 'CODEX_API_KEY', set: false, known: true },
      { name: 'EXTRA', set: true, known: false },
    ])
  })
})

describe('settings', () => {
  test('system follows the OS; a fixed theme does not', () => {
    expect(resolveTheme('system', true)).toBe('light')
    expect(resolveTheme('system', false)).toBe('dark')
    expect(resolveTheme('dark', true)).toBe('dark')
    expect(resolveTheme('light', false)).toBe('light')
  })
  test('process limit: a whole number from 1 to 512 (a soft limit: idle lanes are put to sleep to make room)', () => {
    expect(parseProcessLimit(' 8 ')).toEqual({ ok: true, value: 8 })
    expect(parseProcessLimit('0')).toEqual({ ok: false, message: 'From 1 to 512' })
    expect(parseProcessLimit('100')).toEqual({ ok: true, value: 100 })
    expect(parseProcessLimit('513')).toEqual({ ok: false, message: 'From 1 to 512' })
    expect(parseProcessLimit('2.5').ok).toBe(false)
    expect(parseProcessLimit('').ok).toBe(false)
  })
  test('background agents run agent profiles, not shells', () => {
    const p = (id: string, kind: Profile['kind']) => ({ id, kind }) as Profile
    expect(backgroundProfiles([p('shell', 'terminal'), p('codex', 'codex'), p('gem', 'acp')]).map((x) => x.id)).toEqual(['codex', 'gem'])
  })
})
