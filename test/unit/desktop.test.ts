import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import Conf from 'conf'
import { afterEach, describe, expect, it } from 'vitest'
import type { ApprovalPolicy, Lane, Profile } from '../../src/shared/contract'
import { LaneStatus, type LaneEvent, type LaneEventBody } from '../../src/shared/events'
import { isAppUrl } from '../../src/main/core/desktop/app-url'
import { existingFolders, workspacePathsFromArgv } from '../../src/main/core/desktop/argv'
import { badgeCount, badgeDescription, badgeOverlayBitmap, badgeText } from '../../src/main/core/desktop/badge'
import { CommandRelay } from '../../src/main/core/desktop/command-relay'
import { lanesKeepingAppAlive, shouldQuitOnLastWindowClosed } from '../../src/main/core/desktop/lifecycle'
import { appMenu, type MenuNode } from '../../src/main/core/desktop/menu'
import { notificationFor } from '../../src/main/core/desktop/notifications'
import { adoptPlainSecrets, keychainSecretStore, type Cipher } from '../../src/main/core/desktop/secret-vault'
import { STORE_MIGRATIONS, STORE_SCHEMA, STORE_VERSION, openStoreRepairing } from '../../src/main/core/desktop/store-schema'
import { trayIconFile, trayMenu, trayTooltip, type TrayEntry } from '../../src/main/core/desktop/tray'
import { SettingsService } from '../../src/main/core/settings'
import { shortcutFor } from '../../src/renderer/app/shortcuts'
import { tempDir as makeTempDir } from '../support/core'

const made: string[] = []
const tempDir = () => {
  const dir = makeTempDir('switchyard-desktop-')
  made.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true })
})

const STATUSES = LaneStatus.options
const PLATFORMS = ['darwin', 'win32', 'linux'] as const

let seq = 0
function lane(fields: Partial<Lane> = {}): Lane {
  seq++
  return {
    id: `lane_${seq}`,
    workspaceId: 'ws_1',
    profileId: 'codex',
    kind: 'codex',
    title: `Lane ${seq}`,
    status: 'ready',
    createdAt: 1000,
    lastActivityAt: 1000 + seq,
    cols: 100,
    rows: 30,
    ...fields,
  }
}
const profile = (id: string, name: string): Profile => ({
  id,
  name,
  kind: 'codex',
  command: '',
  args: [],
  env: {},
  idleTimeoutMs: 0,
  approvalPolicy: 'ask',
  configDir: `/data/profiles/${id}`,
  builtIn: true,
})
const PROFILES = [profile('codex', 'Codex'), profile('claude', 'Claude Code')]

/** The lane lines of a tray menu, under the group header each one sits in. */
function laneLinesByGroup(entries: TrayEntry[]): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  let group = ''
  for (const e of entries) {
    if (e.type === 'header') out[(group = e.label.replace(/ \(\d+\)$/, ''))] = []
    if (e.type === 'lane' || e.type === 'more') out[group]!.push(e.label)
  }
  return out
}

