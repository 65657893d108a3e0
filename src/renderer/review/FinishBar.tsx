import { useEffect, useState } from 'react'
import type { Lane, MethodOutput } from '../../shared/contract'
import { useApp } from '../app/context'
import './finish.css'
import { useBusy } from './busy'

type Strategy = 'squash' | 'rebase' | 'ff'
type Merge = MethodOutput<'finish.merge'>
type PrStatus = MethodOutput<'finish.prStatus'>

const STRATEGIES: { id: Strategy; label: string }[] = [
  { id: 'squash', label: 'Squash' },
  { id: 'rebase', label: 'Rebase' },
  { id: 'ff', label: 'Fast-forward' },
]

/** The PR's state and checks in a few words: "PR #7 open · checks 2 ✓ 1 ✗ 1 …". */
export function prSummary(pr: NonNullable<PrStatus>): string {
  const c = pr.checks
  const checks = c.passed + c.failed + c.pending > 0 ? ` · checks ${c.passed} ✓ ${c.failed} ✗ ${c.pending} …` : ''
  return `PR #${pr.number} ${pr.draft ? 'draft' : pr.state.toLowerCase()}${checks}`
}

/**
 * Finishing a worktree lane's branch, under the commit form: merge into the base (squash, rebase or
 * fast-forward; conflicts listed, with "ask the agent to resolve"), push (force only when ticked),
 * and a pull request with a title and body drafted from the transcript.
 */
export function FinishBar({ lane, canFinish, onChanged }: { lane: Lane; canFinish: boolean; onChanged(): void }) {
  const { client, reportError, notify } = useApp()
  const laneId = lane.id
  const [strategy, setStrategy] = useState<Strategy>('squash')
  const [busy, run] = useBusy<'merge' | 'push' | 'pr' | 'draft' | 'resolve'>((e) => reportError(e))
  const [merge, setMerge] = useState<Merge | null>(null)
  const [force, setForce] = useState(false)
  const [draft, setDraft] = useState<{ title: string; body: string } | null>(null)
  const [pr, setPr] = useState<PrStatus>(null)
  const [prUrl, setPrUrl] = useState<string | null>(null)

  useEffect(() => {
    client.call('finish.prStatus', { laneId }).then(setPr, () => setPr(null))
  }, [client, laneId])


  if (!lane.worktree) return null
  const { branch, base } = lane.worktree
  return (
    <div className="finish-bar" role="group" aria-label="Finish the branch">
      <label>
        Merge into {base}{' '}
        <select aria-label="Merge strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as Strategy)} disabled={busy !== null}>
          {STRATEGIES.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <button
        type="button"
        className="button button-small"
        disabled={!canFinish || busy !== null}
        title={canFinish ? undefined : 'Commit the changes first'}
        onClick={() =>
          void run('merge', async () => {
            const r = await client.call('finish.merge', { laneId, strategy })
            setMerge(r)
            if (r.merged) notify(`${r.message} (${r.commit?.slice(0, 7)})`, 'info')
            onChanged()
          })
        }
      >
        {busy === 'merge' ? 'Merging…' : 'Merge'}
      </button>
      <button
        type="button"
        className="button button-small"
        disabled={busy !== null}
        onClick={() =>
          void run('push', async () => {
            const r = await client.call('finish.push', { laneId, force })
            notify(`Pushed ${r.branch} to ${r.remote}${force ? ' (forced, with lease)' : ''}`, 'info')
            setForce(false)
          })
        }
      >
        {busy === 'push' ? 'Pushing…' : force ? 'Force push' : 'Push'}
      </button>
      <label className="finish-force">
        <input type="checkbox" checked={force} onChange={(e) => setForce(e.target.checked)} /> force (replaces the remote branch)
      </label>
      <button
        type="button"
        className="button button-small"
        disabled={busy !== null}
        onClick={() => void run('draft', async () => setDraft(await client.call('finish.draftPr', { laneId })))}
      >
        Pull request…
      </button>
      {pr && (
        <a className="lane-pr" href={pr.url} target="_blank" rel="noreferrer">
          {prSummary(pr)}
        </a>
      )}
      {merge && !merge.merged && (
        <div className="finish-result" role="alert">
          {merge.message}
          {merge.conflicts.length > 0 && (
            <>
              <ul>
                {merge.conflicts.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
              <button
                type="button"
                className="button button-small"
                disabled={busy !== null}
                onClick={() =>
                  void run('resolve', async () => {
                    await client.call('finish.resolve', { laneId, conflicts: merge.conflicts })
                    setMerge(null)
                    notify(`Asked the agent to resolve the conflicts with ${base}`, 'info')
                  })
                }
              >
                Ask the agent to resolve
              </button>
            </>
          )}
        </div>
      )}
      {merge?.merged && (
        <div className="finish-result" role="status">
          {merge.message}
        </div>
      )}
      {draft && (
        <form
          className="finish-pr"
          aria-label="Pull request"
          onSubmit={(e) => {
            e.preventDefault()
            void run('pr', async () => {
              const r = await client.call('finish.openPr', { laneId, title: draft.title, body: draft.body })
              setPrUrl(r.url)
              if (r.via === 'compare') window.open(r.url, '_blank', 'noopener')
              notify(r.via === 'gh' ? `Opened ${r.url}` : 'Opened the compare page to create the pull request', 'info')
              setDraft(null)
              client.call('finish.prStatus', { laneId }).then(setPr, () => undefined)
            })
          }}
        >
          <input className="input" aria-label="Pull request title" value={draft.title} maxLength={256} onChange={(e) => setDraft({ ...draft, title: e.target.value })} />
          <textarea className="input" aria-label="Pull request body" value={draft.body} onChange={(e) => setDraft({ ...draft, body: e.target.value })} />
          <div>
            <button type="submit" className="button button-small" disabled={!draft.title.trim() || busy !== null}>
              {busy === 'pr' ? 'Opening…' : `Open pull request ${branch} → ${base}`}
            </button>{' '}
            <button type="button" className="button button-small" onClick={() => setDraft(null)}>
              Cancel
            </button>
          </div>
        </form>
      )}
      {prUrl && !pr && (
        <a className="lane-pr" href={prUrl} target="_blank" rel="noreferrer">
          {prUrl}
        </a>
      )}
    </div>
  )
}
