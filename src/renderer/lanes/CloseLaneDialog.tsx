import { useState } from 'react'
import { useDialog } from '../ui/dialog'
import type { Lane } from '../../shared/contract'
import '../review/review.css'

/** How a lane goes: archived (reopenable from History → Archived), or deleted with its worktree. */
export type CloseChoice = { how: 'archive' } | { how: 'delete'; deleteBranch: boolean }

/**
 * Asks before closing a lane that would lose something: a running process, unsent text (`concerns`),
 * or, for a lane with its own worktree, what to do with the worktree and branch. Closing keeps the
 * history, so the lane can be reopened; only deleting the worktree deletes the lane.
 */
export function CloseLaneDialog({ lane, concerns, onClose, onCancel }: { lane: Lane; concerns: string[]; onClose(choice: CloseChoice): Promise<void>; onCancel(): void }) {
  const [deleteBranch, setDeleteBranch] = useState(false)
  const [busy, setBusy] = useState(false)
  const primary = useDialog<HTMLButtonElement>(() => !busy && onCancel())
  const wt = lane.worktree
  const changed = lane.git?.changedFiles ?? 0
  const close = async (choice: CloseChoice) => {
    setBusy(true)
    try {
      await onClose(choice)
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="dialog-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onCancel()}>
      <div className="dialog remove-lane-dialog" role="dialog" aria-modal="true" aria-labelledby="remove-lane-title">
        <h2 id="remove-lane-title">Close lane “{lane.title}”</h2>
        {concerns.map((c) => (
          <p key={c} className="remove-lane-warning" role="note">
            {c}
          </p>
        ))}
        <p>Its history stays: reopen it from History → Archived.</p>
        {wt && (
          <>
            <p>This lane works in its own git worktree; deleting the worktree deletes the lane and its history too.</p>
            <div className="remove-lane-where">
              <div>
                branch <strong>{wt.branch}</strong>
              </div>
              <div>
                worktree <strong>{wt.path}</strong>
              </div>
            </div>
            {changed > 0 && (
              <p className="remove-lane-warning" role="note">
                {changed} file{changed === 1 ? ' has' : 's have'} uncommitted changes; deleting the worktree throws them away.
              </p>
            )}
            <label className="check">
              <input type="checkbox" checked={deleteBranch} onChange={(e) => setDeleteBranch(e.target.checked)} />
              <span>Also delete the branch (when deleting the worktree)</span>
            </label>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" className="button button-ghost" disabled={busy} onClick={onCancel}>
            Cancel
          </button>
          {wt && (
            <button type="button" className="button button-danger" disabled={busy} onClick={() => void close({ how: 'delete', deleteBranch })}>
              Delete worktree{deleteBranch ? ' and branch' : ''}
            </button>
          )}
          <button ref={primary} type="button" className="button button-primary" disabled={busy} onClick={() => void close({ how: 'archive' })}>
            {wt ? 'Close, keep worktree and branch' : 'Close lane'}
          </button>
        </div>
      </div>
    </div>
  )
}
