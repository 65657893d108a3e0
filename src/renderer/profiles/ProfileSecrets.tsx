import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import type { Profile } from '../../shared/contract'
import { useApp } from '../app/context'
import { secretRows } from './env-text'

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * A profile's secrets: names with "set" / "not set", never values. A value typed here goes to main
 * once and is dropped from the page at once (it is not kept, shown or read back).
 */
export function ProfileSecrets({ profile, known }: { profile: Profile; known: readonly string[] }) {
  const { client, reportError } = useApp()
  const [stored, setStored] = useState<{ name: string; set: boolean }[] | null>(null)
  const [editing, setEditing] = useState<string | null>(null)
  const [adding, setAdding] = useState(false)
  const [busy, setBusy] = useState<string | null>(null)

  const load = useCallback(() => {
    client.call('secrets.list', { profileId: profile.id }).then(setStored, reportError)
  }, [client, reportError, profile.id])
  useEffect(load, [load])

  const save = async (name: string, value: string): Promise<boolean> => {
    setBusy(name)
    try {
      await client.call('secrets.set', { profileId: profile.id, name, value })
      setEditing(null)
      setAdding(false)
      load()
      return true
    } catch (e) {
      reportError(e)
      return false
    } finally {
      setBusy(null)
    }
  }
  const remove = async (name: string) => {
    setBusy(name)
    try {
      await client.call('secrets.remove', { profileId: profile.id, name })
      load()
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(null)
    }
  }

  const rows = secretRows(stored ?? [], known)
  return (
    <div className="profile-secrets" aria-label={`Secrets of ${profile.name}`} role="group">
      <div className="secrets-head">
        <span className="secrets-title">Secrets</span>
        <span className="secrets-sub">
          {known.length > 0 ? 'log in, or set a key; given to this profile\'s lanes as environment variables' : 'given to this profile\'s lanes as environment variables'}
        </span>
        {!adding && (
          <button className="button button-small button-ghost secrets-add" onClick={() => (setAdding(true), setEditing(null))}>
            + Add secret
          </button>
        )}
      </div>
      {rows.length > 0 && (
        <ul className="secret-list">
          {rows.map((row) => (
            <li key={row.name} className="secret-row" data-secret={row.name} data-set={row.set}>
              <code className="secret-name">{row.name}</code>
              <span className={`secret-state ${row.set ? 'secret-set' : 'secret-unset'}`}>{row.set ? 'set' : 'not set'}</span>
              {editing === row.name ? (
                <SecretValueForm
                  name={row.name}
                  busy={busy === row.name}
                  onSave={(value) => save(row.name, value)}
                  onCancel={() => setEditing(null)}
                />
              ) : (
                <span className="secret-actions">
                  <button
                    className="button button-small"
                    disabled={busy !== null}
                    aria-label={`${row.set ? 'Replace' : 'Set'} ${row.name}`}
                    onClick={() => (setEditing(row.name), setAdding(false))}
                  >
                    {row.set ? 'Replace…' : 'Set…'}
                  </button>
                  {row.set && (
                    <button
                      className="button button-small button-ghost button-danger"
                      disabled={busy !== null}
                      aria-label={`Remove ${row.name}`}
                      onClick={() => void remove(row.name)}
                    >
                      Remove
                    </button>
                  )}
                </span>
              )}
            </li>
          ))}
        </ul>
      )}
      {adding && <NewSecretForm busy={busy !== null} taken={rows.filter((r) => r.set).map((r) => r.name)} onSave={save} onCancel={() => setAdding(false)} />}
    </div>
  )
}

/** A password field whose value lives only until it is sent. */
function SecretValueForm(props: { name: string; busy: boolean; onSave(value: string): Promise<boolean>; onCancel(): void }) {
  const [value, setValue] = useState('')
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => input.current?.focus(), [])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!value || props.busy) return
    const v = value
    // Not kept: cleared before the call, on success and failure alike.
    setValue('')
    void props.onSave(v)
  }
  return (
    <form className="secret-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), props.onCancel())}>
      <input
        ref={input}
        className="input input-small secret-input"
        type="password"
        autoComplete="off"
        spellCheck={false}
        aria-label={`Value of ${props.name}`}
        placeholder="value (not shown again)"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="button button-small button-primary" disabled={!value || props.busy}>
        {props.busy ? 'Saving…' : 'Save'}
      </button>
      <button type="button" className="button button-small button-ghost" onClick={props.onCancel}>
        Cancel
      </button>
    </form>
  )
}

function NewSecretForm(props: { busy: boolean; taken: string[]; onSave(name: string, value: string): Promise<boolean>; onCancel(): void }) {
  const [name, setName] = useState('')
  const [value, setValue] = useState('')
  const first = useRef<HTMLInputElement>(null)
  useEffect(() => first.current?.focus(), [])
  const trimmed = name.trim()
  const error = trimmed && !NAME.test(trimmed) ? 'Letters, digits and _, not starting with a digit' : trimmed && props.taken.includes(trimmed) ? 'Already set: replace it above' : null
  const submit = (e: FormEvent) => {
    e.preventDefault()
    if (!trimmed || error || !value || props.busy) return
    const v = value
    setValue('')
    void props.onSave(trimmed, v)
  }
  return (
    <form className="secret-form secret-new" onSubmit={submit} aria-label="New secret" onKeyDown={(e) => e.key === 'Escape' && (e.stopPropagation(), props.onCancel())}>
      <input
        ref={first}
        className={`input input-small secret-name-input${error ? ' input-invalid' : ''}`}
        aria-label="Secret name"
        placeholder="NAME"
        spellCheck={false}
        autoComplete="off"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <input
        className="input input-small secret-input"
        type="password"
        autoComplete="off"
        aria-label="Secret value"
        placeholder="value (not shown again)"
        value={value}
        onChange={(e) => setValue(e.target.value)}
      />
      <button type="submit" className="button button-small button-primary" disabled={!trimmed || !!error || !value || props.busy}>
        Save
      </button>
      <button type="button" className="button button-small button-ghost" onClick={props.onCancel}>
        Cancel
      </button>
      {error && <span className="settings-error">{error}</span>}
    </form>
  )
}
