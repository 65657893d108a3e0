import { createContext, memo, useContext, useId, useState, type FormEvent, type ReactNode } from 'react'
import type { Answers, ItemOf, Question, ToolKind, TranscriptItem } from './transcript-model'
import { MarkdownText } from '../ui/Markdown'
import { DiffLayoutToggle, DiffView, diffStats } from '../ui/DiffView'
import { formatDuration, usageParts } from '../ui/format'
import { CheckpointMarker } from './CheckpointMarker'
import { LaneLink } from '../lane-links/LaneLink'

/**
 * View state of rows kept outside the rows (open/closed flags, half-typed answers): the virtualized
 * list unmounts rows scrolled away, and one scrolled back must come back as the user left it.
 */
export class ViewState {
  private readonly values = new Map<string, unknown>()
  /** The lane's workspace folder, for showing paths relative to it. */
  root: string | undefined
  get<T>(key: string, fallback: T): T {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback
  }
  set(key: string, value: unknown): void {
    this.values.set(key, value)
  }
}

export const ViewStateContext = createContext<ViewState>(new ViewState())

function useViewState<T>(key: string, fallback: T): [T, (value: T) => void] {
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
  /** The lane the items are of (checkpoint markers act on it). */
  laneId?: string
  /** `answers` go with the option of kind `other` on a request with questions. */
  approve(requestId: string, optionId: string, answers?: Answers): Promise<void>
  /** Sends a failed turn's prompt again. */
  retry(prompt: string): Promise<void>
}

function ErrorItem({ item, retry }: { item: ItemOf<'error'>; retry: ItemActions['retry'] }) {
  const [busy, setBusy] = useState(false)
  const retries = item.retries ?? 0
  return (
    <div className={`t-error${item.fatal ? ' t-error-fatal' : ''}`} role="alert">
      <span className="t-error-label">{item.fatal ? 'Fatal error' : 'Error'}</span>
      <span className="t-error-message">{item.message}</span>
      {(retries > 0 || item.retryPrompt !== undefined) && (
        <span className="t-error-retries">
          {retries > 0 && <span>{item.retrying ? `retrying · ${retries} ${retries === 1 ? 'retry' : 'retries'} so far` : `after ${retries} ${retries === 1 ? 'retry' : 'retries'}`}</span>}
          {item.retryPrompt !== undefined && (
            <button
              className="button button-small"
              disabled={busy}
              onClick={() => {
                setBusy(true)
                void retry(item.retryPrompt!).finally(() => setBusy(false))
              }}
            >
              Retry
            </button>
          )}
        </span>
      )}
    </div>
  )
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
      return <ErrorItem item={item} retry={actions.retry} />
    case 'turn':
      return <TurnItem item={item} />
    case 'notice':
      return <div className={`t-notice t-notice-${item.tone}`}>{item.text}</div>
    case 'checkpoint':
      return actions.laneId ? <CheckpointMarker item={item} laneId={actions.laneId} /> : null
  }
})

