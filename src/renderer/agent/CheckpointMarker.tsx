import { useState } from 'react'
import type { ChangedFile } from '../../shared/contract'
import { useApp } from '../app/context'
import { DiffView } from '../ui/DiffView'
import type { ItemOf } from './transcript-model'
import './checkpoints.css'

/** What a checkpoint marker says about its moment. */
export function checkpointLabel(item: Pick<ItemOf<'checkpoint'>, 'turn' | 'phase' | 'restoring' | 'path'>): string {
  switch (item.phase) {
    case 'start':
      return item.turn <= 1 ? 'Files before the first turn' : `Files before turn ${item.turn}`
    case 'end':
      return `Files at the end of turn ${item.turn}`
    case 'restore':
      return `${item.path ? item.path : 'Files'} restored to checkpoint ${item.restoring}; this is how they were before`
    case 'manual':
      return 'Files saved'
  }
}

type Open = null | { kind: 'diff' | 'restore'; files: ChangedFile[]; rewind: boolean }

/**
 * A turn boundary in the transcript: "files at this point", the diff from now back to it, and Restore
 * with a preview of what changes (restoring saves the present first, so it can be undone from its own marker).
 */
export function CheckpointMarker({ item, laneId, onRestored }: { item: ItemOf<'checkpoint'>; laneId: string; onRestored?: () => void }) {
  const { client, reportError, notify } = useApp()
  const [open, setOpen] = useState<Open>(null)
  const [busy, setBusy] = useState(false)

  const show = async (kind: 'diff' | 'restore') => {
    if (open?.kind === kind) return setOpen(null)
    setBusy(true)
    try {
      const [{ files }, { rewind }] = await Promise.all([client.call('checkpoints.diff', { laneId, n: item.n }), client.call('checkpoints.list', { laneId })])
      setOpen({ kind, files, rewind })
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(false)
    }
  }

  const restore = async (conversation: boolean) => {
    setBusy(true)
    try {
      const r = await client.call('checkpoints.restore', { laneId, n: item.n, conversation })
      setOpen(null)
      onRestored?.()
      const what = r.files.length === 1 ? '1 file' : `${r.files.length} files`
      notify(
        r.conversation === 'rewound'
          ? `Restored ${what} and the conversation to checkpoint ${item.n}`
          : `Restored ${what} to checkpoint ${item.n}; the agent is told with your next message`,
        'info',
      )
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(false)
    }
  }

  const undo = item.phase === 'restore'
  return (
    <div className="t-checkpoint" data-n={item.n} data-phase={item.phase}>
      <div className="t-checkpoint-bar">
        <span className="t-checkpoint-label">{checkpointLabel(item)}</span>
        <button type="button" className="button button-small" disabled={busy} aria-expanded={open?.kind === 'diff'} onClick={() => void show('diff')}>
          Diff vs now
        </button>
        <button type="button" className="button button-small" disabled={busy} aria-expanded={open?.kind === 'restore'} onClick={() => void show('restore')}>
          {undo ? 'Undo restore…' : 'Restore…'}
        </button>
      </div>
      {open && (
        <div className="t-checkpoint-panel" role="region" aria-label={open.kind === 'diff' ? `Changes since checkpoint ${item.n}` : `Restore checkpoint ${item.n}`}>
          {open.files.length === 0 ? (
            <div className="t-checkpoint-empty">The files are as they were at this point.</div>
          ) : open.kind === 'diff' ? (
            open.files.map((f) => (
              <details key={f.path} className="t-checkpoint-file">
                <summary>
                  {f.path} <span className="t-checkpoint-status">{f.status}</span>
                </summary>
                {f.binary ? <div>Binary file</div> : <DiffView diff={f.diff} split={false} />}
              </details>
            ))
          ) : (
            <>
              <div className="t-checkpoint-preview-title">Restoring changes {open.files.length === 1 ? '1 file' : `${open.files.length} files`}:</div>
              <ul className="t-checkpoint-preview">
                {open.files.map((f) => (
                  <li key={f.path}>
                    {/* From now to the checkpoint: "deleted" means restoring deletes it. */}
                    <span className="t-checkpoint-status">{f.status === 'added' ? 'comes back' : f.status === 'deleted' ? 'is deleted' : 'changes'}</span> {f.path}
                  </li>
                ))}
              </ul>
              <div className="t-checkpoint-actions">
                <button type="button" className="button button-small button-primary" disabled={busy} onClick={() => void restore(false)}>
                  Restore files
                </button>
                {open.rewind && !undo && (
                  <button type="button" className="button button-small" disabled={busy} onClick={() => void restore(true)}>
                    Restore files and conversation
                  </button>
                )}
                <button type="button" className="button button-small" disabled={busy} onClick={() => setOpen(null)}>
                  Cancel
                </button>
              </div>
            </>
          )}
        </div>
      )}
    </div>
  )
}
