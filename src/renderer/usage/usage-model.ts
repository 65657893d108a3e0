import type { UsageLedger } from '../../shared/contract'
import { formatCost, formatTokens } from '../ui/format'

type Sum = UsageLedger['total']

/** One ledger row as shown: in, out, cached and cost, each formatted ('' for a cost never reported). */
export function ledgerCells(u: Sum): { input: string; output: string; cached: string; cost: string } {
  return { input: formatTokens(u.inputTokens), output: formatTokens(u.outputTokens), cached: formatTokens(u.cachedInputTokens), cost: u.costUsd > 0 ? formatCost(u.costUsd) : '—' }
}

/** Minutes east of UTC here, so the server splits days at the viewer's midnight. */
export const localUtcOffsetMinutes = (at = new Date()) => -at.getTimezoneOffset()
