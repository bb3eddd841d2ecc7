// Right-to-left rows back into reading order. A PDF draws glyphs where they stand on the page,
// so a row of text items sorted by x is in visual order: an Arabic phrase comes out reversed,
// and the numbers and Latin words in it in the wrong order ("4567 123 79 962+" for
// "+962 79 123 4567"). Each item's own string is already in logical order (pdfjs runs the
// bidi algorithm over each chunk it reads, and a single glyph's text is its cluster in
// logical order), so the items are the units reordered here. This is the Unicode bidi
// algorithm's reordering (UAX #9, L2) on a right-to-left paragraph with levels resolved from
// the units' types: Arabic or Hebrew 1, Latin and numbers 2, neutrals by their neighbours.
// Reversing runs by level is its own inverse, so visual order in gives logical order out.

const RTL_LETTER = /[\p{Script=Arabic}\p{Script=Hebrew}]/u
const LTR_LETTER = /(?![\p{Script=Arabic}\p{Script=Hebrew}])\p{L}/u
const NUMBER = /^[+(]?[\p{Nd}]+(?:[.,/:\-\s][\p{Nd}]+)*[)%]?$/u
/** A separator that joins two numbers into one ("05/2018", "1.5", "2018-2020"): UAX #9 W4. */
const NUMBER_JOINER = /^[/.,:-]$/

type Kind = 'R' | 'L' | 'EN' | 'N'

function kindOf (text: string): Kind {
  for (const c of text) {
    if (RTL_LETTER.test(c) && /\p{L}/u.test(c)) return 'R'
    if (LTR_LETTER.test(c)) return 'L'
  }
  return NUMBER.test(text.trim()) ? 'EN' : 'N'
}

/** Letters of right-to-left scripts against left-to-right ones in a text. */
export function rtlShare (texts: string[]): { rtl: number, ltr: number } {
  let rtl = 0
  let ltr = 0
  for (const t of texts) for (const c of t) { if (RTL_LETTER.test(c) && /\p{L}/u.test(c)) rtl++; else if (LTR_LETTER.test(c)) ltr++ }
  return { rtl, ltr }
}

/**
 * Whether a row reads right to left: every row of a document mostly in a right-to-left script
 * does (a row of Latin words or numbers in it too: its paragraph is right to left), and in
 * another document a row mostly in such a script.
 */
export function isRtlRow (texts: string[], documentRtl: boolean): boolean {
  const { rtl, ltr } = rtlShare(texts)
  return documentRtl || (rtl > 0 && rtl >= ltr)
}

/** A mark that follows the word it ends (a comma): it sits against that word. */
const TRAILING = /^[,،;؛:.!?]$/u

interface Unit { text: string, x: number, x2: number, size: number }

/**
 * The units of a right-to-left row, given left to right as they stand on the page, in the
 * order they are read. A row of numbers spaced apart inside one unit ("4567 123 79 962") is
 * reordered too: split it into its words first (see splitWords).
 */
export function logicalOrder<T extends Unit> (visual: T[]): T[] {
  // The spaces between words are not drawn, but they are neutrals that end a run of numbers
  // ("79 123"): a gap wider than a letter's spacing stands for one. A gap wider than a word
  // space parts boxes laid out right to left (tags in a row, a date flush left of its title):
  // it counts as a right-to-left letter, so Latin words on either side are read box by box.
  const units: ({ u: T, kind: Kind } | { u: null, kind: Kind })[] = []
  visual.forEach((u, i) => {
    const prev = visual[i - 1]
    const gap = prev ? u.x - prev.x2 : 0
    const em = prev ? Math.min(u.size, prev.size) : 1
    if (prev && gap > em * 0.12) units.push({ u: null, kind: gap > em * 0.8 ? 'R' : 'N' })
    units.push({ u, kind: kindOf(u.text) })
  })
  const kinds = units.map((x) => x.kind)
  const text = (i: number) => units[i]!.u?.text.trim() ?? ' '
  // W4: "05" "/" "2018" is one number.
  for (let i = 1; i < kinds.length - 1; i++) if (kinds[i] === 'N' && kinds[i - 1] === 'EN' && kinds[i + 1] === 'EN' && NUMBER_JOINER.test(text(i))) kinds[i] = 'EN'
  // W7: a number after a Latin word is part of it ("Python 3"); the word is left of it on the page.
  for (let i = 1; i < kinds.length; i++) if (kinds[i] === 'EN' && (kinds[i - 1] === 'L' || (kinds[i - 1] === 'N' && kinds[i - 2] === 'L'))) kinds[i] = 'L'
  // N1/N2: neutrals between two left-to-right units are left to right; all others take the
  // paragraph's direction (numbers count as right to left here). A comma between two Latin
  // words says which way they are read by the word it sits against: the one it follows.
  const levels = kinds.map((k) => (k === 'R' ? 1 : k === 'N' ? 0 : 2))
  for (let i = 0; i < levels.length; i++) {
    if (levels[i] !== 0) continue
    let j = i
    while (j < levels.length && levels[j] === 0) j++
    const comma = units.slice(i, j).find((x) => x.u && TRAILING.test(x.u.text.trim()))?.u
    const before = units[i - 1]?.u
    const after = units[j]?.u
    const leftward = comma && before && after && comma.x - before.x2 > after.x - comma.x2 + 0.5
    const level = i > 0 && j < levels.length && kinds[i - 1] === 'L' && kinds[j] === 'L' && !leftward ? 2 : 1
    for (let k = i; k < j; k++) levels[k] = level
    i = j - 1
  }
  // L2: reverse the whole row (every level is >= 1), then each run at level 2 back.
  const order = units.map((x, i) => ({ u: x.u, level: levels[i]! })).reverse()
  const out: T[] = []
  for (let i = 0; i < order.length;) {
    let j = i
    while (j < order.length && order[j]!.level === order[i]!.level) j++
    const run = order.slice(i, j).flatMap((o) => (o.u ? [o.u] : []))
    out.push(...(order[i]!.level === 2 ? run.reverse() : run))
    i = j
  }
  return out
}

/**
 * An item of Latin words or numbers in a right-to-left row split into its words, at x
 * estimated from its width: such an item is drawn left to right, but the numbers in it are
 * ordered right to left ("4567 123 79 962+" is how Chromium draws "+962 79 123 4567"), and a
 * sign a number ends with on the page is the one it starts with. A number drawn "+962 ..." is
 * kept whole: only a left-to-right box (a number set apart for its own direction) draws the
 * sign first. Right-to-left text is left whole: pdfjs has put it in reading order already.
 */
export function splitWords<T extends { text: string, x: number, x2: number }> (item: T): T[] {
  const text = item.text
  if (RTL_LETTER.test(text) || !/\S\s+\S|\d\+/.test(text.trim()) || /^\s*\+\d/.test(text)) return [item]
  const out: T[] = []
  const width = (item.x2 - item.x) / Math.max(1, text.length)
  const at = (s: string, i: number) => out.push({ ...item, text: s, x: item.x + i * width, x2: item.x + (i + s.length) * width })
  for (const m of text.matchAll(/\S+/g)) {
    const sign = /^(\d+)\+$/.exec(m[0])
    if (sign) { at(sign[1]!, m.index); at('+', m.index + sign[1]!.length) } else at(m[0], m.index)
  }
  return out
}
