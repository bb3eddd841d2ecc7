// The portfolio pipeline: STAR check per project (Situation, Task, Action, Result by cue words and
// numbers), tag relevance (is each tag supported by the project text?), and about/contact completeness.
import type { Result, Step } from './resume.ts'
import { weightedMean } from './resume.ts'
import { arr, clamp, isQuantified, type Json, looksLikeEmail, obj, quote, str, strs, wordCount } from './text.ts'

/** Weights of the portfolio overall score. */
export const PORTFOLIO_WEIGHTS = { star_score: 0.40, tag_relevance_score: 0.25, completeness_score: 0.35 } as const

const cue = (ws: string[]): RegExp => new RegExp(`\\b(${ws.join('|')})\\b`, 'i')
export const STAR_CUES = {
  situation: cue(['when', 'while', 'faced', 'legacy', 'problem', 'challenge', 'struggl\\w*', 'previously', 'existing', 'because', 'context', 'pain', 'slow', 'manual(ly)?', 'outdated', 'was taking', 'were taking', 'suffered', 'lacked', 'no way to', 'startup', 'client', 'customers? (had|needed|wanted)']),
  task: cue(['goal', 'aim(ed)?', 'objective', 'tasked', 'needed to', 'had to', 'in order to', 'so that', 'requirement', 'mission', 'wanted to', 'set out to', 'my role', 'i was asked', 'to (build|create|replace|reduce|make|design|automate|help|let|allow|enable)']),
  action: cue(['built', 'designed', 'implemented', 'developed', 'created', 'migrated', 'wrote', 'led', 'refactored', 'automated', 'introduced', 'replaced', 'rewrote', 'deployed', 'optimi[sz]ed', 'added', 'architected', 'shipped', 'integrated', 'launched', 'modelled', 'modeled', 'trained', 'containeri[sz]ed', 'instrumented', 'set up', 'made']),
  result: cue(['reduc\\w*', 'increas\\w*', 'improv\\w*', 'result\\w*', 'cut', 'saved?', 'grew', 'growth', 'faster', 'fewer', 'doubled', 'halved', 'now', 'led to', 'adopted', 'won', 'users', 'downloads', 'revenue', 'conversion', 'outcome'])
} as const
type StarKey = keyof typeof STAR_CUES
const STAR_KEYS: StarKey[] = ['situation', 'task', 'action', 'result']

export interface ProjectStar { path: string, title: string, situation: boolean, task: boolean, action: boolean, result: boolean, quantified: boolean }

export function starOf (path: string, title: string, description: string): ProjectStar {
  const has = Object.fromEntries(STAR_KEYS.map((k) => [k, STAR_CUES[k].test(description)])) as Record<StarKey, boolean>
  const quantified = isQuantified(description)
  return { path, title, ...has, result: has.result || quantified, quantified }
}

/** A tag is supported when it, or each word of it (ignoring a plural s), occurs in the title or description. */
/** Longer "tags" are prose: not matched word by word against the text (each word is a search of the whole text). */
export const MAX_TAG_LENGTH = 60

export function tagSupported (tag: string, text: string): boolean {
  const lower = text.toLowerCase()
  const norm = tag.toLowerCase().trim()
  if (!norm || norm.length > MAX_TAG_LENGTH) return false
  if (lower.includes(norm)) return true
  const parts = norm.split(/[\s/_-]+/).filter((p) => p.length > 1)
  return parts.length > 0 && parts.every((p) => lower.includes(p.replace(/s$/, '')))
}

