import { cloneElement, isValidElement, memo, useState, type ReactElement, type ReactNode } from 'react'
import Markdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'
import './markdown.css'

interface MdNode {
  type: string
  value?: string
  children?: MdNode[]
}

/**
 * Raw HTML in an agent's markdown is shown as the text it is, never rendered: the html nodes
 * become text nodes before anything turns them into elements.
 */
function remarkHtmlAsText() {
  const walk = (node: MdNode) => {
    if (node.type === 'html') node.type = 'text'
    node.children?.forEach(walk)
  }
  return (tree: MdNode) => walk(tree)
}

/**
 * remark-gfm's parser extensions, made once. react-markdown builds its processor on every render, and
 * remark-gfm's plugin would build them anew each time: with several lanes streaming, that was about a
 * tenth of the markdown work. A processor uses such extensions for any number of parses.
 */
const gfmData: Record<string, unknown[]> = {}
remarkGfm.call({ data: () => gfmData } as never)
function remarkGfmOnce(this: { data(): object }) {
  const data = this.data() as Record<string, unknown[] | undefined>
  for (const [key, extensions] of Object.entries(gfmData)) data[key] = [...(data[key] ?? []), ...extensions]
}

const remarkPlugins = [remarkGfmOnce, remarkHtmlAsText]

const components: Components = {
  // Links open outside the app (Electron sends new windows to the user's browser).
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noreferrer noopener" title={href}>
      {children}
    </a>
  ),
  // The page's CSP loads no remote images: say what the image was instead of a broken icon.
  img: ({ alt, src }) => (
    <span className="md-image" title={typeof src === 'string' ? src : undefined}>
      [image{alt ? `: ${alt}` : ''}]
    </span>
  ),
  table: ({ children }) => (
    <div className="md-table">
      <table>{children}</table>
    </div>
  ),
}

/**
 * Markdown text parsed whole, as one piece: the text of a `MarkdownText` is made of such pieces. Memo
 * skips a finished piece while the text after it grows.
 */
export const MarkdownBlocks = memo(function MarkdownBlocks({ text }: { text: string }) {
  return (
    <Markdown remarkPlugins={remarkPlugins} components={components}>
      {text}
    </Markdown>
  )
})

/** The tail's top-level blocks, as the parser saw them (reported by `remarkBlocks`). */
interface TailParse {
  /** Offset of the tail in the text. */
  from: number
  source: string
  blocks: Block[]
}

interface Block {
  type: string
  /** Offset in the source of the line the block starts on. */
  line: number
  startLine: number
  endLine: number
}

interface MdastBlock {
  type: string
  position?: { start: { line: number; offset?: number }; end: { line: number } }
}

function remarkBlocks({ onParse }: { onParse(blocks: Block[]): void }) {
  return (tree: { children: MdastBlock[] }, file: { value: unknown }) => {
    const source = String(file.value)
    onParse(
      tree.children.map(({ type, position: p }) => ({
        type,
        line: source.lastIndexOf('\n', (p?.start.offset ?? 0) - 1) + 1,
        startLine: p?.start.line ?? 0,
        endLine: p?.end.line ?? 0,
      })),
    )
  }
}

/** Blocks that a blank line ends for good (a list or an indented code block may go on after one). */
const ENDED_BY_BLANK_LINE = new Set(['paragraph', 'heading', 'thematicBreak'])

/** Whether the line starting at `at` begins, after its indentation, with a letter (no block marker is one). */
function startsWithLetter(source: string, at: number): boolean {
  LETTER_FIRST.lastIndex = at
  return LETTER_FIRST.test(source)
}
const LETTER_FIRST = /[ \t]*\p{L}/uy

/**
 * Where the finished part of a text ends, given the last parse of its tail. A top-level block is final
 * once the next block starts on a complete line; or on a line whose indentation and first character
 * are there and a letter (no block marker starts so, and a line that continues the block before would
 * not have started a block); or when it is paragraph-like with a blank line after it: nothing appended
 * can reopen it then. The cut moves to the start of the last block if the block before it is final,
 * else to the start of the block before it; never to the tail's first block (what it cut off would
 * hold no block).
 */
function nextCut(text: string, cut: number, parse: TailParse | null): number {
  if (!parse || parse.from !== cut || !text.startsWith(parse.source, cut)) return cut
  const { blocks, source } = parse
  const last = blocks.length - 1
  if (last < 1) return cut
  const before = blocks[last - 1]
  const line = blocks[last].line
  const beforeIsFinal =
    source.includes('\n', line) ||
    startsWithLetter(source, line) ||
    (ENDED_BY_BLANK_LINE.has(before.type) && blocks[last].startLine > before.endLine + 1)
  const i = beforeIsFinal ? last : last - 1
  return i >= 1 ? cut + blocks[i].line : cut
}

/** Characters that, appended to a paragraph, can only be more of its text (no newline, no markup, no link). */
const PLAIN_APPEND = /^[\p{L}\p{N} \t,;'"?()/%+=-]*$/u
/** The last character of a parsed paragraph after which plain text is only more text (not a delimiter, escape or `]`). */
const PLAIN_END = /[\p{L}\p{N})"',;?/%]$/u
/** What could turn a word into a link (an autolink literal: www., http://, an e-mail) or an entity. */
const LINKISH = /[.:@&]/
/** A line whose text (after a list item's marker, if any) starts with a letter: however it goes on, it starts no other block. */
const LETTER_LINE = /^[ \t]*(?:[-*+][ \t]+|\d{1,9}[.)][ \t]+)?\p{L}/u

