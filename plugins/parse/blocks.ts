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
