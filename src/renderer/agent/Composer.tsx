import { forwardRef, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react'
import type { LaneStatus } from '../../shared/events'

export interface ComposerHandle {
  focus(): void
}

interface Props {
  laneId: string
  status: LaneStatus
  /** Sends the text; resolves false when it failed (the text is put back). */
  onSend(text: string): Promise<boolean>
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
      return 'Waiting for your approval above'
    default:
      return 'Message the agent — Enter sends, Shift+Enter adds a line'
  }
}

/** Whether Esc (and the Stop button) interrupts: a turn is under way. */
export function canInterrupt(status: LaneStatus): boolean {
  return status === 'busy' || status === 'waiting'
}

/** The structured lane's input: Enter sends, Shift+Enter a newline, Esc interrupts a running turn. */
export const Composer = forwardRef<ComposerHandle, Props>(function Composer({ laneId, status, onSend, onInterrupt }, ref) {
  const [text, setText] = useState('')
  const [sending, setSending] = useState(false)
  const area = useRef<HTMLTextAreaElement>(null)
  useImperativeHandle(ref, () => ({ focus: () => area.current?.focus() }), [])

  // Grow with the text up to a limit, then scroll.
  useLayoutEffect(() => {
    const el = area.current
    if (!el) return
    el.style.height = 'auto'
    el.style.height = `${Math.min(MAX_HEIGHT, el.scrollHeight)}px`
  }, [text])

  const interruptible = canInterrupt(status)
  const send = async () => {
    const value = text
    if (!value.trim() || sending) return
    setSending(true)
    setText('')
    const ok = await onSend(value)
    setSending(false)
    if (!ok) setText((now) => (now === '' ? value : now))
    area.current?.focus()
  }

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.altKey && !e.ctrlKey && !e.metaKey && !e.nativeEvent.isComposing) {
      e.preventDefault()
      void send()
    }
  }

  return (
    <div className={`composer composer-${status}`} data-lane-composer={laneId}>
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
        {interruptible && (
          <button className="button button-small button-ghost composer-stop" onClick={onInterrupt} title="Interrupt the turn (Esc)">
            <span className="stop-square" aria-hidden="true" />
            Interrupt
          </button>
        )}
        <button className="button button-small button-primary" disabled={!text.trim() || sending} onClick={() => void send()}>
          {sending ? 'Sending…' : status === 'sleeping' ? 'Wake & send' : 'Send'}
        </button>
      </div>
    </div>
  )
})
