// Lines -> a JSON Resume draft with a confidence per field path. Layout features decide
// the roles of lines (header.ts, sections.ts); the shapes of text decide the fields: a
// title's first font run is the position (or degree), the next run the organisation; a
// smaller or differently set line under it is the meta line ("Lyon, France · Retail bank");
// body lines are the summary and indented/bulleted lines the highlights.
import { fromForm } from './form.ts'
import { parseHeader } from './header.ts'
import type { Line } from './lines.ts'
import { Fields, type ParseResult } from './result.ts'
import { bodyFont, bulletItems, headingKind, dateOf, entries, joinText, linePitch, splitSections, wrapped, type Entry, type Section } from './sections.ts'

// Degrees in the six languages; the Latin ones as words, the others anywhere.
const DEGREE = /\b(bachelor|master|máster|b\.?sc|m\.?sc|b\.?a|m\.?a|b\.?s|m\.?s|b\.?eng|m\.?eng|ph\.?d|doctor|doctorat|doctorado|diploma|diplom|associate|mba|licence|licenciatura|licenciado|grado|engineer|ingénieur|ingeniero|ingeniería|certificate|dut|bts|magister|staatsexamen|abitur|baccalauréat|bachillerato)\b|学士|硕士|博士|本科|بكالوريوس|ماجستير|دكتوراه|دبلوم/iu
const DEGREE_PHRASE = /^((?:bachelor|master|magister)(?: of (?:science|arts|engineering|laws|fine arts|business administration))?|licence(?: professionnelle)?|master(?:e)? (?:professionnel|recherche)|máster|grado|licenciatura|diplom|diploma|mba|ph\.?d\.?|doctorat|doctorado|bts|dut|b\.?sc\.?|m\.?sc\.?|b\.?a\.?|m\.?a\.?)\s+(\S.*)$/iu
const PLACE = /^([\p{Lu}][\p{L}.'-]*)( [\p{Lu}][\p{L}.'-]*){0,3}(, ?[\p{Lu}][\p{L}.'-]*( [\p{Lu}][\p{L}.'-]*){0,3}){0,2}$/u

const COMPANY_FORM = /^(inc|ltd|llc|llp|plc|corp|co|gmbh|ag|kg|se|sa|s\.?a\.?s?|sarl|sl|s\.?l\.?|bv|nv|ab|oy|as|spa|srl|pty|limited|incorporated)\.?$/iu
// (Also a symbol a layout sets before a value, an icon or a check mark: "⚲ Écully", "✔ SEO".)
const clean = (s: string) => s.replace(/\s+/g, ' ').replace(/^[·,:|–—\s]+|[·,:|\s]+$/g, '').replace(/^[\p{So}\p{Sm}●▪■◆➤►]+\s*/u, '').trim()
// Keyword lists: commas, and the middots, bullets, bars and semicolons some layouts print
// instead (also the Chinese enumeration comma and the Arabic comma).
const KEYWORDS = /\s*[,;·•|、，،]\s*|\s+[✔✓▪●■◆★➤►/]\s+/u
// A list run into one line ("Leitung … ▪ Führung …"): the items.
const inlineItems = (items: string[]) => items.flatMap((x) => x.split(/\s+[▪●■◆✔✓➤►•]\s+/u))
// "Engineer at Acme", "Entwicklerin bei Nordlicht", "Ingénieur chez Thales", "@ Acme": the
// word before the organisation. (Spanish "en" is left out: "Ingeniera en Software" is a title.)
const AT = /^(.+?)\s+(?:at|@|bei|chez)\s+(.+)$/iu
const LEADING_AT = /^(?:at|@|bei|chez|en)\s+/iu
// "Engineer | Acme", "Engineer · Acme", "Engineer — Acme": a separator with spaces around it.
const TITLE_SEP = /^(.+?)\s+[|·•—–-]\s+(.+)$/u
// Words that make a run a job title, or an institution's name, in the six languages: which of a
// title's cells is which when a layout sets them side by side in one font ("拼多多 | 高级前端工程师 | 上海").
const word = (w: string) => new RegExp(`(?<![\\p{L}])(?:${w})(?![\\p{L}])|${CJK_POSITION}`, 'iu')
const CJK_POSITION = '工程师|经理|总监|主管|分析师|设计师|专员|助理|顾问|研究员|实习生|架构师|开发者|مهندس|مدير|محلل|مطور|مصمم|مستشار|محاسب|مدقق|أخصائي|باحث'
const POSITION = word(['engineer', 'developer', 'manager', 'analyst', 'designer', 'consultant', 'director', 'lead', 'head', 'intern', 'scientist', 'specialist', 'officer',
  'assistant', 'architect', 'administrator', 'coordinator', 'researcher', 'fellow', 'teacher', 'accountant', 'auditor', 'planner', 'editor',
  'ingenieur(?:in)?', 'entwickler(?:in)?', 'leiter(?:in)?', 'berater(?:in)?', 'referent(?:in)?', 'mitarbeiter(?:in)?', 'teamleiter(?:in)?',
  'ingénieure?', 'développeu(?:r|se)', 'cheffe?', 'responsable', 'chargée?', 'consultante?', 'directeur', 'directrice', 'analyste', 'stagiaire',
  'ingenier[oa]', 'desarrollador(?:a)?', 'jef[ea]', 'técnic[oa]', 'analista', 'consultor(?:a)?', 'director(?:a)?', 'gerente'].join('|'))
