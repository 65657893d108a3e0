import { existsSync, readFileSync, rmSync } from 'node:fs'
import { AppError } from '../errors'
import { vaultFile, vaultStore, type SecretStore, type Vault } from '../secrets'

/** Encryption by the OS keychain (Electron's safeStorage in the app, a fake in tests). */
export interface Cipher {
  /** Why secrets cannot be kept safely here, or undefined when they can. */
  unavailable(): string | undefined
  encrypt(plain: string): Buffer
  decrypt(data: Buffer): string
}


/**
 * A SecretStore whose values are each encrypted by the OS keychain, kept as base64 in `file` (0600).
 * Names stay readable (the renderer sees names and set / not set anyway), so listing needs no
 * keychain; values are decrypted only to start that profile's lanes. Without a usable keychain it
 * refuses to store anything rather than write a secret in plain text.
 */
export function keychainSecretStore(file: string, cipher: Cipher): SecretStore {
  const { read, write } = vaultFile(file)
  const sealed = vaultStore(read, write)
  return {
    ...sealed,
    set(profileId, name, value) {
      const why = cipher.unavailable()
      if (why) {
        throw new AppError('unsupported', `Secrets are kept in the OS keychain, which is not available here (${why}); Switchyard does not store them in plain text.`)
      }
      sealed.set(profileId, name, cipher.encrypt(value).toString('base64'))
    },
    values(profileId) {
      const out = Object.create(null) as Record<string, string> // names are the user's strings
      for (const [name, data] of Object.entries(sealed.values(profileId))) {
        try {
          out[name] = cipher.decrypt(Buffer.from(data, 'base64'))
        } catch (err) {
          throw new AppError('unsupported', `The OS keychain could not decrypt the secret ${name} (${(err as Error).message}); set it again in the profile.`)
        }
      }
      return out
    },
  }
}

/**
 * Moves secrets an earlier build kept in a plain 0600 file into `store`, then deletes that file.
 * Leaves the file alone (and says so) where the keychain cannot take them.
 */
export function adoptPlainSecrets(plainFile: string, store: SecretStore): { moved: number; kept?: string } {
  if (!existsSync(plainFile)) return { moved: 0 }
  let vault: Vault
  try {
    vault = JSON.parse(readFileSync(plainFile, 'utf8'))
  } catch {
    return { moved: 0, kept: `${plainFile} is not readable JSON` }
  }
  let moved = 0
  try {
    for (const [profileId, secrets] of Object.entries(vault)) {
      for (const [name, value] of Object.entries(secrets ?? {})) {
        if (typeof value !== 'string' || !value) continue
        store.set(profileId, name, value)
        moved++
      }
    }
  } catch (err) {
    return { moved, kept: (err as Error).message }
  }
  rmSync(plainFile, { force: true })
  return { moved }
}