/**
 * The tail `parsed` rendered to `element`, grown by `added`, rendered as a parse would render it without
 * parsing again, or null when that is not sure. Sure when the tail ends in a paragraph or a list whose
 * source ends in a plain character, on a line whose text starts with a letter (`"1" + ") x"` would be a
 * list), with no `](` (a link that could still close); and `added` is plain text (`PLAIN_APPEND`) that
 * makes no link with the word it joins. The last text of the last paragraph (or list item) then only
 * gets `added`, less trailing blanks (a paragraph drops them). A streaming reply grows so most of the
 * time, and this skips most of the markdown parsing of the lanes in view.
 */
function appendPlain(parsed: TailParse, element: ReactElement, added: string): ReactElement | null {
  const { source, blocks } = parsed
  const last = blocks[blocks.length - 1]
  if (!last || (last.type !== 'paragraph' && last.type !== 'list') || !PLAIN_END.test(source) || !PLAIN_APPEND.test(added)) return null
  if (source.slice(last.line).includes('](') || !LETTER_LINE.test(source.slice(source.lastIndexOf('\n') + 1))) return null
  if (!/^[ \t]/.test(added) && LINKISH.test(/\S*$/.exec(source)![0] + /^\S*/.exec(added)![0])) return null
  const text = added.replace(/[ \t]+$/, '')
  return text === '' ? element : appendToLastText(element, text, 0)
}

/**
 * `element` with `text` added to its last text: down through the last block (a paragraph, a list, its last
 * item, a paragraph in it), which must end in text; null if it does not (e.g. a nested list last).
 */
function appendToLastText(element: ReactElement, text: string, depth: number): ReactElement | null {
  const own = (element.props as { children?: ReactNode }).children
  const children = Array.isArray(own) ? own : [own]
  // Lists and loose items have newlines between (and after) their elements.
  let i = children.length - 1
  while (i > 0 && children[i] === '\n' && depth > 0) i--
  const end = children[i]
  let grown: ReactNode
  if (typeof end === 'string' && depth > 0 && (element.type === 'p' || element.type === 'li') && i === children.length - 1) grown = end + text
  else if (isValidElement(end) && ['p', 'ul', 'ol', 'li'].includes(end.type as string) && depth < 4) grown = appendToLastText(end, text, depth + 1)
  if (grown === undefined || grown === null) return null
  return cloneElement(element, undefined, ...children.slice(0, i), grown, ...children.slice(i + 1))
}

/**
 * A text's markdown, rendered as parsing it whole renders it (the same elements), in pieces: a text
 * that only grows at its end (a streaming message) keeps its finished top-level blocks as pieces that
 * render once (`MarkdownBlocks`), and each render parses only the tail, not the whole text on every
 * delta. Text with link or footnote definitions (which reach across blocks) is parsed whole.
 */
export class MarkdownStream {
  /** Offsets where the finished pieces start; the last one starts the tail. */
  private cuts = [0]
  /** The text up to the tail: a text that does not start with it was rewritten. */
  private prefix = ''
  private parse: TailParse | null = null
  /** The tail as last parsed (`parse.source`), rendered. */
  private parsedTail: ReactElement | null = null

  render(text: string, className?: string): ReactNode {
    // Rewritten rather than grown, or maybe with definitions: start over, as one piece.
    if (!text.startsWith(this.prefix) || text.includes(']:')) {
      this.cuts = [0]
      this.prefix = ''
      this.parse = null
      this.parsedTail = null
    }
    const last = this.cuts[this.cuts.length - 1]
    const cut = nextCut(text, last, this.parse)
    if (cut > last) {
      this.cuts = [...this.cuts, cut]
      this.prefix = text.slice(0, cut)
    }
    const tail = text.slice(cut)
    const pieces: ReactNode[] = []
    // Between top-level blocks the whole text's rendering has a newline text node: so do the pieces.
    this.cuts.slice(0, -1).forEach((from, i) => pieces.push(<MarkdownBlocks key={from} text={text.slice(from, this.cuts[i + 1])} />, '\n'))
    return (
      <div className={`md${className ? ` ${className}` : ''}`}>
        {pieces}
        <MarkdownTail source={tail} rendered={this.renderTail(tail, cut)} />
      </div>
    )
  }

  /** The tail rendered: what its last parse rendered, grown by plain text (`appendPlain`), or parsed now. */
  private renderTail(tail: string, cut: number): ReactElement {
    const parsed = this.parse
    if (parsed && this.parsedTail && parsed.from === cut && tail.startsWith(parsed.source)) {
      const grown = appendPlain(parsed, this.parsedTail, tail.slice(parsed.source.length))
      if (grown) return grown
    }
    const onParse = (blocks: Block[]) => (this.parse = { from: cut, source: tail, blocks })
    this.parsedTail = Markdown({ children: tail, remarkPlugins: [...remarkPlugins, [remarkBlocks, { onParse }]], components })
    return this.parsedTail
  }
}

/** The tail of a streaming text, rendered (`source`: its markdown, for tests and React's dev tools). */
function MarkdownTail({ rendered }: { source: string; rendered: ReactElement }): ReactNode {
  return rendered
}

/**
 * An agent's markdown (GitHub flavoured), safely: no raw HTML, no script URLs (react-markdown strips
 * them). While the text grows (streaming), each change parses only its end (`MarkdownStream`).
 */
export const MarkdownText = memo(function MarkdownText({ text, className }: { text: string; className?: string }): ReactNode {
  const [stream] = useState(() => new MarkdownStream())
  return stream.render(text, className)
})
