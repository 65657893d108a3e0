import { useEffect, useState } from 'react'
import type { Lane, MethodOutput } from '../../shared/contract'
import { useApp } from '../app/context'
import { prSummary } from './FinishBar'
import { gitSummary } from './review-model'

/** The lane branch's pull request (through gh, where installed), asked again when its commits change. */
function LanePr({ lane }: { lane: Lane }) {
  const { client } = useApp()
  const [pr, setPr] = useState<MethodOutput<'finish.prStatus'>>(null)
  const ahead = lane.git?.ahead
  useEffect(() => {
    let live = true
    client.call('finish.prStatus', { laneId: lane.id }).then(
      (p) => live && setPr(p),
      () => undefined,
    )
    return () => {
      live = false
    }
  }, [client, lane.id, ahead])
  if (!pr) return null
  return (
    <a className="lane-pr" href={pr.url} target="_blank" rel="noreferrer" title={pr.url}>
      {' '}· {prSummary(pr)}
    </a>
  )
}

/** The lane header's git line: branch, commits ahead/behind its upstream or base, changed files. */
export function LaneGitInfo({ lane }: { lane: Lane }) {
  const git = gitSummary(lane)
  if (!git) return null
  const where = lane.worktree ? `Own worktree: ${lane.worktree.path}\nfrom ${lane.worktree.base}` : 'The workspace folder'
  return (
    <>
      <span className="sep">·</span>
      <span className="lane-git" title={where} aria-label="Git">
        <span className="lane-git-branch">⎇ {git.branch ?? 'detached'}</span>
        {git.ahead > 0 && (
          <span className="lane-git-ahead" title={`${git.ahead} commit${git.ahead === 1 ? '' : 's'} ahead`}>
            {' '}↑{git.ahead}
          </span>
        )}
        {git.behind > 0 && (
          <span className="lane-git-behind" title={`${git.behind} commit${git.behind === 1 ? '' : 's'} behind`}>
            {' '}↓{git.behind}
          </span>
        )}
        {git.changed > 0 && (
          <span className="lane-git-changed" title={`${git.changed} changed file${git.changed === 1 ? '' : 's'}`}>
            {' '}· {git.changed} changed
          </span>
        )}
        {lane.worktree && <LanePr lane={lane} />}
      </span>
    </>
  )
}
