/** The command palette's pure parts: fuzzy ranking, the action list built from app state, its shortcuts. */
import { describe, expect, it as test } from 'vitest'
import type { Lane, Profile, Workspace } from '../../src/shared/contract'
import { fuzzyMatch, rankItems } from '../../src/renderer/palette/fuzzy'
import { buildActions, type PaletteState } from '../../src/renderer/palette/actions'
import { shortcutFor, shortcutLabel, type KeyLike } from '../../src/renderer/app/shortcuts'

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...mods })

describe('fuzzyMatch', () => {
  test('letters in order, case-insensitive; otherwise no match', () => {
    expect(fuzzyMatch('nl', 'New lane…')?.positions).toEqual([0, 4])
    expect(fuzzyMatch('NEWL', 'New lane…')).not.toBeNull()
    expect(fuzzyMatch('ln', 'New lane…')).not.toBeNull() // l…n inside "lane"
    expect(fuzzyMatch('zz', 'New lane…')).toBeNull()
    expect(fuzzyMatch('enw', 'New lane…')).toBeNull()
  })
  test('a substring at a word start beats scattered letters', () => {
    const sub = fuzzyMatch('set', 'Open settings')!
    const scattered = fuzzyMatch('set', 'Select workspace: test')!
    expect(sub.score).toBeGreaterThan(scattered.score)
    expect(sub.positions).toEqual([5, 6, 7])
  })
  test('word starts are preferred even when the letter occurs earlier', () => {
    // "l" of "Close" comes first, but "lane" starts a word.
    expect(fuzzyMatch('la', 'Close lane')!.positions).toEqual([6, 7])
  })
  test('finds a match even where jumping to a word start would miss it', () => {
    expect(fuzzyMatch('oc', 'fo.c o')).not.toBeNull()
  })
})

describe('rankItems', () => {
  const items = [
    { title: 'Open settings', keywords: 'preferences process limit' },
    { title: 'New lane…', keywords: 'create terminal shell' },
    { title: 'Focus lane 1: build', keywords: 'go switch' },
    { title: 'Focus lane 2: tests', keywords: 'go switch' },
    { title: 'Toggle theme (switch to light)', keywords: 'dark mode' },
  ]
  test('an empty query keeps everything in order', () => {
    expect(rankItems(items, '  ').map((r) => r.item.title)).toEqual(items.map((i) => i.title))
  })
  test('filters out what does not match, best first', () => {
    const titles = rankItems(items, 'lane').map((r) => r.item.title)
    expect(titles).toEqual(['New lane…', 'Focus lane 1: build', 'Focus lane 2: tests'])
  })
  test('every word must match; a word may match the keywords instead', () => {
    expect(rankItems(items, 'focus tests').map((r) => r.item.title)).toEqual(['Focus lane 2: tests'])
    expect(rankItems(items, 'preferences').map((r) => r.item.title)).toEqual(['Open settings'])
    expect(rankItems(items, 'dark').map((r) => r.item.title)).toEqual(['Toggle theme (switch to light)'])
    // Keywords find things but do not outrank a title hit.
    expect(rankItems(items, 'sw')[0].item.title).toBe('Toggle theme (switch to light)')
  })
  test('equal scores keep the list order', () => {
    expect(rankItems(items, 'focus').map((r) => r.item.title)).toEqual(['Focus lane 1: build', 'Focus lane 2: tests'])
  })
  test('highlights are positions in the title', () => {
    const [top] = rankItems(items, 'build')
    expect(top.item.title.slice(top.positions[0], top.positions[0] + 5)).toBe('build')
  })
})

const ws = (id: string, name: string): Workspace => ({ id, name, path: `/src/${name}`, addedAt: 1 })
const profile = (id: string, name: string, kind: Profile['kind']): Profile => ({
  id,
  name,
  kind,
  command: '',
  args: [],
  env: {},
  idleTimeoutMs: 0,
  approvalPolicy: 'ask',
  configDir: '/d',
  builtIn: true,
})
const lane = (id: string, title: string, status: Lane['status'], kind: Lane['kind'] = 'codex', extra: Partial<Lane> = {}): Lane => ({
  id,
  workspaceId: 'w1',
  profileId: kind === 'terminal' ? 'shell' : 'codex',
  kind,
  title,
  status,
  createdAt: 1,
  lastActivityAt: 1,
  cols: 80,
  rows: 24,
  ...extra,
})

