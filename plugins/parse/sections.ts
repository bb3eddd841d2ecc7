// Lines -> sections. A heading is a short line whose letters name a known section and that
// stands out by layout (a DOCX heading, a font other than the body's, capitals, larger type
// or space above); an unknown line that looks like a heading starts a section we skip.
// Inside a section, entries start at "title lines": lines set in the font that the section's
// dated lines start with (so "Position, Company ... Mar 2021 – Jun 2024" teaches the parser
// what a title looks like in this document).
import { parseRange } from './dates.ts'
import { letters, mode, type Line, type Segment } from './lines.ts'

export type SectionKind = 'summary' | 'work' | 'volunteer' | 'education' | 'skills' | 'projects' | 'awards' | 'certificates' |
  'publications' | 'languages' | 'interests' | 'references' | 'contact' | 'unknown'

// English, then German, French, Spanish, Arabic and Chinese. Compared by letters only
// (accents, spaces and punctuation aside), so "Über mich" and "UBER MICH" are one name.
const NAMES: Record<Exclude<SectionKind, 'unknown'>, string[]> = {
  summary: ['summary', 'professional summary', 'profile', 'research statement', 'personal statement', 'research profile', 'professional profile', 'about', 'about me', 'objective', 'career objective', 'overview',
    'profil', 'kurzprofil', 'zusammenfassung', 'über mich', 'berufsziel', 'persönliches profil',
    'profil professionnel', 'à propos', 'à propos de moi', 'objectif', 'objectif professionnel', 'présentation', 'synthèse',
    'perfil', 'perfil profesional', 'resumen', 'resumen profesional', 'sobre mí', 'acerca de mí', 'objetivo', 'objetivo profesional',
    'الملخص', 'ملخص', 'نبذة', 'نبذة عني', 'نبذة مختصرة', 'الملف الشخصي', 'الهدف الوظيفي', 'الملخص المهني',
    '个人简介', '简介', '个人总结', '自我评价', '个人概况', '概述', '职业概述'],
  work: ['work experience', 'experience', 'professional experience', 'employment', 'employment history', 'work history', 'career history', 'relevant experience', 'academic appointments', 'appointments', 'professional appointments', 'positions', 'employment and positions',
    'berufserfahrung', 'berufliche erfahrung', 'beruflicher werdegang', 'werdegang', 'erfahrung', 'praxiserfahrung', 'berufspraxis',
    'expérience', 'expériences', 'expérience professionnelle', 'expériences professionnelles', 'parcours professionnel',
    'experiencia', 'experiencia laboral', 'experiencia profesional', 'historial laboral', 'trayectoria profesional',
    'الخبرة', 'الخبرات', 'الخبرة المهنية', 'الخبرات المهنية', 'الخبرة العملية', 'الخبرات العملية', 'الخبرة الوظيفية', 'السجل المهني',
    '工作经历', '工作经验', '职业经历', '工作履历', '实习经历'],
  volunteer: ['volunteer experience', 'volunteering', 'volunteer work', 'volunteer',
    'ehrenamt', 'ehrenamtliches engagement', 'ehrenamtliche tätigkeit', 'ehrenamtliche tätigkeiten', 'bénévolat', 'engagement associatif',
    'voluntariado', 'trabajo voluntario', 'العمل التطوعي', 'التطوع', '志愿者经历', '志愿服务', '志愿经历'],
  education: ['education', 'academic background', 'education and training', 'qualifications',
    'schul und berufsbildung', 'allgemeine und berufliche bildung', 'éducation et formation', 'education and training',
    'ausbildung', 'bildung', 'bildungsweg', 'studium', 'schulbildung', 'akademischer werdegang', 'schul und berufsausbildung',
    'formation', 'formations', 'éducation', 'études', 'parcours académique', 'diplômes', 'formation académique',
    'educación', 'formación', 'formación académica', 'estudios', 'titulación',
    'التعليم', 'المؤهلات العلمية', 'التحصيل العلمي', 'المؤهلات', 'المؤهلات الأكاديمية', 'الدراسة',
    '教育背景', '教育经历', '学历', '教育'],
  skills: ['skills', 'technical skills', 'core competencies', 'competencies', 'key skills', 'skills and tools', 'skills and methods', 'skills and expertise', 'skills and competencies', 'expertise', 'technical expertise',
    'personal skills', 'personal skills and competences', 'persönliche fähigkeiten', 'persönliche fähigkeiten und kompetenzen', 'compétences personnelles', 'aptitudes et compétences personnelles',
    'kenntnisse', 'fähigkeiten', 'kompetenzen', 'fachkenntnisse', 'it kenntnisse', 'technische kenntnisse', 'fähigkeiten und kenntnisse', 'fachliche kompetenzen',
    'compétences', 'compétences techniques', 'savoir faire', 'compétences clés',
    'habilidades', 'competencias', 'aptitudes', 'conocimientos', 'habilidades técnicas', 'conocimientos técnicos',
    'المهارات', 'مهارات', 'المهارات التقنية', 'المهارات الفنية', 'الكفاءات',
    '技能', '专业技能', '技术技能', '技能特长', '个人技能', '技术栈'],
  projects: ['projects', 'personal projects', 'side projects', 'selected projects', 'open source',
    'projekte', 'ausgewählte projekte', 'projets', 'projets personnels', 'proyectos', 'proyectos personales',
    'المشاريع', 'المشروعات', '项目经历', '项目经验', '项目'],
  awards: ['awards', 'honors', 'honours', 'awards and honors', 'achievements',
    'auszeichnungen', 'preise', 'prix', 'distinctions', 'récompenses', 'prix et distinctions', 'premios', 'reconocimientos', 'logros', 'premios y reconocimientos',
    'الجوائز', 'الجوائز والتكريمات', 'الإنجازات', '获奖情况', '荣誉奖项', '奖项', '荣誉', '获奖经历'],
  certificates: ['certifications', 'certificates', 'licenses and certifications', 'licenses',
    'zertifikate', 'zertifizierungen', 'certificats', 'certificaciones', 'certificados', 'الشهادات', 'الشهادات المهنية', '证书', '资格证书', '认证'],
  publications: ['publications', 'papers', 'publikationen', 'veröffentlichungen', 'publicaciones', 'المنشورات', '出版物', '论文', '发表论文'],
  languages: ['languages', 'spoken languages', 'sprachen', 'sprachkenntnisse', 'langues', 'compétences linguistiques', 'idiomas', 'lenguas',
    'اللغات', 'اللغة', '语言', '语言能力'],
  interests: ['interests', 'hobbies', 'hobbies and interests', 'interessen', 'hobbys', 'freizeit', "centres d'intérêt", 'intérêts', 'loisirs',
    'intereses', 'aficiones', 'pasatiempos', 'الاهتمامات', 'الهوايات', '兴趣爱好', '爱好', '兴趣'],
  // Contact details under a heading of their own (a sidebar's, a form's): read as the header is.
  contact: ['contact', 'contact details', 'contact information', 'kontakt', 'kontaktdaten', 'coordonnées', 'contacto', 'datos de contacto',
    'معلومات الاتصال', 'التواصل', 'بيانات الاتصال', '联系方式', '联系信息'],
  references: ['references', 'recommendations', 'referenzen', 'références', 'referencias', 'المراجع', 'المعرّفون', '推荐人', '证明人']
}
const BY_LETTERS = new Map<string, SectionKind>(Object.entries(NAMES).flatMap(([k, names]) => names.map((n) => [letters(n), k as SectionKind])))

