// Fonts for rendered pages: @font-face rules pointing at the woff2 files the @fontsource
// packages ship, plus the coverage check behind the CJK / emoji / RTL fallbacks.
//
// Delivery: by URL, not data: URIs. A page references
//   <baseUrl>/fonts/<package without "@fontsource/">/<installed version>/<file>.woff2
// e.g. /fonts/inter/5.3.0/inter-latin-400-normal.woff2. Every subset the package ships is
// declared with its unicode-range, so a browser (or the PDF engine) downloads only the
// subsets the page's text uses, and files are cached across pages and themes. The HTTP
// layer serves them with fontFilePath() below (see the route contract there).
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import type { ThemeFont } from '../themes/index.ts'

const require = createRequire(import.meta.url)

export const FONT_ROUTE_PREFIX = '/fonts'
const SCOPE = '@fontsource/'
const PKG_NAME = /^[a-z0-9][a-z0-9-]*$/
const FILE_NAME = /^[a-z0-9][a-z0-9-]*\.woff2$/
const VERSION = /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/
/** A family name goes into CSS between quotes: letters, digits, spaces and hyphens only. */
const FAMILY_NAME = /^[\p{L}\p{N} -]+$/u

interface Face { weight: number, style: 'normal' | 'italic', file: string, ranges: string, parsed: [number, number][], latin: boolean }
export interface FontPackage {
  /** "inter" for "@fontsource/inter": the first path segment under /fonts. */
  short: string
  version: string
  dir: string
  /** Code point ranges (inclusive, sorted, merged) covered by the 400 normal faces. */
  coverage: [number, number][]
  faces: Face[]
}

const packages = new Map<string, FontPackage | null>()

function parseRanges (text: string): [number, number][] {
  const out: [number, number][] = []
  for (const part of text.split(',')) {
    const m = /^\s*U\+([0-9A-Fa-f?]+)(?:-([0-9A-Fa-f]+))?\s*$/.exec(part)
    if (!m) continue
    const first = m[1]! // group 1 is not optional: a match always has it
    if (first.includes('?')) {
      out.push([parseInt(first.replace(/\?/g, '0'), 16), parseInt(first.replace(/\?/g, 'F'), 16)])
    } else {
      const lo = parseInt(first, 16)
      out.push([lo, m[2] ? parseInt(m[2], 16) : lo])
    }
  }
  return out
}

function mergeRanges (ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0])
  const out: [number, number][] = []
  for (const r of sorted) {
    const last = out[out.length - 1]
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1])
    else out.push([r[0], r[1]])
  }
  return out
}

/** Reads an installed @fontsource package once; null when it is not installed. */
export function fontPackage (name: string): FontPackage | null {
  if (packages.has(name)) return packages.get(name) ?? null
  let pkg: FontPackage | null = null
  const short = name.startsWith(SCOPE) ? name.slice(SCOPE.length) : ''
  if (PKG_NAME.test(short)) {
    try {
      const manifestPath = require.resolve(`${name}/package.json`)
      const dir = dirname(manifestPath)
      const version = String(JSON.parse(readFileSync(manifestPath, 'utf8')).version)
      pkg = { short, version, dir, coverage: [], faces: [] }
      const all: [number, number][] = []
      for (const weight of [100, 200, 300, 400, 500, 600, 700, 800, 900]) {
        for (const style of ['normal', 'italic'] as const) {
          let css: string
          try {
            css = readFileSync(join(dir, `${weight}${style === 'italic' ? '-italic' : ''}.css`), 'utf8')
          } catch { continue }
          for (const block of css.split('@font-face').slice(1)) {
            const file = /url\(\.\/files\/([a-z0-9-]+\.woff2)\)/.exec(block)?.[1]
            const ranges = /unicode-range:\s*([^;]+);/.exec(block)?.[1]?.trim() ?? 'U+0-10FFFF'
            if (!file) continue
            pkg.faces.push({ weight, style, file, ranges, parsed: parseRanges(ranges), latin: /-latin-\d/.test(file) })
            if (weight === 400 && style === 'normal') all.push(...parseRanges(ranges))
          }
        }
      }
      pkg.coverage = mergeRanges(all)
    } catch {
      pkg = null
    }
  }
  packages.set(name, pkg)
  return pkg
}

