// The resume pipeline: ATS parse -> impact -> spelling -> keywords -> scoring, then strengths,
// improvements and a Markdown report. Pure functions of the input: same input, byte-identical output.
import { analyzeAts } from './ats.ts'
import { analyzeImpact } from './impact.ts'
import { matchKeywords } from './keywords.ts'
import { declaredNames, resumeSegments } from './segments.ts'
import { checkSpelling } from './spelling.ts'
import { clamp, type Json, obj, quote, str, wordCount } from './text.ts'

export type Step = (progress: number, step: string) => Promise<void>
export interface Result { overall_score: number, metrics: Record<string, unknown>, strengths: string[], improvements: string[], detailed_report: string }

/** Weights of the overall score (a weighted mean of the integer sub-scores), without and with a job description. */
export const RESUME_WEIGHTS = {
  withoutJd: { ats_score: 0.30, impact_score: 0.30, brevity_score: 0.15, grammar_score: 0.25 },
  withJd: { ats_score: 0.25, impact_score: 0.25, brevity_score: 0.10, grammar_score: 0.15, keyword_match: 0.25 }
} as const
/** grammar_score = 100 - 10 per distinct misspelled word or suspicious token - 3 per passive construction (at most 15). */
export const TYPO_PENALTY = 10
export const PASSIVE_PENALTY = 3
export const PASSIVE_PENALTY_MAX = 15

export function weightedMean (scores: Record<string, number>, weights: Record<string, number>): number {
  let sum = 0
  let total = 0
  for (const [k, w] of Object.entries(weights)) { sum += (scores[k] ?? 0) * w; total += w }
  return clamp(sum / total)
}

