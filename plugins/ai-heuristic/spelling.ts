// Step 3, spelling and style offline: retext-spell with the Hunspell en-US dictionary (loaded once,
// lazily) finds unknown words, suggest.ts proposes corrections within a fixed budget, and write-good
// checks passive voice. Tech terms (data/tech-terms.json) and the names the document declares are
// allowed case-insensitively. A "word" over MAX_WORD_LENGTH characters is no misspelling anyone
// made: it is reported as a suspicious token, without suggestions.
import dictionaryEn from 'dictionary-en'
import { retext } from 'retext'
import retextSpell from 'retext-spell'
import writeGood from 'write-good'
import type { Segment } from './segments.ts'
import { dictionary, MAX_WORD_LENGTH, suggest, tooLong } from './suggest.ts'
import { TECH_TERMS } from './text.ts'

export interface Typo { path: string, word: string, suggestions: string[] }
/** `token`: its first MAX_WORD_LENGTH characters and an ellipsis; `length`: in characters. */
export interface Suspicious { path: string, token: string, length: number }
export interface Passive { path: string, phrase: string, text: string }

type Processor = { process (text: string): Promise<{ messages: Array<{ actual?: string, source?: string | null, expected?: string[], place?: unknown }> }> }

const TECH_LOWER = new Set(TECH_TERMS.map((t) => t.toLowerCase()))
/** Distinct unknown words per analysis that get suggestions (each costs up to ~10 ms); later ones get none. */
export const MAX_SUGGESTED_WORDS = 20
/** The spell checker remembers every unknown word it met; rebuild it now and then so that memory stays bounded. */
const REBUILD_AFTER = 500
const REBUILD_AFTER_WORDS = 50_000
let processor: Promise<Processor> | undefined
let uses = 0
let unknownSeen = 0

function getProcessor (): Promise<Processor> {
  if (!processor || uses >= REBUILD_AFTER || unknownSeen >= REBUILD_AFTER_WORDS) {
    uses = 0
    unknownSeen = 0
    const ignore = TECH_TERMS.flatMap((t) => [t, t.toLowerCase(), t.toUpperCase(), t[0]!.toUpperCase() + t.slice(1)])
    // max -1: retext-spell suggests while its count < max, so never (0 would mean its default, 30);
    // nspell's unbounded suggest() is what exploded. suggest.ts does it within a budget instead.
    const p = retext().use(retextSpell, { dictionary: dictionaryEn, ignore, max: -1 }) as unknown as Processor
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
  // Walk back over the spaces only: slicing and trimming the text before every unknown word was quadratic.
  let i = offset - 1
  while (i >= 0 && /\s/.test(text[i]!)) i--
  return i >= 0 && !/[.!?:;•·\-–—(“"]/.test(text[i]!)
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

/**
 * Runs of letters, marks and digits too long to be a word. They are blanked out (same length, so
 * offsets hold) before the checker sees them: its dictionary's compound rules (ordinals: 21st) are
 * regexes that take quadratic time on a long run of digits (1.1 s for one 20,000-character token).
 */
const LONG_RUN = new RegExp(`[\\p{L}\\p{M}\\p{N}_]{${MAX_WORD_LENGTH + 1},}`, 'gu')

/** Shown in reports: the token cut to MAX_WORD_LENGTH characters. */
function shorten (token: string): string {
  return [...token.slice(0, 2 * MAX_WORD_LENGTH)].slice(0, MAX_WORD_LENGTH).join('') + '…'
}

export async function checkSpelling (segments: Segment[], names: string[]): Promise<{ typos: Typo[], suspicious: Suspicious[], passive: Passive[] }> {
  const p = await getProcessor()
  const dict = dictionary()
  const allow = allowSet(names)
  const typos: Typo[] = []
  const suspicious: Suspicious[] = []
  const passive: Passive[] = []
  const suggestions = new Map<string, string[]>()
  for (const s of segments) {
    const masked = s.text.replace(LONG_RUN, (run) => {
      if (!TECH_LOWER.has(run.toLowerCase()) && !allow.has(run.toLowerCase())) suspicious.push({ path: s.path, token: shorten(run), length: [...run].length })
      return ' '.repeat(run.length)
    })
    const file = await p.process(masked)
    unknownSeen += file.messages.length
    for (const m of file.messages) {
      if (m.source !== 'retext-spell' || !m.actual || allowed(m.actual, allow) || properNoun(m.actual, s.text, m.place)) continue
      if (tooLong(m.actual)) {
        suspicious.push({ path: s.path, token: shorten(m.actual), length: [...m.actual].length })
        continue
      }
      // British spellings are not mistakes: accept a word whose US form the dictionary knows.
      const us = americanize(m.actual)
      if (us && dict.correct(us)) continue
      let list = suggestions.get(m.actual)
      if (!list) {
        list = suggestions.size < MAX_SUGGESTED_WORDS ? suggest(m.actual) : []
        suggestions.set(m.actual, list)
      }
      typos.push({ path: s.path, word: m.actual, suggestions: list })
    }
    for (const g of writeGood(s.text, { passive: true, illusion: false, so: false, thereIs: false, weasel: false, adverb: false, tooWordy: false, cliches: false, eprime: false })) {
      passive.push({ path: s.path, phrase: s.text.slice(g.index, g.index + g.offset), text: s.text })
    }
  }
  return { typos, suspicious, passive }
}

/** Loads both dictionaries now (~0.7 s), so the first analysis does not pay for them. */
export async function warmUp (): Promise<void> {
  await getProcessor()
  dictionary()
}
