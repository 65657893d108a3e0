import { _electron as electron, type ElectronApplication } from '@playwright/test'
import { ensureElectron, explainFailure } from '../../scripts/electron-binary.mjs'

// Obtained exactly as `npm start` does it (electron's install.js through @electron/get, its cache and
// mirror variables), once per test process; the tests skip only when that fails, saying why.
const obtained = await ensureElectron()

/** The Electron executable, or undefined when it could not be had (see `noBinaryReason`). */
export function electronBinary(): string | undefined {
  return obtained.ok ? obtained.exe : undefined
}

export const noBinaryReason = obtained.ok ? '' : `no Electron binary. ${explainFailure(obtained)}`

/** The built app (run `electron-vite build` first) on its own data dir, with the desktop test hooks on. */
export function launchApp(exe: string, userData: string, extraArgs: string[] = []): Promise<ElectronApplication> {
  return electron.launch({
    executablePath: exe,
    args: ['.', '--no-sandbox', ...extraArgs],
    env: { ...process.env, SWITCHYARD_USER_DATA: userData, SWITCHYARD_E2E: '1' },
  })
}

export { alive, groupAlive } from '../support/pids'