describe('tray menu', () => {
  it('groups lanes by status, most urgent first, and ends with the app actions', () => {
    const lanes = [
      lane({ title: 'refactor', status: 'busy' }),
      lane({ title: 'docs', status: 'sleeping', profileId: 'claude' }),
      lane({ title: 'tests', status: 'waiting' }),
      lane({ title: 'broken', status: 'failed' }),
      lane({ title: 'idle one', status: 'ready' }),
      lane({ title: 'booting', status: 'starting' }),
      lane({ title: 'stopped', status: 'exited' }),
    ]
    const entries = trayMenu(lanes, PROFILES, { platform: 'linux' })
    expect(laneLinesByGroup(entries)).toEqual({
      'Waiting for approval': ['tests (Codex)'],
      Busy: ['booting (Codex) · starting', 'refactor (Codex)'],
      Idle: ['idle one (Codex)'],
      Sleeping: ['stopped (Codex) · stopped', 'docs (Claude Code)'],
      Failed: ['broken (Codex)'],
    })
    expect(entries.filter((e) => e.type === 'header').map((e) => (e as { label: string }).label)).toEqual([
      'Waiting for approval (1)',
      'Busy (2)',
      'Idle (1)',
      'Sleeping (2)',
      'Failed (1)',
    ])
    const actions = entries.filter((e) => e.type === 'action').map((e) => (e as { label: string }).label)
    expect(actions).toEqual(['New background agent…', 'Open Switchyard', 'Quit'])
    expect(entries.at(-1)).toEqual({ type: 'action', action: 'quit', label: 'Quit' })
  })

  it('puts every lane of every status in exactly one group, and leaves archived lanes out', () => {
    for (const status of STATUSES) {
      const shown = lane({ status })
      const archived = lane({ status, archived: true })
      const entries = trayMenu([shown, archived], PROFILES, { platform: 'darwin' })
      const laneIds = entries.flatMap((e) => (e.type === 'lane' ? [e.laneId] : []))
      expect(laneIds, status).toEqual([shown.id])
    }
  })

  it('says there are no lanes, and still offers the actions', () => {
    const entries = trayMenu([lane({ archived: true })], PROFILES, { platform: 'win32' })
    expect(entries[0]).toEqual({ type: 'header', label: 'No lanes' })
    expect(entries.some((e) => e.type === 'action' && e.action === 'newBackgroundAgent')).toBe(true)
  })

  it('lists the most recently active lanes of a long group and counts the rest', () => {
    const lanes = Array.from({ length: 13 }, (_, i) => lane({ title: `busy ${i}`, status: 'busy', lastActivityAt: i }))
    const groups = laneLinesByGroup(trayMenu(lanes, PROFILES, { platform: 'linux', maxPerGroup: 10 }))
    expect(groups.Busy).toHaveLength(11)
    expect(groups.Busy![0]).toBe('busy 12 (Codex)')
    expect(groups.Busy!.at(-1)).toBe('3 more…')
  })

  it('keeps a title that names its profile as it is, shortens long ones and keeps & literal outside macOS', () => {
    const lanes = [lane({ title: 'Codex 2', status: 'busy' }), lane({ title: 'R&D', status: 'busy', lastActivityAt: 0 }), lane({ title: 'x'.repeat(100), status: 'failed' })]
    const linux = laneLinesByGroup(trayMenu(lanes, PROFILES, { platform: 'linux' }))
    expect(linux.Busy).toEqual(['Codex 2', 'R&&D (Codex)'])
    expect(linux.Failed![0]).toHaveLength(60)
    expect(linux.Failed![0]!.endsWith('…')).toBe(true)
    expect(laneLinesByGroup(trayMenu(lanes, PROFILES, { platform: 'darwin' })).Busy).toEqual(['Codex 2', 'R&D (Codex)'])
  })

  it('has a tooltip that says what needs the user', () => {
    expect(trayTooltip([])).toBe('Switchyard')
    expect(trayTooltip([lane({ status: 'sleeping' }), lane({ status: 'ready' })])).toBe('Switchyard')
    expect(trayTooltip([lane({ status: 'waiting' }), lane({ status: 'busy' }), lane({ status: 'starting' }), lane({ status: 'failed' }), lane({ status: 'waiting', archived: true })])).toBe(
      'Switchyard: 1 waiting for approval, 2 busy, 1 failed',
    )
  })

  it('uses the template icon on macOS and the icon that contrasts with the panel elsewhere, all of which exist', () => {
    expect(trayIconFile('darwin', true)).toBe('trayTemplate.png')
    expect(trayIconFile('darwin', false)).toBe('trayTemplate.png')
    expect(trayIconFile('linux', true)).toBe('tray-dark.png')
    expect(trayIconFile('win32', false)).toBe('tray-light.png')
    for (const platform of PLATFORMS) {
      for (const dark of [true, false]) {
        const file = path.resolve('resources', trayIconFile(platform, dark))
        expect(existsSync(file), file).toBe(true)
        expect(existsSync(file.replace(/\.png$/, '@2x.png')), `${file} @2x`).toBe(true)
      }
    }
  })
})