export async function analyzeResume (resume: Json, jobDescription: string | null | undefined, step: Step): Promise<Result> {
  await step(5, 'ats_parse')
  const ats = analyzeAts(resume)

  await step(25, 'impact')
  const segments = resumeSegments(resume)
  const totalWords = wordCount(ats.text)
  const impact = analyzeImpact(segments, totalWords, wordCount(str(obj(resume.basics).summary)))

  await step(45, 'spelling')
  const { typos, suspicious, passive } = await checkSpelling(segments, declaredNames(resume))
  // A suspicious token costs what a misspelling does (it was one, before it got a kind of its own).
  const distinctTypos = [...new Set([...typos.map((t) => t.word.toLowerCase()), ...suspicious.map((t) => `${t.token.toLowerCase()}:${t.length}`)])]
  const grammarScore = clamp(100 - TYPO_PENALTY * distinctTypos.length - Math.min(PASSIVE_PENALTY_MAX, PASSIVE_PENALTY * passive.length))

  await step(70, 'keywords')
  const jd = str(jobDescription)
  const keywords = jd ? matchKeywords(jd, ats.text) : undefined

  await step(90, 'scoring')
  const scores: Record<string, number> = { ats_score: ats.score, impact_score: impact.impactScore, brevity_score: impact.brevityScore, grammar_score: grammarScore }
  if (keywords) scores.keyword_match = keywords.score
  const weights = keywords ? RESUME_WEIGHTS.withJd : RESUME_WEIGHTS.withoutJd
  const overall = weightedMean(scores, weights)

  const strengths: string[] = []
  const improvements: string[] = []
  const present = ats.sections.filter((s) => s.present).map((s) => s.header)
  if (ats.missingSections.length === 0) strengths.push(`All standard sections an ATS looks for are present: ${present.join(', ')}`)
  if (ats.dateIssues.length === 0 && ats.sections.some((s) => s.present && s.key === 'work')) strengths.push('Every date is ISO 8601 (YYYY-MM[-DD]), so an ATS can compute your experience')
  const quantified = segments.filter((s) => impact.quantified.includes(s.path))
  if (impact.bullets > 0 && impact.quantifiedShare >= 0.6) strengths.push(`${impact.quantified.length} of ${impact.bullets} bullets state a measurable result, e.g. ${quote(quantified[0]!.text)} (${quantified[0]!.path})`)
  if (impact.bullets > 0 && impact.weak.length === 0) strengths.push('No weak phrases such as "responsible for" or "worked on": bullets lead with what you did')
  if (distinctTypos.length === 0) strengths.push('No spelling mistakes found')
  if (keywords && keywords.present.length) strengths.push(`Matches ${keywords.present.length} of ${keywords.terms.length} job-description terms: ${keywords.present.join(', ')}`)

  for (const s of ats.missingSections) improvements.push(`Add ${/^[AEIOU]/.test(s) ? 'an' : 'a'} ${s} section: ${s === 'EDUCATION' ? 'many ATS filters require a degree field and reject resumes without one' : 'ATS parsers look for this standard header'}`)
  for (const m of ats.misses.filter((m) => !m.startsWith('No ') || !m.includes('section'))) improvements.push(m)
  for (const w of impact.weak) improvements.push(`Weak phrase "${w.phrase}" in ${w.path} ${quote(w.text)}: ${w.suggestion}`)
  if (impact.bullets > 0 && impact.quantifiedShare < 0.6) {
    const examples = segments.filter((s) => impact.unquantified.includes(s.path)).slice(0, 2).map((s) => `${s.path} ${quote(s.text, 60)}`)
    improvements.push(`Only ${impact.quantified.length} of ${impact.bullets} bullets are quantified; add numbers, %, money or time saved, e.g. to ${examples.join('; ')}`)
  }
  if (impact.bullets === 0) improvements.push('Add highlights (bullets) to each work entry: an ATS and a recruiter read those first')
  for (const b of impact.tooLong) improvements.push(`Shorten ${b.path} (${b.words} words, aim for 12-25): ${quote(b.text, 60)}`)
  for (const b of impact.tooShort) improvements.push(`Expand ${b.path} (${b.words} words) with what you did and the result: ${quote(b.text, 60)}`)
  for (const t of typos) improvements.push(`Spelling: "${t.word}" in ${t.path}${t.suggestions.length ? ` (did you mean "${t.suggestions[0]}"?)` : ''}`)
  for (const t of suspicious) improvements.push(`Suspicious token in ${t.path}: "${t.token}" (${t.length} characters) is no word; check for pasted or garbled text`)
  for (const p of passive) improvements.push(`Passive voice "${p.phrase}" in ${p.path}: say who did it`)
  if (keywords && keywords.missing.length) improvements.push(`Job-description terms missing from the resume: ${keywords.missing.join(', ')}`)

  const metrics: Record<string, unknown> = {
    ...scores,
    weights,
    ats: { sections: ats.sections, missing_sections: ats.missingSections, contact: ats.contact, date_issues: ats.dateIssues, misses: ats.misses, word_count: totalWords },
    impact: {
      bullets: impact.bullets,
      quantified: impact.quantified.length,
      quantified_share: Math.round(impact.quantifiedShare * 100) / 100,
      weak_phrases: impact.weak.map((w) => ({ path: w.path, phrase: w.phrase, suggestion: w.suggestion })),
      too_long: impact.tooLong.map((b) => ({ path: b.path, words: b.words })),
      too_short: impact.tooShort.map((b) => ({ path: b.path, words: b.words }))
    },
    spelling: { typos, suspicious, passive: passive.map((p) => ({ path: p.path, phrase: p.phrase })) },
    ...(keywords ? { keywords: { terms: keywords.terms.map((t) => t.term), present: keywords.present, missing: keywords.missing } } : {})
  }
  return { overall_score: overall, metrics, strengths, improvements, detailed_report: report(overall, scores, weights, ats.text, strengths, improvements) }
}

function report (overall: number, scores: Record<string, number>, weights: Record<string, number>, atsText: string, strengths: string[], improvements: string[]): string {
  const lines = [
    '# Resume analysis (offline heuristic rules)', '',
    `**Overall score: ${overall}/100**, the weighted mean of the scores below.`, '',
    '| Score | Value | Weight |', '| --- | ---: | ---: |',
    ...Object.entries(weights).map(([k, w]) => `| ${k} | ${scores[k]} | ${Math.round(w * 100)}% |`), '',
    '## Strengths', '', ...(strengths.length ? strengths.map((s) => `- ${s}`) : ['- None found yet.']), '',
    '## Improvements', '', ...(improvements.length ? improvements.map((s) => `- ${s}`) : ['- Nothing to fix.']), '',
    '## What an ATS extracts', '', 'The plain text an applicant tracking system would parse from this resume:', '',
    '```text', atsText.replace(/```/g, "'''"), '```', ''
  ]
  return lines.join('\n')
}