const INSTITUTION = /(?<![\p{L}])(?:university|universität|université|universidad|universitat|universidade|hochschule|école|escuela|institut|institute|instituto|college|school|academy|akademie)(?![\p{L}])|جامعة|كلية|معهد|大学|学院/iu

/** A title's runs when they are cells of one font set apart (a grid row), else null. */
function cellsOf (title: Line): string[] | null {
  const segs = title.segments.filter((sg) => clean(sg.text))
  if (segs.length < 2 || segs.length > 4 || segs.some((sg) => sg.font !== segs[0]!.font || sg.x === undefined)) return null
  return segs.map((sg) => clean(sg.text))
}

const joined = (lines: Line[]) => lines.map((l) => l.text).reduce((a, b) => (a ? joinText(a, b) : b), '').replace(/\s+/g, ' ').trim()

/** The title's first font run, the rest (minus separators), and the first link on it. */
function titleParts (title: Line): { primary: string, secondary: string, url?: string } {
  const first = title.segments[0]!
  const idx = title.segments.findIndex((s) => s.font !== first.font)
  const head = idx < 0 ? title.segments : title.segments.slice(0, idx)
  const tail = idx < 0 ? [] : title.segments.slice(idx)
  return { primary: clean(head.map((s) => s.text).join(' ')), secondary: clean(tail.map((s) => s.text).join(' ')), url: title.segments.find((s) => s.url && /^https?:/.test(s.url))?.url }
}

/**
 * "Engineer, *Monzo Bank*, London" (moderncv's \cventry and many like it): the organisation in a
 * run of its own after the position, and a place after it behind a comma in another run. Null
 * when the title is not set so.
 */
function orgAndPlace (title: Line): { org: string, location: string } | null {
  const first = title.segments[0]!
  const tail = title.segments.slice(title.segments.findIndex((sg) => sg.font !== first.font)).filter((sg) => clean(sg.text))
  if (title.segments.every((sg) => sg.font === first.font) || tail.length < 2 || !/^\s*[,|·–—]/u.test(tail[1]!.text)) return null
  const location = clean(tail.slice(1).map((sg) => sg.text).join(' ')).replace(/\.$/, '')
  return location && tail.length <= 3 ? { org: clean(tail[0]!.text.replace(LEADING_AT, '')), location } : null
}

/**
 * A keyword list wrapped by a narrow column ("Data: Python, Spark, Airflow," then "dbt")
 * is one line again: a line ending in a comma whose next line's first word would not have
 * fitted continues there, unless that next line is a group title or a "Name: keywords" line.
 */
