import { useEffect, useRef, useState } from 'react'

interface Props {
  title: string
  /** What the text field is called for screen readers ("Rename lane …"). */
  label: string
  editing: boolean
  onEditingChange(editing: boolean): void
  onRename(title: string): void
  className?: string
}

/** A title that turns into a text field: Enter or leaving it renames, Esc keeps the old name. */
export function EditableTitle({ title, label, editing, onEditingChange, onRename, className }: Props) {
  const [draft, setDraft] = useState(title)
  const input = useRef<HTMLInputElement>(null)
  useEffect(() => {
    if (!editing) return
    setDraft(title)
    requestAnimationFrame(() => input.current?.select())
    // Only when editing starts: a title that changes meanwhile must not wipe what is being typed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [editing])
  if (!editing) return <span className={className}>{title}</span>
  const commit = () => {
    onEditingChange(false)
    const next = draft.trim()
    if (next && next !== title) onRename(next)
  }
  return (
    <input
      ref={input}
      className={`input title-input${className ? ` ${className}` : ''}`}
      aria-label={label}
      value={draft}
      maxLength={200}
      spellCheck={false}
      onChange={(e) => setDraft(e.target.value)}
      onClick={(e) => e.stopPropagation()}
      onDoubleClick={(e) => e.stopPropagation()}
      onMouseDown={(e) => e.stopPropagation()}
      onBlur={commit}
      onKeyDown={(e) => {
        e.stopPropagation()
        if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
          e.preventDefault()
          commit()
        } else if (e.key === 'Escape') {
          e.preventDefault()
          onEditingChange(false)
        }
      }}
    />
  )
}
