/**
 * Links between lanes (a parent and the lanes its agent created). A link asks the workbench to focus
 * the lane through one window event, so the transcript and the header need no callbacks threaded in.
 */
import { useEffect } from 'react'
import './lane-links.css'

const FOCUS_EVENT = 'switchyard:focus-lane'

export function openLane(laneId: string): void {
  window.dispatchEvent(new CustomEvent<string>(FOCUS_EVENT, { detail: laneId }))
}

/** The workbench's side: focus the lane a link names. */
export function useLaneLinks(focusLane: (laneId: string) => void): void {
  useEffect(() => {
    const onFocus = (e: Event) => focusLane((e as CustomEvent<string>).detail)
    window.addEventListener(FOCUS_EVENT, onFocus)
    return () => window.removeEventListener(FOCUS_EVENT, onFocus)
  }, [focusLane])
}

export function LaneLink({ laneId, title }: { laneId: string; title: string }) {
  return (
    <button type="button" className="lane-link" onClick={() => openLane(laneId)} title={`Go to lane ${title}`} data-lane-link={laneId}>
      {title}
    </button>
  )
}
