// The prose of a JSON Resume as addressable segments (path + text), in document order. Bullets are
// the `highlights` entries; other prose (summaries, descriptions) is checked for spelling and weak phrases.
import { arr, type Json, obj, str, strs } from './text.ts'

export interface Segment { path: string, text: string, bullet: boolean }

export function resumeSegments (resume: Json): Segment[] {
  const out: Segment[] = []
  const push = (path: string, text: string, bullet = false): void => { if (text) out.push({ path, text, bullet }) }
  const basics = obj(resume.basics)
  push('basics.label', str(basics.label))
  push('basics.summary', str(basics.summary))
  for (const key of ['work', 'volunteer', 'projects']) {
    arr(resume[key]).map(obj).forEach((e, i) => {
      push(`${key}[${i}].position`, str(e.position))
      push(`${key}[${i}].summary`, str(e.summary))
      push(`${key}[${i}].description`, str(e.description))
      strs(e.highlights).forEach((h, j) => push(`${key}[${i}].highlights[${j}]`, h, true))
    })
  }
  arr(resume.education).map(obj).forEach((e, i) => push(`education[${i}].area`, str(e.area)))
  arr(resume.awards).map(obj).forEach((e, i) => { push(`awards[${i}].title`, str(e.title)); push(`awards[${i}].summary`, str(e.summary)) })
  arr(resume.publications).map(obj).forEach((e, i) => push(`publications[${i}].summary`, str(e.summary)))
  return out
}

/** Proper nouns the document itself declares (names, companies, schools, places, skills): never spelling errors. */
export function declaredNames (resume: Json): string[] {
  const basics = obj(resume.basics)
  const loc = obj(basics.location)
  const out = [str(basics.name), str(loc.city), str(loc.region), str(loc.address)]
  for (const p of arr(basics.profiles).map(obj)) out.push(str(p.network), str(p.username))
  for (const e of arr(resume.work).map(obj)) out.push(str(e.name), str(e.location))
  for (const e of arr(resume.volunteer).map(obj)) out.push(str(e.organization))
  for (const e of arr(resume.education).map(obj)) out.push(str(e.institution), ...strs(e.courses))
  for (const e of arr(resume.projects).map(obj)) out.push(str(e.name), str(e.entity), ...strs(e.keywords))
  for (const e of arr(resume.skills).map(obj)) out.push(str(e.name), ...strs(e.keywords))
  for (const e of arr(resume.awards).map(obj)) out.push(str(e.awarder))
  for (const e of arr(resume.certificates).map(obj)) out.push(str(e.name), str(e.issuer))
  for (const e of arr(resume.publications).map(obj)) out.push(str(e.name), str(e.publisher))
  for (const e of arr(resume.languages).map(obj)) out.push(str(e.language))
  return out.filter(Boolean)
}
