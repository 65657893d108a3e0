import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import path from 'node:path'

/**
 * A profile's secrets: handed only to that profile's lane processes, never to the renderer, which
 * sees names and "set / not set". Electron keeps them with safeStorage; server mode in a 0600 file.
 */
export interface SecretStore {
  /** Names of the secrets a profile has. */
  names(profileId: string): string[]
  /** Values, for building a lane's environment. */
  values(profileId: string): Record<string, string>
  set(profileId: string, name: string, value: string): void
  remove(profileId: string, name: string): void
  /** Drops every secret of a removed profile. */
  forget(profileId: string): void
}

export type Vault = Record<string, Record<string, string>>

/**
 * Server mode's store: plain JSON in `<dataDir>/secrets.json`, mode 0600 (readable by the user alone),
 * written atomically. Electron uses safeStorage (the OS keychain) instead; see src/main/electron.
 */
export function fileSecretStore(dataDir: string): SecretStore {
  const { read, write } = vaultFile(path.join(dataDir, 'secrets.json'))
  return vaultStore(read, write)
}

/** A vault kept as JSON in `file`: private (0600) and replaced atomically, so a crash never leaves half of it. */
export function vaultFile(file: string): { read: () => Vault; write: (vault: Vault) => void } {
  return {
    read: () => {
      try {
        return JSON.parse(readFileSync(file, 'utf8'))
      } catch {
        return {}
      }
    },
    write: (vault) => {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 })
      const tmp = `${file}.${process.pid}.tmp`
      writeFileSync(tmp, JSON.stringify(vault, null, 2), { mode: 0o600 })
      renameSync(tmp, file)
      chmodSync(file, 0o600)
    },
  }
}

/** A SecretStore over any load/save pair of the whole vault (the file here, safeStorage in Electron). */
export function vaultStore(read: () => Vault, write: (vault: Vault) => void): SecretStore {
  return {
    names: (id) => Object.keys(read()[id] ?? {}).sort(),
    values: (id) => ({ ...read()[id] }),
    set(id, name, value) {
      const vault = read()
      vault[id] = { ...vault[id], [name]: value }
      write(vault)
    },
    remove(id, name) {
      const vault = read()
      if (!vault[id]) return
      delete vault[id][name]
      write(vault)
    },
    forget(id) {
      const vault = read()
      delete vault[id]
      write(vault)
    },
  }
}
