import { useEffect, useState } from 'react'
import type { ModelChoice } from '../../shared/contract'
import { useApp } from '../app/context'
import { errorMessage } from '../host/client'
import './model-field.css'

/** The select's value for "type an id": no model id can hold a space. */
const CUSTOM = 'custom …'

/** Whether `value` is typed by hand: not empty and not one of the agent's models. */
export function isCustomModel(value: string, models: readonly ModelChoice[] | undefined): boolean {
  return value !== '' && !(models ?? []).some((m) => m.id === value)
}

type Listed = { models: ModelChoice[] } | { error: string } | undefined

/**
 * A model picker fed by the agent's own list (`profiles.models`), plus "custom…" for an id it does not
 * list; plain text while the list loads, or where the agent lists none or could not be asked.
 */
export function ModelField(props: { profileId: string; value: string; onChange(value: string): void; label: string; emptyLabel: string; placeholder?: string }) {
  const { client } = useApp()
  const [listed, setListed] = useState<Listed>(undefined)
  const [custom, setCustom] = useState(false)
  const [asked, setAsked] = useState(0)
  useEffect(() => {
    let live = true
    setListed(undefined)
    client.call('profiles.models', { profileId: props.profileId, ...(asked ? { refresh: true } : {}) }).then(
      (models) => live && setListed({ models }),
      (err: unknown) => live && setListed({ error: errorMessage(err) }),
    )
    return () => {
      live = false
    }
  }, [client, props.profileId, asked])
  const models = listed && 'models' in listed ? listed.models : undefined
  const typing = !models?.length || custom || isCustomModel(props.value, models)
  const status = listed === undefined ? 'Asking the agent for its models…' : 'error' in listed ? `The agent's models could not be listed: ${listed.error}` : models?.length ? undefined : 'The agent lists no models: type an id'
  return (
    <div className="model-field">
      {models?.length ? (
        <select
          className="input"
          aria-label={props.label}
          value={typing ? CUSTOM : props.value}
          onChange={(e) => {
            const v = e.target.value
            setCustom(v === CUSTOM)
            props.onChange(v === CUSTOM ? props.value : v)
          }}
        >
          <option value="">{props.emptyLabel}</option>
          {models.map((m) => (
            <option key={m.id} value={m.id} title={m.description}>
              {m.name === m.id ? m.id : `${m.name} · ${m.id}`}
            </option>
          ))}
          <option value={CUSTOM}>custom…</option>
        </select>
      ) : null}
      {typing && (
        <input
          className="input"
          value={props.value}
          maxLength={200}
          spellCheck={false}
          aria-label={models?.length ? `${props.label}, custom id` : props.label}
          placeholder={props.placeholder}
          onChange={(e) => props.onChange(e.target.value.trim())}
        />
      )}
      <span className="model-field-status">
        {status && <em>{status}</em>}
        <button type="button" className="button button-small button-ghost" title="Ask the agent for its models again" disabled={listed === undefined} onClick={() => setAsked((n) => n + 1)}>
          Refresh list
        </button>
      </span>
    </div>
  )
}