function joinCommaWraps (lines: Line[], titleFont: string | undefined): Line[] {
  // In the "Name: keywords" form the first line is no title, and titles' font says nothing.
  const titled = !(lines[0]?.text ?? '').includes(':')
  const out: Line[] = []
  let last: Line | undefined // the physical line above, for its room at the right
  for (const l of lines) {
    const prev = out[out.length - 1]
    // Single runs only: a line of several runs is a row of side-by-side keyword columns.
    const continues = prev && last && prev.segments.length === 1 && l.segments.length === 1 && /,\s*$/.test(last.text) &&
      wrapped(last, l) && !(titled && l.segments[0]!.font === titleFont) && !l.text.includes(':')
    // "Statistics: A/B testing, Time" over "series, Regression": the keyword run of a "Name:
    // keywords" line wrapped, the next line in its font with no name of its own (a word may be
    // cut there, so no comma is needed; the room is measured loosely, narrow columns justify).
    const tail = prev?.segments[prev.segments.length - 1]
    const inline = prev && last && tail && prev.segments.length >= 2 && prev.segments[0]!.text.trim().endsWith(':') && l.segments.length === 1 &&
      l.segments[0]!.font === tail.font && l.segments[0]!.font !== prev.segments[0]!.font && !l.text.includes(':') &&
      last.room < (l.text.split(' ')[0]!.length + 1) * Math.max(last.charWidth, l.charWidth) * 1.5
    if (continues) {
      const text = joinText(prev.text, l.text)
      out[out.length - 1] = { ...prev, text, segments: [{ ...prev.segments[0]!, text }] }
    } else if (inline) {
      const segments = [...prev.segments.slice(0, -1), { ...tail, text: joinText(tail.text, l.text) }]
      out[out.length - 1] = { ...prev, segments, text: segments.map((sg) => sg.text).join(' ') }
    } else out.push(l)
    last = l
  }
  return out
}

/**
 * "Français (langue maternelle), Anglais (courant)", "English – Native; Gujarati – Fluent":
 * several languages on one line, one each.
 */
function languageItems (l: Line): Line[] {
  const one = (text: string) => ({ ...l, text, segments: [{ ...l.segments[0]!, text }] })
  if (/^(?:[^(),;]+\([^)]+\)\s*[,;·|]\s*)+[^(),;]+\([^)]+\)$/u.test(l.text)) return l.text.split(/(?<=\))\s*[,;·|]\s*/u).map(one)
  if (l.segments.length > 1 && l.segments.every((sg) => PAIR.test(sg.text))) return l.segments.map((sg) => one(sg.text))
  const parts = l.text.split(/\s*[;|；]\s*|\s+[·•]\s+|\u2003+/u).filter(Boolean)
  return parts.length > 1 && parts.every((p) => PAIR.test(p)) ? parts.map(one) : [l]
}
/**
 * "Valenciano" over "Nativo": a language and its level on two lines, the level in another
 * font; read as one "Valenciano: Nativo".
 */
function stackedPairs (lines: Line[]): Line[] {
  const out: Line[] = []
  const font = lines[0]?.segments[0]?.font
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    const next = lines[i + 1]
    const bare = (x: Line) => x.segments.length === 1 && !PAIR.test(x.text) && !/[,;、،]/u.test(x.text)
    if (next && bare(l) && bare(next) && l.segments[0]!.font === font && next.segments[0]!.font !== font) {
      const text = `${l.text}: ${next.text}`
      out.push({ ...l, text, segments: [{ ...l.segments[0]!, text }] })
      i++
    } else out.push(l)
  }
  return out
}

// "English: native", "English – native", "English (native)".
const PAIR = /^([^:]+?)\s*(?::|：|–|—| - |\s[●•·▪]\s)\s*(.+)$|^([^(（]+?)\s*[(（]([^)）]+)[)）]$/u

class Reader {
  readonly out = new Fields()
  private readonly counts: Record<string, number> = {}
  private readonly body: string
  private readonly pitch: number

  private readonly lines: Line[]

  constructor (lines: Line[]) {
    this.lines = lines
    this.body = bodyFont(lines)
    this.pitch = linePitch(lines)
  }

  /** The next free index of a section's array, so two "Experience" sections append. */
  private next (kind: string): number {
    const n = this.counts[kind] ?? 0
    this.counts[kind] = n + 1
    return n
  }

  private isMeta (l: Line): boolean { return !l.bullet && (l.segments[0]!.font !== this.body || l.segments[0]!.size < 0.97) }

