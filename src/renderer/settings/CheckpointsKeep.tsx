import { useEffect, useState, type FormEvent } from 'react'

/** Whole numbers from 1 to 10,000, as the contract takes them; anything else is said, not saved. */
export function parseKeep(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const n = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 10_000) return { ok: false, message: 'A whole number from 1 to 10,000' }
  return { ok: true, value: n }
}

/** Settings row: how many checkpoints each lane keeps (the oldest are pruned). */
export function CheckpointsKeep({ value, onSave }: { value: number; onSave(value: number): Promise<boolean> }) {
  const [text, setText] = useState(String(value))
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setText(String(value)), [value])
  const commit = async (e?: FormEvent) => {
    e?.preventDefault()
    const parsed = parseKeep(text)
    if (!parsed.ok) return setError(parsed.message)
    setError(null)
    if (parsed.value !== value) await onSave(parsed.value)
  }
  return (
    <form className="settings-row" onSubmit={commit} noValidate>
      <div className="settings-label">
        <label htmlFor="checkpoints-keep">Checkpoints per lane</label>
        <small>Each turn's files are saved at its start and end (in git repositories); the oldest past this many are pruned.</small>
      </div>
      <div className="settings-control">
        <input
          id="checkpoints-keep"
          className={`input input-number${error ? ' input-invalid' : ''}`}
          type="number"
          inputMode="numeric"
          min={1}
          max={10_000}
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