export function covers (pkg: FontPackage | null, cp: number): boolean {
  if (!pkg) return false
  const r = pkg.coverage
  let lo = 0
  let hi = r.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const [from, to] = r[mid]! // 0 <= lo <= mid <= hi < r.length
    if (cp < from) hi = mid - 1
    else if (cp > to) lo = mid + 1
    else return true
  }
  return false
}

const usedBy = (ranges: [number, number][], points: Set<number>) => {
  for (const cp of points) if (ranges.some(([lo, hi]) => cp >= lo && cp <= hi)) return true
  return false
}

const quoteFamily = (family: string) => `'${family}'`

/**
 * @font-face rules for one font: the manifest's weights (400 if none) plus 400 italic, for
 * the latin subset and every other subset that has a character of `text` (each rule keeps
 * its unicode-range, so a browser still downloads only what it draws). `base` is prepended
 * to /fonts ('' for same-origin relative URLs).
 */
export function fontFaceCss (font: ThemeFont, base: string, text = ''): string {
  if (!font.package || !FAMILY_NAME.test(font.family)) return ''
  const pkg = fontPackage(font.package)
  if (!pkg) return ''
  const weights = new Set(font.weights?.length ? font.weights : [400])
  const rules: string[] = []
  const points = new Set<number>()
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number
    if (cp > 0x7f) points.add(cp)
  }
  for (const face of pkg.faces) {
    const wanted = face.style === 'normal' ? weights.has(face.weight) : face.weight === 400
    if (!wanted) continue
    if (!face.latin && !usedBy(face.parsed, points)) continue
    rules.push(`@font-face{font-family:${quoteFamily(font.family)};font-style:${face.style};font-weight:${face.weight};font-display:swap;` +
      `src:url(${base}${FONT_ROUTE_PREFIX}/${pkg.short}/${pkg.version}/${face.file}) format('woff2');unicode-range:${face.ranges}}`)
  }
  return rules.join('\n')
}

/**
 * The route contract for the HTTP layer: GET /fonts/:pkg/:version/:file.
 * Returns the absolute path of the woff2 file to send, or undefined -> 404. Only packages
 * named by a loaded theme (`allowed`, full names like "@fontsource/inter") are served, only
 * their installed version, only *.woff2 files in their files/ folder. Send it with
 * Content-Type: font/woff2, Cache-Control: public, max-age=31536000, immutable (the version
 * is in the URL) and Access-Control-Allow-Origin: * (pages on custom domains may reference
 * the app domain when rendered with a baseUrl). A request for another version may
 * 404 or redirect to the installed one.
 */
export function fontFilePath (allowed: Iterable<string>, short: string, version: string, file: string): string | undefined {
  if (!PKG_NAME.test(short) || !VERSION.test(version) || !FILE_NAME.test(file)) return undefined
  const name = SCOPE + short
  if (![...allowed].includes(name)) return undefined
  const pkg = fontPackage(name)
  if (!pkg || pkg.version !== version) return undefined
  if (!pkg.faces.some((f) => f.file === file)) return undefined
  return join(pkg.dir, 'files', file)
}

// --- Scripts the theme fonts may not cover --------------------------------------------

interface ScriptInfo { name: string, test: RegExp, fallbacks: string[] }