  run (): ParseResult {
    const { header, sections } = splitSections(this.lines)
    // A sidebar read first (its "Contact" heading on top): the name, in the largest type of
    // the first page, ends up inside the sidebar's last section. It and the lines after it up
    // to the next heading are the header.
    const biggest = (ls: Line[]) => Math.max(0, ...ls.flatMap((l) => l.segments.map((sg) => sg.size)))
    if (biggest(header) < 1.5) {
      for (const sec of sections) {
        const at = sec.lines.findIndex((l) => l.page === 1 && biggest([l]) >= 1.5 && biggest([l]) >= biggest(this.lines.filter((o) => o.page === 1)))
        if (at < 0) continue
        header.push(...sec.lines.splice(at))
        break
      }
    }
    // Contact sections read after the header, so the name is still the header's.
    parseHeader([...header, ...sections.filter((s) => s.kind === 'contact').flatMap((s) => s.lines)], this.out)
    for (const section of sections) if (section.kind !== 'contact') this.section(section)
    if (!this.out.has('basics.name')) this.out.warnings.push('No name found at the top of the document')
    return this.out.finish()
  }

  private section (s: Section): void {
    const o = this.out
    switch (s.kind) {
      case 'summary': o.set('basics.summary', joined(s.lines), 0.8); break
      case 'work': case 'volunteer': for (const e of entries(s).items) this.job(s.kind, e); break
      case 'education': for (const e of entries(s).items) this.education(e); break
      case 'projects': case 'awards': case 'publications': for (const e of entries(s).items) this.titled(s.kind, e); break
      case 'skills': this.skills(s.lines); break
      case 'certificates': for (const l of s.lines) this.certificate(l); break
      case 'languages': for (const l of stackedPairs(s.lines)) for (const one of languageItems(l)) this.pair('languages', one); break
      case 'interests': for (const l of s.lines) this.pair(s.kind, l); break
      case 'references': this.references(s.lines); break
      default: o.warnings.push(`Section "${s.heading}" was not recognised and is not in the draft`)
    }
  }

  private dates (at: string, e: Entry, start = 'startDate', end = 'endDate'): void {
    if (e.dates?.start) this.out.set(`${at}.${start}`, e.dates.start, 0.9)
    if (e.dates?.end) this.out.set(`${at}.${end}`, e.dates.end, 0.9)
  }

  private job (kind: 'work' | 'volunteer', e: Entry): void {
    const at = `${kind}[${this.next(kind)}]`
    const org = kind === 'work' ? 'name' : 'organization'
    const { primary, secondary } = titleParts(e.title)
    const split = AT.exec(primary) ?? TITLE_SEP.exec(primary)
    const place = orgAndPlace(e.title)
    const cells = cellsOf(e.title)
    const role = cells?.find((c) => POSITION.test(c))
    if (cells && role) {
      const others = cells.filter((c) => c !== role)
      this.out.set(`${at}.position`, role, 0.65)
      this.out.set(`${at}.${org}`, others[0]!, 0.6)
      if (kind === 'work' && others[1] && !/\d/.test(others[1]) && others[1].split(/\s+/).length <= 3) this.out.set(`${at}.location`, others[1], 0.5)
    } else if (secondary && place && kind === 'work') {
      this.out.set(`${at}.position`, primary, 0.85)
      this.out.set(`${at}.${org}`, place.org, 0.8)
      this.out.set(`${at}.location`, place.location, 0.7)
    } else if (secondary) {
      this.out.set(`${at}.position`, primary, 0.85)
      this.out.set(`${at}.${org}`, clean(secondary.replace(LEADING_AT, '')), 0.85)
    } else if (split) {
      this.out.set(`${at}.position`, clean(split[1]!), 0.6)
      this.out.set(`${at}.${org}`, clean(split[2]!), 0.6)
    } else {
      const cut = primary.lastIndexOf(', ')
      this.out.set(`${at}.position`, cut > 0 ? primary.slice(0, cut) : primary, 0.5)
      if (cut > 0) this.out.set(`${at}.${org}`, primary.slice(cut + 2), 0.5)
    }
    this.dates(at, e)
    let rest = e.lines
    const under = rest[0]
    if (!this.out.has(`${at}.${org}`) && under && (!under.bullet || under.segments[0]!.font !== this.body) && under.text.length <= 80) {
      // A title that names no organisation: the line under it does ("Walgreens | Deerfield, IL",
      // "SNCF Connect, Lyon", "Otto Group – Hamburg", or the company in a run of its own).
      const sep = /^(.+?)\s+[|·•—–-]\s+(.+)$/u.exec(under.text)
      const runs = under.segments.length > 1 ? [under.segments[0]!.text, under.segments.slice(1).map((s) => s.text).join(' ')] : null
      // (A comma, or the Arabic one: "أورانج الأردن، عمّان".)
      const comma = under.text.search(/[,،] /u)
      const [name, place]: string[] = runs ?? (sep ? [sep[1]!, sep[2]!] : comma > 0 ? [under.text.slice(0, comma), under.text.slice(comma + 2)] : [under.text, ''])
      this.out.set(`${at}.${org}`, clean(name ?? ''), 0.6)
      if (kind === 'work' && clean(place ?? '')) this.out.set(`${at}.location`, clean(place ?? ''), 0.55)
      rest = rest.slice(1)
    } else if (kind === 'work' && rest[0] && (this.isMeta(rest[0]) || rest[0].segments[0]!.font !== this.body)) {
      // The line under the title set apart in another font is its meta line, even indented
      // as a list item would be (a timeline indents everything right of its dates).
      const parts = rest[0].text.split(/\s+·\s+/)
      if (parts.length >= 2) {
        this.out.set(`${at}.location`, parts[0], 0.7)
        this.out.set(`${at}.description`, parts.slice(1).join(' · '), 0.7)
      } else if (PLACE.test(parts[0]!)) this.out.set(`${at}.location`, parts[0], 0.6)
      else this.out.set(`${at}.description`, parts[0], 0.5)
      rest = rest.slice(1)
    }
    if (kind === 'work') this.companyFirst(at)
    if (kind === 'work' && e.dates?.place && !this.out.has(`${at}.location`)) this.out.set(`${at}.location`, clean(e.dates.place), 0.5)
    if (kind === 'work' && !this.out.has(`${at}.location`)) this.placeAfterComma(at)
    this.out.set(`${at}.summary`, joined(rest.filter((l) => !l.bullet)), 0.75)
    this.out.set(`${at}.highlights`, inlineItems(bulletItems(rest.filter((l) => l.bullet), this.pitch)), 0.8)
  }