describe('badge', () => {
  it('counts the lanes waiting for approval, and nothing else', () => {
    expect(badgeCount([])).toBe(0)
    for (const status of STATUSES) expect(badgeCount([lane({ status })]), status).toBe(status === 'waiting' ? 1 : 0)
    expect(badgeCount([lane({ status: 'waiting' }), lane({ status: 'waiting' }), lane({ status: 'waiting', archived: true }), lane({ status: 'busy' })])).toBe(2)
  })

  it('says the count, 9+ past nine, nothing for none', () => {
    expect([0, 1, 9, 10, 42].map(badgeText)).toEqual(['', '1', '9', '9+', '9+'])
    expect(badgeDescription(0)).toBe('')
    expect(badgeDescription(1)).toBe('1 thing needs you')
    expect(badgeDescription(3)).toBe('3 things need you')
  })

  it('draws a 16×16 overlay whose digit differs by count, and none for zero', () => {
    expect(badgeOverlayBitmap(0)).toHaveLength(0)
    const one = badgeOverlayBitmap(1)
    expect(one).toHaveLength(16 * 16 * 4)
    const white = (b: Buffer) => {
      let n = 0
      for (let i = 0; i < b.length; i += 4) if (b[i] === 255 && b[i + 1] === 255 && b[i + 2] === 255) n++
      return n
    }
    // Red disc (BGRA) in the middle of the edge, transparent corners.
    const px = (b: Buffer, x: number, y: number) => [...b.subarray((y * 16 + x) * 4, (y * 16 + x) * 4 + 4)]
    expect(px(one, 0, 0)).toEqual([0, 0, 0, 0])
    expect(px(one, 8, 1)).toEqual([0x26, 0x26, 0xdc, 255])
    expect(white(one)).toBeGreaterThan(0)
    expect(badgeOverlayBitmap(8).equals(one)).toBe(false)
    expect(white(badgeOverlayBitmap(8))).toBeGreaterThan(white(one))
    expect(badgeOverlayBitmap(10).equals(badgeOverlayBitmap(99))).toBe(true)
  })
})

describe('closing the last window', () => {
  const on = { keepRunningInTray: true }
  const off = { keepRunningInTray: false }

  it('quits on Windows and Linux and stays on macOS when nothing works', () => {
    for (const platform of PLATFORMS) {
      for (const settings of [on, off]) {
        expect(shouldQuitOnLastWindowClosed(platform, [], settings), platform).toBe(platform !== 'darwin')
        for (const status of ['ready', 'sleeping', 'exited', 'failed'] as const) {
          expect(shouldQuitOnLastWindowClosed(platform, [lane({ status })], settings), `${platform} ${status}`).toBe(platform !== 'darwin')
        }
      }
    }
  })

  it('keeps the app in the tray while a lane is busy, starting or waiting, if the setting says so', () => {
    for (const platform of PLATFORMS) {
      for (const status of ['busy', 'waiting', 'starting'] as const) {
        const lanes = [lane({ status: 'sleeping' }), lane({ status })]
        expect(shouldQuitOnLastWindowClosed(platform, lanes, on), `${platform} ${status}`).toBe(false)
        expect(shouldQuitOnLastWindowClosed(platform, lanes, off), `${platform} ${status} (setting off)`).toBe(platform !== 'darwin')
      }
    }
  })

  it('lets a background lane finish whatever the setting, including the moment before its prompt starts', () => {
    for (const platform of PLATFORMS) {
      for (const status of STATUSES) {
        const bg = lane({ status, background: true })
        const unfinished = ['starting', 'ready', 'busy', 'waiting'].includes(status)
        expect(shouldQuitOnLastWindowClosed(platform, [bg], off), `${platform} ${status}`).toBe(unfinished ? false : platform !== 'darwin')
      }
    }
  })

  it('ignores archived lanes and names the lanes that keep it running', () => {
    expect(shouldQuitOnLastWindowClosed('linux', [lane({ status: 'busy', archived: true })], on)).toBe(true)
    const busy = lane({ status: 'busy' })
    const bg = lane({ status: 'ready', background: true })
    expect(lanesKeepingAppAlive([busy, bg, lane({ status: 'ready' }), lane({ status: 'sleeping', background: true })], on).map((l) => l.id)).toEqual([busy.id, bg.id])
  })
})