/** Checked in order; the first that matches names the script of an uncovered character. */
const SCRIPTS: ScriptInfo[] = [
  { name: 'Japanese', test: /[\p{Script=Hiragana}\p{Script=Katakana}]/u, fallbacks: ["'Noto Sans CJK JP'", "'Hiragino Sans'", "'Yu Gothic'", "'Meiryo'"] },
  { name: 'Korean', test: /\p{Script=Hangul}/u, fallbacks: ["'Noto Sans CJK KR'", "'Apple SD Gothic Neo'", "'Malgun Gothic'"] },
  { name: 'CJK', test: /[\p{Script=Han}\u3000-\u303F\uFF00-\uFFEF]/u, fallbacks: ["'Noto Sans CJK SC'", "'Noto Sans CJK TC'", "'PingFang SC'", "'Microsoft YaHei'", "'Source Han Sans'"] },
  { name: 'Hebrew', test: /\p{Script=Hebrew}/u, fallbacks: ["'Noto Sans Hebrew'", "'Arial Hebrew'", "'David'"] },
  { name: 'Arabic', test: /\p{Script=Arabic}/u, fallbacks: ["'Noto Naskh Arabic'", "'Noto Sans Arabic'", "'Geeza Pro'", "'Segoe UI'", "'Tahoma'"] },
  { name: 'Devanagari', test: /\p{Script=Devanagari}/u, fallbacks: ["'Noto Sans Devanagari'", "'Kohinoor Devanagari'", "'Nirmala UI'"] },
  { name: 'Thai', test: /\p{Script=Thai}/u, fallbacks: ["'Noto Sans Thai'", "'Thonburi'", "'Leelawadee UI'"] },
  { name: 'Cyrillic', test: /\p{Script=Cyrillic}/u, fallbacks: ["'Noto Sans'", "'Segoe UI'"] },
  { name: 'Greek', test: /\p{Script=Greek}/u, fallbacks: ["'Noto Sans'", "'Segoe UI'"] },
  // Last, so an emoji font's own digits and letters never win over a text font.
  { name: 'Emoji', test: /\p{Extended_Pictographic}/u, fallbacks: ["'Apple Color Emoji'", "'Segoe UI Emoji'", "'Noto Color Emoji'"] }
]
/** Characters that never need a glyph of their own: controls, format (ZWJ), spaces, variation selectors, marks. */
const NO_GLYPH = /[\p{Cc}\p{Cf}\p{Z}\p{M}\uFE00-\uFE0F]/u

export interface Coverage { missing: string[], fallbacks: string[] }

/** Scripts in `text` that `pkg` has no glyphs for, with system fonts that usually do. */
export function uncoveredScripts (pkg: FontPackage | null, text: string): Coverage {
  const missing = new Set<string>()
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number
    if (cp < 0x250) continue // Basic Latin, Latin-1, Latin Extended-A/B: every shipped font has them
    if (covers(pkg, cp) || NO_GLYPH.test(ch)) continue
    const script = SCRIPTS.find((s) => s.test.test(ch))
    missing.add(script ? script.name : 'Other')
  }
  const names = SCRIPTS.map((s) => s.name).filter((n) => missing.has(n))
  if (missing.has('Other')) names.push('Other')
  const fallbacks = [...new Set(SCRIPTS.filter((s) => missing.has(s.name)).flatMap((s) => s.fallbacks))]
  return { missing: names, fallbacks }
}

/**
 * Coverage of `text` by an installed @fontsource package (by full name): the scripts it has
 * no glyphs for and the characters themselves (at most `limit`), for reports on exports.
 */
export function uncoveredText (packageName: string | undefined, text: string, limit = 50): { scripts: string[], chars: string[] } {
  const pkg = packageName ? fontPackage(packageName) : null
  const chars = new Set<string>()
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number
    if (cp < 0x250 || covers(pkg, cp) || NO_GLYPH.test(ch)) continue
    chars.add(ch)
    if (chars.size >= limit) break
  }
  return { scripts: uncoveredScripts(pkg, text).missing, chars: [...chars] }
}

/** The CSS stack: the chosen family, system fonts for uncovered scripts, then the manifest's fallback (ends with a generic family). */
export function fontStack (font: ThemeFont, extra: string[]): string {
  const parts = [FAMILY_NAME.test(font.family) ? quoteFamily(font.family) : '', ...extra]
  const fallback = /^[\p{L}\p{N} ,'"-]+$/u.test(font.fallback) ? font.fallback : 'sans-serif'
  return [...parts.filter(Boolean), fallback].join(', ')
}