  /**
   * The employer set first ("字节跳动" over "高级机器学习工程师 北京", "Acme GmbH | Engineer"):
   * when the organisation read is the one with a job title's word and the position none, they
   * are the other way round; a place after the title (a space and a short word) is its place.
   */
  private companyFirst (at: string): void {
    const job = (this.out.root.work as Record<string, unknown>[] | undefined)?.[Number(/\d+/.exec(at)![0])]
    const [position, name] = [job?.position, job?.name]
    if (typeof position !== 'string' || typeof name !== 'string' || POSITION.test(position) || !POSITION.test(name)) return
    const place = this.out.has(`${at}.location`) ? null : /^(.+?)\s+([^\s,]{1,12})$/u.exec(name)
    const title = place && POSITION.test(place[1]!) && !POSITION.test(place[2]!) && !/\d/.test(place[2]!) && !/^\p{Ll}/u.test(place[2]!) ? place : null
    this.out.set(`${at}.position`, title ? title[1]! : name, 0.6)
    this.out.set(`${at}.name`, position, 0.6)
    if (title) this.out.set(`${at}.location`, title[2]!, 0.5)
  }

  /**
   * "Chime, San Francisco" (or "字节跳动 · 北京", "Acme (Berlin)") read as the employer with no place found elsewhere: the last part
   * after a comma (or the Arabic one) is the place when it looks like one and is no company
   * form ("Acme, Inc.", "Bosch, GmbH").
   */
  private placeAfterComma (at: string): void {
    const org = (this.out.root.work as Record<string, unknown>[] | undefined)?.[Number(/\d+/.exec(at)![0])]?.name
    if (typeof org !== 'string') return
    const m = /^(.+?)(?:[,،]\s*|\s+[·|]\s+)([^,،·|]+)$/u.exec(org) ?? /^(.+?)\s*\(([^()]+)\)$/u.exec(org) // "字节跳动(北京)"
    if (!m || /\d/.test(m[2]!) || m[2]!.split(/\s+/).length > 3 || COMPANY_FORM.test(m[2]!) || !/^[\p{Lu}\p{Lo}]/u.test(m[2]!)) return
    this.out.set(`${at}.name`, clean(m[1]!), 0.6)
    this.out.set(`${at}.location`, clean(m[2]!), 0.55)
  }

