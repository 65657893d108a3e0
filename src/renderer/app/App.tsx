import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import type { AppCommand, Lane, Workspace } from '../../shared/contract'
import type { HostBridge } from '../env'
import { ClientError, createClient, errorMessage } from './client'
import { AppContext, type AppServices } from './context'
import { useConnection } from './connection'
import { ConnectionBanner } from './ConnectionBanner'
import { isMacPlatform, shortcutFor, type ShortcutAction } from './shortcuts'
import { Toasts, useToasts } from './toasts'
import { useWorkbench } from './workbench'
import type { WsBridge } from './ws-bridge'
import { Sidebar } from '../workspaces/Sidebar'
import { dropOutcome, isFileDrag } from '../workspaces/drop'
import { LaneColumn } from '../lanes/LaneColumn'
import { NewLaneDialog, type NewLaneChoice } from '../lanes/NewLaneDialog'
import { estimateTerminalSize, neighbourAfterClose, upsertLane } from '../lanes/lane-state'
import { ProfilesPanel } from '../profiles/ProfilesPanel'
import { useAgents } from '../profiles/agents'
import { CommandPalette } from '../palette/CommandPalette'
import { buildActions, type PaletteCommand } from '../palette/actions'
import { SettingsPanel } from '../settings/SettingsPanel'
import { useAppliedTheme, useSettings } from '../settings/theme'
import { BackgroundDialog } from '../background/BackgroundDialog'
import { RemoveLaneDialog, type RemoveOptions } from '../lanes/RemoveLaneDialog'
import { HistorySidebar, focusHistorySearch } from '../history/HistorySidebar'
import { activeLanes } from '../history/history-model'
import { useLaneLinks } from '../lane-links/LaneLink'
import { TriggersSection } from '../triggers/TriggersSection'

export interface AppProps {
  /** The Electron preload's bridge, or the WebSocket one in a browser. */
  bridge: HostBridge | WsBridge
  /** Set in a browser: the WebSocket bridge, for its connection state. */
  ws?: WsBridge
}

const BROWSER_DROP_NOTICE =
  'A browser does not tell the page where a dropped folder lives: type its path in the box instead.'

