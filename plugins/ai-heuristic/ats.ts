// Step 1, ATS parse simulation: flattens a JSON Resume into the plain text an applicant tracking
// system extracts, under standard headers, and reports what such a parser would miss.
import { arr, clamp, type Json, looksLikeEmail, obj, str, strs } from './text.ts'

export interface DateIssue { path: string, value: string, problem: string }
export interface AtsResult {
  text: string
  sections: Array<{ key: string, header: string, present: boolean }>
  missingSections: string[]
  contact: { name: boolean, email: boolean, phone: boolean, location: boolean, profiles: number }
  dateIssues: DateIssue[]
  misses: string[]
  score: number
}

/** JSON Resume sections in ATS order, with the header an ATS expects. Required ones cost points when absent. */
export const SECTIONS: Array<{ key: string, header: string, penalty: number }> = [
  { key: 'summary', header: 'SUMMARY', penalty: 5 },
  { key: 'work', header: 'EXPERIENCE', penalty: 25 },
  { key: 'education', header: 'EDUCATION', penalty: 15 },
  { key: 'skills', header: 'SKILLS', penalty: 10 },
  { key: 'projects', header: 'PROJECTS', penalty: 0 },
  { key: 'volunteer', header: 'VOLUNTEER EXPERIENCE', penalty: 0 },
  { key: 'certificates', header: 'CERTIFICATIONS', penalty: 0 },
  { key: 'awards', header: 'AWARDS', penalty: 0 },
  { key: 'publications', header: 'PUBLICATIONS', penalty: 0 },
  { key: 'languages', header: 'LANGUAGES', penalty: 0 },
  { key: 'interests', header: 'INTERESTS', penalty: 0 },
  { key: 'references', header: 'REFERENCES', penalty: 0 }
]

const ISO_DATE = /^\d{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01])(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?)?)?$/
const SLASHED = /^\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}$/

function checkDate (path: string, value: unknown, required: boolean, issues: DateIssue[]): string {
  const v = str(value)
  if (!v) {
    if (required) issues.push({ path, value: '', problem: 'missing' })
    return ''
  }
  if (ISO_DATE.test(v)) return v
  issues.push({ path, value: v, problem: SLASHED.test(v) ? 'ambiguous (day/month order unknown); use YYYY-MM' : 'not ISO 8601; use YYYY-MM or YYYY-MM-DD' })
  return ''
}

function range (start: string, end: unknown): string {
  const e = str(end)
  return start || e ? ` (${start || '?'} – ${e || 'Present'})` : ''
}