/**
 * The section a heading's text names ("Work Experience", "S K I L L S"), if any. Two names
 * joined ("Kenntnisse & Sprachen", "Skills and Languages") name the first one's section.
 */
export const headingKind = (text: string): SectionKind | undefined => BY_LETTERS.get(letters(text)) ?? joinedKind(text)
function joinedKind (text: string): SectionKind | undefined {
  const parts = text.split(/\s+(?:&|\+|\/|and|und|et|y|e|و)\s+/iu)
  const kinds = parts.map((p) => BY_LETTERS.get(letters(p)))
  return parts.length === 2 && kinds.every(Boolean) ? kinds[0] : undefined
}

export interface Section { kind: SectionKind, heading: string, lines: Line[] }

export function bodyFont (lines: Line[]): string {
  return mode(lines.flatMap((l) => l.segments), (s) => s.font, (s) => s.text.length) ?? ''
}

function standsOut (line: Line, body: string): boolean {
  const s = line.segments[0]!
  const caps = /\p{Lu}{3}/u.test(line.text) && line.text === line.text.toUpperCase()
  return line.heading > 0 || s.font !== body || caps || s.size >= 1.04 || line.gap > 2.6
}

export function splitSections (lines: Line[]): { header: Line[], sections: Section[] } {
  const body = bodyFont(lines)
  const header: Line[] = []
  const sections: Section[] = []
  // A trailing colon is how some write a heading ("Compétences :", "技能：").
  const short = (line: Line) => line.segments.length === 1 && line.text.length <= 40 && !/[.;,]$/.test(line.text)
  const named = (line: Line) => (short(line) && standsOut(line, body) ? headingKind(line.text) : undefined)
  // Headings share one style. When three or more known names do, a known name set smaller
  // and otherwise (a skills group called "Languages" in bold body type) is no heading.
  const style = (l: Line) => `${l.segments[0]!.font}/${l.segments[0]!.size.toFixed(2)}`
  const styles = new Map<string, number>()
  for (const l of lines) if (named(l)) styles.set(style(l), (styles.get(style(l)) ?? 0) + 1)
  const [main, count] = [...styles].sort((a, b) => b[1] - a[1])[0] ?? ['', 0]
  const mainSize = Number(main.split('/')[1] ?? 0)
  for (const line of lines) {
    const candidate = named(line)
    const kind = candidate && !(count >= 3 && line.heading === 0 && style(line) !== main && line.segments[0]!.size < mainSize - 0.05) ? candidate : undefined
    // An unrecognised heading: its content is skipped rather than glued to the previous section.
    const unknown = !kind && !candidate && short(line) && !line.bullet && header.length > 0 &&
      ((line.heading > 0 && line.heading <= 2) || (line.heading === 0 && line.text === line.text.toUpperCase() && letters(line.text).length >= 4 && line.segments[0]!.font !== body && line.gap > 2.6))
    if (kind || unknown) { sections.push({ kind: kind ?? 'unknown', heading: line.text, lines: [] }); continue }
    if (sections.length === 0) header.push(line)
    else sections[sections.length - 1]!.lines.push(line)
  }
  for (const s of sections) s.lines = outdent(s.lines)
  return { header, sections }
}

