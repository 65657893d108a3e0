import { lineFeeds } from '../../shared/terminal'

/** A full reset (RIS): the terminal as new, scrollback emptied. */
const FULL_RESET = '\x1bc'

/**
 * What to write before a snapshot into a terminal that may show something already. A snapshot with at
 * least as many line feeds as the terminal holds lines (scrollback and screen: a flood's tail) scrolls
 * all of that away by itself, so resetting what is not text is enough: the normal screen, DECSTR (modes,
 * attributes, margins, charsets), mouse reports and the cursor's style, then its bottom row. xterm
 * scrolls a full scrollback several times faster than it fills the empty one a full reset leaves
 * (it syncs its scrollbar on every line while the scrollback grows). Anything shorter: a full reset.
 */
export function snapshotPrefix(data: string, scrollback: number, rows: number): string {
  if (lineFeeds(data) < scrollback + rows) return FULL_RESET
  return `\x1b[?1049l\x1b[!p\x1b[?1000l\x1b[?1006l\x1b[0 q\x1b[${rows};1H`
}
