import { useEffect, useState } from 'react'
import type { AgentKind, MethodInput } from '../../shared/contract'
import { useApp } from '../app/context'
import { ClientError } from '../host/client'
import { defaultOwnWorktree, worktreeInput, type WorktreeForm } from './review-model'

type GitInfo =
  | { state: 'loading' }
  | { state: 'git'; current: string | null; branches: string[] }
  /** Not a git folder (or git is unusable there): no worktree option. */
  | { state: 'none'; reason?: string }

export interface WorktreeChoice {
  git: GitInfo
  form: WorktreeForm
  setForm(patch: Partial<WorktreeForm>): void
  /** The `worktree` field for lanes.create (undefined while git is still being asked: main decides). */
  input(): MethodInput<'lanes.create'>['worktree']
}

/** The new-lane dialog's "own worktree" state for a workspace and the chosen profile's kind. */
export function useWorktreeChoice(workspaceId: string, kind: AgentKind | undefined): WorktreeChoice {
  const { client } = useApp()
  const [git, setGit] = useState<GitInfo>({ state: 'loading' })
  // The user's own tick, kept apart for agents and terminals (their defaults differ).
  const [ticked, setTicked] = useState<{ agent?: boolean; terminal?: boolean }>({})
  const [rest, setRest] = useState({ base: '', branch: '', copyIgnored: '' })

  useEffect(() => {
    if (!workspaceId) return
    let cancelled = false
    setGit({ state: 'loading' })
    setRest((r) => ({ ...r, base: '' }))
    client.call('git.branches', { workspaceId }).then(
      (b) => !cancelled && setGit({ state: 'git', current: b.current, branches: b.branches }),
      (e) => {
        if (cancelled) return
        const unsupported = e instanceof ClientError && e.code === 'unsupported'
        setGit({ state: 'none', reason: unsupported ? undefined : e instanceof Error ? e.message : String(e) })
      },
    )
    return () => {
      cancelled = true
    }
  }, [client, workspaceId])

  const group = kind === 'terminal' ? 'terminal' : 'agent'
  const enabled = ticked[group] ?? defaultOwnWorktree(kind)
  const form: WorktreeForm = { enabled, ...rest }
  return {
    git,
    form,
    setForm(patch) {
      if (patch.enabled !== undefined) setTicked((t) => ({ ...t, [group]: patch.enabled }))
      const { enabled: _enabled, ...others } = patch
      if (Object.keys(others).length) setRest((r) => ({ ...r, ...others }))
    },
    input() {
      if (git.state === 'loading') return undefined
      return worktreeInput(git.state === 'git', form)
    },
  }
}

/** "Own worktree" and its options; nothing for a folder outside git. */
export function WorktreeFields({ choice }: { choice: WorktreeChoice }) {
  const { git, form, setForm } = choice
  // The answer comes in milliseconds: a "checking" line would only flash.
  if (git.state === 'loading') return null
  if (git.state === 'none') {
    return git.reason ? (
      <small className="field-warning" role="note">
        No worktree option: {git.reason}
      </small>
    ) : null
  }
  const others = git.branches.filter((b) => b !== git.current)
  return (
    <div className="worktree-fields" role="group" aria-label="Worktree">
      <label className="check">
        <input type="checkbox" checked={form.enabled} onChange={(e) => setForm({ enabled: e.target.checked })} />
        <span>
          Own worktree <em className="field-hint-plain">— a new branch in its own folder, so parallel lanes don't collide</em>
        </span>
      </label>
      {form.enabled && (
        <>
          <div className="worktree-grid">
            <label className="field">
              <span>Base</span>
              <select className="input" value={form.base} onChange={(e) => setForm({ base: e.target.value })}>
                <option value="">{git.current ? `${git.current} (current)` : 'HEAD (current)'}</option>
                {others.map((b) => (
                  <option key={b} value={b}>
                    {b}
                  </option>
                ))}
              </select>
            </label>
            <label className="field">
              <span>
                Branch <em>optional</em>
              </span>
              <input
                className="input"
                value={form.branch}
                maxLength={256}
                spellCheck={false}
                placeholder="switchyard/<title>-…"
                onChange={(e) => setForm({ branch: e.target.value })}
              />
            </label>
          </div>
          <label className="field">
            <span>
              Copy ignored files <em>optional, comma separated</em>
            </span>
            <input
              className="input"
              value={form.copyIgnored}
              spellCheck={false}
              placeholder=".env*, config/local.json"
              onChange={(e) => setForm({ copyIgnored: e.target.value })}
            />
          </label>
        </>
      )}
    </div>
  )
}
