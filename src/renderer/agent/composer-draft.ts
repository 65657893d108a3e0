import { useEffect, useState } from 'react'

const key = (laneId: string) => `switchyard.draft.${laneId}`

/**
 * The composer's unsent text, per lane, kept in the page's storage: a reload, an app restart or an
 * archived-then-restored lane gives back what the user was typing. Sent or emptied, it is forgotten.
 */
export function useComposerDraft(laneId: string): [string, (text: string | ((now: string) => string)) => void] {
  const [text, setText] = useState(() => {
    try {
      return localStorage.getItem(key(laneId)) ?? ''
    } catch {
      return '' // storage may be unavailable (a locked-down browser): the composer still works
    }
  })
  useEffect(() => {
    try {
      if (text) localStorage.setItem(key(laneId), text)
      else localStorage.removeItem(key(laneId))
    } catch {}
  }, [laneId, text])
  return [text, setText]
}

/** The lane's unsent composer text ('' when none or when storage is unavailable). */
export function unsentDraft(laneId: string): string {
  try {
    return localStorage.getItem(key(laneId)) ?? ''
  } catch {
    return ''
  }
}
