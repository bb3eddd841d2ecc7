// The accuracy harness: parse each corpus file back and compare it with the resume it was
// made from, field by field (exact match after collapsing whitespace). Only fields the
// themes print count: a theme shows dates to the month, so "2021-03-15" is expected back
// as "2021-03"; values the source itself gets wrong (a date like "Summer 2017") are left out.
import type { FastifyInstance } from 'fastify'
import { buildCorpus, PdfPrinter, type CorpusItem } from './corpus.ts'
import { parseFile } from './parser.ts'

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

function valueAt (doc: unknown, path: string): unknown {
  let node = doc
  for (const key of path.split(/\.|\[(\d+)\]/).filter(Boolean)) node = (node as Record<string, unknown> | undefined)?.[key]
  return norm(node)
}

export interface Score { fixture: string, theme: string, variant: string, format: string, total: number, exact: number, misses: string[], ms: number }

export async function scoreItem (item: CorpusItem): Promise<Score> {
  const t0 = performance.now()
  const result = await parseFile(item.format, item.file)
  const ms = performance.now() - t0
  const expected = expectedFields(item.expected)
  const misses: string[] = []
  for (const [path, want] of expected) {
    const got = valueAt(result.draft, path)
    if (got !== want) misses.push(`${path}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`)
  }
  return { fixture: item.fixture, theme: item.theme, variant: item.variant, format: item.format, total: expected.size, exact: expected.size - misses.length, misses, ms }
}

export interface Row { theme: string, format: string, files: number, fields: number, exact: number, accuracy: number, worst: string }

const ratio = (exact: number, fields: number) => (fields ? exact / fields : 0)

/** Per theme and format (variants pooled, the worst one named): fields, exact matches, accuracy (0..1). */
export function summarize (scores: Score[]): Row[] {
  const groups = new Map<string, Score[]>()
  for (const s of scores) groups.set(`${s.theme}/${s.format}`, [...(groups.get(`${s.theme}/${s.format}`) ?? []), s])
  const rows: Row[] = []
  for (const list of groups.values()) {
    const fields = list.reduce((n, s) => n + s.total, 0)
    const exact = list.reduce((n, s) => n + s.exact, 0)
    const variants = new Map<string, [number, number]>()
    for (const s of list) {
      const [e, f] = variants.get(s.variant) ?? [0, 0]
      variants.set(s.variant, [e + s.exact, f + s.total])
    }
    const [name, [we, wf]] = [...variants].sort((a, b) => ratio(a[1][0], a[1][1]) - ratio(b[1][0], b[1][1]))[0]!
    rows.push({ theme: list[0]!.theme, format: list[0]!.format, files: list.length, fields, exact, accuracy: ratio(exact, fields), worst: `${name} ${(ratio(we, wf) * 100).toFixed(1)} %` })
  }
  const fields = rows.reduce((n, r) => n + r.fields, 0)
  const exact = rows.reduce((n, r) => n + r.exact, 0)
  rows.push({ theme: 'all', format: '', files: scores.length, fields, exact, accuracy: ratio(exact, fields), worst: '' })
  return rows
}

export function formatRows (rows: Row[]): string {
  const lines = ['| theme | format | files | fields | exact | accuracy | worst variant |', '|---|---|---:|---:|---:|---:|---|']
  for (const r of rows) lines.push(`| ${r.theme} | ${r.format} | ${r.files} | ${r.fields} | ${r.exact} | ${(r.accuracy * 100).toFixed(1)} % | ${r.worst} |`)
  return lines.join('\n')
}

export interface Evaluation { rows: Row[], scores: Score[], table: string }

/** Builds the corpus with the app's themes and renderer, parses every file back, scores it. */
export async function evaluate (app: Pick<FastifyInstance, 'themes' | 'renderer' | 'config'>): Promise<Evaluation> {
  const printer = await PdfPrinter.launch(app.config.chromiumPath, app.renderer.fonts.file)
  try {
    const scores: Score[] = []
    for await (const item of buildCorpus(app, printer)) scores.push(await scoreItem(item))
    const rows = summarize(scores)
    return { rows, scores, table: formatRows(rows) }
  } finally {
    await printer.close()
  }
}
