import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { AgentInfo, ApprovalPolicy, Lane, MethodOutput, Profile, Workspace } from '../../shared/contract'
import { useApp } from '../app/context'
import { IDLE_CHOICES, idleLabel, joinArgs, splitArgs } from '../ui/format'
import { agentFor, groupProfiles, knownSecretsFor, KIND_LABEL, POLICY_LABEL } from './agents'
import { ProfileEditor } from './ProfileEditor'
import { ProfileSecrets } from './ProfileSecrets'
import { PanelDialog } from '../ui/dialog'
import './profiles.css'

interface Props {
  profiles: Profile[]
  agents: AgentInfo[] | null
  detecting: boolean
  /** Where a login lane opens. */
  workspace: Workspace | null
  onChanged(): void
  /** A login lane was created: show and focus it. */
  onLoginLane(lane: Lane): void
  onClose(): void
}

/**
 * Lists profiles; edits command, args, env, approval policy and idle timeout; sets secrets; logs in;
 * imports global config; adds custom ACP agents.
 */
export function ProfilesPanel({ profiles, agents, detecting, workspace, onChanged, onLoginLane, onClose }: Props) {
  const { client } = useApp()
  const [creating, setCreating] = useState(false)
  const [info, setInfo] = useState<MethodOutput<'app.info'> | null>(null)
  useEffect(() => {
    // Only for the note on where secrets are kept; without it the panel works the same.
    client.call('app.info', {}).then(setInfo, () => {})
  }, [client])
  return (
    <PanelDialog
      id="profiles-title"
      title="Profiles"
      sub={detecting ? 'Looking for installed agents…' : 'Launch recipes for agents and shells'}
      className="profiles-panel"
      closeLabel="Close profiles"
      onClose={onClose}
    >
      <div className="profiles-scroll">
        {info?.mode === 'server' && (
          <p className="profiles-note" role="note">
            Server mode keeps secrets in <code>{`${info.dataDir}/secrets.json`}</code> (readable only by you).
          </p>
        )}
        {groupProfiles(profiles).map((group) => (
          <section key={group.kind} className="profile-group" aria-label={group.label}>
            <h3 className="profile-group-title">{group.label}</h3>
            {group.profiles.map((p) => (
              <ProfileRow
                key={p.id}
                profile={p}
                agent={agentFor(p, agents)}
                knownSecrets={knownSecretsFor(p, agents)}
                workspace={workspace}
                onChanged={onChanged}
                onLoginLane={onLoginLane}
              />
            ))}
          </section>
        ))}
        {creating ? (
          <NewAcpProfile
            onDone={(created) => {
              setCreating(false)
              if (created) onChanged()
            }}
          />
        ) : (
          <button className="button button-small new-profile-button" onClick={() => setCreating(true)}>
            + New custom ACP profile
          </button>
        )}
      </div>
    </PanelDialog>
  )
}