describe('buildActions', () => {
  const base: PaletteState = {
    lanes: [],
    workspaces: [ws('w1', 'app'), ws('w2', 'lib')],
    profiles: [profile('shell', 'Shell', 'terminal'), profile('codex', 'Codex', 'codex')],
    focusedLaneId: null,
    selectedWorkspaceId: 'w1',
    resolvedTheme: 'dark',
    themeSetting: 'system',
    mac: false,
  }
  const titles = (s: PaletteState) => buildActions(s).map((a) => a.title)

  test('without lanes: new lane / background, workspaces, app actions; shortcuts shown', () => {
    const actions = buildActions(base)
    expect(actions.map((a) => a.title)).toEqual([
      'New lane…',
      'New background agent…',
      'Add workspace…',
      'Show only workspace: app',
      'Show only workspace: lib',
      'Usage: tokens and cost',
      'Open settings',
      'Hide the sidebar',
      'Open profiles',
      'Toggle theme (switch to light)',
    ])
    expect(actions.find((a) => a.id === 'new-lane')?.shortcut).toBe('Ctrl+Shift+T')
    expect(actions.find((a) => a.id === 'settings')?.shortcut).toBe('Ctrl+,')
    expect(buildActions({ ...base, mac: true }).find((a) => a.id === 'new-lane')?.shortcut).toBe('⌘T')
  })
  test('no workspace yet: no lane actions, adding one is offered', () => {
    const t = titles({ ...base, workspaces: [], selectedWorkspaceId: null })
    expect(t).not.toContain('New lane…')
    expect(t).toContain('Add workspace…')
  })
  test('each lane can be focused, numbered as its column, with ⌘N for the first nine; archived lanes are not', () => {
    const lanes = [lane('a', 'build', 'ready'), lane('b', '', 'sleeping', 'terminal'), lane('c', 'old', 'sleeping', 'codex', { archived: true })]
    const actions = buildActions({ ...base, lanes, mac: true })
    const focus = actions.filter((a) => a.command.type === 'focusLane')
    expect(focus.map((a) => [a.title, a.shortcut])).toEqual([
      ['Focus lane 1: build', '⌘1'],
      ['Focus lane 2: Shell', '⌘2'],
    ])
    expect(focus[0].hint).toBe('app · Codex · ready')
  })
  test('the focused lane offers what fits its state', () => {
    const busy = buildActions({ ...base, lanes: [lane('a', 'build', 'busy')], focusedLaneId: 'a' })
    expect(busy.filter((a) => a.group === 'Focused lane').map((a) => [a.title, a.command.type])).toEqual([
      ['Interrupt build', 'interruptLane'],
      ['Stop build', 'stopLane'],
      ['Maximise build', 'toggleMaximize'],
      ['Pin build', 'togglePin'],
      ['Close build', 'closeLane'],
    ])
    expect(buildActions({ ...base, lanes: [lane('a', 'build', 'busy')], focusedLaneId: 'a', maximizedLaneId: 'a' }).find((a) => a.id === 'maximize')?.title).toBe('Restore the columns')
    expect(busy.find((a) => a.id === 'close')?.shortcut).toBe('Ctrl+Shift+W')
    const failed = buildActions({ ...base, lanes: [lane('a', 'build', 'failed')], focusedLaneId: 'a' })
    expect(failed.filter((a) => a.group === 'Focused lane').map((a) => a.title)).toEqual(['Restart build', 'Maximise build', 'Pin build', 'Close build'])
    const sleeping = buildActions({ ...base, lanes: [lane('a', 'sh', 'sleeping', 'terminal')], focusedLaneId: 'a' })
    expect(sleeping.filter((a) => a.group === 'Focused lane').map((a) => a.title)).toEqual(['Checkpoint sh now', 'Wake sh', 'Maximise sh', 'Pin sh', 'Close sh'])
    // A terminal has no turn to interrupt, and no turns to checkpoint on: it checkpoints on request.
    const term = buildActions({ ...base, lanes: [lane('a', 'sh', 'busy', 'terminal')], focusedLaneId: 'a' })
    expect(term.map((a) => a.command.type)).not.toContain('interruptLane')
    expect(term.find((a) => a.id === 'checkpoint')?.command).toEqual({ type: 'checkpointLane', laneId: 'a' })
    expect(busy.map((a) => a.command.type)).not.toContain('checkpointLane')
  })
  test('theme: toggles to the other of what shows; "follow the system" once a fixed theme is chosen', () => {
    expect(buildActions({ ...base, resolvedTheme: 'light' }).find((a) => a.id === 'toggle-theme')?.command).toEqual({ type: 'setTheme', theme: 'dark' })
    expect(titles(base)).not.toContain('Theme: follow the system')
    expect(buildActions({ ...base, themeSetting: 'dark' }).find((a) => a.id === 'system-theme')?.command).toEqual({ type: 'setTheme', theme: 'system' })
  })
  test('history search only where it exists', () => {
    expect(titles(base)).not.toContain('Search history…')
    expect(titles({ ...base, canSearchHistory: true })).toContain('Search history…')
  })
  test('typing finds lanes by title and by workspace', () => {
    const lanes = [lane('a', 'build', 'ready'), lane('b', 'tests', 'ready')]
    const ranked = rankItems(buildActions({ ...base, lanes }), 'tests')
    expect(ranked[0].item.command).toEqual({ type: 'focusLane', laneId: 'b' })
    expect(rankItems(buildActions({ ...base, lanes }), 'nl')[0].item.id).toBe('new-lane')
  })
})

