// Blocks side by side under one row of headings ("Contact   Skills   Languages" at the foot
// of a page, each with its own column of lines): read row by row, their lines interleave.
// Found as a line whose runs are all section headings at distinct x; the lines under it, up
// to the next heading of its own, are cut at those x and read block by block.
import { lineOf, type Line, type Segment } from './lines.ts'
import { headingKind } from './sections.ts'

const isHeadingRow = (l: Line) => l.segments.length >= 2 && l.segments.every((s) => s.x !== undefined && headingKind(s.text) !== undefined)

export function unstackBlocks (lines: Line[]): Line[] {
  const out: Line[] = []
  for (let i = 0; i < lines.length; i++) {
    const row = lines[i]!
    if (!isHeadingRow(row)) { out.push(row); continue }
    const starts = row.segments.map((s) => s.x!)
    let j = i + 1
    // The blocks end at the next heading standing on its own row, or the page's end.
    while (j < lines.length && lines[j]!.page === row.page && !(lines[j]!.segments.length === 1 && headingKind(lines[j]!.text) && lines[j]!.segments[0]!.size >= row.segments[0]!.size)) j++
    const under = lines.slice(i + 1, j)
    const like = (l: Line, segments: Segment[], indent: number) => lineOf(segments, { indent, gap: l.gap, bullet: indent > 0.6, heading: l.heading, room: l.room, charWidth: l.charWidth, page: l.page })
    row.segments.forEach((heading, k) => {
      const from = starts[k]! - 0.5
      const to = k + 1 < starts.length ? starts[k + 1]! - 0.5 : Infinity
      out.push(like(row, [{ ...heading, x: 0 }], 0))
      for (const l of under) {
        const segs: Segment[] = l.segments.filter((s) => (s.x ?? 0) >= from && (s.x ?? 0) < to)
        if (segs.length) out.push(like(l, segs.map((s) => ({ ...s, x: (s.x ?? 0) - starts[k]! })), Math.max(0, (segs[0]!.x ?? 0) - starts[k]!)))
      }
    })
    i = j - 1
  }
  return out
}

/**
 * Section headings in a gutter beside their content ("EXPERIENCE  Senior Designer, Chime",
 * then the entry's lines indented to where "Senior" starts): a heading shares its row with
 * the first line of its section, and every line of the content column reads as indented (a
 * list item). Found as three or more lines that start with a known heading and go on at one
 * x; from the first of them on, the heading gets a line of its own and the content column's
 * lines are measured from its own edge.
 */
export function ungutter (lines: Line[]): Line[] {
  const starts = (l: Line) => (l.segments.length >= 2 && headingKind(l.segments[0]!.text) !== undefined ? l.segments[1]!.x : undefined)
  const xs = lines.map(starts).filter((x): x is number => x !== undefined && x > 3)
  const at = xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]
  if (at === undefined || xs.filter((x) => Math.abs(x - at) <= 0.6).length < 3) return lines
  const first = lines.findIndex((l) => Math.abs((starts(l) ?? -9) - at) <= 0.6)
  const inColumn = lines.slice(first).filter((l) => l.indent >= at - 0.6).length
  if (inColumn < lines.slice(first).length * 0.5) return lines
  const rest = ({ segments: _s, text: _t, marked: _m, ...r }: Line) => r
  const shift = (l: Line, segments: Segment[], gap: number) => {
    const indent = Math.max(0, (segments[0]!.x ?? at) - at)
    return lineOf(segments.map((s) => ({ ...s, x: Math.max(0, (s.x ?? at) - at) })), { ...rest(l), ...(l.marked ? { marked: true } : {}), indent: Math.round(indent * 10) / 10, gap, bullet: !!l.marked || indent > 0.6 })
  }
  const out = lines.slice(0, first)
  for (const l of lines.slice(first)) {
    const x = starts(l)
    if (x !== undefined && Math.abs(x - at) <= 0.6) {
      out.push(lineOf([{ ...l.segments[0]!, x: 0 }], { ...rest(l), indent: 0, bullet: false }))
      out.push(shift(l, l.segments.slice(1), 0))
    } else out.push(l.indent >= at - 0.6 ? shift(l, l.segments, l.gap) : l)
  }
  return out
}

/**
 * A section heading drawn on the baseline of the line before it (the last line of a paragraph
 * beside the heading's first word, as LaTeX's right-to-left and tabular headings may be):
 * taken off that line as a line of its own, with its second word when that wrapped onto the
 * next line ("Expérience" / "professionnelle").
 */
export function unglueHeadings (lines: Line[]): Line[] {
  const out: Line[] = []
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    const k = l.segments.findIndex((s, j) => j > 0 && s.size >= 1.1 && s.size > l.segments[0]!.size + 0.1 && headingKind(s.text) !== undefined)
    if (k < 0) { out.push(l); continue }
    const head = l.segments[k]!
    const next = lines[i + 1]
    const more = next && next.segments.length === 1 && next.segments[0]!.font === head.font && Math.abs(next.segments[0]!.size - head.size) < 0.05 &&
      headingKind(`${head.text} ${next.text}`) !== undefined
    const rest = l.segments.filter((_, j) => j !== k)
    out.push(lineOf(rest, { ...restOf(l), indent: l.indent }))
    out.push(lineOf([{ ...head, text: more ? `${head.text} ${next.text}` : head.text, x: 0 }], { ...restOf(l), indent: 0, gap: 2, bullet: false }))
    if (more) i++
  }
  return out
}
const restOf = ({ segments: _s, text: _t, marked: _m, ...r }: Line) => r
