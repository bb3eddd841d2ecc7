// Step 4, job-description match: extracts the terms a JD asks for (tech-term hits, capitalised
// phrases and acronyms, and, when the JD is a JSON job like samples/jsonresume/sample.job.json,
// its skills[].name and skills[].keywords) and checks which ones the resume's ATS text contains.
import { arr, clamp, containsTerm, findTechTerms, obj, str, strs, uniqueCi } from './text.ts'

export interface JdTerm { term: string, source: 'skills' | 'tech' | 'phrase', keywords?: string[] }
export interface KeywordResult { terms: JdTerm[], present: string[], missing: string[], score: number }

const STOP = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'for', 'to', 'with', 'we', 'our', 'you', 'your', 'us', 'i', 'it', 'this', 'that', 'is', 'are', 'be', 'will', 'must', 'should', 'strong', 'excellent', 'good', 'great', 'experience', 'team', 'role', 'job', 'position', 'company', 'remote', 'hybrid', 'full-time', 'part-time', 'senior', 'junior', 'mid-level', 'ability', 'years', 'year', 'plus', 'bonus', 'nice', 'have', 'required', 'requirements', 'responsibilities', 'qualifications', 'about', 'who', 'what', 'how', 'why', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'])
const CAPITALISED = /^[A-Z][\p{L}\p{N}+#.]*$/u
/**
 * A real job description names a few dozen terms. Past these, the rest is ignored: every term is
 * searched for in the whole resume, so their number and length are what bound that work.
 */
export const MAX_JD_TERMS = 100
export const MAX_TERM_LENGTH = 60
/**
 * Sentence ends. The lookbehind starts a match only at the first mark of a run: without it, a run
 * of marks not followed by a space ("!!!!...x") was retried from each of its marks, quadratic.
 */
const SENTENCE_END = /(?<![.!?;:\n•])[.!?;:\n•]+\s|[\n•]/
const OPENERS = /^[("'“]+/
const CLOSERS = ')"\'”,.!?'

/** The token without its opening quotes and brackets and its closing punctuation (scanned from the end, not by a `...+$` regex). */
function bare (raw: string): { tok: string, breaks: boolean } {
  const start = OPENERS.exec(raw)?.[0].length ?? 0
  let end = raw.length
  while (end > start && CLOSERS.includes(raw[end - 1]!)) end--
  return { tok: raw.slice(start, end), breaks: end < raw.length }
}

/** Runs of 2-3 capitalised words that do not start a sentence, e.g. "Computer Science". */
function capitalisedPhrases (text: string, exclude: Set<string>): string[] {
  const out: string[] = []
  for (const sentence of text.split(SENTENCE_END)) {
    const tokens = sentence.split(/\s+/).filter(Boolean)
    let run: string[] = []
    const flush = (): void => {
      if (run.length >= 2 && run.length <= 3) {
        const phrase = run.join(' ')
        if (!exclude.has(phrase.toLowerCase())) out.push(phrase)
      }
      run = []
    }
    tokens.forEach((raw, i) => {
      const { tok, breaks } = bare(raw) // trailing punctuation ends the run after this token
      if (i > 0 && CAPITALISED.test(tok) && !STOP.has(tok.toLowerCase()) && !/['’]s$/.test(tok)) run.push(tok)
      else flush()
      if (breaks) flush()
    })
    flush()
  }
  return out
}

export function extractJdTerms (jd: string): JdTerm[] {
  let text = jd
  const terms: JdTerm[] = []
  const exclude = new Set<string>()
  try {
    const job = obj(JSON.parse(jd))
    if (Object.keys(job).length > 0) {
      for (const s of arr(job.skills).map(obj)) {
        const keywords = strs(s.keywords)
        if (str(s.name)) terms.push({ term: str(s.name), source: 'skills', keywords })
        for (const k of keywords) terms.push({ term: k, source: 'skills' })
      }
      for (const k of ['title', 'company', 'type', 'remote', 'experience']) if (str(job[k])) exclude.add(str(job[k]).toLowerCase())
      const loc = obj(job.location)
      for (const k of ['city', 'region']) if (str(loc[k])) exclude.add(str(loc[k]).toLowerCase())
      text = [str(job.title), str(job.description), ...strs(job.responsibilities), ...strs(job.qualifications)].join('\n')
    }
  } catch { /* plain-text JD */ }
  const out: JdTerm[] = []
  const seen = new Set<string>()
  const add = (t: JdTerm): void => {
    const k = t.term.toLowerCase()
    if (out.length < MAX_JD_TERMS && t.term.length <= MAX_TERM_LENGTH && !seen.has(k)) { seen.add(k); out.push(t) }
  }
  terms.forEach(add)
  // A skill group's keywords count only when they made the cut themselves, so no search is spent beyond it.
  for (const t of out) if (t.keywords) t.keywords = t.keywords.filter((k) => seen.has(k.toLowerCase()))
  for (const t of findTechTerms(text)) add({ term: t, source: 'tech' })
  for (const p of capitalisedPhrases(text, exclude)) {
    if (out.length >= MAX_JD_TERMS) break
    if (!seen.has(p.toLowerCase()) && findTechTerms(p).join(' ') !== p) add({ term: p, source: 'phrase' })
  }
  return out
}

/** A term is present when the resume text contains it; a JSON skill group also when it contains any of its keywords. */
export function matchKeywords (jd: string, resumeText: string): KeywordResult {
  const terms = extractJdTerms(jd)
  const found = new Map<string, boolean>()
  const contains = (term: string): boolean => {
    let hit = found.get(term)
    if (hit === undefined) { hit = containsTerm(resumeText, term); found.set(term, hit) }
    return hit
  }
  const present: string[] = []
  const missing: string[] = []
  for (const t of terms) {
    const hit = contains(t.term) || (t.keywords ?? []).some(contains)
    ;(hit ? present : missing).push(t.term)
  }
  return { terms, present: uniqueCi(present), missing: uniqueCi(missing), score: terms.length ? clamp(100 * present.length / terms.length) : 0 }
}
