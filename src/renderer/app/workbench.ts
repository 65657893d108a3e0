import { useCallback, useEffect, useState, type Dispatch, type SetStateAction } from 'react'
import type { Lane, MethodOutput, Profile, Workspace } from '../../shared/contract'
import type { Client } from '../host/client'
import { applyStatusEvent, sortLanes } from '../lanes/lane-state'

export interface Workbench {
  info: MethodOutput<'app.info'> | null
  workspaces: Workspace[]
  profiles: Profile[]
  lanes: Lane[]
  /** Whether the lanes have been listed once (before that, `lanes` is empty for want of an answer). */
  lanesListed: boolean
  setWorkspaces: Dispatch<SetStateAction<Workspace[]>>
  setLanes: Dispatch<SetStateAction<Lane[]>>
  refreshProfiles(): void
}

/** The app's shared state, loaded on start and again on every reconnect (`epoch`). */
export function useWorkbench(client: Client, epoch: number, reportError: (e: unknown) => void): Workbench {
  const [info, setInfo] = useState<MethodOutput<'app.info'> | null>(null)
  const [workspaces, setWorkspaces] = useState<Workspace[]>([])
  const [profiles, setProfiles] = useState<Profile[]>([])
  const [lanes, setLanes] = useState<Lane[]>([])
  const [lanesListed, setLanesListed] = useState(false)

  useEffect(() => {
    let cancelled = false
    const load = <T,>(promise: Promise<T>, set: (value: T) => void) =>
      promise.then((value) => !cancelled && set(value)).catch((e) => !cancelled && reportError(e))
    load(client.call('app.info', {}), setInfo)
    load(client.call('workspaces.list', {}), setWorkspaces)
    load(client.call('profiles.list', {}), setProfiles)
    return () => {
      cancelled = true
    }
  }, [client, epoch, reportError])

  // Lanes: subscribe first, then list; status events that arrive before the list answer are
  // older than it (one ordered channel) and dropped, later ones apply on top.
  useEffect(() => {
    let cancelled = false
    let listed = false
    const unsubscribe = client.subscribe(
      'lanes.status',
      {},
      (event) => {
        if (listed && !cancelled) setLanes((list) => applyStatusEvent(list, event))
      },
      reportError,
    )
    client
      .call('lanes.list', {})
      .then((list) => {
        if (cancelled) return
        listed = true
        setLanes(sortLanes(list))
        setLanesListed(true)
      })
      .catch((e) => !cancelled && reportError(e))
    return () => {
      cancelled = true
      unsubscribe()
    }
  }, [client, epoch, reportError])

  const refreshProfiles = useCallback(() => {
    client.call('profiles.list', {}).then(setProfiles, reportError)
  }, [client, reportError])

  return { info, workspaces, profiles, lanes, lanesListed, setWorkspaces, setLanes, refreshProfiles }
}
