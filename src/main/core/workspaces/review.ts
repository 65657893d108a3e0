import type { ChangedFile, MethodArgs } from '../../../shared/contract'

// Being written: review of a lane's changes.
export async function changedFiles(_cwd: string, _base: string): Promise<ChangedFile[]> {
  throw new Error('not written yet')
}
export async function discardChange(_cwd: string, _base: string, _path: string, _hunk?: number): Promise<void> {
  throw new Error('not written yet')
}
export async function commitAll(_cwd: string, _message: string): Promise<string> {
  throw new Error('not written yet')
}
/** The prompt that carries review comments to the agent. */
export function reviewPrompt(_comments: MethodArgs<'review.comment'>['comments']): string {
  throw new Error('not written yet')
}