function InputItem({ item }: { item: ItemOf<'input'> }) {
  // Review comments carry quoted lines in fences: shown as a quote, not as raw ``` marks.
  const review = /^Review comments? on your changes/.test(item.text)
  return (
    <div className="t-input">
      <div className="t-role">You</div>
      {review ? (
        <blockquote className="t-input-quote">
          <MarkdownText text={item.text} />
        </blockquote>
      ) : (
        <div className="t-input-text">{item.text}</div>
      )}
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
  const [open, setOpen] = useViewState(item.id, false)
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
  const [open, setOpen] = useViewState(item.id, kind === 'execute' || kind === 'edit')
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
      {item.child && (
        <div className="t-tool-child">
          Created lane <LaneLink laneId={item.child.laneId} title={item.child.title} />
        </div>
      )}
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
  const [split, setSplit] = useViewState(`${id}:split`, false)
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
        {diff && <DiffLayoutToggle split={split} onChange={setSplit} />}
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
  const answered = item.questions !== undefined && chosen?.kind === 'other'
  const allowed = chosen ? chosen.kind.startsWith('allow') : false
  const state = resolution ? (answered ? 'answered' : allowed ? 'allowed' : 'rejected') : item.expired ? 'expired' : 'open'
  const send = (optionId: string, answers?: Answers) => {
    setSending(optionId)
    approve(item.requestId, optionId, answers).finally(() => setSending(null))
  }
  return (
    <div className={`t-approval t-approval-${state}`} data-request-id={item.requestId} role={state === 'open' ? 'group' : undefined} aria-label="Approval request">
      <div className="t-approval-head">
        <span className="t-approval-icon" aria-hidden="true">
          {state === 'open' ? '?' : state === 'allowed' || state === 'answered' ? '✓' : state === 'expired' ? '–' : '✕'}
        </span>
        <span className="t-approval-title">{withInlineCode(item.title)}</span>
        {item.readOnly && <span className="t-tag">read-only</span>}
      </div>
      {item.detail && state === 'open' && <pre className="t-approval-detail">{item.detail}</pre>}
      {state === 'open' && item.questions ? (
        <QuestionForm item={item} questions={item.questions} sending={sending} send={send} />
      ) : state === 'open' ? (
        <div className="t-approval-options">
          {item.options.map((o) => (
            <button key={o.id} className={`button button-small t-option t-option-${o.kind}`} disabled={sending !== null} onClick={() => send(o.id)}>
              {sending === o.id ? '…' : o.label}
            </button>
          ))}
        </div>
      ) : (
        <>
          {item.questions && <AnswerList questions={item.questions} answers={resolution?.answers} />}
          <div className="t-approval-outcome">
            {resolution ? (
              <>
                <strong>{answered ? 'Answered' : (resolution.label ?? chosen?.label ?? (resolution.by === 'agent' ? 'Withdrawn' : resolution.optionId))}</strong>{' '}
                <span className="t-by">{BY[resolution.by]}</span>
              </>
            ) : (
              <span className="t-by">No longer pending — the turn ended before an answer</span>
            )}
          </div>
        </>
      )}
    </div>
  )
}

/** One question's answer while it is being given: the options picked, and "Other" (or the free text). */
interface Draft {
  picked: string[]
  other: boolean
  text: string
}

const freeText = (q: Question) => q.options.length === 0
const typable = (q: Question) => freeText(q) || q.other === true

/** What the draft answers: the picked labels and the typed text, if "Other" is on (blank text is no answer). */
function draftAnswer(q: Question, d: Draft): string[] {
  const typed = (freeText(q) || d.other) && d.text.trim() !== '' ? [d.text] : []
  return freeText(q) ? typed : [...d.picked, ...typed]
}

function QuestionForm({
  item,
  questions,
  sending,
  send,
}: {
  item: ItemOf<'approval'>
  questions: Question[]
  sending: string | null
  send(optionId: string, answers?: Answers): void
}) {
  const [drafts, setDrafts] = useViewState<Record<string, Draft>>(
    `${item.id}:answers`,
    Object.fromEntries(questions.map((q) => [q.id, { picked: [], other: false, text: q.initial ?? '' }])),
  )
  const answers: Answers = Object.fromEntries(questions.map((q) => [q.id, draftAnswer(q, drafts[q.id])]))
  const complete = questions.every((q) => answers[q.id].length > 0)
  const submit = item.options.find((o) => o.kind === 'other')
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault()
    if (submit && complete && sending === null) send(submit.id, answers)
  }
  return (
    <form className="t-questions" onSubmit={onSubmit}>
      {questions.map((q) => (
        <QuestionField
          key={q.id}
          group={`${item.id}:${q.id}`}
          question={q}
          draft={drafts[q.id]}
          disabled={sending !== null}
          onChange={(d) => setDrafts({ ...drafts, [q.id]: d })}
        />
      ))}
      <div className="t-approval-options">
        {item.options.map((o) =>
          o === submit ? (
            <button
              key={o.id}
              type="submit"
              className="button button-small button-primary t-option t-option-other"
              disabled={sending !== null || !complete}
              title={complete ? undefined : 'Answer every question first'}
            >
              {sending === o.id ? '…' : o.label}
            </button>
          ) : (
            <button key={o.id} type="button" className={`button button-small t-option t-option-${o.kind}`} disabled={sending !== null} onClick={() => send(o.id)}>
              {sending === o.id ? '…' : o.label}
            </button>
          ),
        )}
      </div>
    </form>
  )
}

