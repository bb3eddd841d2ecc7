// PDF -> lines: text items with their positions (pdfjs-dist), split into columns, grouped
// into lines by baseline and into segments by font and horizontal gaps. Nothing in the
// file is executed: no fonts loaded, no scripts (pdfjs never runs PDF JavaScript), and since
// pdfjs 6 no eval path at all (the isEvalSupported switch is gone with it). No image is
// decoded: nothing here renders, and whether the file has images is read from its
// dictionaries (pdf-images.ts), never from an operator list.
import { getDocument, type PDFDocumentProxy, type PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { ParseFailure } from './failure.ts'
import { BULLET_GLYPH, DASH_BULLET, LEADING_BULLET, lineOf, mode, printable, type Line, type Segment } from './lines.ts'
import { isRtlRow, logicalOrder, rtlShare, splitWords } from './bidi.ts'
import { unglueHeadings, ungutter, unstackBlocks } from './blocks.ts'
import { parseRange } from './dates.ts'
import { relabel } from './labels.ts'
import { pdfImages } from './pdf-images.ts'

export const MAX_PAGES = 10
/** Text items read per page: a dense resume page has ~1,500; a content stream drawing millions is not a resume. */
export const MAX_TEXT_ITEMS = 20_000
const HAN = /\p{Script=Han}/u

/** Link annotations per page; each text item is matched against every one. */
export const MAX_LINKS = 500
/**
 * Images pdfjs would still decode (a Type3 font's glyphs) are dropped above this many
 * pixels: a 4 MP image is 16 MB as RGBA.
 */
export const MAX_IMAGE_PIXELS = 4_000_000

interface Item { text: string, x: number, y: number, x2: number, size: number, font: string, url?: string }

export async function pdfLines (data: Uint8Array, onPage?: (page: number, pages: number) => void): Promise<Line[]> {
  const task = getDocument({
    // A copy: pdfjs takes over (detaches) the array it is given, and the image scan may need it after.
    data: new Uint8Array(data),
    disableFontFace: true,
    useSystemFonts: false,
    verbosity: 0,
    stopAtErrors: false,
    enableXfa: false,
    maxImageSize: MAX_IMAGE_PIXELS
  })
  let doc: PDFDocumentProxy
  try {
    doc = await task.promise
  } catch (err) {
    await task.destroy()
    const name = (err as Error)?.name
    if (name === 'PasswordException') throw new ParseFailure('ENCRYPTED')
    throw new ParseFailure('CORRUPT', (err as Error)?.message)
  }
  try {
    if (doc.numPages > MAX_PAGES) throw new ParseFailure('TOO_MANY_PAGES', `${doc.numPages} pages, at most ${MAX_PAGES}`)
    const pages: Item[][] = []
    const families = new Map<string, string>()
    for (let n = 1; n <= doc.numPages; n++) {
      pages.push(await pageItems(doc, n, families))
      onPage?.(n, doc.numPages)
    }
    const all = mergeSplitFonts(pages.flat(), families)
    if (all.reduce((sum, it) => sum + it.text.trim().length, 0) < 20) {
      throw new ParseFailure(pdfImages(data, 1).length > 0 ? 'IMAGE_ONLY' : 'EMPTY')
    }
    const body = Number(mode(all, (it) => it.size.toFixed(1), (it) => it.text.length) ?? 10)
    const lines: Line[] = []
    let labelled: number | null = null
    // A document mostly in Arabic or Hebrew reads right to left: its rows, and its columns.
    const share = rtlShare(all.map((it) => it.text))
    const rtl = share.rtl > share.ltr
    pages.forEach((items, i) => {
      // A label column across the page (a Europass form's field names beside their values)
      // before the page is cut into columns: cut first, the labels would be read as a column.
      const page = relabel(items, body, labelled)
      if (page.left !== null) { labelled = page.left; lines.push(...toLines(page.items, body, i + 1, page.left, rtl)); return }
      for (const column of columns(items, rtl)) {
        const { items: relabelled, left } = relabel(column, body)
        lines.push(...toLines(relabelled, body, i + 1, left, rtl))
      }
    })
    return unglueHeadings(ungutter(unstackBlocks(lines)))
  } finally {
    await task.destroy()
  }
}

/**
 * Chromium embeds some fonts (Noto Sans CJK) as Type 3 fonts of a few hundred glyphs each: one
 * face comes as dozens of fonts, and a new font id says nothing about a change of style. A
 * family with that many fonts is read as one font (pdfjs calls them all "monospace").
 */
function mergeSplitFonts (items: Item[], families: Map<string, string>): Item[] {
  const count = new Map<string, number>()
  for (const f of new Set(items.map((it) => it.font))) { const fam = families.get(f) ?? ''; count.set(fam, (count.get(fam) ?? 0) + 1) }
  for (const it of items) { const fam = families.get(it.font) ?? ''; if ((count.get(fam) ?? 0) > 20) it.font = `split:${fam}` }
  return items
}

async function pageItems (doc: PDFDocumentProxy, n: number, families: Map<string, string>): Promise<Item[]> {
  const page = await doc.getPage(n)
  const content = await textItems(page, n, families)
  const links = (await page.getAnnotations()).filter((a) => a.subtype === 'Link' && typeof a.url === 'string')
  if (links.length > MAX_LINKS) throw new ParseFailure('TOO_COMPLEX', `page ${n} has ${links.length} links, at most ${MAX_LINKS}`)
  const items: Item[] = []
  for (const raw of content) {
    if (!('str' in raw)) continue
    const text = printable(raw.str)
    if (text.trim() === '') continue
    const [a, b, , d, x, y] = raw.transform as number[]
    const size = Math.hypot(a!, b!) || Math.abs(d!) || 1
    const item: Item = { text, x: x!, y: y!, x2: x! + raw.width, size, font: raw.fontName }
    const cy = item.y + size / 3
    const over = links.filter((l) => cy >= l.rect[1] && cy <= l.rect[3] && l.rect[0] < item.x2 && l.rect[2] > item.x)
    items.push(...splitByLinks(item, over.map((l) => ({ x1: l.rect[0] as number, x2: l.rect[2] as number, url: l.url as string }))))
  }
  page.cleanup()
  return items
}

/**
 * pdfjs may return one item for text drawn in several runs ("a@b.c | x.dev"); the link
 * annotations over it say where each link starts and ends. Character positions are
 * estimated in proportion to the width and snapped to the nearest space.
 */
function splitByLinks (item: Item, links: { x1: number, x2: number, url: string }[]): Item[] {
  if (links.length === 0) return [item]
  const width = item.x2 - item.x
  const len = item.text.length
  const at = (x: number) => {
    const i = Math.round((x - item.x) / width * len)
    if (i <= 0 || i >= len) return Math.max(0, Math.min(len, i))
    for (let d = 0; d < 4; d++) {
      if (item.text[i - d] === ' ') return i - d
      if (item.text[i + d] === ' ') return i + d
    }
    return i
  }
  const cuts = new Set([0, len])
  for (const l of links) { cuts.add(at(l.x1)); cuts.add(at(l.x2)) }
  const points = [...cuts].sort((a, b) => a - b)
  const out: Item[] = []
  for (let k = 0; k < points.length - 1; k++) {
    const text = item.text.slice(points[k], points[k + 1])
    if (!text.trim()) continue
    const x = item.x + width * points[k]! / len
    const x2 = item.x + width * points[k + 1]! / len
    const link = links.find((l) => (x + x2) / 2 >= l.x1 && (x + x2) / 2 <= l.x2)
    out.push({ ...item, text, x, x2, ...(link ? { url: link.url } : {}) })
  }
  return out
}

type TextItem = Awaited<ReturnType<PDFPageProxy['getTextContent']>>['items'][number]

/** getTextContent() with a cap: read as a stream, so a page past the cap stops there instead of being read whole. */
async function textItems (page: PDFPageProxy, n: number, families: Map<string, string>): Promise<TextItem[]> {
  const reader = page.streamTextContent().getReader() as ReadableStreamDefaultReader<{ items: TextItem[], styles?: Record<string, { fontFamily?: string }> }>
  const items: TextItem[] = []
  for (;;) {
    const { value, done } = await reader.read()
    if (done) return items
    items.push(...value.items)
    for (const [name, style] of Object.entries(value.styles ?? {})) families.set(name, style.fontFamily ?? '')
    if (items.length > MAX_TEXT_ITEMS) {
      const failure = new ParseFailure('TOO_COMPLEX', `page ${n} draws more than ${MAX_TEXT_ITEMS} pieces of text`)
      // Cancelling stops pdfjs's side of the stream, or destroying the document would wait
      // for it forever. pdfjs needs an Error as the reason: without one its cancel throws
      // and the chunks already under way land in a closed stream.
      await reader.cancel(failure)
      throw failure
    }
  }
}

/**
 * Items on one baseline closer together than a gutter is wide (a word space), joined into one
 * box: what a gutter may not cross. (Chromium draws Arabic glyph by glyph, and a gutter counted
 * in items would find room between the letters of a line.) An item that runs into the next
 * (a long email address overflowing its sidebar) is not joined to it.
 */
function spans (items: Item[]): { x: number, x2: number, members: Item[] }[] {
  const out: { x: number, x2: number, members: Item[] }[] = []
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x)
  let row: Item[] = []
  const flush = () => {
    row.sort((a, b) => a.x - b.x)
    let cur: { x: number, x2: number, members: Item[] } | null = null
    for (const it of row) {
      if (cur && it.x - cur.x2 < it.size * 0.4 && (it.x - cur.x2 > -it.size * 0.15 || it.x2 <= cur.x2)) { cur.x2 = Math.max(cur.x2, it.x2); cur.members.push(it) } else out.push(cur = { x: it.x, x2: it.x2, members: [it] })
    }
    row = []
  }
  for (const it of sorted) {
    if (row[0] && Math.abs(row[0].y - it.y) >= Math.min(row[0].size, it.size) * 0.4) flush()
    row.push(it)
  }
  flush()
  return out
}

