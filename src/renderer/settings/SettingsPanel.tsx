import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react'
import { useApp } from '../app/context'
import { PanelDialog } from '../ui/dialog'
import type { MethodOutput, Settings } from '../../shared/contract'
import type { ThemeSetting } from './theme'
import './settings.css'
import { NumberSetting, parseHours, parseKeep } from './NumberSetting'

interface Props {
  settings: Settings | null
  info: MethodOutput<'app.info'> | null
  /** Saves a change; resolves false when it was refused (the error is shown). */
  onUpdate(patch: Partial<Settings>): Promise<boolean>
  onOpenProfiles(): void
  onClose(): void
  /** More sections (Triggers), rendered after the app's own. */
  extra?: ReactNode
}

const THEMES: { value: ThemeSetting; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
]

export const MAX_PROCESSES = { min: 1, max: 512 }

/** A process limit as typed: the number, or why it is not one. */
export function parseProcessLimit(text: string): { ok: true; value: number } | { ok: false; message: string } {
  const t = text.trim()
  if (!/^\d+$/.test(t)) return { ok: false, message: `A whole number from ${MAX_PROCESSES.min} to ${MAX_PROCESSES.max}` }
  const value = Number(t)
  if (value < MAX_PROCESSES.min || value > MAX_PROCESSES.max) {
    return { ok: false, message: `From ${MAX_PROCESSES.min} to ${MAX_PROCESSES.max}` }
  }
  return { ok: true, value }
}

/** App settings: theme, process limit, tray, notifications. Each change is saved as it is made. */
export function SettingsPanel({ settings, info, onUpdate, onOpenProfiles, onClose, extra }: Props) {
  const desktop = info?.mode !== 'server'
  return (
    <PanelDialog id="settings-title" title="Settings" sub="Saved as you change them" className="settings-panel" closeLabel="Close settings" onClose={onClose}>
      {!settings ? (
        <div className="settings-body">
          <p className="settings-loading">Loading…</p>
        </div>
      ) : (
        <div className="settings-body">
          <section className="settings-section" aria-labelledby="settings-appearance">
            <h3 className="profile-group-title" id="settings-appearance">
              Appearance
            </h3>
            <div className="settings-row">
              <div className="settings-label">
                <span id="theme-label">Theme</span>
                <small>System follows your OS's light or dark mode.</small>
              </div>
              <div className="theme-choice" role="radiogroup" aria-labelledby="theme-label">
                {THEMES.map((t) => (
                  <button
                    key={t.value}
                    role="radio"
                    aria-checked={settings.theme === t.value}
                    className={`theme-option${settings.theme === t.value ? ' active' : ''}`}
                    onClick={() => void onUpdate({ theme: t.value })}
                  >
                    <span className={`theme-swatch theme-swatch-${t.value}`} aria-hidden="true" />
                    {t.label}
                  </button>
                ))}
              </div>
            </div>
          </section>

          <section className="settings-section" aria-labelledby="settings-lanes">
            <h3 className="profile-group-title" id="settings-lanes">
              Lanes
            </h3>
            <ProcessLimit value={settings.maxProcesses} onSave={(maxProcesses) => onUpdate({ maxProcesses })} />
            <MemoryBudget value={settings.memoryBudgetMb} onSave={(memoryBudgetMb) => onUpdate({ memoryBudgetMb })} />
            <NumberSetting
              id="checkpoints-keep"
              label="Checkpoints per lane"
              hint="Each turn's files are saved at its start and end (in git repositories); the oldest past this many are pruned."
              value={settings.checkpointsKeep}
              parse={parseKeep}
              min={1}
              max={10_000}
              onSave={(checkpointsKeep) => onUpdate({ checkpointsKeep })}
            />
            <NumberSetting
              id="no-client-reap"
              label="Hosts: sleep idle lanes after (hours without this app)"
              hint="A host left with no app connected puts its idle lanes to sleep after this long; running turns finish first. 0: never. Given to each host when it connects."
              value={settings.noClientReapAfterHours}
              parse={parseHours}
              min={0}
              max={24 * 365}
              fractions
              onSave={(noClientReapAfterHours) => onUpdate({ noClientReapAfterHours })}
            />
            <div className="settings-row">
              <div className="settings-label">
                <span>Agents and shells</span>
                <small>Commands, environment, secrets, approval policy and idle timeout live in the profiles.</small>
              </div>
              <button className="button button-small" onClick={onOpenProfiles}>
                Open profiles
              </button>
            </div>
          </section>

          <section className="settings-section" aria-labelledby="settings-desktop">
            <h3 className="profile-group-title" id="settings-desktop">
              Desktop
            </h3>
            <Toggle
              label="Keep running in the tray"
              detail={
                desktop
                  ? 'Closing the window keeps busy and waiting lanes running; the tray icon brings it back.'
                  : 'Applies to the desktop app; in server mode lanes run as long as the server does.'
              }
              checked={settings.keepRunningInTray}
              onChange={(keepRunningInTray) => void onUpdate({ keepRunningInTray })}
            />
            <Toggle
              label="Notifications"
              detail={desktop ? 'When a lane finishes a turn or asks for approval while the window is in the background.' : 'Applies to the desktop app.'}
              checked={settings.notifications}
              onChange={(notifications) => void onUpdate({ notifications })}
            />
          </section>
          {extra}
        </div>
      )}
    </PanelDialog>
  )
}

