import type { LaneManager } from '../lanes/manager'

// Being written: rate-limited git status on file changes and turn ends.
export class GitStatusWatcher {
  constructor(_lanes: LaneManager) {}
  close(): void {}
}
