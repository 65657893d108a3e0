import type { Lane } from '../../shared/contract'
import { useApp } from '../app/context'

/**
 * The agent's mode (plan, accept edits …) in the lane header. The lane's record is the truth: a switch
 * the agent refuses leaves the select where it was, with the agent's reason in a toast.
 */
export function ModeSelect({ lane }: { lane: Lane }) {
  const { client, reportError } = useApp()
  const modes = lane.modes
  if (!modes || modes.available.length < 2) return null
  const current = modes.available.find((m) => m.id === modes.current)
  return (
    <>
      <span className="sep">·</span>
      <select
        className={`lane-mode lane-mode-${modes.current}`}
        aria-label="Mode"
        title={current?.description ?? 'The agent’s mode'}
        value={modes.current}
        onChange={(e) => client.call('lanes.setMode', { laneId: lane.id, modeId: e.target.value }).catch(reportError)}
      >
        {modes.available.map((m) => (
          <option key={m.id} value={m.id} title={m.description}>
            {m.name}
          </option>
        ))}
      </select>
    </>
  )
}
