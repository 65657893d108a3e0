// Small shared pieces of the bench rows: what a ratio row returns, medians, bounded waits (a row
// that hangs would keep the whole table from printing).

export interface RatioFigures {
  /** Baseline time / our time, per round. */
  ratios: number[]
  note: string
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]
export const mbPerS = (bytes: number, ms: number) => bytes / (1 << 20) / (ms / 1000)

/** `promise`, or a rejection saying `what` did not happen within `ms`. */
export async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms / 1000} s`)), ms)))
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