describe('notifications', () => {
  const base = { laneId: 'x', seq: 1, at: 1 }
  const ev = (body: LaneEventBody) => ({ ...base, ...body }) as LaneEvent
  const completed = ev({ type: 'turn.completed', outcome: 'completed' })
  const approval = (readOnly: boolean) =>
    ev({
      type: 'approval.requested',
      requestId: 'r1',
      title: 'Run `rm -rf build`\nin the repo',
      readOnly,
      options: [
        { id: 'yes', label: 'Allow', kind: 'allow_once' },
        { id: 'no', label: 'Reject', kind: 'reject_once' },
      ],
    })
  const failedStatus = ev({ type: 'status', status: 'failed', previous: 'busy' })
  const ctx = (l: Lane | undefined, over: Partial<{ policy: ApprovalPolicy; notifications: boolean; windowFocused: boolean }> = {}) => ({
    lane: l,
    policy: over.policy ?? 'ask',
    settings: { notifications: over.notifications ?? true },
    windowFocused: over.windowFocused ?? false,
  })

  it('tells of a finished turn, an approval needed and a failure, naming the lane a click opens', () => {
    const l = lane({ title: 'refactor', status: 'ready' })
    expect(notificationFor(completed, ctx(l))).toEqual({ kind: 'turnCompleted', laneId: l.id, title: 'refactor finished', body: 'The turn is complete.' })
    expect(notificationFor(approval(false), ctx({ ...l, status: 'waiting' }))).toEqual({
      kind: 'approvalNeeded',
      laneId: l.id,
      title: 'refactor needs your approval',
      body: 'Run `rm -rf build`',
    })
    const failed = { ...l, status: 'failed' as const, exit: { exitCode: 3, signal: null, message: 'codex exited with code 3', lastLines: [] } }
    expect(notificationFor(failedStatus, ctx(failed))).toEqual({ kind: 'laneFailed', laneId: l.id, title: 'refactor failed', body: 'codex exited with code 3' })
    expect(notificationFor(ev({ type: 'turn.completed', outcome: 'failed', message: 'rate limited' }), ctx(l))).toMatchObject({ kind: 'turnFailed', body: 'rate limited' })
  })

  it('a question says what the agent asks, and asks even under auto-approve all', () => {
    const l = lane({ title: 'refactor', status: 'waiting' })
    const question = ev({
      type: 'approval.requested',
      requestId: 'q',
      title: 'Claude asks 2 questions',
      options: [{ id: 'answer', label: 'Answer', kind: 'other' }, { id: 'deny', label: 'Decline', kind: 'reject_once' }],
      questions: [{ id: 'q1', question: 'Which database?', options: [] }, { id: 'q2', question: 'Keep the old API?', options: [] }],
    })
    expect(notificationFor(question, ctx(l, { policy: 'auto_all' }))).toEqual({
      kind: 'approvalNeeded',
      laneId: l.id,
      title: 'refactor asks you',
      body: 'Which database? · Keep the old API?',
    })
  })

  it('says a background lane goes to sleep after its prompt', () => {
    expect(notificationFor(completed, ctx(lane({ background: true })))?.body).toMatch(/sleep/)
  })

  it('stays quiet for interrupted turns, other events, login lanes, unknown lanes, a focused window, or when turned off', () => {
    const l = lane()
    expect(notificationFor(ev({ type: 'turn.completed', outcome: 'interrupted' }), ctx(l))).toBeNull()
    for (const body of [
      { type: 'turn.started' },
      { type: 'text.delta', text: 'hi' },
      { type: 'status', status: 'sleeping', previous: 'ready' },
      { type: 'status', status: 'waiting', previous: 'busy' },
      { type: 'error', message: 'x' },
    ] as LaneEventBody[]) {
      expect(notificationFor(ev(body), ctx(l)), body.type).toBeNull()
    }
    for (const event of [completed, approval(false), failedStatus]) {
      expect(notificationFor(event, ctx(lane({ purpose: 'login' })))).toBeNull()
      expect(notificationFor(event, ctx(undefined))).toBeNull()
      expect(notificationFor(event, ctx(l, { windowFocused: true }))).toBeNull()
      expect(notificationFor(event, ctx(l, { notifications: false }))).toBeNull()
    }
  })

  it('does not ask the user for an approval the profile’s policy gives by itself', () => {
    const l = lane({ status: 'waiting' })
    const cases: Array<[ApprovalPolicy, boolean, boolean]> = [
      ['ask', true, true],
      ['ask', false, true],
      ['auto_reads', true, false],
      ['auto_reads', false, true],
      ['auto_all', true, false],
      ['auto_all', false, false],
    ]
    for (const [policy, readOnly, notifies] of cases) {
      expect(notificationFor(approval(readOnly), ctx(l, { policy })) !== null, `${policy} readOnly=${readOnly}`).toBe(notifies)
    }
  })

  it('clips a long or multi-line body to its first line', () => {
    const long = notificationFor(ev({ type: 'turn.completed', outcome: 'failed', message: 'y'.repeat(500) }), ctx(lane()))
    expect(long?.body).toHaveLength(200)
  })
})

