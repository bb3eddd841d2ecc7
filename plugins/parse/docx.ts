// DOCX -> lines. The zip is checked before anything inflates it for real: entry count and
// declared sizes first, then every entry is inflated once as a stream that yauzl stops as
// soon as it passes its declared size, so a zip bomb (or a zip lying about its sizes) costs
// at most MAX_UNZIPPED_BYTES. Only then does mammoth turn it into simple HTML (paragraph
// styles to h1..h6, bold/italic runs, lists), which is read into lines here.
import mammoth from 'mammoth'
import yauzl from 'yauzl'
import { ParseFailure } from './failure.js'
import { lineOf, type Line, type Segment } from './lines.js'

export const MAX_UNZIPPED_BYTES = 20 * 1024 * 1024
const MAX_ENTRIES = 2000

/**
 * Walks the zip's directory: entry count, declared sizes, and whether it is a Word document.
 * With `inflate`, every entry is also inflated (to nowhere) and checked against its size.
 */
export async function checkZip (buffer: Buffer, { maxBytes = MAX_UNZIPPED_BYTES, inflate = true } = {}): Promise<{ isWord: boolean }> {
  const zip = await new Promise<yauzl.ZipFile>((resolve, reject) => {
    yauzl.fromBuffer(buffer, { lazyEntries: true, validateEntrySizes: true }, (err, z) => (err ? reject(err) : resolve(z!)))
  }).catch((err: Error) => { throw new ParseFailure('CORRUPT', err.message) })
  if (zip.entryCount > MAX_ENTRIES) throw new ParseFailure('TOO_LARGE_UNZIPPED', `${zip.entryCount} entries`)
  let total = 0
  let hasDocument = false
  await new Promise<void>((resolve, reject) => {
    const fail = (err: Error) => { zip.close(); reject(err instanceof ParseFailure ? err : new ParseFailure('CORRUPT', err.message)) }
    zip.on('error', fail)
    zip.on('end', () => resolve())
    zip.on('entry', (entry: yauzl.Entry) => {
      if (entry.fileName === 'word/document.xml') hasDocument = true
      total += entry.uncompressedSize
      if (total > maxBytes) return fail(new ParseFailure('TOO_LARGE_UNZIPPED', `more than ${maxBytes} bytes declared`))
      if (entry.fileName.endsWith('/') || !inflate) return zip.readEntry()
      zip.openReadStream(entry, (err, stream) => {
        if (err || !stream) return fail(err ?? new Error('unreadable entry'))
        stream.on('error', fail)
        stream.on('data', () => {})
        stream.on('end', () => zip.readEntry())
      })
    })
    zip.readEntry()
  })
  return { isWord: hasDocument }
}

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
      if (segs.length) lines.push(lineOf(segs, { indent: block.bullet ? 2 : 0, gap: 0, bullet: block.bullet, heading: block.heading, room: 99, charWidth: 0.5, page: 1 }))
    }
    segments = []
    block = null
    newSegment = true
  }
  for (const m of html.matchAll(/<(\/?)([a-z0-9]+)([^>]*)>|([^<]+)/g)) {
    const [, close, tag, attrs, text] = m
    if (text !== undefined) {
      if (!block) block = { heading: 0, bullet: false }
      const parts = decode(text).split('\t')
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
