// Step 3, spelling and style offline: retext-spell with the Hunspell en-US dictionary (loaded once,
// lazily) and write-good's passive-voice check. Tech terms (data/tech-terms.json) and the names the
// document declares are allowed case-insensitively.
import dictionaryEn from 'dictionary-en'
import { retext } from 'retext'
import retextSpell from 'retext-spell'
import writeGood from 'write-good'
import type { Segment } from './segments.ts'
import { TECH_TERMS } from './text.ts'

export interface Typo { path: string, word: string, suggestions: string[] }
export interface Passive { path: string, phrase: string, text: string }

type Processor = { process (text: string): Promise<{ messages: Array<{ actual?: string, source?: string | null, expected?: string[], place?: unknown }> }> }

const TECH_LOWER = new Set(TECH_TERMS.map((t) => t.toLowerCase()))
/** The spell checker caches every suggestion it computes; rebuild it now and then so that cache stays bounded. */
const REBUILD_AFTER = 500
let processor: Promise<Processor> | undefined
let uses = 0

function getProcessor (): Promise<Processor> {
  if (!processor || uses >= REBUILD_AFTER) {
    uses = 0
    const ignore = TECH_TERMS.flatMap((t) => [t, t.toLowerCase(), t.toUpperCase(), t[0]!.toUpperCase() + t.slice(1)])
    // max: suggestions for every unknown word, so results never depend on earlier analyses.
    const p = retext().use(retextSpell, { dictionary: dictionaryEn, ignore, max: Number.POSITIVE_INFINITY }) as unknown as Processor
    processor = p.process('warm up').then(() => p)
  }
  uses++
  return processor
}

/** Lower-cased tokens of the declared names, split on spaces and punctuation. */
export function allowSet (names: string[]): Set<string> {
  const set = new Set<string>()
  for (const n of names) {
    for (const tok of n.toLowerCase().split(/[^\p{L}\p{N}.+#'’-]+/u)) {
      if (!tok) continue
      set.add(tok)
      for (const part of tok.split(/[.'’-]+/)) if (part) set.add(part)
    }
  }
  return set
}

function allowed (word: string, names: Set<string>): boolean {
  const w = word.toLowerCase().replace(/['’]s$/, '')
  if (TECH_LOWER.has(w) || names.has(w)) return true
  if (/\d/.test(w)) return true // versions, p95, 2x
  if (/^[A-Z]{2,6}s?$/.test(word)) return true // acronyms
  const parts = w.split(/[.'’/-]+/).filter(Boolean)
  return parts.length > 1 && parts.every((p) => TECH_LOWER.has(p) || names.has(p))
}

/**
 * A capitalised word that does not start a sentence (or a camel-cased one anywhere) is taken for a
 * proper noun the dictionary cannot know (Sooners, Weisman, AIHacks), not a typo.
 */
function properNoun (word: string, text: string, place: unknown): boolean {
  if (/\p{Ll}\p{Lu}/u.test(word)) return true
  if (!/^\p{Lu}/u.test(word)) return false
  const offset = (place as { start?: { offset?: number } } | undefined)?.start?.offset
  if (typeof offset !== 'number') return false
  const before = text.slice(0, offset).trimEnd()
  return before !== '' && !/[.!?:;•·\-–—(“"]$/.test(before)
}

/** The US form of a British spelling (optimisation -> optimization, analyser -> analyzer, colour -> color), or ''. */
function americanize (word: string): string {
  const us = word.toLowerCase()
    .replace(/is(e|ed|es|er|ers|ing|ation|ations)$/, 'iz$1')
    .replace(/ys(e|ed|es|er|ers|ing)$/, 'yz$1')
    .replace(/our(s|ed|ing|ful)?$/, 'or$1')
    .replace(/tre(s)?$/, 'ter$1')
  return us === word.toLowerCase() ? '' : us
}

export async function checkSpelling (segments: Segment[], names: string[]): Promise<{ typos: Typo[], passive: Passive[] }> {
  const p = await getProcessor()
  const allow = allowSet(names)
  const typos: Typo[] = []
  const passive: Passive[] = []
  for (const s of segments) {
    const file = await p.process(s.text)
    for (const m of file.messages) {
      if (m.source !== 'retext-spell' || !m.actual || allowed(m.actual, allow) || properNoun(m.actual, s.text, m.place)) continue
      // British spellings are not mistakes: accept a word whose US form is the checker's own suggestion.
      const us = americanize(m.actual)
      if (us && (m.expected ?? []).some((e) => e.toLowerCase() === us)) continue
      typos.push({ path: s.path, word: m.actual, suggestions: (m.expected ?? []).slice(0, 3) })
    }
    for (const g of writeGood(s.text, { passive: true, illusion: false, so: false, thereIs: false, weasel: false, adverb: false, tooWordy: false, cliches: false, eprime: false })) {
      passive.push({ path: s.path, phrase: s.text.slice(g.index, g.index + g.offset), text: s.text })
    }
  }
  return { typos, passive }
}
