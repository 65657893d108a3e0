import type { LaneStatus } from '../../shared/events'

const TITLE: Partial<Record<LaneStatus, string>> = {
  waiting: 'The agent is waiting for your approval',
  sleeping: 'Asleep after being idle; sending wakes it',
  busy: 'The agent is working',
}

export function StatusBadge({ status }: { status: LaneStatus }) {
  return (
    <span className={`badge badge-${status}`} data-status={status} title={TITLE[status]} role={status === 'waiting' ? 'status' : undefined}>
      <span className="badge-dot" aria-hidden="true" />
      {status}
    </span>
  )
}
