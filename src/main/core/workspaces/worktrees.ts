import type { LaneWorktree } from '../../../shared/contract'
import { git } from './git'

// Being written: git worktrees for lanes.
export class Worktrees {
  constructor(readonly dataDir: string) {}
  /** Whether `folder` is inside a git work tree (false when git is missing). */
  async isRepo(folder: string): Promise<boolean> {
    const r = await git(folder, ['rev-parse', '--is-inside-work-tree'])
    return r.code === 0 && r.stdout.trim() === 'true'
  }
  async create(_opts: { repoPath: string; laneId: string; title: string; base?: string; branch?: string; copyIgnored?: string[] }): Promise<LaneWorktree> {
    throw new Error('not written yet')
  }
  async remove(_wt: LaneWorktree, _opts: { deleteBranch: boolean }): Promise<void> {
    throw new Error('not written yet')
  }
  async branches(_repoPath: string): Promise<{ current: string | null; branches: string[] }> {
    throw new Error('not written yet')
  }
  /** Prunes stale worktree records and lists worktrees under the data dir that no lane owns. */
  async orphans(_owned: readonly LaneWorktree[]): Promise<Array<{ path: string; branch: string | null; repoPath: string }>> {
    throw new Error('not written yet')
  }
  async removeOrphan(_path: string, _opts: { deleteBranch: boolean }): Promise<void> {
    throw new Error('not written yet')
  }
}