/**
 * Splits a page into columns at a vertical gutter: an x that (almost) no run of text crosses
 * with plenty of text on both sides. Runs crossing it (a full-width header) stay with the
 * column read first, so two columns never interleave line by line. The columns come in
 * reading order: a right-to-left page is read as its mirror image, right column first.
 */
export function columns (items: Item[], rtl = false): Item[][] {
  if (items.length < 12) return [items]
  const boxes = spans(items).map((b) => (rtl ? { x: -b.x2, x2: -b.x, members: b.members } : b))
  const left = Math.min(...boxes.map((i) => i.x))
  const right = Math.max(...boxes.map((i) => i.x2))
  const width = right - left
  let best: { x: number, crossing: number } | null = null
  for (let f = 0.25; f <= 0.75; f += 0.01) {
    const x = left + width * f
    const crossing = boxes.filter((i) => i.x < x - 1 && i.x2 > x + 1).length
    const l = boxes.filter((i) => i.x2 <= x + 1).length
    const r = boxes.filter((i) => i.x >= x - 1).length
    // Both sides must start many lines of their own: a right-aligned date column is not a column.
    const rStarts = new Set(boxes.filter((i) => i.x >= x - 1).map((i) => Math.round(i.x))).size
    if (l < boxes.length * 0.2 || r < boxes.length * 0.2 || rStarts > r * 0.5) continue
    if (crossing <= boxes.length * 0.05 && (!best || crossing < best.crossing)) best = { x, crossing }
  }
  if (!best) return [items]
  const x = best.x
  const side = (b: { x: number, x2: number }) => (b.x >= x - 1 && b.x2 > x + 1 ? 'r' : 'l')
  if (sparse(boxes.filter((b) => side(b) === 'l'), boxes.filter((b) => side(b) === 'r'))) return [items]
  // A date range right of the gutter on the row of a line left of it is that line's date set
  // flush right (a card's "title ... dates" row), not the other column's: it stays on its row.
  const rows = new Map<number, typeof boxes>()
  for (const b of boxes.filter((o) => side(o) === 'r')) {
    const y = b.members[0]!.y
    const key = [...rows.keys()].find((k) => Math.abs(k - y) < b.members[0]!.size * 0.4) ?? y
    rows.set(key, [...(rows.get(key) ?? []), b])
  }
  const kept = new Set<(typeof boxes)[number]>()
  for (const [y, row] of rows) {
    const text = row.sort((a, b) => a.x - b.x).flatMap((b) => b.members.map((m) => m.text)).join(' ')
    const beside = boxes.some((o) => side(o) === 'l' && Math.abs(o.members[0]!.y - y) < o.members[0]!.size * 0.4)
    // (Flush right, away from where the other column's lines start.)
    const size = row[0]!.members[0]!.size
    const flush = row[0]!.x > x + 3 * size && Math.max(...row.map((b) => b.x2)) >= right - size
    if (beside && flush && parseRange(text.replace(/\s+/g, ' ').trim())) for (const b of row) kept.add(b)
  }
  const first = (b: (typeof boxes)[number]) => side(b) === 'l' || kept.has(b)
  return [boxes.filter(first).flatMap((b) => b.members), boxes.filter((b) => !first(b)).flatMap((b) => b.members)]
}