function ProfileRow(props: {
  profile: Profile
  agent: AgentInfo | undefined
  /** Credential variables its preset's agent accepts (even when the profile runs another command). */
  knownSecrets: string[]
  workspace: Workspace | null
  onChanged(): void
  onLoginLane(lane: Lane): void
}) {
  const { profile, agent, workspace } = props
  const { client, reportError, notify } = useApp()
  const [busy, setBusy] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const editButton = useRef<HTMLButtonElement>(null)
  const structured = profile.kind !== 'terminal'
  const hasPreset = structured && profile.preset !== undefined

  const patch = async (change: { approvalPolicy?: ApprovalPolicy; idleTimeoutMs?: number }) => {
    setBusy('patch')
    try {
      await client.call('profiles.update', { profileId: profile.id, patch: change })
      props.onChanged()
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(null)
    }
  }
  const login = async () => {
    if (!workspace) return
    setBusy('login')
    try {
      props.onLoginLane(await client.call('profiles.login', { profileId: profile.id, workspaceId: workspace.id }))
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(null)
    }
  }
  const importGlobal = async () => {
    setBusy('import')
    try {
      const { copied, missing } = await client.call('profiles.importGlobal', { profileId: profile.id })
      const parts: string[] = []
      parts.push(copied.length > 0 ? `Copied into ${profile.name}: ${copied.join(', ')}.` : `Nothing copied into ${profile.name}.`)
      if (missing.length > 0) parts.push(`Not found: ${missing.join(', ')}.`)
      notify(parts.join(' '), copied.length > 0 ? 'info' : 'error')
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(null)
    }
  }
  const remove = async () => {
    setBusy('remove')
    try {
      await client.call('profiles.remove', { profileId: profile.id })
      props.onChanged()
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(null)
    }
  }

  const command = profile.command || agent?.command || (profile.kind === 'terminal' ? 'login shell' : '')
  const idleKnown = IDLE_CHOICES.some((c) => c.ms === profile.idleTimeoutMs)
  return (
    <div className="profile-row" data-profile-id={profile.id} aria-label={`Profile ${profile.name}`} role="group">
      <div className="profile-name-row">
        <span className="profile-name">{profile.name}</span>
        <span className={`kind-tag kind-${profile.kind}`}>{profile.kind}</span>
        {profile.builtIn && <span className="t-tag">built-in</span>}
        <span className="profile-spacer" />
        {hasPreset && (
          <>
            <button
              className="button button-small"
              disabled={busy !== null || !workspace}
              title={workspace ? `Run ${KIND_LABEL[profile.kind]}'s own login in a terminal lane on ${workspace.name}` : 'Add a workspace first'}
              onClick={() => void login()}
            >
              {busy === 'login' ? 'Opening…' : 'Log in'}
            </button>
            <button
              className="button button-small"
              disabled={busy !== null}
              title="Copy your existing auth and settings files of this agent into the profile's private config dir (your own files stay as they are)"
              onClick={() => void importGlobal()}
            >
              {busy === 'import' ? 'Importing…' : 'Import from my global config'}
            </button>
          </>
        )}
        <button
          ref={editButton}
          className="button button-small button-ghost"
          aria-expanded={editing}
          aria-label={`Edit ${profile.name}`}
          title="Name, command, arguments and environment"
          onClick={() => setEditing(!editing)}
        >
          Edit
        </button>
        {!profile.builtIn && (
          <button className="button button-small button-ghost button-danger" disabled={busy !== null} onClick={() => void remove()}>
            Remove
          </button>
        )}
      </div>
      <div className="profile-command-row">
        <code className="profile-command" title={[command, ...profile.args].join(' ')}>
          {command}
          {profile.args.length > 0 ? ` ${joinArgs(profile.args)}` : ''}
        </code>
        {agent &&
          (agent.installed ? (
            <span className="install-ok" title={agent.path}>
              installed{agent.version ? ` · v${agent.version}` : ''}
            </span>
          ) : (
            <span className="install-missing" title="Install it, then reopen this panel">
              Not installed: <code>{agent.install}</code>
            </span>
          ))}
      </div>
      {editing && (
        <ProfileEditor
          profile={profile}
          defaultCommand={agent?.command ?? (profile.kind === 'terminal' ? 'your login shell' : '')}
          onDone={(saved) => {
            setEditing(false)
            editButton.current?.focus()
            if (saved) props.onChanged()
          }}
        />
      )}
      <div className="profile-controls">
        {structured && (
          <label className="inline-field">
            <span>Approvals</span>
            <select
              className="input input-small"
              aria-label={`Approval policy of ${profile.name}`}
              value={profile.approvalPolicy}
              disabled={busy !== null}
              onChange={(e) => void patch({ approvalPolicy: e.target.value as ApprovalPolicy })}
            >
              {(Object.keys(POLICY_LABEL) as ApprovalPolicy[]).map((p) => (
                <option key={p} value={p}>
                  {POLICY_LABEL[p]}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="inline-field">
          <span>Sleep when idle</span>
          <select
            className="input input-small"
            aria-label={`Idle timeout of ${profile.name}`}
            value={profile.idleTimeoutMs}
            disabled={busy !== null}
            onChange={(e) => void patch({ idleTimeoutMs: Number(e.target.value) })}
          >
            {!idleKnown && <option value={profile.idleTimeoutMs}>{idleLabel(profile.idleTimeoutMs)}</option>}
            {IDLE_CHOICES.map((c) => (
              <option key={c.ms} value={c.ms}>
                {c.label === 'never' ? 'never' : `after ${c.label}`}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ProfileSecrets profile={profile} known={props.knownSecrets} />
    </div>
  )
}

function NewAcpProfile({ onDone }: { onDone(created: boolean): void }) {
  const { client, reportError } = useApp()
  const [name, setName] = useState('')
  const [command, setCommand] = useState('')
  const [args, setArgs] = useState('')
  const [busy, setBusy] = useState(false)
  const first = useRef<HTMLInputElement>(null)
  useEffect(() => first.current?.focus(), [])
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!name.trim() || !command.trim() || busy) return
    setBusy(true)
    try {
      await client.call('profiles.create', { kind: 'acp', name: name.trim(), command: command.trim(), args: splitArgs(args) })
      onDone(true)
    } catch (err) {
      reportError(err)
      setBusy(false)
    }
  }
  return (
    <form className="new-profile" onSubmit={submit} aria-label="New custom ACP profile" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), onDone(false))}>
      <h3 className="profile-group-title">New custom ACP profile</h3>
      <p className="new-profile-hint">Any agent that speaks the Agent Client Protocol over stdio.</p>
      <div className="new-profile-grid">
        <label className="field">
          <span>Name</span>
          <input ref={first} className="input" value={name} maxLength={100} placeholder="My agent" onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Command</span>
          <input className="input" value={command} placeholder="/usr/local/bin/my-agent" spellCheck={false} onChange={(e) => setCommand(e.target.value)} />
        </label>
        <label className="field new-profile-args">
          <span>
            Arguments <em>optional, quoted like a shell</em>
          </span>
          <input className="input" value={args} placeholder="--acp" spellCheck={false} onChange={(e) => setArgs(e.target.value)} />
        </label>
      </div>
      <div className="dialog-actions">
        <button type="button" className="button button-small button-ghost" onClick={() => onDone(false)}>
          Cancel
        </button>
        <button type="submit" className="button button-small button-primary" disabled={busy || !name.trim() || !command.trim()}>
          {busy ? 'Creating…' : 'Create profile'}
        </button>
      </div>
    </form>
  )
}
