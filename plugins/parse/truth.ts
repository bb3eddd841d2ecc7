// What a resume should parse back to, and when a parsed value counts as the same: shared by the
// theme corpus (eval.ts) and the external corpus (external.ts). Pure: no I/O.
type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const norm = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : v)

const DATE = /^(\d{4})(-\d{2})?(-\d{2})?$/
const SCALAR: Record<string, string[]> = {
  work: ['name', 'position', 'location', 'description', 'summary', 'startDate', 'endDate'],
  volunteer: ['organization', 'position', 'summary', 'startDate', 'endDate'],
  education: ['institution', 'area', 'studyType', 'startDate', 'endDate', 'score'],
  awards: ['title', 'awarder', 'date', 'summary'],
  certificates: ['name', 'issuer', 'date'],
  publications: ['name', 'publisher', 'releaseDate', 'summary'],
  skills: ['name', 'level'],
  languages: ['language', 'fluency'],
  interests: ['name'],
  references: ['name', 'reference'],
  projects: ['name', 'description', 'entity', 'startDate', 'endDate']
}
const LISTS: Record<string, string[]> = {
  work: ['highlights'], volunteer: ['highlights'], education: ['courses'], skills: ['keywords'], interests: ['keywords'], projects: ['highlights', 'keywords', 'roles']
}

/** Field path -> expected value, for what a theme prints. */
export function expectedFields (resume: Obj): Map<string, string> {
  const out = new Map<string, string>()
  const put = (path: string, v: unknown) => {
    const raw = norm(v)
    if (typeof raw !== 'string' || raw === '') return
    let s: string = raw
    if (/Date$|^date$/.test(path.split('.').pop()!)) {
      const m = DATE.exec(s)
      if (!m) return
      s = m[1]! + (m[2] ?? '')
    }
    out.set(path, s)
  }
  const b = isObj(resume.basics) ? resume.basics : {}
  for (const k of ['name', 'label', 'email', 'phone', 'url', 'summary']) put(`basics.${k}`, b[k])
  const loc = isObj(b.location) ? b.location : {}
  for (const k of ['city', 'region', 'countryCode']) put(`basics.location.${k}`, loc[k])
  ;(Array.isArray(b.profiles) ? b.profiles.filter(isObj) : []).forEach((p, i) => {
    for (const k of ['network', 'username', 'url']) put(`basics.profiles[${i}].${k}`, p[k])
  })
  for (const [section, keys] of Object.entries(SCALAR)) {
    const items = Array.isArray(resume[section]) ? (resume[section] as unknown[]).filter(isObj) : []
    items.forEach((item, i) => {
      // A range whose ends print the same ("Aug 2016") shows one date: the end is not on the page.
      const shown = (v: unknown) => (typeof v === 'string' ? v.slice(0, 7) : v)
      for (const k of keys) if (!(k === 'endDate' && shown(item.endDate) === shown(item.startDate))) put(`${section}[${i}].${k}`, item[k])
      for (const k of LISTS[section] ?? []) {
        (Array.isArray(item[k]) ? item[k] as unknown[] : []).forEach((v, j) => put(`${section}[${i}].${k}[${j}]`, v))
      }
    })
  }
  return out
}

export function valueAt (doc: unknown, path: string): unknown {
  let node = doc
  for (const key of path.split(/\.|\[(\d+)\]/).filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[key]
  return norm(node)
}

// Bidi controls (LRM, RLM, ALM, embeddings, overrides, isolates): an RTL value in logical order carries none.
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g

/**
 * The form two values are compared in: NFKC (Arabic presentation forms, full-width letters and
 * ligatures become plain letters), bidi controls dropped, whitespace collapsed, case folded;
 * a date field to its month ("2021-03-15" and "2021-03" are the same) or its year.
 */
export function comparable (path: string, v: unknown): string | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined
  let s = String(v).normalize('NFKC').replace(BIDI, '').replace(/\s+/g, ' ').trim().toLowerCase()
  if (isDatePath(path)) {
    const m = /^(\d{4})(-\d{2})?/.exec(s)
    if (m) s = m[1]! + (m[2] ?? '')
  }
  return s
}

export const isDatePath = (path: string) => /Date$|^date$/.test(path.split('.').pop()!)

/** A field path without its indices: "work[1].highlights[0]" -> "work.highlights". */
export const fieldKey = (path: string) => path.replace(/\[\d+\]/g, '')

/** Whether a parsed value is the expected one, in comparable() form. */
export const sameValue = (path: string, got: unknown, want: string) => comparable(path, got) === comparable(path, want)
