import { Fragment, useLayoutEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import type { UiCommand } from '../app/commands'
import type { PaletteAction } from './actions'
import { rankItems } from './fuzzy'
import './palette.css'

interface Props {
  actions: PaletteAction[]
  onRun(command: UiCommand): void
  onClose(): void
  placeholder?: string
}

/** Ctrl/Cmd+K: a fuzzy-filtered list of every action; ↑/↓ move, Enter runs, Esc closes. */
export function CommandPalette({ actions, onRun, onClose, placeholder = 'Type an action or a lane…' }: Props) {
  const [query, setQuery] = useState('')
  const [active, setActive] = useState(0)
  const input = useRef<HTMLInputElement>(null)
  const list = useRef<HTMLUListElement>(null)
  const ranked = useMemo(() => rankItems(actions, query), [actions, query])
  const current = Math.min(active, Math.max(0, ranked.length - 1))

  // Before paint, so keys pressed right after it shows go to the palette.
  useLayoutEffect(() => {
    // Where the keyboard was (a terminal, a composer) gets it back when the palette closes without running anything.
    const before = document.activeElement as HTMLElement | null
    input.current?.focus()
    const root = input.current?.closest('.palette')
    return () => {
      // (Runs while the palette is still in the page: "still in it" means nothing took the focus.)
      const now = document.activeElement
      if (before?.isConnected && (now === document.body || (now && root?.contains(now)))) before.focus()
    }
  }, [])
  useLayoutEffect(() => {
    list.current?.querySelector('[aria-selected="true"]')?.scrollIntoView({ block: 'nearest' })
  }, [current, ranked])

  const run = (action: PaletteAction | undefined) => {
    if (!action) return
    onClose()
    onRun(action.command)
  }
  const onKeyDown = (e: KeyboardEvent) => {
    const n = ranked.length
    if (e.key === 'ArrowDown' || (e.key === 'n' && e.ctrlKey)) {
      e.preventDefault()
      if (n) setActive((current + 1) % n)
    } else if (e.key === 'ArrowUp' || (e.key === 'p' && e.ctrlKey)) {
      e.preventDefault()
      if (n) setActive((current - 1 + n) % n)
    } else if (e.key === 'PageDown' || e.key === 'PageUp') {
      e.preventDefault()
      if (n) setActive(e.key === 'PageDown' ? Math.min(n - 1, current + 8) : Math.max(0, current - 8))
    } else if (e.key === 'Enter' && !e.nativeEvent.isComposing) {
      e.preventDefault()
      run(ranked[current]?.item)
    } else if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      onClose()
    }
  }

  const activeId = ranked[current] ? `palette-${ranked[current].item.id}` : undefined
  return (
    <div className="dialog-backdrop palette-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" role="dialog" aria-modal="true" aria-label="Command palette" onKeyDown={onKeyDown}>
        <input
          ref={input}
          className="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls="palette-list"
          aria-activedescendant={activeId}
          aria-label="Search actions"
          placeholder={placeholder}
          spellCheck={false}
          autoComplete="off"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value)
            setActive(0)
          }}
        />
        <ul className="palette-list" id="palette-list" role="listbox" aria-label="Actions" ref={list}>
          {ranked.map(({ item, positions }, i) => {
            // Group headings only for the unfiltered list (a filtered one is in rank order).
            const heading = query.trim() === '' && (i === 0 || ranked[i - 1].item.group !== item.group)
            return (
              <Fragment key={item.id}>
                {heading && (
                  <li className="palette-group" role="presentation">
                    {item.group}
                  </li>
                )}
                <li
                  id={`palette-${item.id}`}
                  role="option"
                  aria-selected={i === current}
                  className={`palette-item${i === current ? ' active' : ''}`}
                  onMouseMove={() => i !== current && setActive(i)}
                  onMouseDown={(e) => e.preventDefault()}
                  onClick={() => run(item)}
                >
                  <span className="palette-text">
                    <span className="palette-title">
                      <Highlighted text={item.title} positions={positions} />
                    </span>
                    {item.hint && <span className="palette-hint">{item.hint}</span>}
                  </span>
                  {item.shortcut && <kbd className="palette-shortcut">{item.shortcut}</kbd>}
                </li>
              </Fragment>
            )
          })}
          {ranked.length === 0 && <li className="palette-empty">No action matches “{query.trim()}”</li>}
        </ul>
        <div className="palette-foot">
          <span>
            <kbd>↑</kbd> <kbd>↓</kbd> move
          </span>
          <span>
            <kbd>Enter</kbd> run
          </span>
          <span>
            <kbd>Esc</kbd> close
          </span>
        </div>
      </div>
    </div>
  )
}

function Highlighted({ text, positions }: { text: string; positions: number[] }) {
  if (positions.length === 0) return <>{text}</>
  const marked = new Set(positions)
  const parts: { text: string; mark: boolean }[] = []
  for (let i = 0; i < text.length; i++) {
    const mark = marked.has(i)
    const last = parts[parts.length - 1]
    if (last && last.mark === mark) last.text += text[i]
    else parts.push({ text: text[i], mark })
  }
  return (
    <>
      {parts.map((p, i) => (p.mark ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>))}
    </>
  )
}