function QuestionField({
  group,
  question: q,
  draft,
  disabled,
  onChange,
}: {
  /** The radio group's name, unique in the page. */
  group: string
  question: Question
  draft: Draft
  disabled: boolean
  onChange(draft: Draft): void
}) {
  const id = useId()
  const multi = q.multiSelect === true
  const pick = (label: string, on: boolean) =>
    onChange(
      multi
        ? { ...draft, picked: on ? [...draft.picked, label] : draft.picked.filter((l) => l !== label) }
        : { ...draft, picked: [label], other: false },
    )
  const setOther = (on: boolean) => onChange(multi ? { ...draft, other: on } : { ...draft, picked: [], other: on })
  // Typing an answer of one's own means choosing it.
  const type = (text: string) => onChange(freeText(q) ? { ...draft, text } : multi ? { ...draft, text, other: true } : { ...draft, text, picked: [], other: true })
  const textProps = {
    value: draft.text,
    onChange: (e: { target: { value: string } }) => type(e.target.value),
    'aria-label': freeText(q) ? q.question : 'Other answer',
  }
  const text = q.multiline ? (
    <textarea
      {...textProps}
      className="input input-area t-question-input"
      rows={6}
      onKeyDown={(e) => {
        if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
          e.preventDefault()
          e.currentTarget.form?.requestSubmit()
        }
      }}
    />
  ) : (
    <input {...textProps} className="input t-question-input" type={q.secret ? 'password' : 'text'} autoComplete="off" spellCheck={!q.secret} />
  )
  return (
    <fieldset className="t-question" aria-label={q.question} disabled={disabled}>
      <div className="t-question-head">
        {q.header && <span className="t-question-chip">{q.header}</span>}
        <span className="t-question-text">{withInlineCode(q.question)}</span>
      </div>
      {freeText(q) ? (
        text
      ) : (
        <div className="t-choices">
          {q.options.map((o, i) => (
            <label key={i} className="t-choice">
              <input
                type={multi ? 'checkbox' : 'radio'}
                name={group}
                checked={draft.picked.includes(o.label)}
                onChange={(e) => pick(o.label, e.target.checked)}
                aria-labelledby={`${id}-${i}`}
                aria-describedby={o.description ? `${id}-${i}-d` : undefined}
              />
              <span className="t-choice-label" id={`${id}-${i}`}>
                {o.label}
              </span>
              {o.description && (
                <span className="t-choice-desc" id={`${id}-${i}-d`}>
                  {o.description}
                </span>
              )}
            </label>
          ))}
          {typable(q) && (
            <div className="t-choice t-choice-other">
              <input type={multi ? 'checkbox' : 'radio'} name={group} id={`${id}-other`} checked={draft.other} onChange={(e) => setOther(e.target.checked)} />
              <label className="t-choice-label" htmlFor={`${id}-other`}>
                Other
              </label>
              {text}
            </div>
          )}
        </div>
      )}
    </fieldset>
  )
}

/** A settled request's questions, each with what was answered (if anything). */
function AnswerList({ questions, answers }: { questions: Question[]; answers?: Answers }) {
  return (
    <dl className="t-answers">
      {questions.map((q) => {
        const given = answers?.[q.id]
        return (
          <div key={q.id} className="t-answer">
            <dt>
              {q.header && <span className="t-question-chip">{q.header}</span>}
              {withInlineCode(q.question)}
            </dt>
            {given && given.length > 0 && <dd className={q.multiline ? 't-answer-long' : undefined}>{given.join(', ')}</dd>}
          </div>
        )
      })}
    </dl>
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
  // A turn that used nothing (interrupted before the model answered) says so by omitting "0 in · 0 out".
  const spent = item.usage && ((item.usage.inputTokens ?? 0) > 0 || (item.usage.outputTokens ?? 0) > 0 || (item.usage.costUsd ?? 0) > 0)
  if (spent) for (const [i, p] of usageParts(item.usage).entries()) parts.push(<span key={`u${i}`}>{p}</span>)
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
      return 96 + (item.questions ?? []).reduce((h, q) => h + 48 + 30 * q.options.length + (q.multiline ? 110 : 0), 0)
    case 'plan':
      return 40 + 22 * item.entries.length
    default:
      return 32
  }
}
