/** The lanes area with no lanes: what to do first. */
export function EmptyState(props: { hasWorkspace: boolean; prefix: string; onNewLane(): void; onAddFolder(): void }) {
  return (
    <div className="empty">
      {props.hasWorkspace ? (
        <>
          <h2>No lanes yet</h2>
          <p>A lane runs one agent or shell in a workspace. Start one to see it here as a column.</p>
          <button className="button button-primary" onClick={props.onNewLane}>
            + New lane <kbd>{props.prefix}T</kbd>
          </button>
        </>
      ) : (
        <>
          <h2>Add a workspace</h2>
          <p>Add a project folder (or drop one on the window), then open lanes on it side by side.</p>
          <button className="button button-primary" onClick={props.onAddFolder}>
            + Add folder
          </button>
        </>
      )}
    </div>
  )
}
