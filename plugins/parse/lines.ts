// The layout-neutral form both readers (pdf.ts, docx.ts) produce and the field stage
// (fields.ts) consumes: lines in reading order, each cut into segments where the style
// changes or a wide gap (a tab, a right-aligned date) separates text.

export interface Segment {
  text: string
  /** An opaque style id: segments with the same font (face and weight) share it. */
  font: string
  /** Font size relative to the document's body text (1 = body). */
  size: number
  /** A link target, when the file has one over this text. */
  url?: string
  /** Left edge from the column's left edge, in body ems (PDF only). */
  x?: number
}

export interface Line {
  segments: Segment[]
  text: string
  /** Left edge relative to the column's left edge, in body ems (0 at the margin). */
  indent: number
  /** Vertical space above, in body line heights (0 when unknown, as in DOCX). */
  gap: number
  /** A list item (a bullet in DOCX, an indented block in a PDF). */
  bullet: boolean
  /** The item had a list marker (a bullet or dash drawn as text, a DOCX list): a list item whatever its indent. */
  marked?: boolean
  /** DOCX heading level (1..6), or 0. */
  heading: number
  /** Space left at the right of the column, in body ems (a wrapped line leaves less than one word). 99 when unknown. */
  room: number
  /** Average advance per character on this line, in body ems (0.5 when unknown). */
  charWidth: number
  page: number
}

export function lineOf (segments: Segment[], rest: Omit<Line, 'segments' | 'text'>): Line {
  return { segments, text: segments.map((s) => s.text).join(' ').replace(/\s+/g, ' ').trim(), ...rest }
}

// Code points that are not text. Icon fonts draw their glyphs at private-use code points,
// and a PDF glyph with no Unicode mapping comes out as NUL or U+FFFD: one such character
// must neither fail a parse (PostgreSQL refuses NUL in text) nor glue an icon to the word
// beside it. Private-use glyphs and line or paragraph separators become a space; controls,
// lone surrogates, noncharacters, bidi embedding controls (the text is kept in logical
// order), zero-width spaces, soft hyphens, byte-order marks and U+FFFD are dropped.
// ZWJ and ZWNJ stay: Arabic, Persian and emoji sequences need them. Radicals and ligatures
// become the characters they stand for.
const AS_SPACE = /[\p{Co}\t\n\r\v\f\u0085\u2028\u2029]/gu
// eslint-disable-next-line no-control-regex -- control characters are exactly what this drops
const DROPPED = /[\p{Cs}\u0000-\u001f\u007f-\u009f\u00ad\u061c\u200b\u200e\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff\ufdd0-\ufdef\ufff9-\ufffd\u{1fffe}\u{1ffff}]|[\ufffe\uffff]/gu

// Kangxi and CJK radicals that some PDFs map Han glyphs to ("⼯作" for "工作"), Latin
// ligatures ("ﬁ"), full-width forms ("电话：", "（母语）") and Arabic presentation forms (the
// initial, medial and final shapes of a letter, "ﻣ" for "م", that a PDF's glyphs map to):
// their NFKC forms are the characters a reader sees, and the punctuation the field rules look for.
const COMPATIBILITY = /[\u2e80-\u2fdf\ufb00-\ufdff\ufe70-\ufefc\uff01-\uff5e]/gu

// The CJK Radicals Supplement has no NFKC forms, but fonts map simplified characters' glyphs to
// its radicals ("⻚" for "页", as Chromium's Type 3 CJK fonts do): the ones that stand for a
// character of their own, back to it.
const RADICALS = new Map([...'\u2e9f\u2ea0\u2ec5\u2ec6\u2ec9\u2ecb\u2ed3\u2ed4\u2ed7\u2ed8\u2eda\u2edb\u2edc\u2edd\u2ee2\u2ee3\u2ee4\u2ee5\u2ee6\u2ee8\u2ee9\u2eec\u2eee\u2ef0\u2ef3']
  .map((c, i) => [c, [...'母民见角贝车长门雨青页风飞食马骨鬼鱼鸟麦黄齐齿龙龟'][i]!]))

/** Text as a person would read it off the page: see AS_SPACE and DROPPED above. */
export function printable (s: string): string {
  return s.replace(AS_SPACE, ' ').replace(DROPPED, '').replace(COMPATIBILITY, (c) => RADICALS.get(c) ?? c.normalize('NFKC'))
}

/** Every string in a draft, printable (keys come from the parser itself). */
export function printableDeep<T> (value: T): T {
  if (typeof value === 'string') return value.split('\n').map(printable).join('\n') as T
  if (Array.isArray(value)) return value.map(printableDeep) as T
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, printableDeep(v)])) as T
  return value
}

// A list marker some layouts draw as text: on its own (a separate text item) or before the item.
export const BULLET_GLYPH = /^[•◦▪▫‣∙●○■□➢➤►▸✓✔❖◆◇*·・›»→➔✦–-]$/u
// (A round or square bullet may touch its text: "•قيادة" where a right-to-left row drops the space.)
export const LEADING_BULLET = /^(?:[•◦▪▫‣∙●○■□➢➤►▸✓✔❖◆◇*·›»→➔✦]\s+|[•◦▪●■➢➤►▸・](?=\p{L}))/u
/** A dash before a word, the marker of an indented item (not of "– 2019"). */
export const DASH_BULLET = /^[—–-]\s+(?=\p{L})/u

/** Letters only, upper case: "W O R K  E X P E R I E N C E" and "Work Experience" compare equal. */
export const letters = (s: string) => s.normalize('NFKD').replace(/[^\p{L}]/gu, '').toUpperCase()

/** The most frequent key weighted by `weight` (ties: first seen). */
export function mode<T> (items: T[], key: (t: T) => string, weight: (t: T) => number = () => 1): string | undefined {
  const counts = new Map<string, number>()
  for (const it of items) counts.set(key(it), (counts.get(key(it)) ?? 0) + weight(it))
  let best: string | undefined
  let n = -1
  for (const [k, c] of counts) if (c > n) { best = k; n = c }
  return best
}
