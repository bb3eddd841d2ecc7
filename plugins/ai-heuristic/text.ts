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
const FIGURE = /(\d[\d,.]*\s*%|[$€£¥]\s?\d|\b\d[\d,.]*\s*(k|m|bn|x|×|ms|s|h|hrs?|hours?|days?|weeks?|months?|years?|users|customers|requests|rps|qps)\b|\b\d[\d,.]*\b)/i
const YEAR = /\b(19|20)\d{2}\b/g

/** True when the text states a measurable result: a number (not just a year), %, currency or a time span. */
export function isQuantified (text: string): boolean {
  const withoutYears = text.replace(YEAR, ' ')
  return FIGURE.test(withoutYears) || NUMBER_WORDS.test(withoutYears)
}

function escapeRe (s: string): string { return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&') }

const reCache = new Map<string, RegExp>()
/** A global regex finding `term` as a whole token (not inside a longer word). */
export function termRegex (term: string): RegExp {
  let re = reCache.get(term)
  if (!re) {
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
  const taken: typeof hits = []
  for (const h of hits) if (!taken.some((t) => h.start < t.end && t.start < h.end)) taken.push(h)
  taken.sort((a, b) => a.start - b.start)
  return uniqueCi(taken.map((t) => t.term))
}

/** Keeps the first spelling of each case-insensitively equal string, in order. */
export function uniqueCi (items: string[]): string[] {
  const seen = new Set<string>()
  return items.filter((s) => { const k = s.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true })
}