describe('workspaces from the command line', () => {
  const dirs = new Set(['/home/u/src/a', '/home/u/src/b', '/work/app'])
  const isDirectory = (p: string) => dirs.has(p)

  it('takes existing folders, resolved against the launch directory, once each', () => {
    expect(workspacePathsFromArgv(['/opt/Switchyard/switchyard', 'a', '../src/b', '/home/u/src/a', 'missing', 'notes.txt'], '/home/u/src', { defaultApp: false, isDirectory })).toEqual([
      '/home/u/src/a',
      '/home/u/src/b',
    ])
  })

  it('skips flags, Chromium switches and the app path of a development run', () => {
    const argv = ['/x/electron', '--inspect=0', '--no-sandbox', '/work/app', '--original-process-start-time=1', '-psn_0_1234', 'a']
    expect(workspacePathsFromArgv(argv, '/home/u/src', { defaultApp: true, isDirectory })).toEqual(['/home/u/src/a'])
    // The same line from a packaged app: the app path is a folder the user named.
    expect(workspacePathsFromArgv(argv, '/home/u/src', { defaultApp: false, isDirectory })).toEqual(['/work/app', '/home/u/src/a'])
    // `electron .` in the repo does not add the repo.
    expect(workspacePathsFromArgv(['/x/electron', '.', '--no-sandbox'], '/work/app', { defaultApp: true, isDirectory })).toEqual([])
  })

  it('reads everything after -- as a path', () => {
    expect(workspacePathsFromArgv(['/x/sy', '--', '-odd'], '/home/u/src', { defaultApp: false, isDirectory: (p) => p === '/home/u/src/-odd' })).toEqual(['/home/u/src/-odd'])
  })

  it('checks the real file system by default', () => {
    const dir = tempDir()
    writeFileSync(path.join(dir, 'file.txt'), 'x')
    expect(existingFolders([dir, path.join(dir, 'file.txt'), path.join(dir, 'nope')], '/')).toEqual([dir])
  })
})

