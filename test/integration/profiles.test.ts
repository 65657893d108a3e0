/** Profiles as a user keeps them: a second account of the same agent, a model per profile. */
import { existsSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { copyName } from '../../src/main/core/profiles/profiles'
import { ModelName } from '../../src/shared/contract'
import { testCore, type TestCore } from '../support/core'

const cores: TestCore[] = []
afterEach(async () => {
  for (const c of cores.splice(0)) await c.close()
})

describe('profiles', () => {
  it('Duplicate makes a second account: same recipe, own empty config dir, no secrets, a free name', () => {
    const c = testCore()
    cores.push(c)
    const codex = c.profiles.list().find((p) => p.kind === 'codex' && p.builtIn)!
    c.profiles.update(codex.id, { env: { CODEX_EXTRA: '1' }, model: 'gpt-5.1-codex', approvalPolicy: 'auto_reads' })
    c.secrets.set(codex.id, 'OPENAI_API_KEY', 'sk-first-account')
    writeFileSync(path.join(codex.configDir, 'auth.json'), '{"account":"first"}')

    const second = c.profiles.duplicate(codex.id)
    expect(second).toMatchObject({ kind: 'codex', name: `${codex.name} 2`, builtIn: false, preset: codex.preset, model: 'gpt-5.1-codex', approvalPolicy: 'auto_reads', env: { CODEX_EXTRA: '1' } })
    expect(second.id).not.toBe(codex.id)
    expect(second.configDir).not.toBe(codex.configDir)
    expect(existsSync(second.configDir)).toBe(true)
    expect(existsSync(path.join(second.configDir, 'auth.json'))).toBe(false) // logs in on its own
    expect(c.secrets.names(second.id)).toEqual([])
    expect(c.secrets.names(codex.id)).toEqual(['OPENAI_API_KEY'])
    expect(c.profiles.duplicate(codex.id).name).toBe(`${codex.name} 3`)
    // Removing the copy leaves the original's files alone.
    c.profiles.remove(second.id)
    expect(existsSync(second.configDir)).toBe(false)
    expect(existsSync(path.join(codex.configDir, 'auth.json'))).toBe(true)
  })

  it('copy names count up and stay within the name limit', () => {
    expect(copyName('Codex', ['Codex'])).toBe('Codex 2')
    expect(copyName('Codex 2', ['Codex', 'Codex 2'])).toBe('Codex 3')
    expect(copyName('x'.repeat(100), []).length).toBeLessThanOrEqual(100)
  })

  it('a model id cannot smuggle a flag or a second argument into argv', () => {
    expect(ModelName.safeParse('--dangerously-skip-permissions').success).toBe(false)
    expect(ModelName.safeParse('opus --resume x').success).toBe(false)
    expect(ModelName.safeParse('anthropic/claude-sonnet-4').success).toBe(true)
    expect(ModelName.safeParse('').success).toBe(true)
  })
})
