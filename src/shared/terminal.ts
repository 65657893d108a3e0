/** Lines a terminal keeps above its screen: the renderer's xterm and main's copy of each screen agree on it. */
export const TERMINAL_SCROLLBACK = 10_000

/** Line feeds in terminal output: how many lines it scrolls, at most. */
export function lineFeeds(text: string): number {
  let n = 0
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) n++
  return n
}