/**
 * A section set inside a box or card (its lines all indented from the heading): a PDF line is
 * a list item by its indent, and here that is the box's. Lines at the section's own margin,
 * with no list marker, are no list items; the lines indented further still are.
 */
function outdent (lines: Line[]): Line[] {
  const margin = Math.min(...lines.map((l) => l.indent))
  if (!(margin > 0.6)) return lines
  return lines.map((l) => (l.bullet && !l.marked && l.indent <= margin + 0.3 ? { ...l, bullet: false } : l))
}

export interface Entry { title: Line, dates: { start?: string, end?: string, place?: string } | null, lines: Line[] }

export const dateOf = (s: Segment) => parseRange(s.text.replace(/^[·,]\s*/, ''))

/**
 * "Deerfield, IL, Jun 2020 – Present" -> "Deerfield, IL" and the range: the longest tail of
 * the text that is a date range, cut at a space; null when it does not end in one.
 */
export function trailingRange (text: string): { rest: string, dates: { start?: string, end?: string } } | null {
  if (!/\d/.test(text)) return null
  for (let i = 0; i < text.length; i = text.indexOf(' ', i + 1), i = i < 0 ? text.length : i) {
    // ("Engineer, Acme (Mar 2021 – Present)": a range in brackets, too.)
    const tail = text.slice(i).replace(/^[\s,·|—–-]+/, '')
    const dates = parseRange(/^[(（].*[)）]$/u.test(tail) ? tail.slice(1, -1) : tail)
    if (dates) return { rest: text.slice(0, i).replace(/[\s,·|—–-]+$/, ''), dates }
  }
  return null
}

/** The line with the date range at its end taken off (a segment of its own, or the end of its last). */
function takeRange (line: Line): { line: Line | null, dates: { start?: string, end?: string } } | null {
  // A range drawn in two or three fonts ("2020.07" in a Latin one, "– 至今" in a CJK one): runs.
  for (const k of [3, 2]) {
    const tail = line.segments.slice(-k)
    const range = line.segments.length > k ? dateOf({ ...tail[0]!, text: tail.map((s) => s.text).join(' ') }) : null
    if (!range) continue
    const segments = line.segments.slice(0, -k)
    return { line: { ...line, segments, text: segments.map((s) => s.text).join(' ') }, dates: range }
  }
  const dateSeg = line.segments.find((s, i) => i > 0 && dateOf(s))
  if (dateSeg) return { line: { ...line, segments: line.segments.filter((s) => s !== dateSeg) }, dates: dateOf(dateSeg)! }
  const last = line.segments[line.segments.length - 1]!
  const t = trailingRange(last.text)
  if (!t || t.rest.length > 80) return null
  const segments = t.rest ? [...line.segments.slice(0, -1), { ...last, text: t.rest }] : line.segments.slice(0, -1)
  return { line: segments.length ? { ...line, segments, text: segments.map((s) => s.text).join(' ') } : null, dates: t.dates }
}

