import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react'
import type { Bridge, Lane } from '../../shared/contract'
import type { HostBridge } from '../env'
import { ClientError, createClient, errorMessage } from '../host/client'
import { AppContext, type AppServices } from './context'
import { useConnection } from '../host/connection'
import { ConnectionBanner } from './ConnectionBanner'
import { isMacPlatform, shortcutLabel } from './shortcuts'
import { useCommandSources } from './command-sources'
import { UsagePanel } from '../usage/UsagePanel'
import { mayRun, type Overlay, type UiCommand } from './commands'
import { Toasts, useStaleToastSweep, useToasts } from './toasts'
import { useWorkbench } from './workbench'
import type { WsBridge } from '../host/ws-bridge'
import type { HostsBridge } from '../host/hosts-bridge'
import { Sidebar } from '../workspaces/Sidebar'
import { useFolderDrop } from '../workspaces/useFolderDrop'
import { useWorkspaceActions } from '../workspaces/useWorkspaceActions'
import { EmptyState } from './EmptyState'
import { LaneColumn } from '../lanes/LaneColumn'
import { NewLaneDialog, type NewLaneChoice } from '../lanes/NewLaneDialog'
import { estimateTerminalSize, upsertLane } from '../lanes/lane-state'
import { ProfilesPanel } from '../profiles/ProfilesPanel'
import { useAgents } from '../profiles/agents'
import { CommandPalette } from '../palette/CommandPalette'
import { buildActions, paletteActions } from '../palette/actions'
import { SettingsPanel } from '../settings/SettingsPanel'
import { HostsPanel } from '../hosts/HostsPanel'
import { HostsContext } from '../hosts/HostMark'
import { useAppliedTheme, useSettings } from '../settings/theme'
import { BackgroundDialog } from '../background/BackgroundDialog'
import { CloseLaneDialog } from '../lanes/CloseLaneDialog'
import { useCloseLane } from '../lanes/useCloseLane'
import { useLaneFocus } from '../lanes/useLaneFocus'
import { useColumnHandlers } from '../lanes/useColumnHandlers'
import { HistorySidebar, focusHistorySearch } from '../history/HistorySidebar'
import { activeLanes } from '../history/history-model'
import { useLaneLinks } from '../lane-links/LaneLink'
import { TriggersSection } from '../triggers/TriggersSection'
import { AttentionInbox } from '../attention/AttentionInbox'
import { useAttention, useAttentionBadge, useAttentionNotices } from '../attention/useAttention'
import { nextAttentionLane } from '../attention/attention-model'
import { laneAfter, visibleLanes } from '../navigator/navigator-model'
import { SidebarRail } from '../navigator/SidebarRail'
import { useStoredState } from '../ui/stored-state'
import { useLayout } from '../layout/useLayout'
import { orderLanes } from '../layout/layout-model'
import './app.css'

export interface AppProps {
  /** The Electron preload's bridge, or the WebSocket one in a browser. */
  bridge: HostBridge | WsBridge | HostsBridge | Bridge
  /** Set in a browser: the WebSocket bridge, for its connection state. */
  ws?: WsBridge
  /** Remote hosts: the local bridge (hosts.* live here), the host shown, and how to switch. */
  /** `epoch`: bumped when the set of hosts shown together changes, so the lists are asked again. */
  hosts?: { bridge: Bridge; current: { id: string; name: string } | null; epoch?: number; open(hostId: string | null): void }
}

const BROWSER_DROP_NOTICE =
  'A browser does not tell the page where a dropped folder lives: type its path in the box instead.'

