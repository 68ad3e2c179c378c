// A product's description (Lexical JSON) as plain HTML: paragraphs, headings, lists, bold and italic text,
// links to http(s) only. Text is rendered by React, so nothing in a description becomes markup.
import type { ReactNode } from 'react'

type Node = { type?: string; text?: string; format?: number | string; tag?: string; listType?: string; url?: string; fields?: { url?: string }; children?: Node[] }

const BOLD = 1
const ITALIC = 2

function render(node: Node, key: number): ReactNode {
  const children = node.children?.map(render)
  switch (node.type) {
    case 'text': {
      let out: ReactNode = node.text ?? ''
      const format = typeof node.format === 'number' ? node.format : 0
      if (format & BOLD) out = <strong>{out}</strong>
      if (format & ITALIC) out = <em>{out}</em>
      return <span key={key}>{out}</span>
    }
    case 'linebreak':
      return <br key={key} />
    case 'heading':
      return <h3 key={key}>{children}</h3>
    case 'list':
      return node.listType === 'number' ? <ol key={key}>{children}</ol> : <ul key={key}>{children}</ul>
    case 'listitem':
      return <li key={key}>{children}</li>
    case 'link': {
      const url = node.fields?.url ?? node.url ?? ''
      return /^https?:\/\//.test(url) ? <a key={key} href={url} rel="nofollow noopener">{children}</a> : <span key={key}>{children}</span>
    }
    case 'paragraph':
    case 'quote':
      return <p key={key}>{children}</p>
    default:
      return children ? <span key={key}>{children}</span> : null
  }
}

export function RichText({ value }: { value: unknown }) {
  const root = (value as { root?: Node } | null)?.root
  return <div>{root?.children?.map(render)}</div>
}
