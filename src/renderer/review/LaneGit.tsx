import type { Lane } from '../../shared/contract'
import { gitSummary } from './review-model'

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
      </span>
    </>
  )
}
