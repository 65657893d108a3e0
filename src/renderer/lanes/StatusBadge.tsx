import type { LaneStatus } from '../../shared/events'

export function StatusBadge({ status }: { status: LaneStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status}>
      <span className="badge-dot" aria-hidden="true" />
      {status}
    </span>
  )
}
