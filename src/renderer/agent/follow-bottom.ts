/**
 * Keeps scrollers at their end without a layout of their own: a scroll write (and the `scrollHeight`
 * read it needs) forces a synchronous layout when the page changed since the last one. The requests
 * are written together at the start of the next frame, before anything changes the page: the layout
 * the last frame painted is still clean then, so the writes cost no layout at all. (Written right
 * after a commit, they laid the new text out once more; written where the growing row is measured, a
 * ResizeObserver callback per lane, once per lane.) What a write reveals shows a frame later.
 */
const due = new Set<HTMLElement>()
let queued = false

export function followToBottom(el: HTMLElement): void {
  due.add(el)
  if (queued) return
  queued = true
  requestAnimationFrame(writeScrollPositions)
}

function writeScrollPositions(): void {
  queued = false
  const els = [...due]
  due.clear()
  for (const el of els) if (el.isConnected) el.scrollTop = el.scrollHeight
}