function ProcessLimit({ value, onSave }: { value: number; onSave(value: number): Promise<boolean> }) {
  const [text, setText] = useState(String(value))
  const [error, setError] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  // A change from elsewhere (another window, a reload) shows here unless the user is typing.
  const editing = useRef(false)
  useEffect(() => {
    if (!editing.current) setText(String(value))
  }, [value])
  const commit = async (e?: FormEvent) => {
    e?.preventDefault()
    editing.current = false
    const parsed = parseProcessLimit(text)
    if (!parsed.ok) {
      setError(parsed.message)
      return
    }
    setError(null)
    if (parsed.value === value) return
    if (await onSave(parsed.value)) {
      setSaved(true)
      setTimeout(() => setSaved(false), 1500)
    }
  }
  return (
    <form className="settings-row" onSubmit={commit} noValidate>
      <div className="settings-label">
        <label htmlFor="max-processes">Process limit</label>
        <small>How many lanes may have a live process at once; the least recently used idle lane sleeps to make room.</small>
      </div>
      <div className="settings-control">
        <input
          id="max-processes"
          className={`input input-number${error ? ' input-invalid' : ''}`}
          type="number"
          inputMode="numeric"
          min={MAX_PROCESSES.min}
          max={MAX_PROCESSES.max}
          value={text}
          aria-invalid={error !== null}
          aria-describedby={error ? 'max-processes-error' : undefined}
          onChange={(e) => {
            editing.current = true
            setText(e.target.value)
            setError(null)
          }}
          onBlur={() => void commit()}
        />
        {error ? (
          <span className="settings-error" id="max-processes-error" role="alert">
            {error}
          </span>
        ) : (
          saved && <span className="settings-saved" role="status">Saved</span>
        )}
      </div>
    </form>
  )
}

/** "1.5 GB", "320 MB": what the lanes' processes use, as the settings show it. */
export function formatMemory(bytes: number): string {
  const mb = bytes / (1024 * 1024)
  return mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${Math.round(mb)} MB`
}

/** The memory budget (MB, 0: none) and what the running lanes' process trees use now, measured every few seconds while shown. */
function MemoryBudget({ value, onSave }: { value: number; onSave(mb: number): Promise<boolean> }) {
  const { client } = useApp()
  const [usage, setUsage] = useState<{ total: number; lanes: number } | null>(null)
  const [text, setText] = useState(String(value))
  const [error, setError] = useState<string | null>(null)
  useEffect(() => setText(String(value)), [value])
  useEffect(() => {
    let live = true
    const look = () =>
      client.call('lanes.memory', {}).then(
        (m) => live && setUsage({ total: m.totalBytes, lanes: m.lanes.length }),
        () => {},
      )
    void look()
    const timer = setInterval(look, 5000)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [client])
  const commit = async () => {
    const t = text.trim()
    if (!/^\d+$/.test(t)) return setError('A whole number of MB; 0 for no budget')
    setError(null)
    if (Number(t) !== value) await onSave(Number(t))
  }
  return (
    <form
      className="settings-row"
      noValidate
      onSubmit={(e) => {
        e.preventDefault()
        void commit()
      }}
    >
      <div className="settings-label">
        <label htmlFor="memory-budget">Memory budget (MB)</label>
        <small>
          Past it, the least recently used idle lanes sleep. 0: no budget.{' '}
          <span data-testid="lane-memory">
            {usage ? `Running lanes use ${formatMemory(usage.total)} (${usage.lanes} lane${usage.lanes === 1 ? '' : 's'}).` : ''}
          </span>
        </small>
      </div>
      <div className="settings-control">
        <input
          id="memory-budget"
          className={`input input-number${error ? ' input-invalid' : ''}`}
          type="number"
          inputMode="numeric"
          min={0}
          value={text}
          aria-invalid={error !== null}
          onChange={(e) => {
            setText(e.target.value)
            setError(null)
          }}
          onBlur={() => void commit()}
        />
        {error && (
          <span className="settings-error" role="alert">
            {error}
          </span>
        )}
      </div>
    </form>
  )
}

function Toggle(props: { label: string; detail: string; checked: boolean; onChange(checked: boolean): void }) {
  return (
    <label className="settings-row settings-toggle">
      <div className="settings-label">
        <span>{props.label}</span>
        <small>{props.detail}</small>
      </div>
      <input type="checkbox" className="switch" role="switch" checked={props.checked} onChange={(e) => props.onChange(e.target.checked)} />
    </label>
  )
}
