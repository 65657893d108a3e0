import { useEffect, useRef, useState, type FormEvent } from 'react'
import type { Profile } from '../../shared/contract'
import { useApp } from '../app/context'
import { joinArgs, splitArgs } from '../ui/format'
import { MODEL_HINT } from './agents'
import { ModelField } from './ModelField'
import { formatEnv, parseEnv } from './env-text'

/** Edits a profile's name, command, arguments and environment (`profiles.update`). */
export function ProfileEditor(props: { profile: Profile; defaultCommand: string; onDone(saved: boolean): void }) {
  const { profile } = props
  const { client, reportError } = useApp()
  const [name, setName] = useState(profile.name)
  const [command, setCommand] = useState(profile.command)
  const [args, setArgs] = useState(joinArgs(profile.args))
  const [env, setEnv] = useState(formatEnv(profile.env))
  const [model, setModel] = useState(profile.model ?? '')
  const [mayDriveLanes, setMayDriveLanes] = useState(profile.mayDriveLanes ?? false)
  const [maxChildLanes, setMaxChildLanes] = useState(String(profile.maxChildLanes ?? 4))
  const canDrive = profile.kind !== 'pi' && profile.kind !== 'terminal'
  const [busy, setBusy] = useState(false)
  const first = useRef<HTMLInputElement>(null)
  useEffect(() => first.current?.focus(), [])
  const parsedEnv = parseEnv(env)
  const envError = parsedEnv.ok ? null : parsedEnv.message
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (!parsedEnv.ok || !name.trim() || busy) return
    setBusy(true)
    try {
      await client.call('profiles.update', {
        profileId: profile.id,
        patch: {
          name: name.trim(),
          command: command.trim(),
          args: splitArgs(args),
          env: parsedEnv.env,
          ...(MODEL_HINT[profile.kind] !== undefined ? { model: model.trim() } : {}),
          ...(canDrive ? { mayDriveLanes, maxChildLanes: Math.max(0, Math.min(64, Math.trunc(Number(maxChildLanes)) || 0)) } : {}),
        },
      })
      props.onDone(true)
    } catch (err) {
      reportError(err)
      setBusy(false)
    }
  }
  return (
    <form
      className="profile-editor"
      aria-label={`Edit ${profile.name}`}
      onSubmit={submit}
      onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), props.onDone(false))}
    >
      <div className="new-profile-grid">
        <label className="field">
          <span>Name</span>
          <input ref={first} className="input" value={name} maxLength={100} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>
            Command {props.defaultCommand && <em>empty: {props.defaultCommand}</em>}
          </span>
          <input className="input" value={command} placeholder={props.defaultCommand} spellCheck={false} onChange={(e) => setCommand(e.target.value)} />
        </label>
        {MODEL_HINT[profile.kind] !== undefined && (
          <div className="field">
            <span>Model</span>
            <ModelField profileId={profile.id} value={model} onChange={setModel} label={`Model of ${profile.name}`} emptyLabel="The agent's default" placeholder={MODEL_HINT[profile.kind]} />
          </div>
        )}
        <label className="field new-profile-args">
          <span>
            Arguments <em>quoted like a shell</em>
          </span>
          <input className="input" value={args} spellCheck={false} onChange={(e) => setArgs(e.target.value)} />
        </label>
        <label className="field new-profile-args">
          <span>
            Environment <em>one NAME=value per line; put keys and tokens in Secrets below, not here</em>
          </span>
          <textarea
            className={`input input-area${envError ? ' input-invalid' : ''}`}
            rows={Math.min(8, Math.max(2, env.split('\n').length + 1))}
            value={env}
            spellCheck={false}
            placeholder="NODE_OPTIONS=--max-old-space-size=4096"
            aria-invalid={envError !== null}
            onChange={(e) => setEnv(e.target.value)}
          />
          {envError && (
            <span className="settings-error" role="alert">
              {envError}
            </span>
          )}
        </label>
        {canDrive && (
          <label className="field new-profile-args profile-drive">
            <span>
              <input type="checkbox" checked={mayDriveLanes} onChange={(e) => setMayDriveLanes(e.target.checked)} /> May drive other lanes{' '}
              <em>its lanes get Switchyard’s tools: create lanes in their workspace, send, wait, read</em>
            </span>
            {mayDriveLanes && (
              <span>
                Up to <input className="input input-narrow" type="number" min={0} max={64} aria-label="Lanes each may create" value={maxChildLanes} onChange={(e) => setMaxChildLanes(e.target.value)} /> lanes
                each
              </span>
            )}
          </label>
        )}
      </div>
      <div className="dialog-actions">
        <button type="button" className="button button-small button-ghost" onClick={() => props.onDone(false)}>
          Cancel
        </button>
        <button type="submit" className="button button-small button-primary" disabled={busy || !name.trim() || envError !== null}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}
