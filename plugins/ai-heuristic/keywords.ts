// Step 4, job-description match: extracts the terms a JD asks for (tech-term hits, capitalised
// phrases and acronyms, and, when the JD is a JSON job like test/fixtures/jsonresume/sample.job.json,
// its skills[].name and skills[].keywords) and checks which ones the resume's ATS text contains.
import { arr, clamp, containsTerm, findTechTerms, obj, str, strs, uniqueCi } from './text.ts'

export interface JdTerm { term: string, source: 'skills' | 'tech' | 'phrase', keywords?: string[] }
export interface KeywordResult { terms: JdTerm[], present: string[], missing: string[], score: number }

const STOP = new Set(['a', 'an', 'the', 'and', 'or', 'of', 'in', 'on', 'for', 'to', 'with', 'we', 'our', 'you', 'your', 'us', 'i', 'it', 'this', 'that', 'is', 'are', 'be', 'will', 'must', 'should', 'strong', 'excellent', 'good', 'great', 'experience', 'team', 'role', 'job', 'position', 'company', 'remote', 'hybrid', 'full-time', 'part-time', 'senior', 'junior', 'mid-level', 'ability', 'years', 'year', 'plus', 'bonus', 'nice', 'have', 'required', 'requirements', 'responsibilities', 'qualifications', 'about', 'who', 'what', 'how', 'why', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'])
const CAPITALISED = /^[A-Z][\p{L}\p{N}+#.]*$/u

/** Runs of 2-3 capitalised words that do not start a sentence, e.g. "Computer Science". */
function capitalisedPhrases (text: string, exclude: Set<string>): string[] {
  const out: string[] = []
  for (const sentence of text.split(/[.!?;:\n•]+\s|[\n•]/)) {
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
      const tok = raw.replace(/^[("'“]+|[)"'”,.!?]+$/g, '')
      const breaks = tok !== raw.replace(/^[("'“]+/, '') // trailing punctuation ends the run after this token
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
  for (const t of findTechTerms(text)) terms.push({ term: t, source: 'tech' })
  for (const p of capitalisedPhrases(text, exclude)) {
    if (findTechTerms(p).join(' ') !== p) terms.push({ term: p, source: 'phrase' })
  }
  const seen = new Set<string>()
  return terms.filter((t) => { const k = t.term.toLowerCase(); if (seen.has(k)) return false; seen.add(k); return true })
}

/** A term is present when the resume text contains it; a JSON skill group also when it contains any of its keywords. */
export function matchKeywords (jd: string, resumeText: string): KeywordResult {
  const terms = extractJdTerms(jd)
  const present: string[] = []
  const missing: string[] = []
  for (const t of terms) {
    const hit = containsTerm(resumeText, t.term) || (t.keywords ?? []).some((k) => containsTerm(resumeText, k))
    ;(hit ? present : missing).push(t.term)
  }
  return { terms, present: uniqueCi(present), missing: uniqueCi(missing), score: terms.length ? clamp(100 * present.length / terms.length) : 0 }
}
