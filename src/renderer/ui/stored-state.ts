import { useCallback, useState } from 'react'

/** State kept in localStorage under `key` (the window's layout survives reloads and restarts). */
export function useStoredState<T>(key: string, initial: T): [T, (next: T) => void] {
  const [value, setValue] = useState<T>(() => {
    try {
      const raw = localStorage.getItem(key)
      return raw === null ? initial : (JSON.parse(raw) as T)
    } catch {
      return initial
    }
  })
  const set = useCallback(
    (next: T) => {
      setValue(next)
      try {
        localStorage.setItem(key, JSON.stringify(next))
      } catch {
        // Storage full or denied: the choice holds for this session.
      }
    },
    [key],
  )
  return [value, set]
}