describe('application menu', () => {
  const flat = (nodes: MenuNode[]): MenuNode[] => nodes.flatMap((n) => ('submenu' in n ? [n, ...flat(n.submenu)] : [n]))
  /** The key event an accelerator like CmdOrCtrl+Shift+K stands for on a platform. */
  const keyOf = (accelerator: string, mac: boolean) => {
    const parts = accelerator.split('+')
    const key = parts.at(-1)!
    return {
      key: key.length === 1 ? key.toLowerCase() : key,
      code: key === ',' ? 'Comma' : undefined,
      ctrlKey: (!mac && parts.includes('CmdOrCtrl')) || parts.includes('Ctrl'),
      metaKey: mac && parts.includes('CmdOrCtrl'),
      altKey: parts.includes('Alt'),
      shiftKey: parts.includes('Shift'),
    }
  }

  it('offers the lane actions on every platform, each with the shortcut the window answers to', () => {
    for (const platform of PLATFORMS) {
      const mac = platform === 'darwin'
      const items = flat(appMenu({ platform, appName: 'Switchyard', dev: false }))
      const commands = items.flatMap((n) => ('command' in n ? [n] : []))
      expect(new Set(commands.map((c) => c.command)), platform).toEqual(new Set(['newLane', 'closeLane', 'openPalette', 'openSettings']))
      for (const item of commands.filter((c) => c.accelerator)) {
        // What the menu shows is what the renderer's keyboard handler does (so it is display-only here).
        expect(shortcutFor(keyOf(item.accelerator!, mac), mac), `${platform} ${item.label}`).toEqual({ type: item.command })
        // … from inside a terminal lane too: the menu never shows a key the shell keeps.
        expect(shortcutFor(keyOf(item.accelerator!, mac), mac, 'terminal'), `${platform} ${item.label} in a terminal`).toEqual({ type: item.command })
        expect(item.displayOnly).toBe(true)
      }
      expect(commands.filter((c) => c.accelerator).map((c) => c.command).sort()).toEqual(['closeLane', 'newLane', 'openPalette', 'openSettings'])
      expect(items.some((n) => 'action' in n && n.action === 'newBackgroundAgent')).toBe(true)
    }
  })

  it('uses the standard roles, with quit, copy/paste and a window close that does not take the lane’s shortcut', () => {
    for (const platform of PLATFORMS) {
      const items = flat(appMenu({ platform, appName: 'Switchyard', dev: false }))
      const roles = items.flatMap((n) => ('role' in n && n.role ? [n.role] : []))
      for (const role of ['quit', 'undo', 'redo', 'cut', 'copy', 'paste', 'selectAll', 'minimize', 'close', 'togglefullscreen', 'about']) expect(roles, `${platform} ${role}`).toContain(role)
      expect(roles).not.toContain('toggleDevTools')
      const close = items.find((n) => 'role' in n && n.role === 'close') as { accelerator?: string }
      expect(close.accelerator).toBe(platform === 'darwin' ? 'CmdOrCtrl+Shift+W' : 'Alt+F4')
      const accelerators = items.flatMap((n) => ('accelerator' in n && n.accelerator ? [n.accelerator] : []))
      expect(new Set(accelerators).size, `${platform}: no accelerator twice`).toBe(accelerators.length)
    }
    const mac = appMenu({ platform: 'darwin', appName: 'Switchyard', dev: false })
    expect(mac[0]).toMatchObject({ label: 'Switchyard', role: 'appMenu' })
    expect(flat(appMenu({ platform: 'linux', appName: 'Switchyard', dev: true })).some((n) => 'role' in n && n.role === 'toggleDevTools')).toBe(true)
  })
})

describe('which pages may use IPC', () => {
  const file = { fileUrl: 'file:///opt/Switchyard/resources/app.asar/out/renderer/index.html' }
  it('accepts the built page and its views, nothing else', () => {
    expect(isAppUrl('file:///opt/Switchyard/resources/app.asar/out/renderer/index.html', file)).toBe(true)
    expect(isAppUrl('file:///opt/Switchyard/resources/app.asar/out/renderer/index.html?view=background', file)).toBe(true)
    expect(isAppUrl('file:///opt/Switchyard/resources/app.asar/out/renderer/index.html#x', file)).toBe(true)
    for (const url of ['file:///tmp/evil.html', 'file:///opt/Switchyard/resources/app.asar/out/renderer/other.html', 'https://example.com/', 'about:blank', 'devtools://devtools/x', 'not a url', '']) {
      expect(isAppUrl(url, file), url).toBe(false)
    }
  })
  it('accepts the dev server’s origin in development only', () => {
    const dev = { ...file, devUrl: 'http://localhost:5173/' }
    expect(isAppUrl('http://localhost:5173/?view=background', dev)).toBe(true)
    expect(isAppUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isAppUrl('http://localhost:5173/', file)).toBe(false)
  })
})

