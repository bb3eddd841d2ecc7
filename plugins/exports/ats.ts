// What an applicant tracking system reads from the PDF we print: poppler's pdftotext (its
// default mode, which orders text the way most ATS text layers do) compared with the source —
// the page's headings in order, the resume's contact fields and dates, and every word the page
// showed. Differences become issues in the analysis.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Coverage, DomText } from './print.ts'

const run = promisify(execFile)

export interface AtsReport {
  extractor: string
  text_chars: number
  score: number
  reading_order: { ok: boolean, expected: string[], found: string[] }
  headers: { found: string[], missing: string[] }
  contact: { field: string, value: string, found: boolean }[]
  dates: { entry: string, date: string, found: boolean }[]
  words: { coverage: number, missing: string[] }
  font_coverage: Coverage
  issues: string[]
}

/** The PDF's text as pdftotext gives it (poppler-utils); `layout` keeps columns side by side. */
export async function pdfText (pdf: Buffer, layout = false): Promise<string> {
  const file = join(tmpdir(), `cvgen-ats-${randomUUID()}.pdf`)
  await writeFile(file, pdf)
  try {
    const { stdout } = await run('pdftotext', [...(layout ? ['-layout'] : []), '-enc', 'UTF-8', file, '-'], { maxBuffer: 32 * 1024 * 1024, timeout: 30_000 })
    return stdout
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new Error('pdftotext is not installed (Debian: apt-get install -y poppler-utils)')
    throw err
  } finally {
    await rm(file, { force: true })
  }
}

const norm = (s: string) => s.normalize('NFKC').replace(/\u00ad/g, '').replace(/[\u2010-\u2015]/g, '-').replace(/\s+/g, ' ').trim().toLowerCase()
const words = (s: string) => norm(s).match(/\p{L}[\p{L}\p{N}'’]*/gu) ?? []
const digits = (s: string) => s.replace(/\D/g, '')
type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown) => (typeof v === 'string' ? v.trim() : '')

function contactFields (content: Obj): { field: string, value: string }[] {
  const basics = isObj(content.basics) ? content.basics : {}
  const out: { field: string, value: string }[] = []
  for (const field of ['name', 'email', 'phone', 'url'] as const) {
    const value = str(basics[field])
    if (value) out.push({ field, value })
  }
  const location = isObj(basics.location) ? basics.location : {}
  if (str(location.city)) out.push({ field: 'location.city', value: str(location.city) })
  for (const p of Array.isArray(basics.profiles) ? basics.profiles.filter(isObj) : []) {
    if (str(p.username)) out.push({ field: `profiles.${str(p.network) || 'profile'}`, value: str(p.username) })
  }
  return out
}

function foundIn (text: string, field: string, value: string): boolean {
  if (field === 'phone') return digits(value).length > 0 && digits(text).includes(digits(value))
  const v = norm(field === 'url' ? value.replace(/^https?:\/\/(www\.)?/i, '').replace(/\/$/, '') : value)
  return text.includes(v)
}

/** Each dated entry: its year must be read near its title, or an ATS cannot place it in time. */
function datedEntries (content: Obj): { entry: string, year: string, date: string }[] {
  const out: { entry: string, year: string, date: string }[] = []
  const titled: [string, string[]][] = [['work', ['name', 'position']], ['volunteer', ['organization', 'position']], ['education', ['institution', 'area']], ['projects', ['name']], ['certificates', ['name']], ['awards', ['title']]]
  for (const [section, keys] of titled) {
    for (const item of Array.isArray(content[section]) ? (content[section] as unknown[]).filter(isObj) : []) {
      const entry = keys.map((k) => str(item[k])).find(Boolean)
      if (!entry) continue
      for (const key of ['startDate', 'endDate', 'date']) {
        const date = str(item[key])
        const year = /^(\d{4})/.exec(date)?.[1]
        if (year) out.push({ entry, year, date })
      }
    }
  }
  return out
}

/** Compares what pdftotext read (`raw`) with the page (`dom`) and the resume (`content`). */
export function compare (raw: string, dom: DomText, content: unknown, coverage: Coverage, extractor = 'pdftotext'): AtsReport {
  const text = norm(raw)
  const source = isObj(content) ? content : {}
  const issues: string[] = []

  // Reading order: each heading, looked for after the previous one.
  const expected = dom.headings.map(norm).filter(Boolean)
  const positions = expected.map((h) => ({ h, at: text.indexOf(h) }))
  const foundHeaders = positions.filter((p) => p.at >= 0)
  const missingHeaders = positions.filter((p) => p.at < 0).map((p) => p.h)
  const order = [...foundHeaders].sort((a, b) => a.at - b.at).map((p) => p.h)
  let cursor = 0
  let inOrder = true
  for (const h of expected) {
    const at = text.indexOf(h, cursor)
    if (at < 0) { if (text.includes(h)) inOrder = false; continue }
    cursor = at + h.length
  }
  if (!inOrder) issues.push(`An ATS reads the sections in another order than the page shows them: ${order.join(' → ')}. A single-column layout avoids this.`)
  if (missingHeaders.length) issues.push(`Section headings an ATS cannot read from the PDF: ${missingHeaders.join(', ')}.`)

  const contact = contactFields(source).map((c) => ({ ...c, found: foundIn(text, c.field, c.value) }))
  for (const c of contact.filter((c) => !c.found)) issues.push(`The ${c.field} "${c.value}" is not in the PDF's text layer.`)

  const dates = datedEntries(source).map(({ entry, year, date }) => {
    const at = text.indexOf(norm(entry))
    const near = at >= 0 && text.slice(Math.max(0, at - 300), at + norm(entry).length + 300).includes(year)
    return { entry, date, found: near }
  })
  for (const d of dates.filter((d) => !d.found)) issues.push(`The date ${d.date} of "${d.entry}" is not read next to it.`)

  const pdfWords = new Set(words(raw))
  const shown = words(dom.text)
  const missingWords = [...new Set(shown.filter((w) => !pdfWords.has(w)))]
  const wordCoverage = shown.length ? 1 - shown.filter((w) => !pdfWords.has(w)).length / shown.length : 1
  if (wordCoverage < 0.98) issues.push(`${Math.round((1 - wordCoverage) * 100)}% of the words on the page are missing from the PDF's text, e.g. ${missingWords.slice(0, 5).join(', ')}.`)
  if (coverage.chars.length) issues.push(`The font ${coverage.font} has no glyphs for ${coverage.chars.slice(0, 10).join(' ')} (${coverage.scripts.join(', ')}): they print in a fallback font or as empty boxes.`)

  const score = Math.max(0, Math.round(100 - (inOrder ? 0 : 20) - 5 * missingHeaders.length -
    10 * contact.filter((c) => !c.found).length - 3 * dates.filter((d) => !d.found).length -
    100 * (1 - wordCoverage) - (coverage.chars.length ? 10 : 0)))
  return {
    extractor,
    text_chars: raw.length,
    score,
    reading_order: { ok: inOrder, expected, found: order },
    headers: { found: foundHeaders.map((p) => p.h), missing: missingHeaders },
    contact,
    dates,
    words: { coverage: Math.round(wordCoverage * 1000) / 1000, missing: missingWords.slice(0, 20) },
    font_coverage: coverage,
    issues
  }
}
