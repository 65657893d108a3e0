/** CPU ms used so far by our descendants, split into Chromium's processes and the rest (a server child, its lanes). */
export function descendantsCpuMs(): { chromium: number; other: number }
