/**
 * Keeps scrollers at their end without a layout per lane: a scroll write (and the `scrollHeight` read
 * it needs) forces a synchronous layout, so instead of each lane doing it in its own commit, the
 * requests of one commit are written together right after it (a microtask). The first write lays the
 * page out once; the rest find the layout clean.
 */
const due = new Set<HTMLElement>()
let queued = false

export function followToBottom(el: HTMLElement): void {
  due.add(el)
  if (queued) return
  queued = true
  queueMicrotask(writeScrollPositions)
}

function writeScrollPositions(): void {
  queued = false
  const els = [...due]
  due.clear()
  for (const el of els) if (el.isConnected) el.scrollTop = el.scrollHeight
}