  private education (e: Entry): void {
    const at = `education[${this.next('education')}]`
    const { primary, secondary } = titleParts(e.title)
    this.dates(at, e)
    const cells = cellsOf(e.title)
    const degree = cells?.find((c) => DEGREE.test(c) && c.length <= 30)
    if (cells && degree && cells.length === 3) {
      // A grid row: the degree, the institution and the subject in cells of their own.
      const others = cells.filter((c) => c !== degree)
      const inst = others.find((c) => INSTITUTION.test(c)) ?? others[0]!
      this.out.set(`${at}.studyType`, degree, 0.6)
      this.out.set(`${at}.institution`, inst, 0.6)
      this.out.set(`${at}.area`, others.find((c) => c !== inst)!, 0.55)
      return
    }
    if (cells && degree && cells.length === 2 && (TITLE_SEP.test(degree) || /\S\s+\S/.test(degree))) {
      // "清华大学 | 硕士 · 计算机科学与技术": the institution, and the degree with its subject.
      this.out.set(`${at}.institution`, cells.find((c) => c !== degree)!, 0.6)
      this.degree(at, degree)
      return
    }
    this.degree(at, primary)
    let lines = e.lines
    // The institution as the title and the degree under it ("Université Lyon 2" over
    // "Master, Communication numérique"): swap them round.
    const under = lines[0]
    if (!DEGREE.test(primary) && under && !under.bullet && DEGREE.test(under.text)) {
      this.out.set(`${at}.institution`, clean(primary), 0.65)
      this.out.drop(`${at}.area`)
      this.out.drop(`${at}.studyType`)
      this.degree(at, under.text)
      lines = lines.slice(1)
    }
    let courses = ''
    lines.forEach((l, i) => {
      const m = /^courses:\s*(.+)$/i.exec(l.text)
      if (m || (courses && wrapped(lines[i - 1]!, l))) {
        courses = m ? m[1]! : joinText(courses, l.text)
        this.out.set(`${at}.courses`, courses.split(/;\s*/).map(clean).filter(Boolean), 0.8)
        return
      }
      courses = ''
      if (this.out.has(`${at}.institution`)) return
      const [inst, ...more] = l.text.split(/\s+·\s+/)
      this.out.set(`${at}.institution`, clean(inst!), 0.75)
      const score = more.map((p) => /^(?:grade|gpa|score):\s*(.+)$/i.exec(p)?.[1]).find(Boolean)
      if (score) this.out.set(`${at}.score`, score, 0.8)
    })
    // The institution first and the degree in a run after it ("清华大学" "计算机科学与技术 硕士").
    if (!DEGREE.test(primary) && secondary && DEGREE.test(secondary) && !this.out.has(`${at}.institution`)) {
      this.out.drop(`${at}.area`)
      this.out.drop(`${at}.studyType`)
      this.degree(at, secondary)
      this.out.set(`${at}.institution`, clean(primary), 0.6)
      return
    }
    // The institution on the title line itself ("B.Sc. Physics, University of Leeds" in two runs).
    if (!this.out.has(`${at}.institution`) && secondary) this.out.set(`${at}.institution`, clean(secondary), 0.6)
  }

  /** "BSc, Physics", "Grado · Ingeniería", "Master of Science in Physics", "Licence en droit", "بكالوريوس في هندسة": degree and subject. */
  private degree (at: string, text: string): void {
    const cut = text.indexOf(', ')
    const sep = TITLE_SEP.exec(text)
    const subject = DEGREE.test(text) ? /^(.+?)\s+(?:in|en|في)\s+(.+)$/u.exec(text) : null
    // "Master of Science Bauingenieurwesen", "Licence Économie et gestion": a degree's name, then the subject.
    // "计算机科学与技术 硕士": the subject, then a degree word of its own.
    const cjk = /^(\S.*?)\s+(学士|硕士|博士|本科|专科|بكالوريوس|ماجستير|دكتوراه)$/u.exec(text)
    const phrase = [DEGREE_PHRASE.exec(text)].find((m) => m && /^\p{Lu}/u.test(m[2]!)) ?? null
    if (cut > 0) {
      this.out.set(`${at}.studyType`, clean(text.slice(0, cut)), 0.8)
      this.out.set(`${at}.area`, clean(text.slice(cut + 2)), 0.8)
    } else if (sep) {
      this.out.set(`${at}.studyType`, clean(sep[1]!), 0.7)
      this.out.set(`${at}.area`, clean(sep[2]!), 0.7)
    } else if (subject) {
      this.out.set(`${at}.studyType`, subject[1], 0.6)
      this.out.set(`${at}.area`, subject[2], 0.6)
    } else if (cjk) {
      this.out.set(`${at}.studyType`, cjk[2], 0.55)
      this.out.set(`${at}.area`, cjk[1], 0.55)
    } else if (phrase) {
      this.out.set(`${at}.studyType`, phrase[1], 0.55)
      this.out.set(`${at}.area`, phrase[2], 0.55)
    } else this.out.set(`${at}.${DEGREE.test(text) ? 'studyType' : 'area'}`, text, 0.5)
  }