describe('palette and settings shortcuts', () => {
  test('Ctrl+K / Cmd+K opens the palette, Ctrl+, / Cmd+, the settings', () => {
    expect(shortcutFor(key('k', { ctrlKey: true }), false)).toEqual({ type: 'openPalette' })
    expect(shortcutFor(key('k', { metaKey: true }), true)).toEqual({ type: 'openPalette' })
    expect(shortcutFor(key('k', { ctrlKey: true }), true)).toBeNull() // Ctrl+K stays the terminal's on macOS
    expect(shortcutFor(key(',', { ctrlKey: true }), false)).toEqual({ type: 'openSettings' })
    expect(shortcutFor(key('k'), false)).toBeNull()
    expect(shortcutFor(key('K', { ctrlKey: true, shiftKey: true }), true)).toBeNull()
  })
  test('in a terminal on Linux/Windows, Ctrl+W/K/T are the shell’s and the lane keys take Shift', () => {
    for (const k of ['w', 'k', 't']) expect(shortcutFor(key(k, { ctrlKey: true }), false, 'terminal'), k).toBeNull()
    expect(shortcutFor({ ...key('W', { ctrlKey: true, shiftKey: true }), code: 'KeyW' }, false, 'terminal')).toEqual({ type: 'closeLane' })
    expect(shortcutFor({ ...key('T', { ctrlKey: true, shiftKey: true }), code: 'KeyT' }, false, 'terminal')).toEqual({ type: 'newLane' })
    expect(shortcutFor({ ...key('K', { ctrlKey: true, shiftKey: true }), code: 'KeyK' }, false, 'terminal')).toEqual({ type: 'openPalette' })
    // Focus-by-number and the settings stay: shells do not use Ctrl+digit or Ctrl+,.
    expect(shortcutFor(key('2', { ctrlKey: true }), false, 'terminal')).toEqual({ type: 'focusLaneAt', index: 1 })
    // macOS keeps ⌘W for the lane and Ctrl+W for the shell.
    expect(shortcutFor(key('w', { metaKey: true }), true, 'terminal')).toEqual({ type: 'closeLane' })
    expect(shortcutFor(key('w', { ctrlKey: true }), true, 'terminal')).toBeNull()
  })
  test('labels as menus show them', () => {
    expect(shortcutLabel({ type: 'openPalette' }, true)).toBe('⌘K')
    expect(shortcutLabel({ type: 'openPalette' }, false)).toBe('Ctrl+Shift+K')
    expect(shortcutLabel({ type: 'focusLaneAt', index: 2 }, false)).toBe('Ctrl+3')
  })
})

describe('keywords', () => {
  test('match by word prefix only, not by scattered letters', () => {
    const items = [{ title: 'Toggle theme', keywords: 'dark light mode appearance' }]
    expect(rankItems(items, 'appear')).toHaveLength(1)
    expect(rankItems(items, 'lane')).toHaveLength(0) // l…a…n…e spread over "light appearance"
  })
})

describe('buildActions: hosts', () => {
  const base: PaletteState = { lanes: [], workspaces: [], profiles: [], focusedLaneId: null, selectedWorkspaceId: null, resolvedTheme: 'dark', themeSetting: 'system', mac: false }
  const hostActions = (s: PaletteState) => buildActions(s).filter((a) => /host/.test(a.id)).map((a) => [a.title, a.command])

  test('Hosts…, Add host… and Connect/Open for each host other than the one shown', () => {
    const hosts = [
      { id: 'h1', name: 'build box', status: 'disconnected' as const },
      { id: 'h2', name: 'gpu', status: 'connected' as const },
      { id: 'h3', name: 'shown', status: 'connected' as const },
    ]
    expect(hostActions({ ...base, hosts, currentHostId: 'h3' })).toEqual([
      ['Hosts…', { type: 'openHosts' }],
      ['Add host…', { type: 'addHost' }],
      ['Connect build box', { type: 'connectHost', hostId: 'h1' }],
      ['Open gpu', { type: 'connectHost', hostId: 'h2' }],
    ])
  })

  test('a window without hosts (no Hosts panel) offers none', () => {
    expect(hostActions(base)).toEqual([])
    expect(hostActions({ ...base, hosts: [] }).map(([t]) => t)).toEqual(['Hosts…', 'Add host…'])
  })
})
