// DOCX -> lines. The zip is checked first (zip.ts: declared sizes, then every entry inflated
// under its declared size), so a zip bomb costs at most MAX_UNZIPPED_BYTES. Only then does
// mammoth turn it into simple HTML (paragraph styles to h1..h6, bold/italic runs, lists),
// which is read into lines here.
import mammoth from 'mammoth'
import { ParseFailure } from './failure.ts'
import { BULLET_GLYPH, LEADING_BULLET, lineOf, printable, type Line, type Segment } from './lines.ts'
import { checkZip } from './zip.ts'

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
const decode = (s: string) => s.replace(/&(#x?[0-9a-fA-F]+|\w+);/g, (m, e: string) => {
  if (e[0] === '#') return String.fromCodePoint(e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
  return ENTITIES[e] ?? m
})

/** Reads mammoth's HTML (a small, known vocabulary) into lines. */
export function htmlLines (html: string): Line[] {
  const lines: Line[] = []
  let segments: Segment[] = []
  let block: { heading: number, bullet: boolean } | null = null
  let bold = 0
  let italic = 0
  let href: string | undefined
  let newSegment = true
  const flush = () => {
    if (block) {
      const segs = segments.map((s) => ({ ...s, text: s.text.replace(/\s+/g, ' ').trim() })).filter((s) => s.text)
      // A list typed by hand ("• Built ...") is a list too.
      if (segs.length > 1 && BULLET_GLYPH.test(segs[0]!.text)) { segs.shift(); block.bullet = true }
      if (segs[0] && LEADING_BULLET.test(segs[0].text)) { segs[0].text = segs[0].text.replace(LEADING_BULLET, ''); block.bullet = true }
      if (segs.length) lines.push(lineOf(segs, { indent: block.bullet ? 2 : 0, gap: 0, bullet: block.bullet, heading: block.heading, room: 99, charWidth: 0.5, page: 1, ...(block.bullet ? { marked: true } : {}) }))
    }
    segments = []
    block = null
    newSegment = true
  }
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)([^>]*)>|([^<]+)/g)) {
    const [, close, tag, attrs, text] = m
    if (text !== undefined) {
      if (!block) block = { heading: 0, bullet: false }
      const parts = decode(text).split('\t').map(printable)
      parts.forEach((part, i) => {
        const font = `${bold ? 'b' : ''}${italic ? 'i' : ''}` || 'r'
        const last = segments[segments.length - 1]
        if (i === 0 && !newSegment && last && last.font === font && last.url === href) last.text += part
        else segments.push({ text: part, font, size: 1, ...(href ? { url: href } : {}) })
        newSegment = false
      })
      continue
    }
    const isClose = close === '/'
    if (/^(p|h[1-6]|li|td|th)$/.test(tag!)) {
      flush()
      if (!isClose) block = { heading: tag![0] === 'h' ? Number(tag![1]) : 0, bullet: tag === 'li' }
    } else if (tag === 'strong' || tag === 'b') { bold += isClose ? -1 : 1; newSegment = true } else if (tag === 'em' || tag === 'i') { italic += isClose ? -1 : 1; newSegment = true } else if (tag === 'a') {
      href = isClose ? undefined : /href="([^"]*)"/.exec(attrs ?? '')?.[1]
      if (href) href = decode(href)
      newSegment = true
    } else if (tag === 'br') {
      const b: typeof block = block
      flush()
      block = b
    }
  }
  flush()
  return lines
}

export async function docxLines (buffer: Buffer): Promise<Line[]> {
  if (buffer.length === 0) throw new ParseFailure('EMPTY')
  if (!(await checkZip(buffer)).isWord) throw new ParseFailure('CORRUPT', 'no word/document.xml')
  let html: string
  try {
    html = (await mammoth.convertToHtml({ buffer }, { styleMap: ["p[style-name='Title'] => h1:fresh", "p[style-name='Subtitle'] => p:fresh"] })).value
  } catch (err) {
    throw new ParseFailure('CORRUPT', (err as Error).message)
  }
  const lines = htmlLines(html)
  if (lines.reduce((n, l) => n + l.text.length, 0) < 20) throw new ParseFailure(/<img/.test(html) ? 'IMAGE_ONLY' : 'EMPTY')
  return lines
}
