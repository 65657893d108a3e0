import { _electron as electron, type ElectronApplication } from '@playwright/test'
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'

/** Electron downloads its binary on first run; detect it without importing `electron`. */
export function electronBinary(): string | undefined {
  const dir = path.resolve('node_modules/electron')
  const pathTxt = path.join(dir, 'path.txt')
  if (!existsSync(pathTxt)) return undefined
  const exe = path.join(dir, 'dist', readFileSync(pathTxt, 'utf8').trim())
  return existsSync(exe) ? exe : undefined
}

export const noBinaryReason = 'no Electron binary (node_modules/electron/path.txt and dist/<path> are missing: Electron could not be downloaded here)'

/** The built app (run `electron-vite build` first) on its own data dir, with the desktop test hooks on. */
export function launchApp(exe: string, userData: string, extraArgs: string[] = []): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: exe,
    args: ['.', '--no-sandbox', ...extraArgs],
    env: { ...process.env, SWITCHYARD_USER_DATA: userData, SWITCHYARD_E2E: '1' },
  })
}

export const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

/** Whether anything of the process group `pgid` (a lane's agent and its children) is left. */
export const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0)
    return true
  } catch {
    return false
  }
}
