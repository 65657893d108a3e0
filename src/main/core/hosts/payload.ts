/**
 * Where the files installed on a host come from: `out/main`, package.json, package-lock.json and the
 * production node_modules. In a checkout that is the checkout; in a packaged app they are inside
 * app.asar, which `tar` cannot read, so electron-builder unpacks them (asarUnpack) beside it, into
 * `<resources>/app.asar.unpacked`.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'

export const UNPACKED_DIR = 'app.asar.unpacked'

/** The folder the install is packed from. Pure. */
export function installPayloadRoot(opts: { packaged: boolean; appPath: string; resourcesPath?: string }): string {
  if (!opts.packaged) return opts.appPath
  // app.getAppPath() is `<resources>/app.asar`; resourcesPath says the same more directly.
  const resources = opts.resourcesPath ?? path.dirname(opts.appPath)
  return path.join(resources, UNPACKED_DIR)
}

/** Why the payload cannot be packed from `root`, in words a user can act on; null when it can. */
export function payloadProblem(root: string, exists: (p: string) => boolean = existsSync): string | null {
  const missing = ['out/main/server.js', 'package-lock.json'].filter((f) => !exists(path.join(root, f)))
  if (!missing.length) return null
  if (path.basename(root) === UNPACKED_DIR) {
    return `This Switchyard installation lacks what it installs on hosts (${missing.map((f) => path.join(root, f)).join(', ')}): reinstall Switchyard, or run it from a checkout (npm start)`
  }
  return `${missing.map((f) => path.join(root, f)).join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing: build Switchyard first (npm run build)`
}