export function analyzeAts (resume: Json): AtsResult {
  const basics = obj(resume.basics)
  const lines: string[] = []
  const dateIssues: DateIssue[] = []
  const misses: string[] = []
  const present = (key: string): boolean => key === 'summary' ? str(basics.summary) !== '' : arr(resume[key]).length > 0

  const loc = obj(basics.location)
  const locText = [str(loc.city), str(loc.region), str(loc.countryCode)].filter(Boolean).join(', ')
  const profiles = arr(basics.profiles).map(obj)
  const contact = { name: str(basics.name) !== '', email: looksLikeEmail(str(basics.email)), phone: /\d{3}/.test(str(basics.phone)), location: locText !== '', profiles: profiles.filter((p) => str(p.url)).length }
  lines.push(str(basics.name), str(basics.label), [str(basics.email), str(basics.phone), locText].filter(Boolean).join(' | '))
  for (const p of profiles) lines.push(`${str(p.network)}: ${str(p.url) || str(p.username)}`)
  if (str(basics.url)) lines.push(str(basics.url))

  let score = 100
  if (!contact.name) { score -= 15; misses.push('No name in basics.name: the ATS cannot create a candidate record') }
  if (!contact.email) { score -= 10; misses.push(str(basics.email) ? `basics.email "${str(basics.email)}" is not a valid address` : 'No email in basics.email: recruiters cannot reach you') }
  if (!contact.phone) { score -= 5; misses.push('No phone number in basics.phone') }
  if (!contact.location) { score -= 5; misses.push('No location (basics.location.city/region/countryCode): location filters will skip you') }
  profiles.forEach((p, i) => { if (!str(p.url)) misses.push(`basics.profiles[${i}] (${str(p.network) || 'profile'}) has no url`) })

  const sections = SECTIONS.map((s) => ({ key: s.key, header: s.header, present: present(s.key) }))
  const missingSections: string[] = []
  for (const s of SECTIONS) {
    if (present(s.key)) continue
    if (s.penalty > 0) {
      missingSections.push(s.header)
      score -= s.penalty
      misses.push(`No ${s.header} section (${s.key === 'summary' ? 'basics.summary' : s.key}): an ATS filtering on it finds nothing`)
    }
  }

  if (present('summary')) lines.push('', 'SUMMARY', str(basics.summary))
  const dated = (key: string, title: (e: Json) => string, body: (e: Json, path: string) => string[], required = true): void => {
    const items = arr(resume[key]).map(obj)
    if (items.length === 0) return
    lines.push('', SECTIONS.find((s) => s.key === key)!.header)
    items.forEach((e, i) => {
      const path = `${key}[${i}]`
      const start = checkDate(`${path}.startDate`, e.startDate, required, dateIssues)
      const end = checkDate(`${path}.endDate`, e.endDate, false, dateIssues)
      if (start && end && end < start) dateIssues.push({ path: `${path}.endDate`, value: end, problem: 'before startDate' })
      lines.push(title(e) + range(start || str(e.startDate), e.endDate), ...body(e, path))
    })
  }
  const bullets = (e: Json): string[] => strs(e.highlights).map((h) => `- ${h}`)
  dated('work', (e) => [str(e.position), str(e.name)].filter(Boolean).join(', '), (e, path) => {
    if (!str(e.position)) misses.push(`${path} has no position: the job title is what an ATS matches first`)
    if (!str(e.name)) misses.push(`${path} has no company name`)
    return [str(e.summary), ...bullets(e)].filter(Boolean)
  })
  dated('education', (e) => [[str(e.studyType), str(e.area)].filter(Boolean).join(' in '), str(e.institution)].filter(Boolean).join(', '), (e, path) => {
    if (!str(e.institution)) misses.push(`${path} has no institution`)
    return [str(e.score) && `Score: ${str(e.score)}`, ...strs(e.courses).map((c) => `- ${c}`)].filter(Boolean)
  })
  const skills = arr(resume.skills).map(obj)
  if (skills.length) {
    lines.push('', 'SKILLS')
    for (const s of skills) lines.push([str(s.name), strs(s.keywords).join(', ')].filter(Boolean).join(': '))
  }
  dated('projects', (e) => str(e.name), (e) => [str(e.description), ...bullets(e), strs(e.keywords).join(', ')].filter(Boolean), false)
  dated('volunteer', (e) => [str(e.position), str(e.organization)].filter(Boolean).join(', '), (e) => [str(e.summary), ...bullets(e)].filter(Boolean))
  const simple = (key: string, render: (e: Json) => string, dateKey: string): void => {
    const items = arr(resume[key]).map(obj)
    if (!items.length) return
    lines.push('', SECTIONS.find((s) => s.key === key)!.header)
    items.forEach((e, i) => { if (dateKey) checkDate(`${key}[${i}].${dateKey}`, e[dateKey], false, dateIssues); lines.push(render(e)) })
  }
  simple('certificates', (e) => [str(e.name), str(e.issuer), str(e.date)].filter(Boolean).join(', '), 'date')
  simple('awards', (e) => [str(e.title), str(e.awarder), str(e.date), str(e.summary)].filter(Boolean).join(', '), 'date')
  simple('publications', (e) => [str(e.name), str(e.publisher), str(e.releaseDate)].filter(Boolean).join(', '), 'releaseDate')
  simple('languages', (e) => [str(e.language), str(e.fluency)].filter(Boolean).join(': '), '')
  simple('interests', (e) => [str(e.name), strs(e.keywords).join(', ')].filter(Boolean).join(': '), '')
  simple('references', (e) => [str(e.name), str(e.reference)].filter(Boolean).join(': '), '')

  for (const d of dateIssues) misses.push(d.problem === 'missing' ? `${d.path} is missing: the ATS cannot compute your experience for this entry` : `${d.path} "${d.value}" is ${d.problem}`)
  score -= Math.min(15, 3 * dateIssues.length)

  const text = lines.filter((l, i) => l !== '' || i > 0).join('\n').replace(/\n{3,}/g, '\n\n').trim()
  return { text, sections, missingSections, contact, dateIssues, misses, score: clamp(score) }
}