/**
 * A column of a few short runs far apart, each beside a line of the other column: section
 * headings (or dates) in a gutter beside their content. Read as a column of its own, every
 * heading would come before all the content; left on the rows they share, they are taken
 * apart again in reading order (blocks.ts's ungutter).
 */
function sparse (first: { members: Item[] }[], second: { members: Item[] }[]): boolean {
  const ys = (bs: { members: Item[] }[]) => bs.map((b) => ({ y: b.members[0]!.y, size: b.members[0]!.size })).sort((a, b) => b.y - a.y)
  const g = ys(first)
  const c = ys(second)
  if (g.length < 3 || g.length * 2 > c.length) return false
  const clusters: number[] = []
  g.forEach((r, i) => { if (i > 0 && g[i - 1]!.y - r.y <= r.size * 1.9) clusters[clusters.length - 1]!++; else clusters.push(1) })
  const beside = g.filter((r) => c.some((o) => Math.abs(o.y - r.y) <= Math.max(o.size, r.size))).length
  return clusters.length >= 3 && Math.max(...clusters) <= 2 && beside >= Math.max(3, g.length * 0.7)
}

/**
 * Brackets in right-to-left text are drawn mirrored (UAX #9 L4): "(2020)" stands on the page
 * as ")2020(" and its glyphs say so. When a row's brackets open with a closing one and pair up
 * the wrong way round, they are turned back.
 */
