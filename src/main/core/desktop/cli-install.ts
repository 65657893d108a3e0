/**
 * "Install the switchyard command" (like VS Code's "Install 'code' command in PATH"): a small launcher in
 * a user bin dir that runs the app's own binary as Node (ELECTRON_RUN_AS_NODE=1) on the bundled
 * out/main/cli.js, so the packaged app needs no separate Node. What to write and where is decided here
 * (pure); `installLauncher` writes it; the menu item in src/main/index.ts only shows the outcome.
 */
import { accessSync, chmodSync, constants, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

export interface LauncherInput {
  platform: NodeJS.Platform
  homeDir: string
  /** $PATH (or Windows' Path) of the app's environment. */
  pathEnv: string
  /** The app's binary (process.execPath). */
  appBinary: string
  /** The bundled CLI entry (out/main/cli.js, inside the asar is fine: Electron's Node reads asar). */
  cliScript: string
  /** Windows: %LOCALAPPDATA%. */
  localAppData?: string
  /** Linux: $APPIMAGE when running from an AppImage (whose mount point changes on every run). */
  appImage?: string
  /** May this process write into `dir` (existing or creatable)? macOS: decides /usr/local/bin vs ~/bin. */
  canWrite: (dir: string) => boolean
}

export type LauncherPlan =
  | { ok: true; file: string; content: string; mode: number; onPath: boolean; message: string }
  | { ok: false; message: string }

export const COMMAND_NAME = 'switchyard'

/** Where the launcher goes, what it says, and what to tell the user. */
export function launcherPlan(input: LauncherInput): LauncherPlan {
  const win = input.platform === 'win32'
  const p = win ? path.win32 : path.posix
  if (input.appImage) {
    return {
      ok: false,
      message:
        'This copy runs from an AppImage, whose files move on every start, so a launcher cannot point into it. ' +
        'Install the .deb (or run the CLI from a checkout with `npx switchyard`) to get the switchyard command.',
    }
  }
  const dirs = candidateDirs(input)
  const dir = dirs.find((d) => input.canWrite(d))
  if (!dir) return { ok: false, message: `Cannot write to ${dirs.join(' or ')}; the switchyard command was not installed.` }
  const file = p.join(dir, win ? `${COMMAND_NAME}.cmd` : COMMAND_NAME)
  const onPath = pathContains(input.pathEnv, dir, input.platform)
  const content = win ? cmdLauncher(input.appBinary, input.cliScript) : shLauncher(input.appBinary, input.cliScript)
  const lines = [`Installed the switchyard command as ${file}.`]
  if (input.platform === 'darwin' && dir !== '/usr/local/bin') lines.push(`/usr/local/bin is not writable for you, so it went to ${dir} instead.`)
  if (!onPath) {
    lines.push(
      win
        ? `${dir} is not on your Path: add it (Settings → System → About → Advanced system settings → Environment Variables) and open a new terminal.`
        : `${dir} is not on your PATH: add \`export PATH="${dir}:$PATH"\` to your shell's profile and open a new terminal.`,
    )
  } else {
    lines.push('Open a new terminal and run `switchyard --help`.')
  }
  return { ok: true, file, content, mode: 0o755, onPath, message: lines.join('\n') }
}

function candidateDirs(input: LauncherInput): string[] {
  if (input.platform === 'win32') {
    const local = input.localAppData ?? path.win32.join(input.homeDir, 'AppData', 'Local')
    // On the user's Path by default since Windows 10 (where `winget` and Store apps put their commands).
    return [path.win32.join(local, 'Microsoft', 'WindowsApps')]
  }
  if (input.platform === 'darwin') return ['/usr/local/bin', path.posix.join(input.homeDir, 'bin')]
  // The XDG user bin dir; systemd's file-hierarchy and most distributions' profiles put it on PATH.
  return [path.posix.join(input.homeDir, '.local', 'bin')]
}

export function pathContains(pathEnv: string, dir: string, platform: NodeJS.Platform): boolean {
  const win = platform === 'win32'
  const p = win ? path.win32 : path.posix
  const norm = (d: string) => {
    const n = p.normalize(d).replace(/[\\/]+$/, '')
    return win ? n.toLowerCase() : n
  }
  return pathEnv
    .split(win ? ';' : ':')
    .filter(Boolean)
    .some((d) => norm(d) === norm(dir))
}

/** Single-quoted for sh: nothing inside is expanded; a ' is closed, escaped and reopened. */
export function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`
}

function shLauncher(appBinary: string, cliScript: string): string {
  return [
    '#!/bin/sh',
    '# The switchyard command, installed by Switchyard ("Install the switchyard command"):',
    "# runs the CLI bundled with the app, on the app's own binary as Node.",
    `ELECTRON_RUN_AS_NODE=1 exec ${shQuote(appBinary)} ${shQuote(cliScript)} "$@"`,
    '',
  ].join('\n')
}

function cmdLauncher(appBinary: string, cliScript: string): string {
  // Windows paths cannot contain `"`; `%` is doubled so cmd does not expand it as a variable.
  const q = (s: string) => `"${s.replace(/%/g, '%%')}"`
  return ['@echo off', 'rem The switchyard command, installed by Switchyard: runs the CLI bundled with the app.', 'setlocal', 'set ELECTRON_RUN_AS_NODE=1', `${q(appBinary)} ${q(cliScript)} %*`, ''].join('\r\n')
}

/** Writes the planned launcher (atomically: a half-written script is never on PATH). */
export function installLauncher(plan: Extract<LauncherPlan, { ok: true }>): void {
  mkdirSync(path.dirname(plan.file), { recursive: true })
  const tmp = `${plan.file}.${process.pid}.tmp`
  writeFileSync(tmp, plan.content, { mode: plan.mode })
  chmodSync(tmp, plan.mode)
  renameSync(tmp, plan.file)
}

/** Writable, or missing with a writable nearest existing ancestor (so it can be created). */
export function dirWritable(dir: string): boolean {
  let d = dir
  while (!existsSync(d)) {
    const up = path.dirname(d)
    if (up === d) return false
    d = up
  }
  try {
    accessSync(d, constants.W_OK)
    return true
  } catch {
    return false
  }
}
