import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { Attachment } from '../../shared/contract'
import type { LaneStatus } from '../../shared/events'
import { useApp } from '../app/context'
import { useComposerDraft } from './composer-draft'
import { addAttachments, fileToAttachment, formatBytes, useFileDrop } from '../ui/attachments'
import './composer.css'

export interface ComposerHandle {
  focus(): void
}

interface Props {
  laneId: string
  status: LaneStatus
  /** Sends the text and attached files; resolves false when it failed (both are put back). */
  onSend(text: string, attachments: Attachment[]): Promise<boolean>
  onInterrupt(): void
}

const MAX_HEIGHT = 200

/** What the composer says about the lane's state, as its placeholder. */
export function composerPlaceholder(status: LaneStatus): string {
  switch (status) {
    case 'sleeping':
      return 'sleeping — sending wakes it'
    case 'exited':
    case 'failed':
      return 'Sending restarts the agent'
    case 'starting':
      return 'Starting the agent…'
    case 'busy':
      return 'Working… you can still send'
    case 'waiting':
      return 'The agent waits for your answer above'
    default:
      return 'Message the agent — Enter sends, Shift+Enter adds a line'
  }
}

/** Whether Esc (and the Stop button) interrupts: a turn is under way. */
export function canInterrupt(status: LaneStatus): boolean {
  return status === 'busy' || status === 'waiting'
}

/**
 * The structured lane's input: Enter sends, Shift+Enter a newline, Esc interrupts a running turn.
 * Files dropped on it are attached to the next message.
 */
export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ laneId, status, onSend, onInterrupt }, ref) {
  const { notify, getPathForFile } = useApp()
  const [text, setText] = useComposerDraft(laneId)
  const [attachments, setAttachments] = useState<Attachment[]>([])
  const [sending, setSending] = useState(false)
  const area = useRef<HTMLTextAreaElement>(null)
  useImperativeHandle(ref, () => ({ focus: () => area.current?.focus() }), [])

  const attach = async (files: File[]) => {
    const results = await Promise.all(files.map((f) => fileToAttachment(f, getPathForFile)))
    const added: Attachment[] = []
    for (const r of results) {
      if (r.ok) added.push(r.attachment)
      else notify(r.message)
    }
    if (added.length === 0) return
    setAttachments((list) => {
      const next = addAttachments(list, added)
      for (const message of next.refused) notify(message)
      return next.list
    })
    area.current?.focus()
  }
  const drop = useFileDrop((files) => void attach(files))

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = area.current
    if (!el) return
    el.style.height = 'auto'
    el.style.height = `${Math.min(MAX_HEIGHT, el.scrollHeight)}px`
  }, [text])

  const interruptible = canInterrupt(status)
  const canSend = (text.trim() !== '' || attachments.length > 0) && !sending
  const send = async () => {
    if (!canSend) return
    const value = text.trim() ? text : ''
    const files = attachments
    setSending(true)
    setText('')
    setAttachments([])
    const ok = await onSend(value, files)
    setSending(false)
    if (!ok) {
      setText((now) => (now === '' ? value : now))
      setAttachments((now) => (now.length === 0 ? files : now))
    }
    area.current?.focus()
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void send()
    }
  }

  return (
    <div className={`composer composer-${status}${drop.over ? ' composer-drop' : ''}`} data-lane-composer={laneId} {...drop.handlers}>
      {drop.over && <div className="composer-drop-hint">Drop to attach to your message</div>}
      {attachments.length > 0 && (
        <ul className="attachments" aria-label="Attachments">
          {attachments.map((a, i) => (
            <li key={`${a.path ?? a.name}:${i}`} className="attachment" title={a.path ?? `${a.name} · ${formatBytes(a.content?.length ?? 0)} of text, sent with the message`}>
              <svg className="attachment-icon" width="12" height="12" viewBox="0 0 16 16" aria-hidden="true">
                <path d="M4 1.5h5l3.5 3.5v9.5h-8.5z M9 1.5v3.5h3.5" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinejoin="round" />
              </svg>
              <span className="attachment-name">{a.name}</span>
              <button
                type="button"
                className="attachment-remove"
                aria-label={`Remove ${a.name}`}
                title="Remove"
                onClick={() => {
                  setAttachments((list) => list.filter((_, j) => j !== i))
                  area.current?.focus()
                }}
              >
                ×
              </button>
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={area}
        className="composer-input"
        rows={1}
        value={text}
        placeholder={composerPlaceholder(status)}
        aria-label="Message"
        spellCheck={false}
        onChange={(e) => setText(e.target.value)}
        onKeyDown={onKeyDown}
      />
      <div className="composer-bar">
        <span className="composer-hint">
          {status === 'sleeping' ? (
            <span className="composer-sleeping">sleeping — sending wakes it</span>
          ) : interruptible ? (
            <>
              <kbd>Esc</kbd> interrupt
            </>
          ) : (
            <>
              <kbd>Enter</kbd> send · <kbd>Shift+Enter</kbd> newline
            </>
          )}
        </span>
        <label className="icon-button composer-attach" title="Attach files (or drop them here)">
          <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
            <path
              d="M10.5 4.5 5.8 9.2a1.3 1.3 0 0 0 1.9 1.9l5-5a2.6 2.6 0 0 0-3.7-3.7l-5 5a3.9 3.9 0 0 0 5.5 5.5l4-4"
              fill="none"
              stroke="currentColor"
              strokeWidth="1.3"
              strokeLinecap="round"
            />
          </svg>
          <input
            type="file"
            multiple
            className="visually-hidden"
            aria-label="Attach files"
            onChange={(e) => {
              const files = Array.from(e.target.files ?? [])
              e.target.value = ''
              if (files.length > 0) void attach(files)
            }}
          />
        </label>
        {interruptible && (
          <button className="button button-small button-ghost composer-stop" onClick={onInterrupt} title="Interrupt the turn (Esc)">
            <span className="stop-square" aria-hidden="true" />
            Interrupt
          </button>
        )}
        <button className="button button-small button-primary" disabled={!canSend} onClick={() => void send()}>
          {sending ? 'Sending…' : status === 'sleeping' ? 'Wake & send' : 'Send'}
        </button>
      </div>
    </div>
  )
})
