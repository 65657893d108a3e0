import { useEffect, useState, type FormEvent } from 'react'

/** Hours from 0 (never) to a year, fractions allowed, as the contract takes them; anything else is said, not saved. */
export function parseHours(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim()
  const n = Number(t)
  if (!/^\d+(\.\d+)?$/.test(t) || n > 24 * 365) return { ok: false, message: 'Hours from 0 (never) to 8760' }
  return { ok: true, value: n }
}

/** Settings row: how long a host's core may go without a client before it puts its idle lanes to sleep. */
export function NoClientReap({ value, onSave }: { value: number; onSave(value: number): Promise<boolean> }) {
  const [text, setText] = useState(String(value))
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setText(String(value)), [value])
  const commit = async (e?: FormEvent) => {
    e?.preventDefault()
    const parsed = parseHours(text)
    if (!parsed.ok) return setError(parsed.message)
    setError(null)
    if (parsed.value !== value) await onSave(parsed.value)
  }
  return (
    <form className="settings-row" onSubmit={commit} noValidate>
      <div className="settings-label">
        <label htmlFor="no-client-reap">Hosts: sleep idle lanes after (hours without this app)</label>
        <small>A host left with no app connected puts its idle lanes to sleep after this long; running turns finish first. 0: never. Given to each host when it connects.</small>
      </div>
      <div className="settings-control">
        <input
          id="no-client-reap"
          className={`input input-number${error ? ' input-invalid' : ''}`}
          type="number"
          inputMode="decimal"
          min={0}
          max={24 * 365}
          step="any"
          value={text}
          aria-invalid={error !== null}
          onChange={(e) => setText(e.target.value)}
          onBlur={() => void commit()}
        />
        {error && (
          <small className="settings-error" role="alert">
            {error}
          </small>
        )}
      </div>
    </form>
  )
}
