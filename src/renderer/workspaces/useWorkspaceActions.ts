import { useCallback, useState, type Dispatch, type SetStateAction } from 'react'
import type { Workspace } from '../../shared/contract'
import type { Client } from '../host/client'

interface Options {
  client: Client
  reportError: (error: unknown) => void
  workspaces: Workspace[]
  setWorkspaces: Dispatch<SetStateAction<Workspace[]>>
  /** A native folder dialog exists (Electron); otherwise a path is typed or browsed. */
  canPickFolder: boolean
}

/** The window's workspaces as the user acts on them: add (picked, typed, dropped), remove, and the one selected for new lanes. */
export function useWorkspaceActions({ client, reportError, workspaces, setWorkspaces, canPickFolder }: Options) {
  const [selectedId, select] = useState<string | null>(null)
  const [pathInputOpen, setPathInputOpen] = useState(false)
  // The one chosen, else the newest.
  const selectedWorkspace = workspaces.find((w) => w.id === selectedId) ?? workspaces[workspaces.length - 1] ?? null

  /** A workspace the core has added (here or from main's menu): listed once, and selected. */
  const added = useCallback(
    (workspace: Workspace) => {
      setWorkspaces((list) => [...list.filter((w) => w.id !== workspace.id), workspace])
      select(workspace.id)
    },
    [setWorkspaces],
  )
  const addPath = useCallback(
    async (path: string) => {
      try {
        added(await client.call('workspaces.add', { path }))
        setPathInputOpen(false)
        return true
      } catch (e) {
        reportError(e)
        return false
      }
    },
    [client, reportError, added],
  )
  const pickFolder = useCallback(async () => {
    try {
      const workspace = await client.call('workspaces.pick', {})
      if (workspace) added(workspace)
    } catch (e) {
      reportError(e)
    }
  }, [client, reportError, added])
  const removeWorkspace = useCallback(
    async (workspace: Workspace) => {
      try {
        await client.call('workspaces.remove', { workspaceId: workspace.id })
        setWorkspaces((list) => list.filter((w) => w.id !== workspace.id))
      } catch (e) {
        reportError(e)
      }
    },
    [client, reportError, setWorkspaces],
  )
  const addFolder = useCallback(() => {
    if (canPickFolder) void pickFolder()
    else setPathInputOpen(true)
  }, [canPickFolder, pickFolder])

  return { selectedWorkspace, select, added, addPath, pickFolder, removeWorkspace, addFolder, pathInputOpen, setPathInputOpen }
}
