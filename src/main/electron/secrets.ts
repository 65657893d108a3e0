import { safeStorage } from 'electron'
import path from 'node:path'
import { adoptPlainSecrets, keychainSecretStore, type Cipher } from '../core/desktop/secret-vault'
import type { SecretStore } from '../core/secrets'

/** safeStorage as a Cipher; a Linux session without a keyring would only get a fixed key, which is no protection. */
export const safeStorageCipher: Cipher = {
  unavailable() {
    if (!safeStorage.isEncryptionAvailable()) return 'the OS keychain is not available'
    if (process.platform === 'linux' && safeStorage.getSelectedStorageBackend() === 'basic_text') {
      return 'no keyring (GNOME Keyring, KWallet) is running, so Electron would fall back to a fixed key'
    }
    return undefined
  },
  encrypt: (plain) => safeStorage.encryptString(plain),
  decrypt: (data) => safeStorage.decryptString(data),
}

/**
 * The desktop app's secrets: each value encrypted by the OS keychain in `<userData>/secrets.enc.json`.
 * Secrets an earlier build kept in plain `secrets.json` move in on start, where the keychain allows.
 * Call after the app is ready (safeStorage needs it).
 */
export function desktopSecretStore(userData: string): SecretStore {
  const store = keychainSecretStore(path.join(userData, 'secrets.enc.json'), safeStorageCipher)
  const why = safeStorageCipher.unavailable()
  if (why) console.warn(`switchyard: profile secrets cannot be stored: ${why}; Switchyard does not store them in plain text`)
  const adopted = adoptPlainSecrets(path.join(userData, 'secrets.json'), store)
  if (adopted.kept) console.warn(`switchyard: plain-text secrets left in place: ${adopted.kept}`)
  return store
}
