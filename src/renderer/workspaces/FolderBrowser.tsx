import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react'
import type { MethodOutput } from '../../shared/contract'
import { useApp } from '../app/context'
import { ClientError, errorMessage } from '../host/client'
import './folder-browser.css'

type Listing = MethodOutput<'fs.listDirs'>

/**
 * "Add workspace" where there is no native folder dialog (a host, a browser): the core's folders from
 * `fs.listDirs`, starting at its home. Click to go in, ".." to go up, or type a path; Add takes the
 * path in the field.
 */
export function FolderBrowser({ onAdd, onCancel }: { onAdd(path: string): Promise<boolean>; onCancel(): void }) {
  const { client } = useApp()
  const [listing, setListing] = useState<Listing | null>(null)
  const [path, setPath] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const input = useRef<HTMLInputElement>(null)

  const open = useCallback(
    async (where?: string) => {
      setError(null)
      try {
        const next = await client.call('fs.listDirs', where === undefined ? {} : { path: where })
        setListing(next)
        // The first listing (the home) does not replace what the user has typed meanwhile.
        setPath((typed) => (where === undefined && typed !== '' ? typed : next.path))
      } catch (e) {
        // A lost connection is the banner's to say, not the browser's.
        if (e instanceof ClientError && e.code === 'internal' && e.message === 'disconnected') return
        setError(errorMessage(e))
      }
    },
    [client],
  )
  useEffect(() => {
    void open()
    input.current?.focus()
  }, [open])

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const value = path.trim()
    if (!value || busy) return
    setBusy(true)
    const ok = await onAdd(value)
    setBusy(false)
    if (ok) setPath('')
  }
  const join = (name: string) => (listing!.path.endsWith('/') ? listing!.path + name : `${listing!.path}/${name}`)

  return (
    <form className="path-form folder-browser" onSubmit={submit} aria-label="Choose a folder">
      <input
        ref={input}
        className="input"
        placeholder="/path/to/folder"
        aria-label="Folder path"
        value={path}
        spellCheck={false}
        onChange={(e) => setPath(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') onCancel()
          // Tab-like: go to the typed folder without adding it.
          if (e.key === 'ArrowDown' && path.trim()) {
            e.preventDefault()
            void open(path.trim())
          }
        }}
      />
      {error && (
        <small className="settings-error" role="alert">
          {error}
        </small>
      )}
      {listing && (
        <ul className="folder-list" aria-label={`Folders in ${listing.path}`}>
          {listing.parent !== null && (
            <li>
              <button type="button" className="folder-entry" onClick={() => void open(listing.parent!)} title={listing.parent}>
                ..
              </button>
            </li>
          )}
          {listing.entries.map((e) => (
            <li key={e.name}>
              <button type="button" className="folder-entry" onClick={() => void open(join(e.name))} title={join(e.name)}>
                {e.name}
                {e.link && <span className="folder-tag"> → link</span>}
                {e.git && <span className="folder-tag folder-git">git</span>}
              </button>
            </li>
          ))}
          {listing.entries.length === 0 && <li className="folder-empty">No folders here</li>}
          {listing.truncated && <li className="folder-empty">Only the first {listing.entries.length} are shown: type the path</li>}
        </ul>
      )}
      <div className="path-form-actions">
        <button type="button" className="button button-small button-ghost" onClick={() => void open(path.trim() || undefined)} disabled={busy} title="List the folder typed above (↓)">
          Go
        </button>
        <button type="button" className="button button-small button-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="button button-small button-primary" disabled={busy || !path.trim()}>
          Add
        </button>
      </div>
    </form>
  )
}