export function App({ bridge, ws }: AppProps) {
  const client = useMemo(() => createClient(bridge), [bridge])
  const mac = useMemo(() => isMacPlatform(navigator.platform || navigator.userAgent), [])
  const { toasts, push, dismiss } = useToasts()
  const reportError = useCallback(
    (error: unknown) => {
      // A lost connection shows as the banner, not as one toast per call.
      if (error instanceof ClientError && error.code === 'internal' && error.message === 'disconnected') return
      push(errorMessage(error))
    },
    [push],
  )
  // Only the Electron preload can tell where a dropped file lives.
  const getPathForFile = useMemo(() => ('getPathForFile' in bridge ? (f: File) => bridge.getPathForFile(f) : undefined), [bridge])
  const services = useMemo<AppServices>(
    () => ({ client, reportError, notify: push, mac, getPathForFile }),
    [client, reportError, push, mac, getPathForFile],
  )
  const connection = useConnection(ws)
  const { info, workspaces, profiles, lanes: allLanes, setWorkspaces, setLanes, refreshProfiles } = useWorkbench(
    client,
    connection.epoch,
    reportError,
  )
  // Archived lanes keep their records but leave the columns (the sidebar lists them).
  const lanes = useMemo(() => activeLanes(allLanes), [allLanes])
  /** A lane with its own worktree being closed: the keep/delete question is open. */
  const [removing, setRemoving] = useState<Lane | null>(null)

  const [selectedWorkspaceId, setSelectedWorkspaceId] = useState<string | null>(null)
  const [focusedLaneChoice, setFocusedLaneId] = useState<string | null>(null)
  const [dialogOpen, setDialogOpenState] = useState(false)
  const [profilesOpen, setProfilesOpen] = useState(false)
  // Issue 4's overlays: the command palette, the settings, the background-agent dialog.
  const [paletteOpen, setPaletteOpen] = useState(false)
  const [settingsOpen, setSettingsOpen] = useState(false)
  const [backgroundOpen, setBackgroundOpen] = useState(false)
  const shellModalOpen = paletteOpen || settingsOpen || backgroundOpen
  const { settings, update: updateSettings } = useSettings(client, connection.epoch, reportError)
  const resolvedTheme = useAppliedTheme(settings?.theme)
  const { agents, detecting, detect } = useAgents(client)
  // Opening the dialog looks again for installed agents (the user may have installed one meanwhile).
  const setDialogOpen = useCallback(
    (open: boolean) => {
      if (open) void detect()
      setDialogOpenState(open)
    },
    [detect],
  )
  const openProfiles = useCallback(() => {
    refreshProfiles()
    void detect()
    setProfilesOpen(true)
  }, [refreshProfiles, detect])
  const [pathInputOpen, setPathInputOpen] = useState(false)
  const [dragging, setDragging] = useState(false)
  const lanesAreaRef = useRef<HTMLDivElement>(null)

  // Terminal focus: each terminal registers how to focus it; a lane created here is focused once it mounts.
  const focusers = useRef(new Map<string, () => void>())
  const pendingFocus = useRef<string | null>(null)
  const registerFocus = useCallback((laneId: string, focus: (() => void) | null) => {
    if (!focus) {
      focusers.current.delete(laneId)
      return
    }
    focusers.current.set(laneId, focus)
    if (pendingFocus.current === laneId) {
      pendingFocus.current = null
      requestAnimationFrame(focus)
    }
  }, [])
  const focusLane = useCallback((laneId: string) => {
    setFocusedLaneId(laneId)
    const focus = focusers.current.get(laneId)
    if (focus) focus()
    else pendingFocus.current = laneId
    document.querySelector(`[data-lane-id="${CSS.escape(laneId)}"]`)?.scrollIntoView({ block: 'nearest', inline: 'nearest' })
  }, [])
  useLaneLinks(focusLane)

  // The focused lane, if it still exists.
  const focusedLaneId = lanes.some((l) => l.id === focusedLaneChoice) ? focusedLaneChoice : null
  const selectedWorkspace =
    workspaces.find((w) => w.id === selectedWorkspaceId) ?? workspaces[workspaces.length - 1] ?? null

  // ---- workspaces
  const addPath = useCallback(
    async (path: string) => {
      try {
        const workspace = await client.call('workspaces.add', { path })
        setWorkspaces((list) => [...list.filter((w) => w.id !== workspace.id), workspace])
        setSelectedWorkspaceId(workspace.id)
        setPathInputOpen(false)
        return true
      } catch (e) {
        reportError(e)
        return false
      }
    },
    [client, reportError, setWorkspaces],
  )
  const pickFolder = useCallback(async () => {
    try {
      const workspace = await client.call('workspaces.pick', {})
      if (!workspace) return
      setWorkspaces((list) => [...list.filter((w) => w.id !== workspace.id), workspace])
      setSelectedWorkspaceId(workspace.id)
    } catch (e) {
      reportError(e)
    }
  }, [client, reportError, setWorkspaces])
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
    if (info?.canPickFolder) void pickFolder()
    else setPathInputOpen(true)
  }, [info, pickFolder])

  // ---- lanes
  const createLane = useCallback(
    async (choice: NewLaneChoice) => {
      const area = lanesAreaRef.current
      const size = estimateTerminalSize(
        { width: area?.clientWidth ?? window.innerWidth, height: area?.clientHeight ?? window.innerHeight },
        lanes.length + 1,
      )
      try {
        const lane = await client.call('lanes.create', { ...choice, ...size })
        setLanes((list) => upsertLane(list, lane))
        focusLane(lane.id)
        return true
      } catch (e) {
        reportError(e)
        return false
      }
    },
    [client, reportError, lanes.length, setLanes, focusLane],
  )
  const laneCall = useCallback(
    async (method: 'lanes.stop' | 'lanes.start', lane: Lane) => {
      try {
        const updated = await client.call(method, { laneId: lane.id })
        setLanes((list) => (list.some((l) => l.id === updated.id) ? upsertLane(list, updated) : list))
      } catch (e) {
        reportError(e)
      }
    },
    [client, reportError, setLanes],
  )
  const removeLane = useCallback(
    async (lane: Lane, options: RemoveOptions = {}) => {
      const next = neighbourAfterClose(lanes, lane.id)
      try {
        await client.call('lanes.remove', { laneId: lane.id, ...options })
        setLanes((list) => list.filter((l) => l.id !== lane.id))
        if (focusedLaneId === lane.id || focusedLaneId === null) {
          if (next) focusLane(next)
          else setFocusedLaneId(null)
        }
      } catch (e) {
        reportError(e)
      }
    },
    [client, reportError, lanes, focusedLaneId, setLanes, focusLane],
  )
  // A lane with its own worktree asks first what to do with the worktree and branch.
  const closeLane = useCallback(
    async (lane: Lane) => {
      if (lane.worktree) setRemoving(lane)
      else await removeLane(lane)
    },
    [removeLane],
  )

  // ---- keyboard: capture phase, before xterm (which also ignores these keys)
  const onShortcut = useRef<(action: ShortcutAction) => void>(() => {})
  onShortcut.current = (action) => {
    if (action.type === 'openPalette') {
      if (paletteOpen) setPaletteOpen(false)
      else if (!dialogOpen && !profilesOpen && !settingsOpen && !backgroundOpen) setPaletteOpen(true)
      return
    }
    if (action.type === 'openSettings') {
      if (dialogOpen || profilesOpen || backgroundOpen) return
      setPaletteOpen(false)
      setSettingsOpen(true)
      return
    }
    if (action.type === 'newLane') {
      if (profilesOpen || settingsOpen || backgroundOpen) return
      setPaletteOpen(false)
      if (!dialogOpen) {
        refreshProfiles()
        setDialogOpen(true)
      }
      return
    }
    if (dialogOpen || profilesOpen || shellModalOpen || removing) return
    if (action.type === 'closeLane') {
      const lane = lanes.find((l) => l.id === focusedLaneId)
      if (lane) void closeLane(lane)
    } else {
      const lane = lanes[action.index]
      if (lane) focusLane(lane.id)
    }
  }
  useEffect(() => {
    const onKeyDown = (e: KeyboardEvent) => {
      const action = shortcutFor(e, mac)
      if (!action) return
      e.preventDefault()
      e.stopPropagation()
      if (!e.repeat) onShortcut.current(action)
    }
    window.addEventListener('keydown', onKeyDown, true)
    return () => window.removeEventListener('keydown', onKeyDown, true)
  }, [mac])

  // ---- requests from main (menus, tray, notifications, second launch): one subscription for the app's life
  const onAppCommand = useRef<(command: AppCommand) => void>(() => {})
  onAppCommand.current = (command) => {
    switch (command.type) {
      case 'focusLane':
        setPaletteOpen(false)
        focusLane(command.laneId)
        return
      case 'newLane':
      case 'closeLane':
      case 'openSettings':
        onShortcut.current({ type: command.type })
        return
      case 'openPalette':
        if (!paletteOpen) onShortcut.current({ type: 'openPalette' })
        return
      case 'workspaceAdded':
        setWorkspaces((list) => [...list.filter((w) => w.id !== command.workspace.id), command.workspace])
        setSelectedWorkspaceId(command.workspace.id)
        return
    }
  }
  useEffect(() => client.subscribe('app.commands', {}, (c) => onAppCommand.current(c), reportError), [client, reportError])

  // ---- the command palette's actions
  const runCommand = (command: PaletteCommand) => {
    const lane = 'laneId' in command ? lanes.find((l) => l.id === command.laneId) : undefined
    switch (command.type) {
      case 'newLane':
        refreshProfiles()
        setDialogOpen(true)
        return
      case 'newBackground':
        refreshProfiles()
        setBackgroundOpen(true)
        return
      case 'addWorkspace':
        addFolder()
        return
      case 'openSettings':
        setSettingsOpen(true)
        return
      case 'openProfiles':
        openProfiles()
        return
      case 'setTheme':
        void updateSettings({ theme: command.theme })
        return
      case 'searchHistory':
        focusHistorySearch()
        return
      case 'selectWorkspace':
        setSelectedWorkspaceId(command.workspaceId)
        return
      case 'focusLane':
        focusLane(command.laneId)
        return
      case 'closeLane':
        if (lane) void closeLane(lane)
        return
      case 'stopLane':
        if (lane) void laneCall('lanes.stop', lane)
        return
      case 'restartLane':
        if (lane) void laneCall('lanes.start', lane)
        return
      case 'interruptLane':
        client.call('lanes.interrupt', { laneId: command.laneId }).catch(reportError)
        return
      case 'setMode':
        client.call('lanes.setMode', { laneId: command.laneId, modeId: command.modeId }).catch(reportError)
        return
    }
  }

  // ---- dropping folders anywhere on the window
  useEffect(() => {
    // Only the Electron preload can tell where a dropped file lives.
    const getPathForFile = 'getPathForFile' in bridge ? (f: File) => bridge.getPathForFile(f) : undefined
    let depth = 0
    const onDragEnter = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      depth++
      setDragging(true)
    }
    const onDragLeave = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      depth = Math.max(0, depth - 1)
      if (depth === 0) setDragging(false)
    }
    const onDragOver = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      e.preventDefault()
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy'
    }
    const onDrop = (e: DragEvent) => {
      if (!isFileDrag(e.dataTransfer)) return
      e.preventDefault()
      depth = 0
      setDragging(false)
      const outcome = dropOutcome(Array.from(e.dataTransfer?.files ?? []), getPathForFile)
      if (outcome.kind === 'paths') for (const path of outcome.paths) void addPath(path)
      else if (outcome.kind === 'no-paths') {
        push(BROWSER_DROP_NOTICE, 'info')
        setPathInputOpen(true)
      }
    }
    window.addEventListener('dragenter', onDragEnter)
    window.addEventListener('dragleave', onDragLeave)
    window.addEventListener('dragover', onDragOver)
    window.addEventListener('drop', onDrop)
    return () => {
      window.removeEventListener('dragenter', onDragEnter)
      window.removeEventListener('dragleave', onDragLeave)
      window.removeEventListener('dragover', onDragOver)
      window.removeEventListener('drop', onDrop)
    }
  }, [bridge, addPath, push])

  const prefix = mac ? '⌘' : 'Ctrl+'
  const workspaceById = new Map(workspaces.map((w) => [w.id, w]))
  const profileById = new Map(profiles.map((p) => [p.id, p]))

  return (
    <AppContext.Provider value={services}>
      <div className="app">
        <ConnectionBanner state={connection.state} />
        <div className="app-body">
          <Sidebar
            workspaces={workspaces}
            lanes={lanes}
            info={info}
            selectedId={selectedWorkspace?.id ?? null}
            onSelect={setSelectedWorkspaceId}
            onPick={() => void pickFolder()}
            onAddPath={addPath}
            onRemove={(w) => void removeWorkspace(w)}
            pathInputOpen={pathInputOpen}
            setPathInputOpen={setPathInputOpen}
            onOpenProfiles={openProfiles}
            onOpenSettings={() => setSettingsOpen(true)}
          >
            <HistorySidebar
              lanes={allLanes}
              epoch={connection.epoch}
              onOpenLane={focusLane}
              onRestored={(lane) => {
                setLanes((list) => upsertLane(list, lane))
                focusLane(lane.id)
              }}
            />
          </Sidebar>
          <main className="main">
            <div className="toolbar">
              <span className="toolbar-title">Lanes</span>
              <span className="toolbar-count">{lanes.length}</span>
              <div className="toolbar-spacer" />
              <span className="toolbar-hint">
                <kbd>{prefix}K</kbd> actions · <kbd>{prefix}1…9</kbd> focus · <kbd>{prefix}W</kbd> close
              </span>
              <button
                className="button button-primary"
                onClick={() => {
                  refreshProfiles()
                  setDialogOpen(true)
                }}
                title={`New lane (${prefix}T)`}
              >
                + New lane <kbd>{prefix}T</kbd>
              </button>
            </div>
            <div className="lanes" ref={lanesAreaRef}>
              {lanes.map((lane, index) => (
                <LaneColumn
                  key={lane.id}
                  lane={lane}
                  index={index}
                  workspace={workspaceById.get(lane.workspaceId)}
                  profile={profileById.get(lane.profileId)}
                  parent={lane.parentLaneId ? lanes.find((l) => l.id === lane.parentLaneId) : undefined}
                  focused={lane.id === focusedLaneId}
                  epoch={connection.epoch}
                  shortcutPrefix={prefix}
                  onFocus={setFocusedLaneId}
                  onStop={(l) => void laneCall('lanes.stop', l)}
                  onRestart={(l) => void laneCall('lanes.start', l)}
                  onClose={(l) => void closeLane(l)}
                  registerFocus={registerFocus}
                />
              ))}
              {lanes.length === 0 && (
                <EmptyState hasWorkspace={workspaces.length > 0} prefix={prefix} onNewLane={() => setDialogOpen(true)} onAddFolder={addFolder} />
              )}
            </div>
          </main>
        </div>
        {dialogOpen && (
          <NewLaneDialog
            workspaces={workspaces}
            profiles={profiles}
            agents={agents}
            detecting={detecting}
            defaultWorkspaceId={selectedWorkspace?.id ?? null}
            onCreate={createLane}
            onClose={() => setDialogOpen(false)}
            onAddFolder={addFolder}
          />
        )}
        {profilesOpen && (
          <ProfilesPanel
            profiles={profiles}
            agents={agents}
            detecting={detecting}
            workspace={selectedWorkspace}
            onChanged={refreshProfiles}
            onLoginLane={(lane) => {
              setLanes((list) => upsertLane(list, lane))
              setProfilesOpen(false)
              focusLane(lane.id)
            }}
            onClose={() => setProfilesOpen(false)}
          />
        )}
        {paletteOpen && (
          <CommandPalette
            actions={buildActions({
              lanes,
              workspaces,
              profiles,
              focusedLaneId,
              selectedWorkspaceId: selectedWorkspace?.id ?? null,
              resolvedTheme,
              themeSetting: settings?.theme ?? 'system',
              mac,
              canSearchHistory: true,
            })}
            onRun={runCommand}
            onClose={() => setPaletteOpen(false)}
          />
        )}
        {settingsOpen && (
          <SettingsPanel
            settings={settings}
            info={info}
            onUpdate={updateSettings}
            onOpenProfiles={() => {
              setSettingsOpen(false)
              openProfiles()
            }}
            onClose={() => setSettingsOpen(false)}
            extra={<TriggersSection client={client} lanes={allLanes} workspaces={workspaces} profiles={profiles} />}
          />
        )}
        {backgroundOpen && (
          <BackgroundDialog
            workspaces={workspaces}
            profiles={profiles}
            defaultWorkspaceId={selectedWorkspace?.id ?? null}
            onCreated={(lane) => {
              setBackgroundOpen(false)
              setLanes((list) => upsertLane(list, lane))
              push(`${lane.title || 'The agent'} started in the background`, 'info')
            }}
            onClose={() => setBackgroundOpen(false)}
          />
        )}
        {removing && (
          <RemoveLaneDialog
            lane={removing}
            onRemove={async (options) => {
              await removeLane(removing, options)
              setRemoving(null)
            }}
            onCancel={() => setRemoving(null)}
          />
        )}
        {dragging && (
          <div className="drop-overlay">
            <div className="drop-card">Drop a folder to add it as a workspace</div>
          </div>
        )}
        <Toasts toasts={toasts} onDismiss={dismiss} />
      </div>
    </AppContext.Provider>
  )
}

function EmptyState(props: { hasWorkspace: boolean; prefix: string; onNewLane(): void; onAddFolder(): void }) {
  return (
    <div className="empty">
      {props.hasWorkspace ? (
        <>
          <h2>No lanes yet</h2>
          <p>A lane runs one agent or shell in a workspace. Start one to see it here as a column.</p>
          <button className="button button-primary" onClick={props.onNewLane}>
            + New lane <kbd>{props.prefix}T</kbd>
          </button>
        </>
      ) : (
        <>
          <h2>Add a workspace</h2>
          <p>Add a project folder (or drop one on the window), then open lanes on it side by side.</p>
          <button className="button button-primary" onClick={props.onAddFolder}>
            + Add folder
          </button>
        </>
      )}
    </div>
  )
}
