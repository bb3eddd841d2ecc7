// A JSON Resume document written as a Word file the way people write them: title, contact
// line, Heading 1 sections, bold entry titles with the dates after a right tab, bullet
// lists. Part of the parser's test corpus (corpus.ts).
import { AlignmentType, Document, ExternalHyperlink, HeadingLevel, Packer, Paragraph, TabStopType, TextRun } from 'docx'
import { dateRange, formatDate } from '../../kernel/dates.ts'

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')
const list = (v: unknown): Obj[] => (Array.isArray(v) ? v.filter(isObj) : [])
const words = (v: unknown): string[] => (Array.isArray(v) ? v.map(str).filter(Boolean) : [])

const RIGHT_TAB = [{ type: TabStopType.RIGHT, position: 9600 }]

function heading (text: string): Paragraph {
  return new Paragraph({ text, heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 80 } })
}

/** "Bold title, italic org <tab> dates" */
function entryTitle (title: string, org: string, dates: string): Paragraph {
  const runs = [new TextRun({ text: title, bold: true })]
  if (title && org) runs.push(new TextRun({ text: ', ', bold: true }))
  if (org) runs.push(new TextRun({ text: org, italics: true }))
  if (dates) runs.push(new TextRun({ text: `\t${dates}` }))
  return new Paragraph({ children: runs, tabStops: RIGHT_TAB, spacing: { before: 160 } })
}

const para = (text: string, italics = false) => new Paragraph({ children: [new TextRun({ text, italics })] })
const bullet = (text: string) => new Paragraph({ text, bullet: { level: 0 } })

export async function buildDocx (content: Obj): Promise<Buffer> {
  const basics = isObj(content.basics) ? content.basics : {}
  const loc = isObj(basics.location) ? basics.location : {}
  const out: Paragraph[] = [new Paragraph({ text: str(basics.name), heading: HeadingLevel.TITLE, alignment: AlignmentType.LEFT })]
  if (str(basics.label)) out.push(para(str(basics.label), true))
  const place = [str(loc.city), str(loc.region), str(loc.countryCode)].filter(Boolean).join(', ')
  const link = (text: string, url: string) => (/^https?:\/\//.test(url) ? new ExternalHyperlink({ link: url, children: [new TextRun({ text, style: 'Hyperlink' })] }) : new TextRun(text))
  const contact = [
    ...[str(basics.email), str(basics.phone)].filter(Boolean).map((t) => new TextRun(t)),
    ...(str(basics.url) ? [link(str(basics.url).replace(/^https?:\/\//, '').replace(/\/$/, ''), str(basics.url))] : []),
    ...(place ? [new TextRun(place)] : []),
    ...list(basics.profiles).map((p) => link([str(p.network), str(p.username)].filter(Boolean).join(': '), str(p.url)))
  ]
  if (contact.length) out.push(new Paragraph({ children: contact.flatMap((c, i) => (i ? [new TextRun(' | '), c] : [c])) }))
  if (str(basics.summary)) out.push(heading('Summary'), para(str(basics.summary)))

  const work = list(content.work)
  if (work.length) out.push(heading('Work Experience'))
  for (const w of work) {
    out.push(entryTitle(str(w.position), str(w.name), dateRange(w.startDate, w.endDate)))
    const meta = [str(w.location), str(w.description)].filter(Boolean).join(' · ')
    if (meta) out.push(para(meta, true))
    if (str(w.summary)) out.push(para(str(w.summary)))
    for (const h of words(w.highlights)) out.push(bullet(h))
  }
  const volunteer = list(content.volunteer)
  if (volunteer.length) out.push(heading('Volunteer Experience'))
  for (const v of volunteer) {
    out.push(entryTitle(str(v.position), str(v.organization), dateRange(v.startDate, v.endDate)))
    if (str(v.summary)) out.push(para(str(v.summary)))
    for (const h of words(v.highlights)) out.push(bullet(h))
  }
  const education = list(content.education)
  if (education.length) out.push(heading('Education'))
  for (const e of education) {
    out.push(entryTitle([str(e.studyType), str(e.area)].filter(Boolean).join(', '), '', dateRange(e.startDate, e.endDate)))
    out.push(para([str(e.institution), str(e.score) ? `Grade: ${str(e.score)}` : ''].filter(Boolean).join(' · '), true))
    if (words(e.courses).length) out.push(para(`Courses: ${words(e.courses).join('; ')}`))
  }
  const skills = list(content.skills)
  if (skills.length) out.push(heading('Skills'))
  for (const s of skills) {
    out.push(bullet(`${str(s.name)}${str(s.level) ? ` (${str(s.level)})` : ''}${words(s.keywords).length ? `: ${words(s.keywords).join(', ')}` : ''}`))
  }
  const projects = list(content.projects)
  if (projects.length) out.push(heading('Projects'))
  for (const p of projects) {
    out.push(entryTitle(str(p.name), str(p.entity), dateRange(p.startDate, p.endDate)))
    if (words(p.roles).length) out.push(para(words(p.roles).join(', '), true))
    if (str(p.description)) out.push(para(str(p.description)))
    for (const h of words(p.highlights)) out.push(bullet(h))
    if (words(p.keywords).length) out.push(para(words(p.keywords).join(', '), true))
  }
  const awards = list(content.awards)
  if (awards.length) out.push(heading('Awards'))
  for (const a of awards) {
    out.push(entryTitle(str(a.title), str(a.awarder), formatDate(a.date)))
    if (str(a.summary)) out.push(para(str(a.summary)))
  }
  const certificates = list(content.certificates)
  if (certificates.length) out.push(heading('Certifications'))
  for (const c of certificates) {
    out.push(new Paragraph({ bullet: { level: 0 }, children: [new TextRun(str(c.name)), new TextRun(str(c.issuer) ? `, ${str(c.issuer)}` : ''), new TextRun(str(c.date) ? `\t(${formatDate(c.date)})` : '')] }))
  }
  const publications = list(content.publications)
  if (publications.length) out.push(heading('Publications'))
  for (const p of publications) {
    out.push(entryTitle(str(p.name), str(p.publisher), formatDate(p.releaseDate)))
    if (str(p.summary)) out.push(para(str(p.summary)))
  }
  const languages = list(content.languages)
  if (languages.length) out.push(heading('Languages'))
  for (const l of languages) out.push(bullet(`${str(l.language)}${str(l.fluency) ? `: ${str(l.fluency)}` : ''}`))
  const interests = list(content.interests)
  if (interests.length) out.push(heading('Interests'))
  for (const i of interests) out.push(bullet(`${str(i.name)}${words(i.keywords).length ? `: ${words(i.keywords).join(', ')}` : ''}`))

  const references = list(content.references)
  if (references.length) out.push(heading('References'))
  for (const r of references) {
    if (str(r.reference)) out.push(para(str(r.reference)))
    if (str(r.name)) out.push(para(`— ${str(r.name)}`, true))
  }

  const doc = new Document({ creator: 'cvgen', title: str(basics.name) || 'Resume', sections: [{ children: out }] })
  return Packer.toBuffer(doc)
}
