/** Settings' Triggers section: what fires on what, switched on and off or removed here; added here or with the CLI. */
import { useCallback, useEffect, useState, type FormEvent } from 'react'
import type { Lane, MethodInput, Profile, Trigger, Workspace } from '../../shared/contract'
import { errorMessage, type Client } from '../host/client'
import { describeTrigger } from './trigger-model'
import './triggers.css'

interface Props {
  client: Client
  lanes: Lane[]
  workspaces: Workspace[]
  profiles: Profile[]
}

export function TriggersSection({ client, lanes, workspaces, profiles }: Props) {
  const [triggers, setTriggers] = useState<Trigger[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const refresh = useCallback(() => client.call('triggers.list', undefined).then(setTriggers, (e) => setError(errorMessage(e))), [client])
  useEffect(() => void refresh(), [refresh])
  const act = (p: Promise<unknown>) => p.then(() => (setError(null), refresh()), (e) => setError(errorMessage(e)))

  return (
    <section className="settings-section triggers" aria-labelledby="settings-triggers">
      <h3 className="profile-group-title" id="settings-triggers">
        Triggers
      </h3>
      {triggers === null ? (
        <p className="triggers-empty">Loading…</p>
      ) : triggers.length === 0 ? (
        <p className="triggers-empty">None yet. Forward a lane’s answers to another, get notified of failures, or run a prompt every day.</p>
      ) : (
        <ul className="triggers-list">
          {triggers.map((t) => (
            <li key={t.id} className={t.enabled ? '' : 'off'}>
              <label>
                <input
                  type="checkbox"
                  checked={t.enabled}
                  onChange={(e) => {
                    const enabled = e.target.checked
                    // Shown at once; the refresh after the call puts back what main holds.
                    setTriggers((all) => all && all.map((x) => (x.id === t.id ? { ...x, enabled } : x)))
                    void act(client.call('triggers.toggle', { triggerId: t.id, enabled }))
                  }}
                />
                <span>{describeTrigger(t, lanes, workspaces)}</span>
              </label>
              <button type="button" className="button button-small button-ghost" aria-label={`Remove trigger: ${describeTrigger(t, lanes, workspaces)}`} onClick={() => void act(client.call('triggers.remove', { triggerId: t.id }))}>
                Remove
              </button>
            </li>
          ))}
        </ul>
      )}
      <AddTrigger lanes={lanes} workspaces={workspaces} profiles={profiles} onAdd={(fields) => act(client.call('triggers.add', fields))} />
      {error && (
        <p className="triggers-error" role="alert">
          {error}
        </p>
      )}
    </section>
  )
}

function AddTrigger({ lanes, workspaces, profiles, onAdd }: Omit<Props, 'client'> & { onAdd(fields: MethodInput<'triggers.add'>): Promise<unknown> }) {
  const [kind, setKind] = useState<'forward' | 'notify' | 'schedule'>('forward')
  const [f, setF] = useState<Record<string, string>>({})
  const set = (key: string) => (e: { target: { value: string } }) => setF({ ...f, [key]: e.target.value })
  const submit = (e: FormEvent) => {
    e.preventDefault()
    // The contract checks what each kind needs; its message is shown as the error.
    const fields = Object.fromEntries(Object.entries(f).filter(([, v]) => v !== ''))
    void onAdd({ kind, ...fields } as MethodInput<'triggers.add'>).then(() => setF({}))
  }
  const laneSelect = (key: string, label: string) => (
    <select aria-label={label} value={f[key] ?? ''} onChange={set(key)}>
      <option value="">{label}…</option>
      {lanes.map((l) => (
        <option key={l.id} value={l.id}>
          {l.title}
        </option>
      ))}
    </select>
  )
  const wsSelect = (
    <select aria-label="Workspace" value={f.workspaceId ?? ''} onChange={set('workspaceId')}>
      <option value="">Workspace…</option>
      {workspaces.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  )
  return (
    <form className="triggers-add" onSubmit={submit}>
      <select aria-label="Kind of trigger" value={kind} onChange={(e) => setKind(e.target.value as typeof kind)}>
        <option value="forward">Forward a finished turn</option>
        <option value="notify">Notify on failure</option>
        <option value="schedule">Daily prompt</option>
      </select>
      {kind === 'forward' && (
        <>
          {laneSelect('fromLaneId', 'From lane')}
          {laneSelect('toLaneId', 'To lane')}
          <input aria-label="Template" placeholder="Review this: {{message}}" value={f.template ?? ''} onChange={set('template')} />
        </>
      )}
      {kind === 'notify' && wsSelect}
      {kind === 'schedule' && (
        <>
          {wsSelect}
          <select aria-label="Profile" value={f.profileId ?? ''} onChange={set('profileId')}>
            <option value="">Profile…</option>
            {profiles.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <input aria-label="Time of day" type="time" value={f.dailyAt ?? ''} onChange={set('dailyAt')} />
          <input aria-label="Prompt" placeholder="Prompt" value={f.prompt ?? ''} onChange={set('prompt')} />
        </>
      )}
      <button type="submit" className="button button-small">
        Add
      </button>
    </form>
  )
}
