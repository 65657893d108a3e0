import { useCallback, useEffect, useMemo, useState } from 'react'
import type { Lane, Profile, Workspace } from '../../shared/contract'
import type { HostBridge } from '../env'
import { createClient, errorMessage } from '../host/client'
import { AppContext, type AppServices } from '../app/context'
import { isMacPlatform } from '../app/shortcuts'
import type { WsBridge } from '../host/ws-bridge'
import { useAppliedTheme, useSettings } from '../settings/theme'
import { BackgroundForm } from './BackgroundForm'

/**
 * The whole page for `?view=background`: the small window the tray opens for "New background agent…".
 * Only the form; once the lane is created the window closes (the lane runs on without it).
 */
export function BackgroundApp({ bridge }: { bridge: HostBridge | WsBridge }) {
  const client = useMemo(() => createClient(bridge), [bridge])
  const [error, setError] = useState<string | null>(null)
  const [lists, setLists] = useState<{ workspaces: Workspace[]; profiles: Profile[] } | null>(null)
  const [started, setStarted] = useState<Lane | null>(null)
  const reportError = useCallback((e: unknown) => setError(errorMessage(e)), [])
  const services = useMemo<AppServices>(
    () => ({ client, reportError, notify: (m) => setError(m), mac: isMacPlatform(navigator.platform || navigator.userAgent) }),
    [client, reportError],
  )
  const { settings } = useSettings(client, 0, reportError)
  useAppliedTheme(settings?.theme)

  useEffect(() => {
    document.title = 'New background agent — Switchyard'
    Promise.all([client.call('workspaces.list', {}), client.call('profiles.list', {})]).then(
      ([workspaces, profiles]) => setLists({ workspaces, profiles }),
      reportError,
    )
  }, [client, reportError])

  const onCreated = (lane: Lane) => {
    setStarted(lane)
    window.close()
  }

  return (
    <AppContext.Provider value={services}>
      <main className="background-app">
        <h1 className="background-app-title">
          <span className="brand-mark" aria-hidden="true" />
          New background agent
        </h1>
        {started ? (
          <p className="background-started" role="status">
            Started <strong>{started.title || 'the agent'}</strong>. It runs on its own; you can close this window.
          </p>
        ) : lists ? (
          <BackgroundForm workspaces={lists.workspaces} profiles={lists.profiles} defaultWorkspaceId={null} onCreated={onCreated} onCancel={() => window.close()} />
        ) : (
          !error && <p className="background-loading">Loading…</p>
        )}
        {error && !lists && (
          <div className="form-error" role="alert">
            {error}
          </div>
        )}
      </main>
    </AppContext.Provider>
  )
}
