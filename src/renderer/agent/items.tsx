import { createContext, memo, useContext, useState, type ReactNode } from 'react'
import type { ItemOf, ToolKind, TranscriptItem } from './transcript-model'
import { MarkdownText } from './Markdown'
import { DiffView, diffStats } from './DiffView'
import { formatDuration, usageParts } from './format'

/**
 * Open/closed state of collapsible rows, kept outside the rows: the virtualized list unmounts rows
 * scrolled away, and one scrolled back must come back as the user left it.
 */
export class ViewState {
  private readonly flags = new Map<string, boolean>()
  /** The lane's workspace folder, for showing paths relative to it. */
  root: string | undefined
  get(key: string, fallback: boolean): boolean {
    return this.flags.get(key) ?? fallback
  }
  set(key: string, value: boolean): void {
    this.flags.set(key, value)
  }
}

export const ViewStateContext = createContext<ViewState>(new ViewState())

function useFlag(key: string, fallback: boolean): [boolean, (value: boolean) => void] {
  const store = useContext(ViewStateContext)
  const [value, setValue] = useState(() => store.get(key, fallback))
  return [
    value,
    (next) => {
      store.set(key, next)
      setValue(next)
    },
  ]
}

export interface ItemActions {
  approve(requestId: string, optionId: string): Promise<void>
}

export const ItemView = memo(function ItemView({ item, actions }: { item: TranscriptItem; actions: ItemActions }) {
  switch (item.kind) {
    case 'input':
      return <InputItem item={item} />
    case 'message':
      return <MessageItem item={item} />
    case 'reasoning':
      return <ReasoningItem item={item} />
    case 'tool':
      return <ToolItem item={item} />
    case 'approval':
      return <ApprovalItem item={item} approve={actions.approve} />
    case 'plan':
      return <PlanItem item={item} />
    case 'error':
      return (
        <div className={`t-error${item.fatal ? ' t-error-fatal' : ''}`} role="alert">
          <span className="t-error-label">{item.fatal ? 'Fatal error' : 'Error'}</span>
          <span className="t-error-message">{item.message}</span>
        </div>
      )
    case 'turn':
      return <TurnItem item={item} />
    case 'notice':
      return <div className={`t-notice t-notice-${item.tone}`}>{item.text}</div>
  }
})

function InputItem({ item }: { item: ItemOf<'input'> }) {
  return (
    <div className="t-input">
      <div className="t-role">You</div>
      <div className="t-input-text">{item.text}</div>
    </div>
  )
}

function MessageItem({ item }: { item: ItemOf<'message'> }) {
  if (item.role === 'system') return <div className="t-notice t-notice-info">{item.text}</div>
  return (
    <div className={`t-message${item.streaming ? ' streaming' : ''}`} data-streaming={item.streaming || undefined}>
      <MarkdownText text={item.text} />
    </div>
  )
}

function ReasoningItem({ item }: { item: ItemOf<'reasoning'> }) {
  const [open, setOpen] = useFlag(item.id, false)
  const preview = item.text.trim().split('\n').pop()?.slice(0, 140) ?? ''
  return (
    <div className={`t-reasoning${open ? ' open' : ''}`}>
      <button className="t-disclosure" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Chevron open={open} />
        <span className={`t-reasoning-label${item.streaming ? ' pulsing' : ''}`}>{item.streaming ? 'Thinking…' : 'Thought'}</span>
        {!open && <span className="t-reasoning-preview">{preview}</span>}
      </button>
      {open && <MarkdownText className="t-reasoning-text" text={item.text} />}
    </div>
  )
}

const TOOL_LABEL: Record<ToolKind, string> = {
  read: 'Read',
  search: 'Search',
  edit: 'Edit',
  execute: 'Run',
  fetch: 'Fetch',
  think: 'Think',
  other: 'Tool',
}

const STATUS_LABEL = {
  running: 'running',
  completed: 'done',
  failed: 'failed',
  declined: 'declined',
  stopped: 'stopped',
} as const

