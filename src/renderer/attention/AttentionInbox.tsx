import type { Lane } from '../../shared/contract'
import { KIND_LABEL, type AttentionItem } from './attention-model'
import { HostMark } from '../hosts/HostMark'
import './attention.css'

interface Props {
  items: readonly AttentionItem[]
  lanes: ReadonlyMap<string, Lane>
  /** How the "next lane that needs you" key reads (Ctrl+Shift+A). */
  nextKey: string
  onOpen(laneId: string): void
  onNext(): void
  /** Answers an approval in place (allow once / reject once). */
  onAnswer(laneId: string, requestId: string, optionId: string): void
}

/** The sidebar's "Needs you": every lane waiting for the user, across workspaces, newest first. */
export function AttentionInbox({ items, lanes, nextKey, onOpen, onNext, onAnswer }: Props) {
  return (
    <section className="attention" aria-label="Needs you">
      <div className="sidebar-section-head">
        <span className="attention-head">
          Needs you{' '}
          <span className={`count attention-count${items.length > 0 ? ' active' : ''}`} aria-label={`${items.length} waiting`}>
            {items.length}
          </span>
        </span>
        {items.length > 0 && (
          <button className="button button-small" onClick={onNext} title={`Go to the next lane that needs you (${nextKey})`}>
            Next
          </button>
        )}
      </div>
      {items.length === 0 ? (
        <p className="sidebar-hint attention-empty">Nothing is waiting for you.</p>
      ) : (
        <ul className="attention-list">
          {items.map((item) => {
            const lane = lanes.get(item.laneId)
            return (
              <li key={item.id} className="attention-entry">
                <button className={`attention-item attention-${item.kind}`} data-attention-lane-id={item.laneId} onClick={() => onOpen(item.laneId)}>
                  <span className="attention-kind">{KIND_LABEL[item.kind]}</span>
                  <span className="attention-lane">{lane?.title || 'Lane'}</span>
                  <HostMark id={item.laneId} />
                  <span className="attention-text" title={item.text}>
                    {item.text}
                  </span>
                </button>
                {item.answer && (
                  <div className="attention-answers" role="group" aria-label={`Answer: ${item.text}`}>
                    {item.answer.options.map((o) => (
                      <button
                        key={o.id}
                        className={`button button-small attention-answer-${o.kind}`}
                        onClick={() => onAnswer(item.laneId, item.answer!.requestId, o.id)}
                      >
                        {o.label}
                      </button>
                    ))}
                  </div>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
