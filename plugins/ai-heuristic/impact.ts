// Step 2, impact: weak phrases (from data/weak-phrases.json) with a power-verb suggestion, the share
// of bullets with a quantified result, and bullets that are too long or too short.
import weakPhrasesJson from './data/weak-phrases.json' with { type: 'json' }
import type { Segment } from './segments.ts'
import { clamp, isQuantified, wordCount } from './text.ts'

export const WEAK_PHRASES: ReadonlyArray<{ phrase: string, suggestion: string }> = weakPhrasesJson
export const BULLET_MIN_WORDS = 5
export const BULLET_MAX_WORDS = 35

export interface WeakFinding { path: string, phrase: string, text: string, suggestion: string }
export interface ImpactResult {
  weak: WeakFinding[]
  bullets: number
  quantified: string[]
  unquantified: string[]
  tooLong: Array<{ path: string, words: number, text: string }>
  tooShort: Array<{ path: string, words: number, text: string }>
  quantifiedShare: number
  impactScore: number
  brevityScore: number
}

const phraseRes = WEAK_PHRASES.map((w) => ({ ...w, re: new RegExp(`(?<![\\p{L}])${w.phrase.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\p{L}])`, 'iu') }))

export function analyzeImpact (segments: Segment[], totalWords: number, summaryWords: number): ImpactResult {
  const weak: WeakFinding[] = []
  for (const s of segments) {
    for (const w of phraseRes) if (w.re.test(s.text)) weak.push({ path: s.path, phrase: w.phrase, text: s.text, suggestion: w.suggestion })
  }
  const bullets = segments.filter((s) => s.bullet)
  const quantified = bullets.filter((b) => isQuantified(b.text)).map((b) => b.path)
  const unquantified = bullets.filter((b) => !isQuantified(b.text)).map((b) => b.path)
  const tooLong = bullets.map((b) => ({ path: b.path, words: wordCount(b.text), text: b.text })).filter((b) => b.words > BULLET_MAX_WORDS)
  const tooShort = bullets.map((b) => ({ path: b.path, words: wordCount(b.text), text: b.text })).filter((b) => b.words < BULLET_MIN_WORDS)

  const n = bullets.length
  const weakBullets = new Set(weak.filter((w) => w.path.includes('.highlights[')).map((w) => w.path)).size
  const weakOther = new Set(weak.filter((w) => !w.path.includes('.highlights[')).map((w) => w.path)).size
  const quantifiedShare = n ? quantified.length / n : 0
  // impact: 65% quantified share, 35% share of bullets free of weak phrases; weak phrases in other prose cost 5 each.
  const impactScore = n ? clamp(100 * (0.65 * quantifiedShare + 0.35 * (1 - weakBullets / n)) - 5 * weakOther) : 0
  // brevity: share of bullets within 5..35 words, minus long-summary and long-document penalties.
  const okShare = n ? (n - tooLong.length - tooShort.length) / n : 0.5
  const brevityScore = clamp(100 * okShare - (summaryWords > 80 ? 10 : 0) - Math.min(20, Math.floor(Math.max(0, totalWords - 900) / 25)))
  return { weak, bullets: n, quantified, unquantified, tooLong, tooShort, quantifiedShare, impactScore, brevityScore }
}