function ToolItem({ item }: { item: ItemOf<'tool'> }) {
  const kind = item.toolKind ?? (item.command ? 'execute' : item.files?.length ? 'edit' : 'other')
  const [open, setOpen] = useFlag(item.id, kind === 'execute' || kind === 'edit')
  const status = item.awaitingApproval ? 'approval' : item.status
  const heading = item.title && item.title !== item.command ? item.title : undefined
  const files = item.files ?? []
  return (
    <div className={`t-tool t-tool-${item.status}${open ? ' open' : ''}`} data-tool-call-id={item.toolCallId} data-status={status}>
      <button className="t-tool-head" aria-expanded={open} onClick={() => setOpen(!open)}>
        <Chevron open={open} />
        <span className={`t-tool-kind t-kind-${kind}`}>{TOOL_LABEL[kind]}</span>
        <span className="t-tool-title">
          {heading && <span className="t-tool-heading">{withInlineCode(heading)}</span>}
          {item.command && <code className="t-tool-command">{item.command}</code>}
          {!heading && !item.command && files.length > 0 && <code className="t-tool-command">{files.map((f) => f.path).join(', ')}</code>}
          {!heading && !item.command && files.length === 0 && <span className="t-tool-heading">{item.toolCallId}</span>}
        </span>
        {item.exitCode !== undefined && item.exitCode !== null && (
          <span className={`t-exit ${item.exitCode === 0 ? 't-exit-ok' : 't-exit-bad'}`} title={`Exit code ${item.exitCode}`}>
            exit {item.exitCode}
          </span>
        )}
        <span className={`t-status t-status-${status}`}>{status === 'approval' ? 'needs approval' : STATUS_LABEL[item.status]}</span>
      </button>
      {open && (
        <div className="t-tool-body">
          {item.output !== undefined && item.output !== '' && <pre className="t-output">{item.output}</pre>}
          {files.map((f, i) => (
            <FileChange key={`${f.path}:${i}`} id={`${item.id}:${i}`} path={f.path} diff={f.diff} />
          ))}
          {(item.output === undefined || item.output === '') && files.length === 0 && (
            <div className="t-tool-empty">{item.status === 'running' ? 'No output yet' : 'No output'}</div>
          )}
        </div>
      )}
    </div>
  )
}

/** A path relative to the workspace when it lies inside it. */
export function displayPath(path: string, root: string | undefined): string {
  if (!root) return path
  const base = root.replace(/[\\/]+$/, '')
  return path.startsWith(base + '/') || path.startsWith(base + '\\') ? path.slice(base.length + 1) : path
}

function FileChange({ id, path: fullPath, diff }: { id: string; path: string; diff?: string }) {
  const [split, setSplit] = useFlag(`${id}:split`, false)
  const path = displayPath(fullPath, useContext(ViewStateContext).root)
  const stats = diffStats(diff)
  return (
    <div className="t-file">
      <div className="t-file-head">
        <span className="t-file-path" title={fullPath}>
          <bdi dir="ltr">{path}</bdi>
        </span>
        {stats && (
          <span className="t-file-stats">
            <span className="plus">+{stats.added}</span> <span className="minus">−{stats.removed}</span>
          </span>
        )}
        {diff && (
          <span className="segmented" role="group" aria-label="Diff layout">
            <button className={!split ? 'active' : ''} aria-pressed={!split} onClick={() => setSplit(false)}>
              Unified
            </button>
            <button className={split ? 'active' : ''} aria-pressed={split} onClick={() => setSplit(true)}>
              Split
            </button>
          </span>
        )}
      </div>
      {diff && <DiffView diff={diff} split={split} />}
    </div>
  )
}

const BY = { user: 'by you', policy: 'automatically (profile policy)', agent: 'by the agent' } as const

