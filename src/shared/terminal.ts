/** Lines a terminal keeps above its screen: the renderer's xterm and main's copy of each screen agree on it. */
export const TERMINAL_SCROLLBACK = 10_000