function unmirror (segments: Segment[]): void {
  const text = segments.map((s) => s.text).join(' ')
  let depth = 0
  let inverted = false
  for (const c of text.replace(/[^()]/g, '')) {
    depth += c === ')' ? 1 : -1
    if (depth < 0) return
    if (depth > 0) inverted = true
  }
  if (!inverted || depth !== 0) return
  for (const s of segments) s.text = s.text.replace(/[()]/g, (c) => (c === '(' ? ')' : '('))
}

/**
 * A combining mark drawn as an item of its own (Arabic's shadda over "م") belongs to the letter
 * it stands over: sorted by x it may land on the far side of that letter.
 */
function attachMarks (row: Item[]): Item[] {
  const out = row.filter((it) => !/^\p{M}+$/u.test(it.text))
  for (const m of row) {
    if (!/^\p{M}+$/u.test(m.text)) continue
    const base = out.find((b) => m.x >= b.x && m.x < b.x2) ?? out.find((b) => m.x >= b.x - 0.5 && m.x <= b.x2 + 0.5)
    if (base) base.text += m.text
    else out.push(m)
  }
  return out.sort((a, b) => a.x - b.x)
}

/**
 * left: where the column's text starts, when a label column left of it was taken out.
 * documentRtl: the document is mostly right to left (bidi.ts decides row by row).
 */
