import os from 'node:os'
import path from 'node:path'

/** Server mode's default data dir (`npm run serve`). */
export function serverDataDir(env = process.env, platform = process.platform, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Switchyard Server')
  if (platform === 'win32') return path.join(env.APPDATA ?? home, 'Switchyard Server')
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'switchyard-server')
}

/** The desktop app's default data dir: Electron's `userData` for an app named Switchyard. */
export function desktopDataDir(env = process.env, platform = process.platform, home = os.homedir()): string {
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Switchyard')
  if (platform === 'win32') return path.join(env.APPDATA ?? home, 'Switchyard')
  return path.join(env.XDG_CONFIG_HOME ?? path.join(home, '.config'), 'Switchyard')
}