describe('app commands for a window that is not there yet', () => {
  it('holds commands until a window subscribes, then delivers them live', () => {
    const relay = new CommandRelay()
    relay.emit({ type: 'focusLane', laneId: 'l1' })
    relay.emit({ type: 'newLane' })
    const got: string[] = []
    const off = relay.subscribe((c) => got.push(c.type))
    expect(got).toEqual(['focusLane', 'newLane'])
    relay.emit({ type: 'openPalette' })
    expect(got).toEqual(['focusLane', 'newLane', 'openPalette'])
    // Held commands go to one window only.
    const second: string[] = []
    relay.subscribe((c) => second.push(c.type))
    expect(second).toEqual([])
    off()
  })

  it('keeps only the latest commands while nobody listens', () => {
    const relay = new CommandRelay(3)
    for (let i = 0; i < 5; i++) relay.emit({ type: 'focusLane', laneId: `l${i}` })
    const got: string[] = []
    relay.subscribe((c) => c.type === 'focusLane' && got.push(c.laneId))
    expect(got).toEqual(['l2', 'l3', 'l4'])
  })
})

describe('the app store (electron-store’s engine, with our schema and migrations)', () => {
  const open = (dir: string) =>
    new Conf<Record<string, unknown>>({
      cwd: dir,
      configName: 'switchyard',
      projectName: 'switchyard',
      schema: STORE_SCHEMA as never,
      migrations: STORE_MIGRATIONS as never,
      projectVersion: STORE_VERSION,
      configFileMode: 0o600,
    })
  const fileIn = (dir: string) => path.join(dir, 'switchyard.json')

  it('opens a store from before the schema, keeping what fits and dropping what does not', () => {
    const dir = tempDir()
    const ws = [{ id: 'ws_1', name: 'a', path: '/a', addedAt: 1 }]
    writeFileSync(fileIn(dir), JSON.stringify({ workspaces: ws, lanes: 'garbage', settings: { theme: 'dark', closeToTray: false }, other: 1 }))
    const store = open(dir)
    expect(store.get('workspaces')).toEqual(ws)
    expect(store.get('lanes')).toBeUndefined()
    // Settings still migrate through the core's own versions.
    expect(new SettingsService(store).get()).toMatchObject({ theme: 'dark', keepRunningInTray: false })
    expect(statSync(fileIn(dir)).mode & 0o777).toBe(0o600)
  })

  it('refuses to write a value of the wrong kind', () => {
    const store = open(tempDir())
    expect(() => store.set('lanes', { not: 'a list' })).toThrow(/schema/i)
    expect(() => store.set('settings', { theme: 'purple' })).toThrow(/schema/i)
    store.set('settings', { theme: 'light', maxProcesses: 4, keepRunningInTray: true, notifications: false })
  })

  it('repairs a store edited into something the schema refuses, or sets aside one that is not JSON', () => {
    const dir = tempDir()
    open(dir).set('workspaces', [{ id: 'ws_1', name: 'a', path: '/a', addedAt: 1 }])
    const data = JSON.parse(readFileSync(fileIn(dir), 'utf8'))
    writeFileSync(fileIn(dir), JSON.stringify({ ...data, profiles: 7, settings: { maxProcesses: 0 } }))
    expect(() => open(dir)).toThrow()
    const repaired = openStoreRepairing(() => open(dir), fileIn(dir))
    expect(repaired.repaired).toEqual({ dropped: ['settings', 'profiles'] })
    expect(repaired.store.get('workspaces')).toHaveLength(1)

    writeFileSync(fileIn(dir), '{ half a file')
    const fresh = openStoreRepairing(() => open(dir), fileIn(dir), () => 42)
    expect(fresh.repaired).toEqual({ movedAside: `${fileIn(dir)}.unreadable-42` })
    expect(readFileSync(`${fileIn(dir)}.unreadable-42`, 'utf8')).toBe('{ half a file')
    expect(fresh.store.get('workspaces')).toBeUndefined()
  })
})