export async function analyzePortfolio (content: Json, step: Step): Promise<Result> {
  await step(10, 'projects')
  const projects = arr(content.projects).map(obj)
  const stars = projects.map((p, i) => starOf(`projects[${i}]`, str(p.title), str(p.description)))
  const starScore = stars.length ? clamp(stars.reduce((n, s) => n + STAR_KEYS.filter((k) => s[k]).length, 0) / (4 * stars.length) * 100) : 0

  await step(40, 'tags')
  const tags = projects.flatMap((p, i) => strs(p.tags).map((tag) => ({ path: `projects[${i}]`, tag, supported: tagSupported(tag, `${str(p.title)} ${str(p.description)}`) })))
  const tagScore = tags.length ? clamp(100 * tags.filter((t) => t.supported).length / tags.length) : 0

  await step(70, 'completeness')
  const about = str(content.about)
  const aboutWords = wordCount(about)
  const contact = obj(content.contact)
  const email = looksLikeEmail(str(contact.email))
  const links = arr(contact.links).map(obj).filter((l) => str(l.url)).length
  const otherChannel = links > 0 || str(contact.phone) !== ''
  const share = (f: (p: Json) => boolean): number => projects.length ? projects.filter(f).length / projects.length : 0
  const withUrl = share((p) => /^https?:\/\//.test(str(p.url)))
  const withImage = share((p) => str(p.image) !== '')
  // about 30 (15 present, 15 for 30..250 words), contact 30 (email 15, link or phone 15), projects 40 (>= 2 projects 10, url share 15, image share 15)
  const completeness = clamp((about ? 15 : 0) + (aboutWords >= 30 && aboutWords <= 250 ? 15 : 0) + (email ? 15 : 0) + (otherChannel ? 15 : 0) +
    (projects.length >= 2 ? 10 : 0) + 15 * withUrl + 15 * withImage)

  await step(90, 'scoring')
  const scores = { star_score: starScore, tag_relevance_score: tagScore, completeness_score: completeness }
  const overall = weightedMean(scores, PORTFOLIO_WEIGHTS)

  const strengths: string[] = []
  const improvements: string[] = []
  for (const s of stars) {
    const missing = STAR_KEYS.filter((k) => !s[k])
    if (missing.length === 0) strengths.push(`"${s.title}" (${s.path}) tells a complete STAR story${s.quantified ? ' with a measurable result' : ''}`)
    else improvements.push(`"${s.title}" (${s.path}) lacks ${missing.map((k) => k[0]!.toUpperCase() + k.slice(1)).join(', ')}: ${hint(missing)}`)
  }
  for (const t of tags.filter((t) => !t.supported)) improvements.push(`Tag "${t.tag}" on ${t.path} is not supported by its description: mention how you used it or drop the tag`)
  if (tags.length && tags.every((t) => t.supported)) strengths.push('Every project tag is backed by its description')
  if (!tags.length) improvements.push('Add tags (technologies, domains) to your projects')
  if (!about) improvements.push('Add an about section: who you are, what you build, what you are looking for')
  else if (aboutWords < 30) improvements.push(`About section is only ${aboutWords} words (${quote(about, 60)}); aim for 30-250`)
  else if (aboutWords > 250) improvements.push(`About section is ${aboutWords} words; trim it to 250 or fewer`)
  else strengths.push(`About section is a readable ${aboutWords} words`)
  if (!email) improvements.push(str(contact.email) ? `contact.email "${str(contact.email)}" is not a valid address` : 'Add contact.email')
  if (!otherChannel) improvements.push('Add a link (GitHub, LinkedIn) or phone to contact')
  if (email && otherChannel) strengths.push(`Contact has an email and ${links} link${links === 1 ? '' : 's'}`)
  if (projects.length < 2) improvements.push(`Only ${projects.length} project${projects.length === 1 ? '' : 's'}; show at least 2`)
  projects.forEach((p, i) => {
    if (!/^https?:\/\//.test(str(p.url))) improvements.push(`projects[${i}] "${str(p.title)}" has no link to a demo or repository`)
    if (!str(p.image)) improvements.push(`projects[${i}] "${str(p.title)}" has no image`)
  })

  const metrics = { ...scores, weights: PORTFOLIO_WEIGHTS, star: stars, tags, about_words: aboutWords, contact: { email, links, phone: str(contact.phone) !== '' } }
  const lines = [
    '# Portfolio analysis (offline heuristic rules)', '',
    `**Overall score: ${overall}/100**, the weighted mean of the scores below.`, '',
    '| Score | Value | Weight |', '| --- | ---: | ---: |',
    ...Object.entries(PORTFOLIO_WEIGHTS).map(([k, w]) => `| ${k} | ${scores[k as keyof typeof scores]} | ${Math.round(w * 100)}% |`), '',
    '## STAR per project', '', '| Project | S | T | A | R |', '| --- | :-: | :-: | :-: | :-: |',
    ...stars.map((s) => `| ${s.title.replace(/\|/g, '/')} | ${STAR_KEYS.map((k) => s[k] ? 'yes' : 'no').join(' | ')} |`), '',
    '## Strengths', '', ...(strengths.length ? strengths.map((s) => `- ${s}`) : ['- None found yet.']), '',
    '## Improvements', '', ...(improvements.length ? improvements.map((s) => `- ${s}`) : ['- Nothing to fix.']), ''
  ]
  return { overall_score: overall, metrics, strengths, improvements, detailed_report: lines.join('\n') }
}

function hint (missing: StarKey[]): string {
  const h: Record<StarKey, string> = { situation: 'what was the context or problem', task: 'what you set out to do', action: 'what you built or changed', result: 'what changed afterwards, with a number' }
  return missing.map((k) => h[k]).join('; ')
}
