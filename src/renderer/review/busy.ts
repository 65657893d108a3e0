import { useState } from 'react'

/** Which action of a panel is running (its buttons wait), and how to run one: errors go to `onError`. */
export function useBusy<K extends string>(onError: (e: unknown) => void) {
  const [busy, setBusy] = useState<K | null>(null)
  const run = async (kind: K, action: () => Promise<void>) => {
    setBusy(kind)
    try {
      await action()
    } catch (e) {
      onError(e)
    } finally {
      setBusy(null)
    }
  }
  return [busy, run] as const
}
