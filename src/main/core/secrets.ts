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

/** Secrets by profile id, then by name. Keys are the user's strings: null-prototype objects only. */
export type Vault = Record<string, Record<string, string>>

/** A null-prototype object, so no key (not even `__proto__`) reaches a built-in. */
const bare = <T>(): Record<string, T> => Object.create(null) as Record<string, T>

/** A vault as read from JSON (where `__proto__` is an own key): strings only, in null-prototype objects. */
export function toVault(raw: unknown): Vault {
  const vault = bare<Record<string, string>>()
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return vault
  for (const [id, secrets] of Object.entries(raw)) {
    if (!secrets || typeof secrets !== 'object' || Array.isArray(secrets)) continue
    const own = bare<string>()
    for (const [name, value] of Object.entries(secrets)) if (typeof value === 'string') own[name] = value
    vault[id] = own
  }
  return vault
}

const has = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key)

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
        return toVault(JSON.parse(readFileSync(file, 'utf8')))
      } catch {
        return toVault({})
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
  const load = () => toVault(read())
  const of = (vault: Vault, id: string) => (has(vault, id) ? vault[id]! : undefined)
  return {
    names: (id) => Object.keys(of(load(), id) ?? {}).sort(),
    values: (id) => Object.assign(bare<string>(), of(load(), id)),
    set(id, name, value) {
      const vault = load()
      const own = (vault[id] = Object.assign(bare<string>(), of(vault, id)))
      own[name] = value
      write(vault)
    },
    remove(id, name) {
      const vault = load()
      const own = of(vault, id)
      if (!own || !has(own, name)) return
      delete own[name]
      write(vault)
    },
    forget(id) {
      const vault = load()
      if (!has(vault, id)) return
      delete vault[id]
      write(vault)
    },
  }
}
