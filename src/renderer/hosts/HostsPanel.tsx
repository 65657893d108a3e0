import { useEffect, useMemo, useState, type FormEvent } from 'react'
import { createClient, type Client } from '../host/client'
import { useApp } from '../app/context'
import { PanelDialog } from '../ui/dialog'
import type { Bridge, Host, MethodOutput } from '../../shared/contract'
import './hosts.css'

type Check = MethodOutput<'hosts.check'>
type Plan = MethodOutput<'hosts.installPlan'>

const STATUS_LABEL: Record<Host['status'], string> = {
  connected: 'connected',
  connecting: 'connecting…',
  disconnected: 'disconnected',
  failed: 'failed',
}

const mib = (bytes: number) => `${(bytes / (1 << 20)).toFixed(1)} MiB`

/** Keeps the host list current from `hosts.status`. */
function useHosts(client: Client): Host[] {
  const { reportError } = useApp()
  const [hosts, setHosts] = useState<Host[]>([])
  useEffect(() => {
    let live = true
    void client.call('hosts.list', {}).then((list) => live && setHosts(list), reportError)
    const stop = client.subscribe('hosts.status', {}, (h) => setHosts((list) => (list.some((x) => x.id === h.id) ? list.map((x) => (x.id === h.id ? h : x)) : [...list, h])), reportError)
    return () => {
      live = false
      stop()
    }
  }, [client, reportError])
  return hosts
}

interface Props {
  /** This machine's bridge: hosts.* are answered here, whichever host the window shows. */
  bridge: Bridge
  currentHostId: string | null
  /** Opened to add one (palette "Add host…"): the destination field has the focus. */
  focusAdd?: boolean
  /** Shows a host's workspaces and lanes in this window (null: this machine's). */
  onOpen(hostId: string | null): void
  onClose(): void
}

/** Remote hosts: add an SSH destination, check it, install on consent, connect, open. */
export function HostsPanel({ bridge, currentHostId, focusAdd, onOpen, onClose }: Props) {
  const { reportError } = useApp()
  const client = useMemo(() => createClient(bridge), [bridge])
  const hosts = useHosts(client)
  const [destination, setDestination] = useState('')
  const [error, setError] = useState<string | null>(null)

  const add = async (e: FormEvent) => {
    e.preventDefault()
    setError(null)
    try {
      await client.call('hosts.add', { destination })
      setDestination('')
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err))
    }
  }

  return (
    <PanelDialog id="hosts-title" title="Hosts" sub="Lanes on other machines, over your own SSH" className="hosts-panel" closeLabel="Close hosts" onClose={onClose}>
      <div className="hosts-body">
        <form className="hosts-add" onSubmit={(e) => void add(e)}>
          <input
            className="input"
            aria-label="SSH destination"
            autoFocus={focusAdd}
            placeholder="Host from ~/.ssh/config, user@host or user@host:port"
            value={destination}
            onChange={(e) => setDestination(e.target.value)}
          />
          <button type="submit" className="button button-small button-primary" disabled={!destination.trim()}>
            Add host
          </button>
        </form>
        {error && <p className="hosts-error" role="alert">{error}</p>}
        {currentHostId && (
          <button className="button button-small hosts-local" onClick={() => onOpen(null)}>
            Back to this machine
          </button>
        )}
        {hosts.length === 0 ? (
          <p className="hosts-empty">No hosts yet. Switchyard runs its core there over one SSH connection; keys, agent, ProxyJump and known_hosts are your ssh's.</p>
        ) : (
          <ul className="hosts-list">
            {hosts.map((h) => (
              <HostRow key={h.id} client={client} host={h} shown={h.id === currentHostId} onOpen={() => onOpen(h.id)} onError={reportError} />
            ))}
          </ul>
        )}
      </div>
    </PanelDialog>
  )
}

