// Small text helpers shared by the heuristic analyzers: safe field access on untyped JSON, word
// counts, quantification and term matching. Everything here is pure and deterministic.
import techTermsJson from './data/tech-terms.json' with { type: 'json' }

export const TECH_TERMS: readonly string[] = techTermsJson

/** Terms that are also ordinary English words (or one-letter names): only matched in their exact case. */
const CASE_SENSITIVE = new Set(['C', 'R', 'Go', 'Chef', 'Spring', 'Express', 'Rails', 'Apache', 'Shell', 'Swift',
  'tap', 'Vault', 'Consul', 'Oracle', 'REST', 'Travis', 'Bun', 'Chai', 'Mocha', 'Puppet', 'Helm', 'Yarn', 'Git',
  'Spark', 'Flask', 'Lambda', 'Envoy', 'Ruby', 'Java', 'Dart', 'Lua', 'Perl', 'Bash', 'CI', 'CD', 'UI', 'UX',
  'Vue', 'React', 'Apollo', 'Koa', 'Hapi', 'Scala', 'Rust', 'Kanban', 'Agile', 'Scrum', 'Jest', 'pandas', 'Unix'])

export type Json = Record<string, unknown>

export function obj (value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Json : {}
}
export function arr (value: unknown): unknown[] { return Array.isArray(value) ? value : [] }
export function str (value: unknown): string { return typeof value === 'string' ? value.trim() : '' }
export function strs (value: unknown): string[] { return arr(value).map(str).filter(Boolean) }

export function words (text: string): string[] { return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)) }
export function wordCount (text: string): number { return words(text).length }

export function clamp (n: number, lo = 0, hi = 100): number { return Math.min(hi, Math.max(lo, Math.round(n))) }

/** Shortens a quote for strengths/improvements. */
export function quote (text: string, max = 90): string {
  const t = text.replace(/\s+/g, ' ').trim()
  return `"${t.length > max ? t.slice(0, max - 1).trimEnd() + '…' : t}"`
}

const NUMBER_WORDS = /\b(two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|dozens?|hundreds|thousands|millions|billions|double[ds]?|tripled?|halved?|tenfold)\b/i
const YEAR = /\b(19|20)\d{2}\b/g
const CURRENCY = /[$€£¥]\s?\d/
/** A run of digits, commas and dots; `g` resumes after each run, so the text is read once. */
const NUMBER_RUN = /\d[\d,.]*/g
const SPACES = /\s*/y
const UNIT = /(k|m|bn|x|×|ms|s|h|hrs?|hours?|days?|weeks?|months?|years?|users|customers|requests|rps|qps)\b/iy
const isWordChar = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9_]/.test(c)

/**
 * What /(\d[\d,.]*\s*%|\b\d[\d,.]*\s*(units)\b|\b\d[\d,.]*\b)/i matched, read in one pass. That
 * regex retried its backtracking `[\d,.]*` from every digit of a run, quadratic in the run's
 * length (540 ms for one 20,000-digit token): here each run is looked at once, and the same
 * texts are quantified.
 */
function hasFigure (text: string): boolean {
  NUMBER_RUN.lastIndex = 0
  for (let m = NUMBER_RUN.exec(text); m; m = NUMBER_RUN.exec(text)) {
    const run = m[0]
    const end = m.index + run.length
    SPACES.lastIndex = end
    SPACES.test(text)
    const next = SPACES.lastIndex
    if (text[next] === '%') return true
    // \b\d can start at the run's first digit, or at a digit right after one of its , or .
    const inner = run.search(/[,.]\d/)
    const from = !isWordChar(text[m.index - 1]) ? 0 : inner >= 0 ? inner + 1 : -1
    if (from < 0) continue
    UNIT.lastIndex = next
    if (UNIT.test(text)) return true
    // \b after the number: at a , or . inside it, or after its last digit.
    if (/[,.]/.test(run.slice(from)) || !isWordChar(text[end])) return true
  }
  return false
}

/** True when the text states a measurable result: a number (not just a year), %, currency or a time span. */
export function isQuantified (text: string): boolean {
  const withoutYears = text.replace(YEAR, ' ')
  return CURRENCY.test(withoutYears) || hasFigure(withoutYears) || NUMBER_WORDS.test(withoutYears)
}

/**
 * /^[^@\s]+@[^@\s]+\.[^@\s]+$/ without its backtracking, which tried every dot of the domain
 * against the rest of the string (quadratic on "a@a.a.a.a... ").
 */
export function looksLikeEmail (value: string): boolean {
  if (/\s/.test(value)) return false
  const at = value.indexOf('@')
  if (at < 1 || value.indexOf('@', at + 1) >= 0) return false
  const dot = value.indexOf('.', at + 2)
  return dot >= 0 && dot < value.length - 1
}

function escapeRe (s: string): string { return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') }

const reCache = new Map<string, RegExp>()
/** Job descriptions bring terms of their own: the cache must not grow with every analysis a warm thread runs. */
const RE_CACHE_MAX = 2000
/** A global regex finding `term` as a whole token (not inside a longer word). */
export function termRegex (term: string): RegExp {
  let re = reCache.get(term)
  if (!re) {
    if (reCache.size >= RE_CACHE_MAX) reCache.clear()
    const flags = CASE_SENSITIVE.has(term) || term.length <= 2 ? 'gu' : 'giu'
    re = new RegExp(`(?<![\\p{L}\\p{N}_.+#/-])${escapeRe(term)}(?![\\p{L}\\p{N}_+#/]|[.-][\\p{L}\\p{N}])`, flags)
    reCache.set(term, re)
  }
  re.lastIndex = 0
  return re
}

export function containsTerm (text: string, term: string): boolean { return termRegex(term).test(text) }

/** Tech terms found in `text`, longest match first so "CI/CD" does not also count as "CI" and "CD"; in order of appearance. */
export function findTechTerms (text: string): string[] {
  const hits: Array<{ term: string, start: number, end: number }> = []
  for (const term of TECH_TERMS) {
    const re = termRegex(term)
    for (let m = re.exec(text); m; m = re.exec(text)) hits.push({ term, start: m.index, end: m.index + m[0].length })
  }
  hits.sort((a, b) => (b.end - b.start) - (a.end - a.start) || a.start - b.start || (a.term < b.term ? -1 : 1))
  // Marking taken characters keeps this linear; comparing each hit with every taken one was quadratic ("C C C ...").
  const covered = new Uint8Array(text.length)
  const taken: typeof hits = []
  for (const h of hits) {
    if (covered.subarray(h.start, h.end).includes(1)) continue
    covered.fill(1, h.start, h.end)
    taken.push(h)
  }
  taken.sort((a, b) => a.start - b.start)
  return uniqueCi(taken.map((t) => t.term))
}

/** Keeps the first spelling of each case-insensitively equal string, in order. */
export function uniqueCi (items: string[]): string[] {
  const seen = new Set<string>()
  return items.filter((s) => { const k = s.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true })
}
