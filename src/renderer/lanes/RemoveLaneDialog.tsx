import { useState } from 'react'
import { useDialog } from '../ui/dialog'
import type { Lane, MethodInput } from '../../shared/contract'
import '../review/review.css'

export type RemoveOptions = Omit<MethodInput<'lanes.remove'>, 'laneId'>

/** Closing a lane that has its own worktree: keep the worktree and branch, or delete them. */
export function RemoveLaneDialog({ lane, onRemove, onCancel }: { lane: Lane; onRemove(options: RemoveOptions): Promise<void>; onCancel(): void }) {
  const [deleteBranch, setDeleteBranch] = useState(false)
  const [busy, setBusy] = useState(false)
  const keep = useDialog<HTMLButtonElement>(() => !busy && onCancel())
  const wt = lane.worktree
  const changed = lane.git?.changedFiles ?? 0
  const remove = async (options: RemoveOptions) => {
    setBusy(true)
    try {
      await onRemove(options)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}
    >
      <div className="dialog remove-lane-dialog" role="dialog" aria-modal="true" aria-labelledby="remove-lane-title">
        <h2 id="remove-lane-title">Close lane “{lane.title}”</h2>
        <p>This lane works in its own git worktree. Its history goes with the lane; what about its files?</p>
        {wt && (
          <div className="remove-lane-where">
            <div>
              branch <strong>{wt.branch}</strong>
            </div>
            <div>
              worktree <strong>{wt.path}</strong>
            </div>
          </div>
        )}
        {changed > 0 && (
          <p className="remove-lane-warning" role="note">
            {changed} file{changed === 1 ? ' has' : 's have'} uncommitted changes; deleting the worktree throws them away.
          </p>
        )}
        <label className="check">
          <input type="checkbox" checked={deleteBranch} onChange={(e) => setDeleteBranch(e.target.checked)} />
          <span>Also delete the branch (when deleting the worktree)</span>
        </label>
        <div className="dialog-actions">
          <button type="button" className="button button-ghost" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
          <button type="button" className="button button-danger" disabled={busy} onClick={() => void remove({ worktree: 'delete', deleteBranch })}>
            Delete worktree{deleteBranch ? ' and branch' : ''}
          </button>
          <button ref={keep} type="button" className="button button-primary" disabled={busy} onClick={() => void remove({ worktree: 'keep' })}>
            Keep worktree and branch
          </button>
        </div>
      </div>
    </div>
  )
}