function toLines (items: Item[], body: number, page: number, left: number | null = null, documentRtl = false): Line[] {
  if (items.length === 0) return []
  const sorted = [...items].sort((a, b) => b.y - a.y || a.x - b.x)
  const rows: Item[][] = []
  for (const it of sorted) {
    const row = rows[rows.length - 1]
    const ref = row?.[0]
    if (ref && Math.abs(ref.y - it.y) < Math.min(ref.size, it.size) * 0.4) row.push(it)
    else rows.push([it])
  }
  const colLeft = left ?? Math.min(...items.map((i) => i.x))
  const colRight = Math.max(...items.map((i) => i.x2))
  const lines: Line[] = []
  let prevY: number | null = null
  for (const drawn of rows) {
    const visual = attachMarks(drawn.sort((a, b) => a.x - b.x))
    // A right-to-left row: its items in reading order, its indent and segment x measured from
    // the column's right edge (where its lines start) and its room at the left.
    const rtl = isRtlRow(visual.map((it) => it.text), documentRtl)
    const row = rtl ? logicalOrder(visual.flatMap(splitWords)) : visual
    const start = rtl ? (it: Item) => colRight - it.x2 : (it: Item) => it.x - colLeft
    const segments: Segment[] = []
    let last: Item | null = null
    for (const it of row) {
      // The space between the two items on the page, whichever side of the other each stands.
      const gap = !last ? 0 : rtl ? Math.max(it.x, last.x) - Math.min(it.x2, last.x2) : it.x - last.x2
      const seg = segments[segments.length - 1]
      // Small capitals ("P" 13 pt + "ROFIL" 9 pt): letters touching in one font are one word.
      const smallCaps = seg && last && Math.abs(gap) < it.size * 0.08 && /\p{L}$/u.test(last.text) && /^\p{L}/u.test(it.text)
      // Chinese set in a CJK font with Latin words and digits in another ("使用" "TypeScript"
      // "和"): the fonts change with the script, not the style.
      // So is right-to-left text whose digits and punctuation come from a fallback font ("05" "/" "2018").
      const script = seg && last && last.font !== it.font && gap < it.size * 0.35 && Math.abs(last.size - it.size) < 0.5 &&
        (HAN.test(last.text.slice(-1)) || HAN.test(it.text[0] ?? '') || (rtl && (!/\p{L}$/u.test(last.text) || !/^\p{L}/u.test(it.text))))
      if (seg && last && last.url === it.url && ((last.font === it.font && ((gap < it.size * 0.9 && Math.abs(last.size - it.size) < 0.5) || smallCaps)) || script)) {
        seg.text += (gap > it.size * 0.12 && !seg.text.endsWith(' ') ? ' ' : '') + it.text
      } else {
        segments.push({ text: it.text, font: it.font, size: Math.round(it.size / body * 100) / 100, x: Math.round(start(it) / body * 10) / 10, ...(it.url ? { url: it.url } : {}) })
      }
      last = it
    }
    for (const s of segments) s.text = s.text.replace(/\s+/g, ' ').trim()
    if (rtl) unmirror(segments)
    const kept = segments.filter((s) => s.text)
    const y = row[0]!.y
    const first = rtl ? visual[visual.length - 1]! : visual[0]!
    const end = rtl ? visual[0]! : visual[visual.length - 1]!
    let indent = start(first) / body
    let bullet = indent > 0.6
    // A list marker drawn as text is no part of the item; the item starts where its text does.
    // (Also a lone symbol in a font of its own: a symbol font's bullet maps to "{" or "w".)
    const marker = kept.length > 1 && (BULLET_GLYPH.test(kept[0]!.text) || (kept[0]!.text.length === 1 && /[^\p{L}\p{N}]/u.test(kept[0]!.text) && kept[0]!.font !== kept[1]!.font))
    const marked = marker || (kept[0] !== undefined && (LEADING_BULLET.test(kept[0].text) || (bullet && DASH_BULLET.test(kept[0].text))))
    if (marker) {
      kept.shift()
      bullet = true
      indent = kept[0]!.x ?? indent
    } else if (kept[0] && LEADING_BULLET.test(kept[0].text)) {
      kept[0].text = kept[0].text.replace(LEADING_BULLET, '')
      bullet = true
    } else if (kept[0] && bullet && DASH_BULLET.test(kept[0].text)) {
      // An indented "— item" (moderncv's banking style): the dash is the list marker.
      kept[0].text = kept[0].text.replace(DASH_BULLET, '')
    }
    lines.push(lineOf(kept, {
      indent: Math.round(indent * 10) / 10,
      gap: prevY === null ? 0 : Math.round((prevY - y) / body * 100) / 100,
      bullet,
      heading: 0,
      charWidth: Math.round((visual[visual.length - 1]!.x2 - visual[0]!.x) / body / Math.max(1, row.reduce((n, i) => n + i.text.length, 0)) * 1000) / 1000,
      room: Math.round(Math.max(0, rtl ? end.x - colLeft : colRight - end.x2) / body * 10) / 10,
      page,
      ...(marked ? { marked } : {})
    }))
    prevY = y
  }
  return lines.filter((l) => l.text)
}