function ApprovalItem({ item, approve }: { item: ItemOf<'approval'>; approve: ItemActions['approve'] }) {
  const [sending, setSending] = useState<string | null>(null)
  const resolution = item.resolution
  const chosen = resolution ? item.options.find((o) => o.id === resolution.optionId) : undefined
  const allowed = chosen ? chosen.kind.startsWith('allow') : false
  const state = resolution ? (allowed ? 'allowed' : 'rejected') : item.expired ? 'expired' : 'open'
  return (
    <div className={`t-approval t-approval-${state}`} data-request-id={item.requestId} role={state === 'open' ? 'group' : undefined} aria-label="Approval request">
      <div className="t-approval-head">
        <span className="t-approval-icon" aria-hidden="true">
          {state === 'open' ? '?' : state === 'allowed' ? '✓' : state === 'expired' ? '–' : '✕'}
        </span>
        <span className="t-approval-title">{withInlineCode(item.title)}</span>
        {item.readOnly && <span className="t-tag">read-only</span>}
      </div>
      {item.detail && state === 'open' && <pre className="t-approval-detail">{item.detail}</pre>}
      {state === 'open' ? (
        <div className="t-approval-options">
          {item.options.map((o) => (
            <button
              key={o.id}
              className={`button button-small t-option t-option-${o.kind}`}
              disabled={sending !== null}
              onClick={() => {
                setSending(o.id)
                approve(item.requestId, o.id).finally(() => setSending(null))
              }}
            >
              {sending === o.id ? '…' : o.label}
            </button>
          ))}
        </div>
      ) : (
        <div className="t-approval-outcome">
          {resolution ? (
            <>
              <strong>{resolution.label ?? chosen?.label ?? (resolution.by === 'agent' ? 'Withdrawn' : resolution.optionId)}</strong>{' '}
              <span className="t-by">{BY[resolution.by]}</span>
            </>
          ) : (
            <span className="t-by">No longer pending — the turn ended before an answer</span>
          )}
        </div>
      )}
    </div>
  )
}

function PlanItem({ item }: { item: ItemOf<'plan'> }) {
  const done = item.entries.filter((e) => e.status === 'completed').length
  return (
    <div className="t-plan">
      <div className="t-plan-head">
        <span>Plan</span>
        <span className="t-plan-count">
          {done}/{item.entries.length}
        </span>
      </div>
      <ul className="t-plan-list">
        {item.entries.map((e, i) => (
          <li key={i} className={`t-plan-entry t-plan-${e.status}`}>
            <span className="t-check" aria-label={e.status.replace('_', ' ')} />
            <span className="t-plan-text">{withInlineCode(e.text)}</span>
          </li>
        ))}
      </ul>
    </div>
  )
}

function TurnItem({ item }: { item: ItemOf<'turn'> }) {
  const parts: ReactNode[] = []
  if (item.outcome === 'interrupted') parts.push(<strong key="o">Interrupted</strong>)
  else if (item.outcome === 'failed') parts.push(<strong key="o">Turn failed</strong>)
  else parts.push(<span key="o">Done</span>)
  if (item.message && item.outcome !== 'completed') parts.push(<span key="m">{item.message}</span>)
  if (item.durationMs !== undefined) parts.push(<span key="d">{formatDuration(item.durationMs)}</span>)
  for (const [i, p] of usageParts(item.usage).entries()) parts.push(<span key={`u${i}`}>{p}</span>)
  return (
    <div className={`t-turn t-turn-${item.outcome}`} data-outcome={item.outcome}>
      <span className="t-turn-line" />
      <span className="t-turn-label">
        {parts.map((p, i) => (
          <span key={i}>
            {i > 0 && <span className="sep">·</span>}
            {p}
          </span>
        ))}
      </span>
      <span className="t-turn-line" />
    </div>
  )
}

/** `code` spans in a one-line title, as code; the rest as text. */
function withInlineCode(text: string): ReactNode {
  const parts = text.split(/`([^`\n]+)`/)
  if (parts.length === 1) return text
  return parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))
}

function Chevron({ open }: { open: boolean }) {
  return (
    <svg className={`chevron${open ? ' open' : ''}`} width="10" height="10" viewBox="0 0 10 10" aria-hidden="true">
      <path d="M3 1.5 L6.5 5 L3 8.5" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  )
}

/** A first guess at a row's height before it is measured. */
export function estimateItemHeight(item: TranscriptItem): number {
  switch (item.kind) {
    case 'input':
      return 48 + 18 * Math.min(20, item.text.split('\n').length)
    case 'message':
      return 24 + 20 * Math.min(60, Math.ceil(item.text.length / 70) + item.text.split('\n').length)
    case 'tool':
      return 40
    case 'approval':
      return 96
    case 'plan':
      return 40 + 22 * item.entries.length
    default:
      return 32
  }
}