describe('secrets in the OS keychain', () => {
  /** Reversible, and visibly not plain text; `available` flips the keychain on and off. */
  function fakeKeychain() {
    const state = { available: true as boolean, broken: false }
    const cipher: Cipher = {
      unavailable: () => (state.available ? undefined : 'no keyring found'),
      encrypt: (s) => Buffer.from(`enc:${[...s].reverse().join('')}`),
      decrypt: (b) => {
        if (state.broken) throw new Error('keychain locked')
        const s = b.toString()
        if (!s.startsWith('enc:')) throw new Error('not ours')
        return [...s.slice(4)].reverse().join('')
      },
    }
    return { state, cipher }
  }

  it('keeps values encrypted in a 0600 file, names readable, values for the lane only', () => {
    const dir = tempDir()
    const file = path.join(dir, 'secrets.enc.json')
    const { cipher } = fakeKeychain()
    const store = keychainSecretStore(file, cipher)
    store.set('codex', 'OPENAI_API_KEY', 'sk-live-123')
    store.set('codex', 'OTHER', 'two')
    expect(readFileSync(file, 'utf8')).not.toContain('sk-live-123')
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(store.names('codex')).toEqual(['OPENAI_API_KEY', 'OTHER'])
    expect(keychainSecretStore(file, cipher).values('codex')).toEqual({ OPENAI_API_KEY: 'sk-live-123', OTHER: 'two' })
    store.remove('codex', 'OTHER')
    store.forget('nobody')
    expect(store.values('codex')).toEqual({ OPENAI_API_KEY: 'sk-live-123' })
    store.forget('codex')
    expect(store.names('codex')).toEqual([])
  })

  it('refuses to store without a keychain, saying why, and writes nothing', () => {
    const dir = tempDir()
    const file = path.join(dir, 'secrets.enc.json')
    const { state, cipher } = fakeKeychain()
    state.available = false
    const store = keychainSecretStore(file, cipher)
    expect(() => store.set('codex', 'OPENAI_API_KEY', 'sk')).toThrow(expect.objectContaining({ code: 'unsupported', message: expect.stringMatching(/no keyring found.*plain text/) }))
    expect(existsSync(file)).toBe(false)
    expect(store.values('codex')).toEqual({})
  })

  it('says which secret could not be decrypted', () => {
    const file = path.join(tempDir(), 'secrets.enc.json')
    const { state, cipher } = fakeKeychain()
    const store = keychainSecretStore(file, cipher)
    store.set('codex', 'OPENAI_API_KEY', 'sk')
    state.broken = true
    expect(store.names('codex')).toEqual(['OPENAI_API_KEY'])
    expect(() => store.values('codex')).toThrow(/OPENAI_API_KEY.*keychain locked/)
    expect(store.values('claude')).toEqual({})
  })

  it('moves secrets an earlier build kept in plain text into the keychain and deletes the plain file', () => {
    const dir = tempDir()
    const plain = path.join(dir, 'secrets.json')
    writeFileSync(plain, JSON.stringify({ codex: { OPENAI_API_KEY: 'sk-old' }, claude: { ANTHROPIC_API_KEY: 'sk-ant' } }), { mode: 0o600 })
    const { state, cipher } = fakeKeychain()
    const store = keychainSecretStore(path.join(dir, 'secrets.enc.json'), cipher)

    state.available = false
    expect(adoptPlainSecrets(plain, store)).toEqual({ moved: 0, kept: expect.stringMatching(/not available/) })
    expect(existsSync(plain)).toBe(true)

    state.available = true
    expect(adoptPlainSecrets(plain, store)).toEqual({ moved: 2 })
    expect(existsSync(plain)).toBe(false)
    expect(store.values('codex')).toEqual({ OPENAI_API_KEY: 'sk-old' })
    expect(store.values('claude')).toEqual({ ANTHROPIC_API_KEY: 'sk-ant' })
    expect(adoptPlainSecrets(plain, store)).toEqual({ moved: 0 })
  })
})
