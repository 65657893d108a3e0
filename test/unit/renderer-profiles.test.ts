/** Profiles in the renderer: grouping by kind, what detection says about each, display paths. */
import { describe, expect, it as test } from 'vitest'
import type { AgentInfo, Profile } from '../../src/shared/contract'
import { agentFor, groupProfiles, missingHint } from '../../src/renderer/profiles/agents'
import { displayPath } from '../../src/renderer/agent/items'
import { composerPlaceholder, canInterrupt } from '../../src/renderer/agent/Composer'

const profile = (p: Partial<Profile> & Pick<Profile, 'id' | 'name' | 'kind'>): Profile => ({
  command: '',
  args: [],
  env: {},
  idleTimeoutMs: 0,
  approvalPolicy: 'ask',
  configDir: '/d',
  builtIn: false,
  ...p,
})
const codexInfo: AgentInfo = { kind: 'codex', profileId: 'codex', name: 'Codex', command: 'codex', installed: false, install: 'npm install -g @openai/codex', secrets: ['OPENAI_API_KEY'] }
const geminiInfo: AgentInfo = { kind: 'acp', profileId: 'gemini', name: 'Gemini CLI', command: 'gemini', installed: true, version: '0.9.0', install: 'npm install -g @google/gemini-cli', secrets: ['GEMINI_API_KEY'] }

describe('profiles', () => {
  const profiles = [
    profile({ id: 'mine', name: 'Alpha agent', kind: 'acp', command: '/bin/agent' }),
    profile({ id: 'gemini', name: 'Gemini CLI', kind: 'acp', preset: 'gemini', builtIn: true, command: 'gemini' }),
    profile({ id: 'shell', name: 'Shell', kind: 'terminal', builtIn: true }),
    profile({ id: 'codex', name: 'Codex', kind: 'codex', preset: 'codex', builtIn: true }),
    profile({ id: 'codex2', name: 'Codex work', kind: 'codex', preset: 'codex' }),
  ]

  test('grouped by kind in a fixed order, built-in first', () => {
    expect(groupProfiles(profiles).map((g) => [g.label, g.profiles.map((p) => p.id)])).toEqual([
      ['Terminal', ['shell']],
      ['Codex', ['codex', 'codex2']],
      ['ACP agents', ['gemini', 'mine']],
    ])
  })

  test('detection speaks for the preset of a profile, not for a custom command', () => {
    const agents = [codexInfo, geminiInfo]
    expect(agentFor(profiles[3], agents)).toBe(codexInfo)
    expect(agentFor(profiles[4], agents)).toBe(codexInfo) // a second Codex account: same CLI
    expect(agentFor(profiles[1], agents)).toBe(geminiInfo)
    expect(agentFor(profiles[0], agents)).toBeUndefined()
    expect(agentFor(profile({ id: 'x', name: 'x', kind: 'codex', preset: 'codex', command: '/opt/codex-dev' }), agents)).toBeUndefined()
    expect(agentFor(profiles[3], null)).toBeUndefined()
    expect(missingHint(profiles[3], agents)).toBe('Not installed: npm install -g @openai/codex')
    expect(missingHint(profiles[1], agents)).toBeNull()
    expect(missingHint(profiles[2], agents)).toBeNull()
  })
})

describe('structured lane bits', () => {
  test('paths inside the workspace are shown relative to it', () => {
    expect(displayPath('/w/proj/src/a.ts', '/w/proj')).toBe('src/a.ts')
    expect(displayPath('/w/proj/src/a.ts', '/w/proj/')).toBe('src/a.ts')
    expect(displayPath('/w/project2/a.ts', '/w/proj')).toBe('/w/project2/a.ts')
    expect(displayPath('src/a.ts', undefined)).toBe('src/a.ts')
  })

  test('the composer says what sending does; Esc interrupts only a running turn', () => {
    expect(composerPlaceholder('sleeping')).toBe('sleeping — sending wakes it')
    expect(composerPlaceholder('failed')).toMatch(/restarts/)
    expect(canInterrupt('busy')).toBe(true)
    expect(canInterrupt('waiting')).toBe(true)
    expect(canInterrupt('ready')).toBe(false)
    expect(canInterrupt('sleeping')).toBe(false)
  })
})