export function App({ bridge, ws, hosts }: AppProps) {
  const client = useMemo(() => createClient(bridge), [bridge])
  const mac = useMemo(() => isMacPlatform(navigator.platform || navigator.userAgent), [])
  const { toasts, push, dismiss, dismissAll } = useToasts()
  const reportError = useCallback(
    (error: unknown, about?: { laneId?: string }) => {
      // A lost connection shows as the banner, not as one toast per call.
      if (error instanceof ClientError && error.code === 'internal' && error.message === 'disconnected') return
      push(errorMessage(error), 'error', undefined, about?.laneId)
    },
    [push],
  )
  // The palette's host entries: this machine's hosts (hosts.* are answered by the local bridge).
  // The host list HostRoot keeps (it lists and follows `hosts.status` once for the window).
  const hostMap = useContext(HostsContext)
  const hostList = useMemo(() => [...hostMap.values()], [hostMap])
  const hostClient = useMemo(() => (hosts ? createClient(hosts.bridge) : undefined), [hosts?.bridge])
  // Only the Electron preload can tell where a dropped file lives.
  const getPathForFile = useMemo(() => ('getPathForFile' in bridge ? (f: File) => bridge.getPathForFile(f) : undefined), [bridge])
  const services = useMemo<AppServices>(
    () => ({ client, reportError, notify: push, mac, getPathForFile }),
    [client, reportError, push, mac, getPathForFile],
  )
  const connection = useConnection(ws)
  // Lists and window-wide streams are asked again on a reconnect and when a host joins or leaves the window.
  const listEpoch = connection.epoch + (hosts?.epoch ?? 0)
  const { info, workspaces, profiles, lanes: allLanes, lanesListed, setWorkspaces, setLanes, refreshProfiles } = useWorkbench(
    client,
    listEpoch,
    reportError,
  )
  // Archived lanes keep their records but leave the columns (the sidebar lists them).
  const active = useMemo(() => activeLanes(allLanes), [allLanes])
  useStaleToastSweep(toasts, allLanes, lanesListed, dismissAll)

  // The navigator: which workspace's lanes are the columns (null: all), and whether the sidebar shows.
  const [laneFilterChoice, setLaneFilter] = useStoredState<string | null>('switchyard.laneFilter', null)
  const laneFilter = workspaces.some((w) => w.id === laneFilterChoice) ? laneFilterChoice : null
  const [sidebarCollapsed, setSidebarCollapsed] = useStoredState('switchyard.sidebarCollapsed', false)
  const { items: attention, markSeen } = useAttention(client, allLanes, listEpoch, reportError)
  const { layout, resize, toggleMaximize, follow, move, pin } = useLayout(
    useMemo(() => active.map((l) => l.id), [active]),
    lanesListed,
  )
  // Lanes in column order (pinned first, then the user's order); the filter picks the columns.
  const lanes = useMemo(() => orderLanes(active, layout), [active, layout])
  const columns = useMemo(() => visibleLanes(lanes, laneFilter), [lanes, laneFilter])
  useAttentionBadge(attention.length, client)
  /** Columns scrolled into view (the lanes area scrolls sideways), reported by each column. */
  const inView = useRef(new Set<string>())
  const onVisibility = useCallback(
    (laneId: string, visible: boolean) => {
      if (visible) inView.current.add(laneId)
      else inView.current.delete(laneId)
      // A host lane's event stream is held only while its column is in view.
      if ('setLaneInView' in bridge) bridge.setLaneInView(laneId, visible)
    },
    [bridge],
  )
  // One dialog or panel at a time. The ref is what the dispatcher reads: a palette entry closes the
  // palette and then runs, in one event, and its command must see the palette closed.
  const [overlay, setOverlayState] = useState<Overlay | null>(null)
  const overlayRef = useRef<Overlay | null>(null)
  const setOverlay = useCallback((next: Overlay | null) => {
    overlayRef.current = next
    setOverlayState(next)
  }, [])
  const closeOverlay = useCallback(() => setOverlay(null), [setOverlay])
  const { settings, update: updateSettings } = useSettings(client, connection.epoch, reportError)
  const resolvedTheme = useAppliedTheme(settings?.theme)
  const { agents, detecting, detect } = useAgents(client)
  // Opening the dialog looks again for installed agents (the user may have installed one meanwhile).
  const openNewLane = useCallback(() => {
    refreshProfiles()
    void detect()
    setOverlay({ kind: 'newLane' })
  }, [refreshProfiles, detect, setOverlay])
  const openProfiles = useCallback(() => {
    refreshProfiles()
    void detect()
    setOverlay({ kind: 'profiles' })
  }, [refreshProfiles, detect, setOverlay])
  const lanesAreaRef = useRef<HTMLDivElement>(null)

  const { focusedLaneId, setFocusedLaneId, registerFocus, focusLane } = useLaneFocus({ lanes, columns, markSeen, follow, setLaneFilter })
  useLaneLinks(focusLane)

  const { selectedWorkspace, select: selectWorkspace, added: workspaceAdded, addPath, pickFolder, removeWorkspace, addFolder, pathInputOpen, setPathInputOpen } =
    useWorkspaceActions({ client, reportError, workspaces, setWorkspaces, canPickFolder: info?.canPickFolder ?? false })

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
        reportError(e, { laneId: lane.id })
      }
    },
    [client, reportError, setLanes],
  )
  const { finishClose, closeLane } = useCloseLane({ client, reportError, lanes, focusedLaneId, setLanes, focusLane, setFocusedLaneId, setOverlay })

  // ---- the one dispatcher: shortcuts, buttons, the palette and main's menus/tray all end here
  const dispatch = useRef<(command: UiCommand) => void>(() => {})
  dispatch.current = (command) => {
    const current = overlayRef.current
    if (!mayRun(command, current)) return
    const laneOf = (laneId: string | undefined) => lanes.find((l) => l.id === (laneId ?? focusedLaneId))
    switch (command.type) {
      case 'togglePalette':
        setOverlay(current ? null : { kind: 'palette' })
        return
      case 'openPalette':
        setOverlay({ kind: 'palette' })
        return
      case 'openSettings':
        setOverlay({ kind: 'settings' })
        return
      case 'openHosts':
        if (hosts) setOverlay({ kind: 'hosts' })
        return
      case 'addHost':
        if (hosts) setOverlay({ kind: 'hosts', adding: true })
        return
      case 'connectHost':
        if (hosts && hostClient) {
          const { hostId } = command
          void hostClient.call('hosts.connect', { hostId }).then((h) => {
            if (h.status === 'connected') hosts.open(hostId)
            else reportError(new Error(`${h.name}: ${h.message ?? h.status}`))
          }, reportError)
        }
        return
      case 'newLane':
        if (current?.kind !== 'newLane') openNewLane()
        return
      case 'newBackground':
        refreshProfiles()
        setOverlay({ kind: 'background' })
        return
      case 'openProfiles':
        openProfiles()
        return
      case 'openUsage':
        setOverlay({ kind: 'usage' })
        return
      case 'addWorkspace':
        addFolder()
        return
      case 'workspaceAdded':
        workspaceAdded(command.workspace)
        return
      case 'selectWorkspace':
        selectWorkspace(command.workspaceId)
        return
      case 'filterWorkspace':
        setLaneFilter(command.workspaceId)
        if (command.workspaceId) selectWorkspace(command.workspaceId)
        return
      case 'nextLane':
      case 'previousLane': {
        const next = laneAfter(columns.map((l) => l.id), focusedLaneId, command.type === 'nextLane' ? 1 : -1)
        if (next) focusLane(next)
        return
      }
      case 'nextAttention': {
        const next = nextAttentionLane(attention, lanes.map((l) => l.id), focusedLaneId)
        if (next) focusLane(next)
        return
      }
      case 'openLaneSwitcher':
        setOverlay(current ? null : { kind: 'palette', scope: 'lanes' })
        return
      case 'renameLane':
        client
          .call('lanes.rename', { laneId: command.laneId, title: command.title })
          .then((lane) => setLanes((list) => upsertLane(list, lane)), reportError)
        return
      case 'toggleSidebar':
        setSidebarCollapsed(!sidebarCollapsed)
        return
      case 'moveLane':
        move(lanes.map((l) => l.id), command.laneId, command.beforeId)
        return
      case 'togglePin':
        pin(command.laneId)
        return
      case 'toggleMaximize': {
        const laneId = command.laneId ?? focusedLaneId ?? layout.maximized
        if (laneId) toggleMaximize(laneId)
        return
      }
      case 'setTheme':
        void updateSettings({ theme: command.theme })
        return
      case 'searchHistory':
        focusHistorySearch()
        return
      case 'focusLane':
        if (current?.kind === 'palette') setOverlay(null)
        focusLane(command.laneId)
        return
      case 'focusLaneAt': {
        const lane = columns[command.index]
        if (lane) focusLane(lane.id)
        return
      }
      case 'closeLane': {
        const lane = laneOf('laneId' in command ? command.laneId : undefined)
        if (lane) void closeLane(lane)
        return
      }
      case 'stopLane':
      case 'restartLane': {
        const lane = laneOf(command.laneId)
        if (lane) void laneCall(command.type === 'stopLane' ? 'lanes.stop' : 'lanes.start', lane)
        return
      }
      case 'checkpointLane':
        client
          .call('checkpoints.create', { laneId: command.laneId })
          .then((c) => push(c ? `Checkpoint ${c.n} saved: Checkpoints in the lane's header lists it` : 'Checkpoints need the lane to work in a git repository', c ? 'info' : 'error'))
          .catch((e) => reportError(e, command))
        return
      case 'interruptLane':
        client.call('lanes.interrupt', { laneId: command.laneId }).catch((e) => reportError(e, command))
        return
      case 'approve':
        client.call('lanes.approve', { laneId: command.laneId, requestId: command.requestId, optionId: command.optionId }).catch((e) => reportError(e, command))
        return
      case 'setMode':
        client.call('lanes.setMode', { laneId: command.laneId, modeId: command.modeId }).catch((e) => reportError(e, command))
        return
    }
  }
  const run = useCallback((command: UiCommand) => dispatch.current(command), [])
  const columnHandlers = useColumnHandlers({ laneCall, closeLane, run, resize })

  // Shortcuts (capture phase, before xterm) and main's menus, tray, notifications: both end in `run`.
  useCommandSources(client, mac, run, reportError)

  // ---- dropping folders anywhere on the window
  const onNoPaths = useCallback(() => {
    push(BROWSER_DROP_NOTICE, 'info')
    setPathInputOpen(true)
  }, [push])
  const dragging = useFolderDrop(bridge, addPath, onNoPaths)

  // An off-screen lane that starts needing the user says so (once per lane, not on load).
  useAttentionNotices(attention, lanesListed, (laneId) => inView.current.has(laneId), (item) => {
    const lane = lanes.find((l) => l.id === item.laneId)
    push(`${lane?.title || 'A lane'} needs you: ${item.text}`, 'info', { label: 'Go', run: () => run({ type: 'focusLane', laneId: item.laneId }) })
  })

  const prefix = mac ? '⌘' : 'Ctrl+'
  const workspaceById = new Map(workspaces.map((w) => [w.id, w]))
  const profileById = new Map(profiles.map((p) => [p.id, p]))
  const laneById = new Map(lanes.map((l) => [l.id, l]))
  const laneNumbers = new Map(columns.map((l, i) => [l.id, i + 1]))
  const needing = new Set(attention.map((i) => i.laneId))
  const pinnedSet = new Set(layout.pinned ?? [])
  const nextKey = shortcutLabel({ type: 'nextAttention' }, mac)

  return (
    <AppContext.Provider value={services}>
      <div className="app">
        <ConnectionBanner state={connection.state} />
        <div className="app-body">
          {sidebarCollapsed ? (
            <SidebarRail waiting={attention.length} nextKey={nextKey} run={run} hosts={hosts !== undefined} />
          ) : (
          <Sidebar
            workspaces={workspaces}
            lanes={lanes}
            info={info}
            filterId={laneFilter}
            onFilter={(workspaceId) => run({ type: 'filterWorkspace', workspaceId })}
            profiles={profileById}
            focusedLaneId={focusedLaneId}
            laneNumbers={laneNumbers}
            needing={needing}
            onFocusLane={focusLane}
            onRenameLane={(laneId, title) => run({ type: 'renameLane', laneId, title })}
            onMoveLane={(laneId, beforeId) => run({ type: 'moveLane', laneId, beforeId })}
            pinned={pinnedSet}
            onCollapse={() => run({ type: 'toggleSidebar' })}
            inbox={
              <AttentionInbox
                items={attention}
                lanes={laneById}
                nextKey={nextKey}
                onOpen={focusLane}
                onNext={() => run({ type: 'nextAttention' })}
                onAnswer={(laneId, requestId, optionId) => run({ type: 'approve', laneId, requestId, optionId })}
              />
            }
            onPick={() => void pickFolder()}
            onAddPath={addPath}
            onRemove={(w) => void removeWorkspace(w)}
            pathInputOpen={pathInputOpen}
            setPathInputOpen={setPathInputOpen}
            onOpenProfiles={() => run({ type: 'openProfiles' })}
            onOpenSettings={() => run({ type: 'openSettings' })}
            onOpenHosts={hosts ? () => run({ type: 'openHosts' }) : undefined}
            hostName={hosts?.current?.name}
          >
            <HistorySidebar
              lanes={allLanes}
              epoch={listEpoch}
              onOpenLane={focusLane}
              onRestored={(lane) => {
                setLanes((list) => upsertLane(list, lane))
                focusLane(lane.id)
              }}
            />
          </Sidebar>
          )}
          <main className="main">
            <div className="toolbar">
              <span className="toolbar-title">{laneFilter ? (workspaceById.get(laneFilter)?.name ?? 'Lanes') : 'Lanes'}</span>
              <span className="toolbar-count">{columns.length}</span>
              {laneFilter && (
                <button className="button button-small button-ghost" onClick={() => run({ type: 'filterWorkspace', workspaceId: null })}>
                  Show all {lanes.length}
                </button>
              )}
              <div className="toolbar-spacer" />
              <span className="toolbar-hint">
                <kbd>{shortcutLabel({ type: 'openPalette' }, mac)}</kbd> actions · <kbd>{shortcutLabel({ type: 'openLaneSwitcher' }, mac)}</kbd> go to lane · <kbd>{prefix}1…9</kbd> focus
              </span>
              <button
                className="button button-primary"
                onClick={() => run({ type: 'newLane' })}
                title={`New lane (${shortcutLabel({ type: 'newLane' }, mac)})`}
              >
                + New lane <kbd>{shortcutLabel({ type: 'newLane' }, mac)}</kbd>
              </button>
            </div>
            <div className={`lanes${columns.some((l) => l.id === layout.maximized) ? ' has-maximized' : ''}`} ref={lanesAreaRef}>
              {columns.map((lane, index) => (
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
                  registerFocus={registerFocus}
                  onVisibility={onVisibility}
                  width={layout.widths[lane.id]}
                  maximized={layout.maximized === lane.id}
                  {...columnHandlers}
                />
              ))}
              {columns.length === 0 && (
                <EmptyState
                  hasWorkspace={workspaces.length > 0}
                  newLaneKey={shortcutLabel({ type: 'newLane' }, mac)}
                  onNewLane={() => run({ type: 'newLane' })}
                  onAddFolder={() => run({ type: 'addWorkspace' })}
                />
              )}
            </div>
          </main>
        </div>
        {overlay?.kind === 'newLane' && (
          <NewLaneDialog
            workspaces={workspaces}
            profiles={profiles}
            agents={agents}
            detecting={detecting}
            defaultWorkspaceId={selectedWorkspace?.id ?? null}
            onCreate={createLane}
            onClose={closeOverlay}
            onAddFolder={addFolder}
          />
        )}
        {overlay?.kind === 'profiles' && (
          <ProfilesPanel
            profiles={profiles}
            agents={agents}
            detecting={detecting}
            workspace={selectedWorkspace}
            onChanged={refreshProfiles}
            onLoginLane={(lane) => {
              setLanes((list) => upsertLane(list, lane))
              setOverlay(null)
              focusLane(lane.id)
            }}
            onClose={closeOverlay}
          />
        )}
        {overlay?.kind === 'palette' && (
          <CommandPalette
            actions={paletteActions(
              buildActions({
                lanes,
                workspaces,
                profiles,
                focusedLaneId,
                selectedWorkspaceId: selectedWorkspace?.id ?? null,
                resolvedTheme,
                themeSetting: settings?.theme ?? 'system',
                mac,
                canSearchHistory: true,
                columnIds: columns.map((l) => l.id),
                laneFilter,
                attention,
                sidebarCollapsed,
                maximizedLaneId: layout.maximized,
                pinnedLaneIds: layout.pinned ?? [],
                hosts: hosts ? hostList : undefined,
                currentHostId: hosts?.current?.id ?? null,
              }),
              overlay.scope,
            )}
            placeholder={overlay.scope === 'lanes' ? 'Go to lane…' : undefined}
            onRun={run}
            onClose={closeOverlay}
          />
        )}
        {overlay?.kind === 'hosts' && hosts && (
          <HostsPanel
            bridge={hosts.bridge}
            currentHostId={hosts.current?.id ?? null}
            focusAdd={overlay.adding}
            onOpen={(hostId) => {
              closeOverlay()
              hosts.open(hostId)
            }}
            onClose={closeOverlay}
          />
        )}
        {overlay?.kind === 'settings' && (
          <SettingsPanel
            settings={settings}
            info={info}
            onUpdate={updateSettings}
            onOpenProfiles={openProfiles}
            onClose={closeOverlay}
            extra={<TriggersSection client={client} lanes={allLanes} workspaces={workspaces} profiles={profiles} />}
          />
        )}
        {overlay?.kind === 'usage' && <UsagePanel lanes={lanes} workspaces={workspaces} onClose={closeOverlay} />}
        {overlay?.kind === 'background' && (
          <BackgroundDialog
            workspaces={workspaces}
            profiles={profiles}
            defaultWorkspaceId={selectedWorkspace?.id ?? null}
            onCreated={(lane) => {
              setOverlay(null)
              setLanes((list) => upsertLane(list, lane))
              push(`${lane.title || 'The agent'} started in the background`, 'info')
            }}
            onClose={closeOverlay}
          />
        )}
        {overlay?.kind === 'closeLane' && (
          <CloseLaneDialog
            lane={overlay.lane}
            concerns={overlay.concerns}
            onClose={async (choice) => {
              await finishClose(overlay.lane, choice)
              setOverlay(null)
            }}
            onCancel={closeOverlay}
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