  private titled (kind: 'projects' | 'awards' | 'publications', e: Entry): void {
    const at = `${kind}[${this.next(kind)}]`
    const { primary, secondary, url } = titleParts(e.title)
    const [name, org, date] = { projects: ['name', 'entity', ''], awards: ['title', 'awarder', 'date'], publications: ['name', 'publisher', 'releaseDate'] }[kind]
    this.out.set(`${at}.${name}`, primary, 0.8)
    if (secondary) this.out.set(`${at}.${org}`, secondary, 0.75)
    if (url && kind !== 'awards') this.out.set(`${at}.url`, url, 0.8)
    if (date) { if (e.dates?.start) this.out.set(`${at}.${date}`, e.dates.start, 0.9) } else this.dates(at, e)
    let rest = e.lines
    if (kind === 'projects') {
      if (rest.length > 1 && this.isMeta(rest[0]!)) { this.out.set(`${at}.roles`, rest[0]!.text.split(/,\s*/).map(clean), 0.65); rest = rest.slice(1) }
      const last = rest[rest.length - 1]
      if (last && this.isMeta(last) && rest.length > 0) { this.out.set(`${at}.keywords`, last.text.split(/,\s*/).map(clean), 0.65); rest = rest.slice(0, -1) }
    }
    this.out.set(`${at}.${kind === 'projects' ? 'description' : 'summary'}`, joined(rest.filter((l) => !l.bullet)), 0.75)
    if (kind === 'projects') this.out.set(`${at}.highlights`, bulletItems(rest.filter((l) => l.bullet), this.pitch), 0.8)
  }

