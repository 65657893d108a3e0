/** A two-hunk unified diff as git prints it, for the review view's tests. */
export const RETRY_DIFF = [
  'diff --git a/src/retry.ts b/src/retry.ts',
  'index 1111111..2222222 100644',
  '--- a/src/retry.ts',
  '+++ b/src/retry.ts',
  '@@ -1,4 +1,5 @@',
  ' import { sleep } from "./sleep"',
  '-const RETRIES = 3',
  '+const RETRIES = 5',
  '+const JITTER = 0.2',
  ' ',
  ' export function retry() {',
  '@@ -20,3 +21,3 @@ export function retry() {',
  '   let attempt = 0',
  '-  if (attempt++ >= RETRIES) throw err',
  '+  if (++attempt > RETRIES) throw err',
  '   await sleep(100)',
].join('\n')