function HostRow(props: { client: Client; host: Host; shown: boolean; onOpen(): void; onError: (e: unknown) => void }) {
  const { client, host, onError } = props
  const [busy, setBusy] = useState<string | null>(null)
  const [check, setCheck] = useState<Check | null>(null)
  const [plan, setPlan] = useState<Plan | null>(null)
  const [problem, setProblem] = useState<string | null>(null)

  const run = async (what: string, fn: () => Promise<void>) => {
    setBusy(what)
    setProblem(null)
    try {
      await fn()
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err))
    } finally {
      setBusy(null)
    }
  }
  const hostId = host.id

  return (
    <li className="host-row" aria-label={`Host ${host.name}`}>
      <div className="host-head">
        <span className="host-name">{host.name}</span>
        <span className={`host-status host-${host.status}`} data-status={host.status}>
          {STATUS_LABEL[host.status]}
        </span>
        <span className="host-actions">
          <button className="button button-small" disabled={busy !== null} onClick={() => void run('check', async () => setCheck(await client.call('hosts.check', { hostId })))}>
            Check
          </button>
          <button className="button button-small" disabled={busy !== null} onClick={() => void run('plan', async () => setPlan(await client.call('hosts.installPlan', { hostId })))}>
            Install…
          </button>
          {host.status === 'connected' && !props.shown && (
            <button className="button button-small button-primary" onClick={props.onOpen} title="Show this host's workspaces and lanes in this window">
              Open
            </button>
          )}
          {host.status === 'connected' || host.status === 'connecting' ? (
            <>
              <button className="button button-small" disabled={busy !== null} onClick={() => void run('disconnect', async () => void (await client.call('hosts.disconnect', { hostId })))}>
                Disconnect
              </button>
              <button
                className="button button-small"
                disabled={busy !== null}
                title="Stops every lane running on this host"
                onClick={() => void run('stop', async () => void (await client.call('hosts.stopAll', { hostId })))}
              >
                Stop all on host
              </button>
            </>
          ) : (
            <button className="button button-small button-primary" disabled={busy !== null} onClick={() => void run('connect', async () => void (await client.call('hosts.connect', { hostId })))}>
              Connect
            </button>
          )}
          <button className="button button-small" disabled={busy !== null} onClick={() => void client.call('hosts.remove', { hostId }).catch(onError)} title="Forget this host (its lanes keep running there)">
            Remove
          </button>
        </span>
      </div>
      <div className="host-destination">{host.destination}</div>
      {busy && <p className="host-busy">{busy === 'install' ? 'Installing…' : 'Working…'}</p>}
      {host.message && host.status !== 'connected' && <pre className="host-message">{host.message}</pre>}
      {problem && (
        <pre className="host-message" role="alert">
          {problem}
        </pre>
      )}
      {check && (
        <dl className="host-check" aria-label="Check result">
          <dt>Node</dt>
          <dd>{check.node.path ? `${check.node.version} (${check.node.path})${check.node.ok ? '' : ' — too old'}` : 'not found'}</dd>
          <dt>git</dt>
          <dd>{check.git ?? 'not found'}</dd>
          <dt>Platform</dt>
          <dd>{check.platform ?? 'unknown'}</dd>
          <dt>Installed</dt>
          <dd>{check.installed ? 'yes, this version' : 'no'}</dd>
          <dt>Agents</dt>
          <dd>{Object.entries(check.agents).filter(([, p]) => p).map(([name]) => name).join(', ') || 'none found'}</dd>
          {check.problems.map((p) => (
            <dd key={p} className="host-problem">
              {p}
            </dd>
          ))}
        </dl>
      )}
      {plan && (
        <div className="host-plan" aria-label="Install plan">
          <p>
            Copies {plan.files} files ({mib(plan.bytes)}) to <code>{plan.dir}</code>: the core (<code>out/main</code>) and its
            production packages. {plan.nativeModules}.
          </p>
          {plan.warnings.map((w) => (
            <p key={w} className="host-warning">
              {w}
            </p>
          ))}
          {plan.problems.map((p) => (
            <p key={p} className="host-problem">
              {p}
            </p>
          ))}
          <button
            className="button button-small button-primary"
            disabled={busy !== null || plan.problems.length > 0}
            onClick={() =>
              void run('install', async () => {
                await client.call('hosts.install', { hostId })
                setPlan(null)
                setCheck(await client.call('hosts.check', { hostId }))
              })
            }
          >
            Install
          </button>
          <button className="button button-small" disabled={busy !== null} onClick={() => setPlan(null)}>
            Cancel
          </button>
        </div>
      )}
    </li>
  )
}
