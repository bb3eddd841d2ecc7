// A label column: LaTeX CV classes (moderncv's \cventry, \cvitem) and form-like layouts set a
// narrow, often right-aligned column of dates and labels left of the content, and a date in it
// wraps over two or three rows ("Sep" / "2017–Mar" / "2021"). Read row by row, the label
// glues onto the content beside it. Found by its shape — many items start at one x well right
// of the margin, and items end left of it on rows that also have content — a label column is
// taken out: a date label, joined across its rows, goes to the end of its first row (where a
// right-aligned date would be); a section heading set there becomes a line of its own; another
// label stays in front of its row as "Label:".
import { DATE_WORDS, parseRange } from './dates.ts'
import { headingKind } from './sections.ts'

export interface PlacedItem { text: string, x: number, y: number, x2: number, size: number, font: string, url?: string }

const near = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance

/** The x where the content starts, when the column has a label column left of it; null otherwise. */
export function contentStart (items: PlacedItem[], body: number, known: number | null = null): number | null {
  // A later page of the same document: its label column is where the first page's was.
  if (known !== null) return items.filter((i) => i.x2 <= known - 1 && items.some((o) => near(o.y, i.y, i.size * 0.4) && near(o.x, known, 1.5))).length >= 2 ? known : null
  if (items.length < 20) return null
  const left = Math.min(...items.map((i) => i.x))
  const right = Math.max(...items.map((i) => i.x2))
  const counts = new Map<number, number>()
  for (const i of items) {
    if (i.x < left + 3 * body || i.x > left + 0.4 * (right - left)) continue
    const k = Math.round(i.x)
    counts.set(k, (counts.get(k) ?? 0) + 1)
  }
  const [x, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [0, 0]
  if (n < items.length * 0.25) return null
  // Labels: items wholly left of it, on rows whose content starts at it, and ending close to it
  // (right-aligned against the content, as such columns are set).
  const rowStartsThere = (it: PlacedItem) => items.some((o) => near(o.y, it.y, it.size * 0.4) && near(o.x, x, 1.5))
  const labels = items.filter((i) => i.x2 <= x - 1 && rowStartsThere(i))
  if (labels.length < 4) return null
  // Right-aligned: most labels end at one x, a little left of the content.
  const ends = labels.map((i) => i.x2).sort((a, b) => a - b)
  const end = ends[Math.floor(ends.length / 2)]!
  const aligned = labels.filter((i) => near(i.x2, end, body))
  return end > x - 4 * body && aligned.length >= labels.length * 0.7 ? x : null
}

const MONTH_ONLY = (s: string) => s.toLowerCase().replace(/[.,]/g, '').split(/\s+/).every((w) => DATE_WORDS.has(w))
/** A date label cut short by its column: "Apr", "2017–Mar", "Sep 2012–". */
const unfinished = (s: string) => /[–—-]$/.test(s) || MONTH_ONLY(s.split(/[\s–—-]+/).filter(Boolean).pop() ?? '')

/** The items with the label column taken out, and the content's left edge (null: no label column). */
export function relabel (items: PlacedItem[], body: number, known: number | null = null): { items: PlacedItem[], left: number | null } {
  const x = contentStart(items, body, known)
  if (x === null) return { items, left: null }
  // The label column starts with the sections: what is above the first heading (contact
  // details beside the name) stays where it is.
  // (A later page has no header: all of it may hold labels.)
  const top = known !== null ? Infinity : Math.max(...items.filter((i) => headingKind(i.text)).map((i) => i.y + i.size * 0.5), -Infinity)
  const candidates = items.filter((i) => i.x2 <= x - 1 && i.y <= top).sort((a, b) => b.y - a.y || a.x - b.x)
  const beside = (i: PlacedItem) => items.some((o) => near(o.y, i.y, i.size * 0.4) && near(o.x, x, 1.5))
  // Labels on one row are one label; a label row continues the one above while that is unfinished.
  const blocks: PlacedItem[][] = []
  for (const l of candidates) {
    const block = blocks[blocks.length - 1]
    const last = block?.[block.length - 1]
    if (last && near(last.y, l.y, l.size * 0.4)) block.push(l)
    else if (block && last && last.y - l.y < l.size * 1.8 && unfinished(block.map((b) => b.text).join(' ').trim())) block.push(l)
    else blocks.push([l])
  }
  // A block is a label when it sits beside content; the others stay where they are.
  const labels = new Set(blocks.filter((b) => b.some(beside)).flat())
  const out = items.filter((i) => !labels.has(i))
  const right = Math.max(...out.map((i) => i.x2))
  for (const block of blocks) {
    if (!labels.has(block[0]!)) continue
    const text = block.map((b) => b.text.trim()).join(' ').replace(/\s+([–—-])\s*|\s*([–—-])\s+/g, ' – ').replace(/\s+/g, ' ').trim()
    const first = block[0]!
    // A section heading set in the label column (moderncv's fancy style): a line of its own, above its row.
    if (first.size > body * 1.15) out.push({ ...first, text, x, x2: x + text.length * first.size * 0.5, y: first.y + first.size * 0.7 })
    else if (parseRange(text)) out.push({ ...first, text, x: right + 2 * body, x2: right + 2 * body + text.length * first.size * 0.5 })
    else out.push({ ...first, text: /[:.]$/.test(text) ? text : `${text}:`, x: x - 0.5 * body - text.length * first.size * 0.5, x2: x - 0.5 * body })
  }
  return { items: out, left: x }
}
