import type { Lane, Profile, Workspace } from '../../shared/contract'
import { useDialog } from '../ui/dialog'
import { BackgroundForm } from './BackgroundForm'

/** The palette's "New background agent…": the tray's form as a dialog; the lane it makes is not focused. */
export function BackgroundDialog(props: {
  workspaces: Workspace[]
  profiles: Profile[]
  defaultWorkspaceId: string | null
  onCreated(lane: Lane): void
  onClose(): void
}) {
  const dialog = useDialog<HTMLDivElement>(props.onClose)
  return (
    <div
      className="dialog-backdrop"
      onMouseDown={(e) => e.target === e.currentTarget && props.onClose()}
    >
      <div className="dialog background-dialog" role="dialog" aria-modal="true" aria-labelledby="background-title" tabIndex={-1} ref={dialog}>
        <h2 id="background-title">New background agent</h2>
        <p className="background-intro">Runs the prompt to completion on its own, without taking the focus, then sleeps.</p>
        <BackgroundForm
          workspaces={props.workspaces}
          profiles={props.profiles}
          defaultWorkspaceId={props.defaultWorkspaceId}
          onCreated={props.onCreated}
          onCancel={props.onClose}
        />
      </div>
    </div>
  )
}