/** Splits a section into entries at its title lines. Lines before the first title are returned as `lead`. */
export function entries (section: Section): { lead: Line[], items: Entry[] } {
  // A timeline layout puts the range first ("mar. 2020 – Actualidad   Ingeniera de software"),
  // often indented: such a line is a title whatever its indent.
  const leadingDate = (l: Line) => l.segments.length > 1 && dateOf(l.segments[0]!) !== null
  const head = (l: Line) => (leadingDate(l) ? l.segments[1]! : l.segments[0]!)
  const dated = section.lines.filter((l) => leadingDate(l) || (!l.bullet && l.segments.length > 1 && l.segments.some((s) => dateOf(s))))
  // (Or a range with the place after it: "03/2021 – ACTUALIDAD · VALENCIA".)
  const datePlace = (l: Line) => (l.segments.length === 1 ? /^(.+?)\s+[·|]\s+([^·|]+)$/u.exec(l.text) : null)
  const pureDate = (l: Line) => l.segments.length === 1 && (dateOf(l.segments[0]!) !== null || (datePlace(l) !== null && parseRange(datePlace(l)![1]!) !== null))
  // Some layouts print each entry's range on a line of its own above its title.
  const datesFirst = section.lines[0] !== undefined && pureDate(section.lines[0])
  const firstTitle = section.lines.find((l) => !l.bullet && !pureDate(l))
  const titleFont = dated[0] ? head(dated[0]).font : firstTitle?.segments[0]?.font
  const titleSize = dated[0] ? head(dated[0]).size : firstTitle?.segments[0]?.size ?? 1
  const lead: Line[] = []
  const items: Entry[] = []
  let pending: { start?: string, end?: string, place?: string } | null = null
  for (const line of section.lines) {
    const first = line.segments[0]!
    if (datesFirst && pureDate(line)) {
      const dp = dateOf(first) ? null : datePlace(line)
      pending = dp ? { ...parseRange(dp[1]!)!, place: dp[2]! } : dateOf(first)
      continue
    }
    const isTitle = (!line.bullet || leadingDate(line)) && head(line).font === titleFont && Math.abs(head(line).size - titleSize) < 0.04 && !dateOf(head(line))
    if (isTitle && leadingDate(line)) {
      const segments = line.segments.slice(1)
      items.push({ title: { ...line, segments, text: segments.map((s) => s.text).join(' ') }, dates: dateOf(first), lines: [] })
    } else if (isTitle) {
      const taken = pending ? null : takeRange(line)
      items.push(taken?.line ? { title: taken.line, dates: taken.dates, lines: [] } : { title: line, dates: pending, lines: [] })
      pending = null
    } else if (items.length > 0) {
      const entry = items[items.length - 1]!
      // A date printed on its own line right under the title (a long title pushed it down),
      // or at the end of the line under it ("Deerfield, IL, Jun 2020 – Present").
      const taken = !entry.dates && entry.lines.length === 0 && !line.bullet ? (line.segments.length === 1 && dateOf(first) ? { line: null, dates: dateOf(first)! } : takeRange(line)) : null
      if (taken) {
        entry.dates = taken.dates
        if (taken.line) entry.lines.push(taken.line)
      } else entry.lines.push(line)
    } else lead.push(line)
  }
  return { lead, items }
}

/**
 * Bullet lines -> items. A line continues the item above when its first word could not fit
 * there and the space between them is the text's own line pitch (list items add a margin).
 */
export function bulletItems (lines: Line[], docPitch: number): string[] {
  // List items may set their own line height: learn it from this list's wrapped lines,
  // unless those are all as far apart as item margins would put them.
  const gaps = lines.filter((l, i) => i > 0 && l.gap > 0 && wrapped(lines[i - 1]!, l)).map((l) => l.gap)
  const own = gaps.length ? Math.min(...gaps) : 0
  const pitch = own && (!docPitch || own <= docPitch * 1.07) ? own : docPitch
  const out: string[] = []
  let prev: Line | null = null
  for (const l of lines) {
    if (prev && out.length > 0 && wrapped(prev, l) && l.indent === prev.indent && l.gap > 0 && l.gap <= pitch + 0.04) out[out.length - 1] = joinText(out[out.length - 1]!, l.text)
    else out.push(l.text)
    prev = l
  }
  return out
}

/** `next`'s first word (and a space) would not have fitted at the end of `line`. */
export const wrapped = (line: Line, next: Line) => line.room < (next.text.split(' ')[0]!.length + 1) * Math.max(line.charWidth, next.charWidth)

/** Joins wrapped lines; a line that ends in a hyphen after a letter was cut at that hyphen. */
export function joinText (a: string, b: string): string {
  // The hyphen stays: a browser breaks only at hyphens a word has ("length-" / "limited");
  // TeX's own hyphenation ("Achtgang-" / "getriebe") cannot be told apart from that here.
  return /\p{L}-$/u.test(a) ? a + b : `${a} ${b}`
}

/** The vertical distance between wrapped lines of one paragraph, in body line units. */
export function linePitch (lines: Line[]): number {
  const gaps: number[] = []
  const plain = (l: Line) => l.segments.length === 1 && l.segments[0]!.size === 1
  lines.forEach((l, i) => {
    const prev = lines[i - 1]
    if (prev && plain(prev) && plain(l) && prev.segments[0]!.font === l.segments[0]!.font && wrapped(prev, l) && l.gap > 0.8) gaps.push(l.gap)
  })
  return gaps.length ? Math.min(...gaps) : 0
}
