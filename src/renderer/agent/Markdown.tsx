import { memo, type ReactNode } from 'react'
import Markdown, { type Components } from 'react-markdown'
import remarkGfm from 'remark-gfm'

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

const remarkPlugins = [remarkGfm, remarkHtmlAsText]

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

/** An agent's markdown (GitHub flavoured), safely: no raw HTML, no script URLs (react-markdown strips them). */
export const MarkdownText = memo(function MarkdownText({ text, className }: { text: string; className?: string }): ReactNode {
  return (
    <div className={`md${className ? ` ${className}` : ''}`}>
      <Markdown remarkPlugins={remarkPlugins} components={components}>
        {text}
      </Markdown>
    </div>
  )
})