  private skills (lines: Line[]): void {
    const titleFont = lines[0]?.segments[0]?.font
    // Groups side by side ("Backend (Expert)   Operations (Advanced)" over two keyword columns).
    let groups: { at: string, x: number }[] = []
    const addKeywords = (at: string, words: string[]) => {
      const prev = (this.out.root.skills as { keywords?: string[] }[])[Number(/\d+/.exec(at)![0])]?.keywords ?? []
      this.out.set(`${at}.keywords`, [...prev, ...words.filter(Boolean)], 0.7)
    }
    const group = (text: string, x = 0) => {
      const at = `skills[${this.next('skills')}]`
      const m = /^(.+?)(?:\s*(?:·|\(|–|-)\s*([^)]+)\)?)?$/.exec(text)!
      this.out.set(`${at}.name`, clean(m[1]!), 0.7)
      if (m[2]) this.out.set(`${at}.level`, clean(m[2]), 0.6)
      return { at, x }
    }
    for (const l of joinCommaWraps(lines, titleFont)) {
      // "Methods    Bayesian statistics, ATAC-seq": a group name in a cell of its own beside its list.
      const cells = l.segments.length === 2 && l.segments[0]!.text.length <= 30 && !l.segments[0]!.text.includes(':') && (/[^\s,;、，،][,;、，،]\s*[^\s,;、，،]/u.test(l.segments[1]!.text) || /\S\s+[✔✓▪●■◆★➤►/]\s+\S/u.test(l.segments[1]!.text))
      const inline = /^(.+?)(?:\s*\(([^)]+)\))?\s*:\s*(.+)$/.exec(l.text) ?? (cells ? [l.text, l.segments[0]!.text, undefined, l.segments[1]!.text] as const : null)
      const isTitle = l.segments[0]!.font === titleFont
      const spoken = inline && headingKind(inline[1]!) === 'languages' ? languageItems({ ...l, text: inline[3]!, segments: [{ ...l.segments[0]!, text: inline[3]! }] }) : []
      if (spoken.length > 1) {
        // "Sprachen: Deutsch (Muttersprache), Englisch (fließend)" in a skills section: each
        // with its level, so no list of programming languages.
        for (const one of spoken) this.pair('languages', one)
      } else if (inline && (groups.length === 0 || isTitle)) {
        const at = `skills[${this.next('skills')}]`
        this.out.set(`${at}.name`, clean(inline[1]!), 0.8)
        if (inline[2]) this.out.set(`${at}.level`, clean(inline[2]), 0.75)
        this.out.set(`${at}.keywords`, inline[3]!.split(KEYWORDS).map(clean).filter(Boolean), 0.8)
        groups = []
      } else if (isTitle || groups.length === 0) {
        const sideBySide = l.segments.length > 1 && l.segments.every((s) => s.font === titleFont && s.x !== undefined)
        groups = sideBySide ? l.segments.map((s) => group(s.text, s.x)) : [group(l.text)]
      } else if (groups.length > 1) {
        for (const s of l.segments) {
          const target = [...groups].reverse().find((g) => g.x <= (s.x ?? 0) + 1) ?? groups[0]!
          addKeywords(target.at, [clean(s.text)])
        }
      } else {
        addKeywords(groups[0]!.at, l.segments.length > 1 ? l.segments.map((s) => clean(s.text)) : l.text.split(KEYWORDS).map(clean))
      }
    }
  }

  private certificate (l: Line): void {
    const at = `certificates[${this.next('certificates')}]`
    const dateSeg = l.segments.find((s, i) => i > 0 && dateOf(s))
    const segs = l.segments.filter((s) => s !== dateSeg)
    // One run ("Name, Issuer"): the issuer is what follows the last comma.
    const cut = segs.length === 1 ? segs[0]!.text.lastIndexOf(', ') : -1
    const name = cut > 0 ? segs[0]!.text.slice(0, cut) : segs[0]!.text
    this.out.set(`${at}.name`, clean(name), cut > 0 ? 0.55 : 0.7)
    if (segs[0]!.url && /^https?:/.test(segs[0]!.url)) this.out.set(`${at}.url`, segs[0]!.url, 0.7)
    const issuer = cut > 0 ? clean(segs[0]!.text.slice(cut + 2)) : clean(segs.slice(1).map((s) => s.text).join(' '))
    if (issuer) this.out.set(`${at}.issuer`, issuer, 0.65)
    if (dateSeg) this.out.set(`${at}.date`, dateOf(dateSeg)!.start, 0.85)
  }

  private pair (kind: 'languages' | 'interests', l: Line): void {
    const at = `${kind}[${this.next(kind)}]`
    const m = PAIR.exec(l.text)
    // Two runs apart with no separator ("English      Native", a table's two cells).
    const cells = !m && l.segments.length === 2 ? l.segments.map((sg) => sg.text) : null
    const [k, v] = m ? [m[1] ?? m[3]!, m[2] ?? m[4]!] : cells ? [cells[0]!, cells[1]!] : [l.text, undefined]
    const [key, value] = kind === 'languages' ? ['language', 'fluency'] : ['name', 'keywords']
    this.out.set(`${at}.${key}`, clean(k), 0.8)
    if (v) this.out.set(`${at}.${value}`, kind === 'languages' ? clean(v) : v.split(KEYWORDS).map(clean).filter(Boolean), 0.75)
  }

  private references (lines: Line[]): void {
    const style = (l: Line) => `${l.segments[0]!.font}/${l.segments[0]!.size}`
    const quote = lines[0] ? style(lines[0]) : ''
    let text: Line[] = []
    for (const l of lines) {
      if (style(l) === quote && !(text.length > 0 && /^[—–-]\s/.test(l.text))) { text.push(l); continue }
      const at = `references[${this.next('references')}]`
      this.out.set(`${at}.reference`, joined(text), 0.7)
      this.out.set(`${at}.name`, clean(l.text.replace(/^[—–-]\s*/, '')), 0.7)
      text = []
    }
    if (text.length) this.out.set(`references[${this.next('references')}].reference`, joined(text), 0.6)
  }
}

export function extractFields (lines: Line[]): ParseResult {
  return { ...new Reader(fromForm(lines)).run(), text: lines.map((l) => l.text).join('\n') }
}
