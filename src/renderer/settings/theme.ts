import { useCallback, useEffect, useState } from 'react'
import type { Settings } from '../../shared/contract'
import type { Client } from '../host/client'

export type ThemeSetting = Settings['theme']
export type ResolvedTheme = 'light' | 'dark'

/** The theme that shows: the setting, or for `system` what the OS prefers. */
export function resolveTheme(setting: ThemeSetting, systemPrefersLight: boolean): ResolvedTheme {
  if (setting === 'system') return systemPrefersLight ? 'light' : 'dark'
  return setting
}

const LIGHT_QUERY = '(prefers-color-scheme: light)'

/** Whether the OS asks for light colours now, following its changes. */
export function useSystemPrefersLight(): boolean {
  const [light, setLight] = useState(() => typeof matchMedia === 'function' && matchMedia(LIGHT_QUERY).matches)
  useEffect(() => {
    if (typeof matchMedia !== 'function') return
    const query = matchMedia(LIGHT_QUERY)
    const onChange = () => setLight(query.matches)
    onChange()
    query.addEventListener('change', onChange)
    return () => query.removeEventListener('change', onChange)
  }, [])
  return light
}

/** The last theme setting seen, kept in the page's storage so the next start shows it before settings load (no flash). */
const STORE_KEY = 'switchyard.theme'

function storedSetting(): ThemeSetting | null {
  try {
    const v = localStorage.getItem(STORE_KEY)
    return v === 'system' || v === 'light' || v === 'dark' ? v : null
  } catch {
    return null
  }
}

function apply(setting: ThemeSetting, resolved: ResolvedTheme): void {
  const root = document.documentElement
  root.dataset.theme = resolved
  root.dataset.themeSetting = setting
  // Native controls and scrollbars follow too.
  root.style.colorScheme = resolved
}

/** Applies the remembered theme at once, before React renders (called from main.tsx). */
export function applyStoredTheme(): void {
  const setting = storedSetting() ?? 'system'
  apply(setting, resolveTheme(setting, typeof matchMedia === 'function' && matchMedia(LIGHT_QUERY).matches))
}

/**
 * Applies the theme as `data-theme` (light|dark, what the CSS keys on) on <html>, and the setting
 * itself as `data-theme-setting`; returns the resolved theme. Until the settings load, the remembered one.
 */
export function useAppliedTheme(setting: ThemeSetting | undefined): ResolvedTheme {
  const systemLight = useSystemPrefersLight()
  const effective = setting ?? storedSetting() ?? 'system'
  const resolved = resolveTheme(effective, systemLight)
  useEffect(() => {
    apply(effective, resolved)
    if (setting) {
      try {
        localStorage.setItem(STORE_KEY, setting)
      } catch {
        // Storage may be off; the theme then shows once settings load.
      }
    }
  }, [effective, resolved, setting])
  return resolved
}

/** The app settings: loaded on start and on every reconnect (`epoch`); `update` saves a change and applies the answer. */
export function useSettings(client: Client, epoch: number, reportError: (e: unknown) => void) {
  const [settings, setSettings] = useState<Settings | null>(null)
  useEffect(() => {
    let cancelled = false
    client.call('settings.get', {}).then(
      (s) => !cancelled && setSettings(s),
      (e) => !cancelled && reportError(e),
    )
    return () => {
      cancelled = true
    }
  }, [client, epoch, reportError])
  const update = useCallback(
    async (patch: Partial<Settings>): Promise<boolean> => {
      // Shown at once (a theme switch should not wait for the round trip), corrected by the answer.
      setSettings((s) => (s ? { ...s, ...patch } : s))
      try {
        setSettings(await client.call('settings.update', patch))
        return true
      } catch (e) {
        reportError(e)
        client.call('settings.get', {}).then(setSettings, () => {})
        return false
      }
    },
    [client, reportError],
  )
  return { settings, update }
}
