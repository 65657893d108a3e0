import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react'
import type { Lane, Profile, Workspace } from '../../shared/contract'
import { useApp } from '../app/context'
import { errorMessage } from '../host/client'
import './background.css'

/** Profiles that can run a prompt on their own: agents, not shells (a shell has no turn that ends). */
export function backgroundProfiles(profiles: readonly Profile[]): Profile[] {
  return profiles.filter((p) => p.kind !== 'terminal')
}

interface Props {
  workspaces: Workspace[]
  profiles: Profile[]
  defaultWorkspaceId: string | null
  /** The lane was created (it runs on without any window). */
  onCreated(lane: Lane): void
  onCancel?(): void
  /** Focus the prompt on mount (the dialog); the tray window focuses it too. */
  autoFocus?: boolean
}

/**
 * "New background agent": profile, workspace, prompt → a lane that runs the prompt to completion
 * without the window, then sleeps. Errors show inline (the tray's window has no toasts).
 */
export function BackgroundForm({ workspaces, profiles, defaultWorkspaceId, onCreated, onCancel, autoFocus = true }: Props) {
  const { client } = useApp()
  const choices = useMemo(() => backgroundProfiles(profiles), [profiles])
  const [workspaceId, setWorkspaceId] = useState(defaultWorkspaceId ?? workspaces[workspaces.length - 1]?.id ?? '')
  const [profileId, setProfileId] = useState(choices[0]?.id ?? '')
  const [prompt, setPrompt] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const promptRef = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    if (autoFocus) promptRef.current?.focus()
  }, [autoFocus])
  // Lists that arrive after mount (the tray window loads them) fill in the defaults.
  useEffect(() => {
    if (!workspaces.some((w) => w.id === workspaceId)) setWorkspaceId(defaultWorkspaceId ?? workspaces[workspaces.length - 1]?.id ?? '')
  }, [workspaces, workspaceId, defaultWorkspaceId])
  useEffect(() => {
    if (!choices.some((p) => p.id === profileId) && choices[0]) setProfileId(choices[0].id)
  }, [choices, profileId])

  const ready = workspaceId !== '' && profileId !== '' && prompt.trim() !== ''
  const submit = async (e?: FormEvent) => {
    e?.preventDefault()
    if (!ready || busy) return
    setBusy(true)
    setError(null)
    try {
      const lane = await client.call('lanes.create', { workspaceId, profileId, prompt: prompt.trim(), background: true })
      onCreated(lane)
    } catch (err) {
      setError(errorMessage(err))
      setBusy(false)
    }
  }

  return (
    <form className="background-form" aria-label="New background agent" onSubmit={submit}>
      <div className="background-grid">
        <label className="field">
          <span>Profile</span>
          <select className="input" value={profileId} onChange={(e) => setProfileId(e.target.value)} disabled={choices.length === 0}>
            {choices.length === 0 && <option value="">No agent profiles</option>}
            {choices.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="field">
          <span>Workspace</span>
          <select className="input" value={workspaceId} onChange={(e) => setWorkspaceId(e.target.value)} disabled={workspaces.length === 0}>
            {workspaces.length === 0 && <option value="">No workspaces: add one in the main window</option>}
            {workspaces.map((w) => (
              <option key={w.id} value={w.id} title={w.path}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <label className="field">
        <span>Prompt</span>
        <textarea
          ref={promptRef}
          className="input input-area background-prompt"
          rows={5}
          value={prompt}
          placeholder="What should the agent do? It works on its own, then sleeps."
          onChange={(e) => setPrompt(e.target.value)}
          onKeyDown={(e) => {
            // Ctrl/Cmd+Enter starts it, as in most prompt boxes; Enter alone is a newline here.
            if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
              e.preventDefault()
              void submit()
            }
          }}
        />
      </label>
      {error && (
        <div className="form-error" role="alert">
          {error}
        </div>
      )}
      <div className="dialog-actions">
        {onCancel && (
          <button type="button" className="button button-ghost" onClick={onCancel}>
            Cancel
          </button>
        )}
        <button type="submit" className="button button-primary" disabled={!ready || busy}>
          {busy ? 'Starting…' : 'Start in background'}
        </button>
      </div>
    </form>
  )
}
