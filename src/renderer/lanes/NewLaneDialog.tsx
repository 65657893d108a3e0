import { useContext, useEffect, useMemo, useState, type FormEvent } from 'react'
import { hostOf, sameHost } from '../host/lane-ref'
import { HostsContext } from '../hosts/HostMark'
import { useDialog } from '../ui/dialog'
import type { AgentInfo, MethodInput, Profile, Workspace } from '../../shared/contract'
import { agentFor, groupProfiles, MODEL_HINT, missingHint } from '../profiles/agents'
import { ModelField } from '../profiles/ModelField'
import { WorktreeFields, useWorktreeChoice } from '../review/WorktreeFields'

export interface NewLaneChoice {
  workspaceId: string
  profileId: string
  title?: string
  /** This lane's model instead of the profile's. */
  model?: string
  /** Own git worktree (none for a folder outside git). */
  worktree?: MethodInput<'lanes.create'>['worktree']
}

interface Props {
  workspaces: Workspace[]
  profiles: Profile[]
  /** Detected agent CLIs (null while unknown). */
  agents: AgentInfo[] | null
  detecting?: boolean
  defaultWorkspaceId: string | null
  onCreate(choice: NewLaneChoice): Promise<boolean>
  onClose(): void
  onAddFolder(): void
}

/** The default profile: the last one used, else the built-in terminal ("Shell"), else the first. */
export function defaultProfileId(profiles: readonly Profile[], lastUsed: string | null): string {
  if (lastUsed && profiles.some((p) => p.id === lastUsed)) return lastUsed
  return (profiles.find((p) => p.builtIn && p.kind === 'terminal') ?? profiles[0])?.id ?? ''
}

let lastProfileId: string | null = null

export function NewLaneDialog({ workspaces, profiles: everyProfile, agents, detecting, defaultWorkspaceId, onCreate, onClose, onAddFolder }: Props) {
  const [workspaceId, setWorkspaceId] = useState(
    defaultWorkspaceId && workspaces.some((w) => w.id === defaultWorkspaceId) ? defaultWorkspaceId : (workspaces[0]?.id ?? ''),
  )
  // A lane runs on its workspace's machine, with a profile of that machine.
  const profiles = useMemo(() => everyProfile.filter((p) => sameHost(p.id, workspaceId)), [everyProfile, workspaceId])
  const hostNames = useContext(HostsContext)
  const [profileId, setProfileId] = useState(() => defaultProfileId(profiles, lastProfileId))
  const [title, setTitle] = useState('')
  const [model, setModel] = useState('')
  const [busy, setBusy] = useState(false)
  const first = useDialog<HTMLSelectElement>(onClose)
  // Profiles may arrive after the dialog opened.
  useEffect(() => {
    if (!profiles.some((p) => p.id === profileId)) setProfileId(defaultProfileId(profiles, lastProfileId))
  }, [profiles, profileId])
  useEffect(() => {
    if (!workspaces.some((w) => w.id === workspaceId)) setWorkspaceId(workspaces[0]?.id ?? '')
  }, [workspaces, workspaceId])

  const selectedPath = workspaces.find((w) => w.id === workspaceId)?.path ?? ''
  const selectedProfile = profiles.find((p) => p.id === profileId)
  const missing = selectedProfile ? missingHint(selectedProfile, agents) : null
  const found = selectedProfile ? agentFor(selectedProfile, agents) : undefined
  const worktree = useWorktreeChoice(workspaceId, selectedProfile?.kind)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!workspaceId || !profileId || busy) return
    setBusy(true)
    lastProfileId = profileId
    const ok = await onCreate({ workspaceId, profileId, title: title.trim() || undefined, ...(model.trim() && selectedProfile && MODEL_HINT[selectedProfile.kind] !== undefined ? { model: model.trim() } : {}), worktree: worktree.input() })
    setBusy(false)
    if (ok) onClose()
  }

  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && onClose()}
    >
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby="new-lane-title" onSubmit={submit}>
        <h2 id="new-lane-title">New lane</h2>
        {workspaces.length === 0 ? (
          <div className="dialog-empty">
            <p>A lane runs in a workspace folder. Add one first.</p>
            <div className="dialog-actions">
              <button type="button" className="button button-ghost" onClick={onClose}>
                Cancel
              </button>
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  onClose()
                  onAddFolder()
                }}
              >
                Add folder
              </button>
            </div>
          </div>
        ) : (
          <>
            <label className="field">
              <span>Workspace</span>
              <select ref={first} className="input" value={workspaceId} onChange={(e) => setWorkspaceId(e.target.value)}>
                {workspaces.map((w) => (
                  <option key={w.id} value={w.id}>
                    {w.name}
                    {hostOf(w.id) ? ` — on ${hostNames.get(hostOf(w.id)!)?.name ?? hostOf(w.id)}` : ''}
                  </option>
                ))}
              </select>
              <small className="field-hint" title={selectedPath}>
                <bdi dir="ltr">{selectedPath}</bdi>
              </small>
            </label>
            <label className="field">
              <span>Profile</span>
              <select className="input" value={profileId} onChange={(e) => (setProfileId(e.target.value), setModel(''))}>
                {profiles.length === 0 && <option value="">loading…</option>}
                {groupProfiles(profiles).map((group) => (
                  <optgroup key={group.kind} label={group.label}>
                    {group.profiles.map((p) => (
                      <option key={p.id} value={p.id} data-missing={missingHint(p, agents) ? '' : undefined}>
                        {p.name}
                        {missingHint(p, agents) ? ' — not installed' : ''}
                      </option>
                    ))}
                  </optgroup>
                ))}
              </select>
              {missing ? (
                <small className="field-warning" role="note">
                  {missing}
                </small>
              ) : found?.installed ? (
                <small className="field-ok">
                  Installed{found.version ? ` · v${found.version}` : ''}
                  {found.path ? <span className="field-ok-path"> · {found.path}</span> : null}
                </small>
              ) : selectedProfile && selectedProfile.kind !== 'terminal' && detecting && !agents ? (
                <small className="field-hint-plain">Looking for installed agents…</small>
              ) : null}
            </label>
            <label className="field">
              <span>
                Title <em>optional</em>
              </span>
              <input
                className="input"
                value={title}
                maxLength={200}
                placeholder="e.g. tests, refactor…"
                onChange={(e) => setTitle(e.target.value)}
              />
            </label>
            {selectedProfile && MODEL_HINT[selectedProfile.kind] !== undefined && (
              <div className="field">
                <span>Model</span>
                <ModelField
                  key={selectedProfile.id}
                  profileId={selectedProfile.id}
                  value={model}
                  onChange={setModel}
                  label="Model of this lane"
                  emptyLabel={selectedProfile.model ? `The profile's (${selectedProfile.model})` : "The agent's default"}
                  placeholder={selectedProfile.model || MODEL_HINT[selectedProfile.kind]}
                />
              </div>
            )}
            <WorktreeFields choice={worktree} />
            <div className="dialog-actions">
              <button type="button" className="button button-ghost" onClick={onClose}>
                Cancel
              </button>
              <button type="submit" className="button button-primary" disabled={busy || !workspaceId || !profileId}>
                {busy ? 'Creating…' : 'Create lane'}
              </button>
            </div>
          </>
        )}
      </form>
    </div>
  )
}
