// Markdown -> safe HTML for portfolio text (About Me, project descriptions). Belt and
// braces: markdown-it with raw HTML off (a <script> stays text) and its own link check,
// then sanitize-html with an allow-list (basic formatting, links to http/https/mailto or
// relative, https images with alt text), so neither library alone has to be right.
import MarkdownIt from 'markdown-it'
import sanitizeHtml from 'sanitize-html'

const md = new MarkdownIt({ html: false, linkify: true, typographer: false, breaks: false })

const HEADINGS = ['h3', 'h4', 'h5', 'h6']

const SANITIZE: sanitizeHtml.IOptions = {
  allowedTags: ['p', 'br', 'hr', 'strong', 'em', 'b', 'i', 's', 'del', 'code', 'pre', 'blockquote',
    'ul', 'ol', 'li', 'a', 'img', ...HEADINGS],
  allowedAttributes: { a: ['href', 'title', 'rel'], img: ['src', 'alt', 'title'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto'],
  allowedSchemesByTag: { img: ['https'] },
  allowedSchemesAppliedToAttributes: ['href', 'src'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  // Images only from https and only with a description: ATS and screen readers need alt.
  exclusiveFilter: (frame) => frame.tag === 'img' && (!frame.attribs.alt?.trim() || !/^https:\/\//i.test(frame.attribs.src ?? '')),
  transformTags: {
    a: (tagName, attribs) => ({ tagName, attribs: { ...attribs, rel: 'nofollow noopener ugc' } })
  }
}

/**
 * Renders `src` with headings moved under the page's outline: the first heading becomes
 * h<top>, and no heading goes more than one level below the one before it (h2 after a
 * section's h2 would break the page outline; "###" straight after the section title would
 * skip a level). `top` is 3 under an h2 section heading, 4 under an h3 project title.
 */
export function renderMarkdown (src: unknown, top = 3, allowImage: (url: string) => boolean = () => true): string {
  if (typeof src !== 'string' || src.trim() === '') return ''
  const tokens = md.parse(src, {})
  const levels = [...new Set(tokens.filter((t) => t.type === 'heading_open').map((t) => Number(t.tag.slice(1))))].sort()
  refuseImages(tokens, allowImage)
  let prev = top - 1
  const open: number[] = []
  for (const t of tokens) {
    if (t.type === 'heading_open') {
      const ranked = top + levels.indexOf(Number(t.tag.slice(1)))
      const level = Math.min(6, Math.max(top, Math.min(ranked, prev + 1)))
      t.tag = `h${level}`
      open.push(level)
      prev = level
    } else if (t.type === 'heading_close') {
      t.tag = `h${open.pop() ?? top}`
    }
  }
  return sanitizeHtml(md.renderer.render(tokens, md.options, {}), SANITIZE)
}

/** A refused image leaves its description in its place, as a browser does for a broken one. */
function refuseImages (tokens: ReturnType<typeof md.parse>, allowImage: (url: string) => boolean): void {
  for (const t of tokens) {
    for (const child of t.children ?? []) {
      if (child.type !== 'image' || allowImage(String(child.attrGet('src') ?? ''))) continue
      child.type = 'text'
      child.tag = ''
      child.attrs = null
      child.children = null
    }
  }
}

/**
 * Plain text of some Markdown (for <meta name="description"> and script detection), read off
 * markdown-it's tokens: no HTML is rendered and parsed again, and the text is not entity-escaped
 * (the template escapes it once). Images give no text, as in the rendered page's text.
 */
export function markdownText (src: unknown): string {
  if (typeof src !== 'string') return ''
  const out: string[] = []
  for (const t of md.parse(src, {})) {
    if (t.type === 'code_block' || t.type === 'fence') out.push(t.content, ' ')
    if (t.type !== 'inline') continue
    for (const c of t.children ?? []) {
      if (c.type === 'text' || c.type === 'code_inline') out.push(c.content)
      else if (c.type === 'softbreak' || c.type === 'hardbreak') out.push(' ')
    }
    out.push(' ')
  }
  return out.join('').replace(/\s+/g, ' ').trim()
}
