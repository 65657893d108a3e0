import { useEffect, useState, type FormEvent } from 'react'

type Parsed = { ok: true; value: number } | { ok: false; message: string }

/** Whole numbers from 1 to 10,000 (checkpoints per lane), as the contract takes them; anything else is said, not saved. */
export function parseKeep(text: string): Parsed {
  const n = Number(text.trim())
  if (!/^\d+$/.test(text.trim()) || n < 1 || n > 10_000) return { ok: false, message: 'A whole number from 1 to 10,000' }
  return { ok: true, value: n }
}

/** Hours from 0 (never) to a year, fractions allowed, as the contract takes them. */
export function parseHours(text: string): Parsed {
  const t = text.trim()
  const n = Number(t)
  if (!/^\d+(\.\d+)?$/.test(t) || n > 24 * 365) return { ok: false, message: 'Hours from 0 (never) to 8760' }
  return { ok: true, value: n }
}

interface Props {
  id: string
  label: string
  hint: string
  value: number
  parse(text: string): Parsed
  min: number
  max: number
  /** Fractions allowed ("any") or whole numbers only. */
  fractions?: boolean
  onSave(value: number): Promise<boolean>
}

/** A settings row for one number: saved on Enter or blur when it parses and changed; otherwise says why. */
export function NumberSetting({ id, label, hint, value, parse, min, max, fractions = false, onSave }: Props) {
  const [text, setText] = useState(String(value))
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setText(String(value)), [value])
  const commit = async (e?: FormEvent) => {
    e?.preventDefault()
    const parsed = parse(text)
    if (!parsed.ok) return setError(parsed.message)
    setError(null)
    if (parsed.value !== value) await onSave(parsed.value)
  }
  return (
    <form className="settings-row" onSubmit={commit} noValidate>
      <div className="settings-label">
        <label htmlFor={id}>{label}</label>
        <small>{hint}</small>
      </div>
      <div className="settings-control">
        <input
          id={id}
          className={`input input-number${error ? ' input-invalid' : ''}`}
          type="number"
          inputMode={fractions ? 'decimal' : 'numeric'}
          min={min}
          max={max}
          step={fractions ? 'any' : undefined}
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
