import { useContext, useEffect, useState } from 'react'
import { hostOf } from '../host/lane-ref'
import { HostsContext } from '../hosts/HostMark'
import type { Lane, UsageLedger, Workspace } from '../../shared/contract'
import { useApp } from '../app/context'
import { PanelDialog } from '../ui/dialog'
import { contextPercent, formatTokens } from '../ui/format'
import { ledgerCells, localUtcOffsetMinutes } from './usage-model'
import './usage.css'

type Sum = UsageLedger['total']

/** Tokens and cost per day, per workspace and per lane (all kinds), summed from the recorded usage reports. */
export function UsagePanel({ lanes, workspaces, onClose }: { lanes: Lane[]; workspaces: Workspace[]; onClose(): void }) {
  const { client, reportError } = useApp()
  const [ledger, setLedger] = useState<UsageLedger | null>(null)
  useEffect(() => {
    client.call('usage.ledger', { utcOffsetMinutes: localUtcOffsetMinutes() }).then(setLedger, reportError)
    // Once per opening: the panel is a snapshot (reportError's identity may change with every render).
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [client])
  const workspaceName = (id: string) => workspaces.find((w) => w.id === id)?.name ?? 'removed workspace'
  const laneById = new Map(lanes.map((l) => [l.id, l]))
  const hosts = useContext(HostsContext)
  /** " · on HOST" for a host's lane or workspace (the ledger adds up every machine's). */
  const onHost = (id: string) => {
    const hostId = hostOf(id)
    return hostId ? ` · on ${hosts.get(hostId)?.name ?? hostId}` : ''
  }
  return (
    <PanelDialog id="usage-title" title="Usage" sub="Tokens and cost from every lane's recorded turns" className="usage-panel" closeLabel="Close usage" onClose={onClose}>
      <div className="usage-scroll">
        {!ledger ? (
          <p className="usage-empty">Adding up…</p>
        ) : ledger.lanes.length === 0 ? (
          <p className="usage-empty">No lane has reported usage yet.</p>
        ) : (
          <>
            <LedgerTable caption="Total" first="" rows={[{ key: 'total', label: 'All lanes', usage: ledger.total }]} />
            <LedgerTable caption="By day" first="Day" rows={ledger.days.map((d) => ({ key: d.day, label: d.day, usage: d.usage }))} />
            <LedgerTable
              caption="By workspace"
              first="Workspace"
              rows={ledger.workspaces.map((w) => ({ key: w.workspaceId, label: workspaceName(w.workspaceId) + onHost(w.workspaceId), usage: w.usage }))}
            />
            <LedgerTable
              caption="By lane"
              first="Lane"
              context
              rows={ledger.lanes.map((l) => ({
                key: l.laneId,
                label: l.title,
                detail: `${l.kind} · ${workspaceName(l.workspaceId)}${onHost(l.laneId)}`,
                usage: l.usage,
                context: laneById.get(l.laneId)?.context,
              }))}
            />
          </>
        )}
      </div>
    </PanelDialog>
  )
}

interface Row {
  key: string
  label: string
  detail?: string
  usage: Sum
  context?: Lane['context']
}

function LedgerTable({ caption, first, rows, context }: { caption: string; first: string; rows: Row[]; context?: boolean }) {
  return (
    <table className="usage-table" aria-label={caption}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{first}</th>
          <th scope="col">In</th>
          <th scope="col">Out</th>
          <th scope="col">Cached</th>
          <th scope="col">Cost</th>
          {context && <th scope="col">Context</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => {
          const c = ledgerCells(r.usage)
          const fill = contextPercent(r.context)
          return (
            <tr key={r.key} data-row={r.key}>
              <th scope="row" title={r.detail ? `${r.label} · ${r.detail}` : r.label}>
                <span className="usage-label">{r.label}</span>
                {r.detail && <span className="usage-detail">{r.detail}</span>}
              </th>
              <td data-cell="in" title={String(r.usage.inputTokens)}>{c.input}</td>
              <td data-cell="out" title={String(r.usage.outputTokens)}>{c.output}</td>
              <td data-cell="cached">{c.cached}</td>
              <td data-cell="cost">{c.cost}</td>
              {context && (
                <td data-cell="context" title={r.context ? `${formatTokens(r.context.usedTokens)} of ${formatTokens(r.context.windowTokens)}` : 'Not reported by this agent'}>
                  {fill === null ? '—' : (
                    <span className="usage-fill">
                      <span className="usage-fill-track">
                        <span className={`usage-fill-bar${fill >= 80 ? ' usage-fill-high' : ''}`} style={{ width: `${fill}%` }} />
                      </span>
                      <span>{fill}%</span>
                    </span>
                  )}
                </td>
              )}
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}
