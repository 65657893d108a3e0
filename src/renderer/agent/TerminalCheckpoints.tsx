import { useCallback, useEffect, useState } from 'react'
import type { Checkpoint } from '../../shared/contract'
import { useApp } from '../app/context'
import { CheckpointMarker } from './CheckpointMarker'

/**
 * A terminal lane's checkpoints: it has no turns, so files are saved on request ("Checkpoint now",
 * also in the palette), listed newest first, each with its diff against now and Restore.
 */
export function TerminalCheckpoints({ laneId, onClose }: { laneId: string; onClose(): void }) {
  const { client, reportError, notify } = useApp()
  const [list, setList] = useState<Checkpoint[] | null>(null)
  const [busy, setBusy] = useState(false)
  const load = useCallback(async () => {
    try {
      setList((await client.call('checkpoints.list', { laneId })).checkpoints)
    } catch (e) {
      reportError(e)
    }
  }, [client, laneId, reportError])
  useEffect(() => void load(), [load])

  const saveNow = async () => {
    setBusy(true)
    try {
      const c = await client.call('checkpoints.create', { laneId })
      if (!c) notify('Checkpoints need the lane to work in a git repository', 'error')
      await load()
    } catch (e) {
      reportError(e)
    } finally {
      setBusy(false)
    }
  }

  return (
    <div
      className="terminal-checkpoints"
      role="region"
      aria-label="Checkpoints"
      onKeyDown={(e) => {
        if (e.key === 'Escape') onClose()
      }}
    >
      <div className="terminal-checkpoints-head">
        <strong>Checkpoints</strong>
        <button type="button" className="button button-small button-primary" disabled={busy} onClick={() => void saveNow()}>
          Checkpoint now
        </button>
        <button type="button" className="icon-button" aria-label="Close checkpoints" onClick={onClose}>
          ×
        </button>
      </div>
      {list?.length === 0 && <div className="t-checkpoint-empty">No checkpoints yet: save the files as they are now, and come back to them later.</div>}
      {[...(list ?? [])].reverse().map((c) => (
        <CheckpointMarker key={c.n} laneId={laneId} item={{ id: `ckpt-${c.n}`, at: c.at, kind: 'checkpoint', n: c.n, turn: c.turn, phase: c.phase, restoring: c.restoring, path: c.path }} onRestored={() => void load()} />
      ))}
    </div>
  )
}
