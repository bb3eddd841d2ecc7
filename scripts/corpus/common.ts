// Shared by the corpus generators (scripts/corpus/*.ts): the truth resumes, headings and dates
// in each language, the fields a layout prints, and the fixes that make reprints byte-identical.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'

export const ROOT = new URL('../../', import.meta.url)
export const CORPUS = new URL('samples/corpus/', ROOT)

export type Lang = 'en' | 'de' | 'fr' | 'es' | 'ar' | 'zh'
export interface Profile { network: string, username: string, url: string }
export interface Work { name: string, position: string, location?: string, startDate: string, endDate?: string, highlights?: string[] }
export interface Education { institution: string, area: string, studyType: string, startDate: string, endDate?: string }
export interface Resume {
  basics: { name: string, label: string, email: string, phone: string, url: string, summary: string, location: { city: string, countryCode: string }, profiles: Profile[] }
  work: Work[]
  education: Education[]
  skills: { name: string, keywords: string[] }[]
  languages: { language: string, fluency: string }[]
}

export function loadTruth (file: string): Resume {
  return JSON.parse(readFileSync(new URL(`truth/${file}`, CORPUS), 'utf8')) as Resume
}

export const HEADINGS: Record<Lang, { summary: string, work: string, education: string, skills: string, languages: string, contact: string, present: string }> = {
  en: { summary: 'Profile', work: 'Experience', education: 'Education', skills: 'Skills', languages: 'Languages', contact: 'Contact', present: 'Present' },
  de: { summary: 'Profil', work: 'Berufserfahrung', education: 'Ausbildung', skills: 'Kenntnisse', languages: 'Sprachen', contact: 'Kontakt', present: 'heute' },
  fr: { summary: 'Profil', work: 'Expérience professionnelle', education: 'Formation', skills: 'Compétences', languages: 'Langues', contact: 'Contact', present: "aujourd'hui" },
  es: { summary: 'Perfil', work: 'Experiencia laboral', education: 'Formación académica', skills: 'Habilidades', languages: 'Idiomas', contact: 'Contacto', present: 'Actualidad' },
  ar: { summary: 'نبذة', work: 'الخبرة العملية', education: 'التعليم', skills: 'المهارات', languages: 'اللغات', contact: 'التواصل', present: 'حتى الآن' },
  zh: { summary: '个人简介', work: '工作经历', education: '教育背景', skills: '专业技能', languages: '语言能力', contact: '联系方式', present: '至今' }
}

const MONTHS: Record<Lang, string[]> = {
  en: ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'],
  de: ['Jan.', 'Feb.', 'März', 'Apr.', 'Mai', 'Juni', 'Juli', 'Aug.', 'Sep.', 'Okt.', 'Nov.', 'Dez.'],
  fr: ['janv.', 'févr.', 'mars', 'avr.', 'mai', 'juin', 'juil.', 'août', 'sept.', 'oct.', 'nov.', 'déc.'],
  es: ['ene.', 'feb.', 'mar.', 'abr.', 'may.', 'jun.', 'jul.', 'ago.', 'sept.', 'oct.', 'nov.', 'dic.'],
  ar: ['يناير', 'فبراير', 'مارس', 'أبريل', 'مايو', 'يونيو', 'يوليو', 'أغسطس', 'سبتمبر', 'أكتوبر', 'نوفمبر', 'ديسمبر'],
  zh: ['1月', '2月', '3月', '4月', '5月', '6月', '7月', '8月', '9月', '10月', '11月', '12月']
}

/** How a layout writes a month: "Mar 2021" (month names of the language), "03/2021", "2021-03", "2021.03", "2021年3月". */
export type DateStyle = 'name' | 'slash' | 'iso' | 'dot' | 'cjk'

export function fmtDate (date: string, lang: Lang, style: DateStyle): string {
  const [y, m] = date.split('-')
  if (!m) return y!
  const n = Number(m)
  switch (style) {
    case 'slash': return `${m}/${y}`
    case 'iso': return `${y}-${m}`
    case 'dot': return `${y}.${m}`
    case 'cjk': return `${y}年${n}月`
    default: return lang === 'zh' ? `${y}年${n}月` : `${MONTHS[lang][n - 1]} ${y}`
  }
}

export function fmtRange (start: string, end: string | undefined, lang: Lang, style: DateStyle, dash = ' – '): string {
  return `${fmtDate(start, lang, style)}${dash}${end ? fmtDate(end, lang, style) : HEADINGS[lang].present}`
}

export const bare = (url: string) => url.replace(/^https?:\/\//, '').replace(/\/$/, '')

/**
 * The fields a layout prints, as paths without indices ("work.position", "skills.keywords").
 * Layouts print all of FULL unless they leave something out.
 */
export const FULL = [
  'basics.name', 'basics.label', 'basics.email', 'basics.phone', 'basics.url', 'basics.summary', 'basics.location.city',
  'basics.profiles.network', 'basics.profiles.username', 'basics.profiles.url',
  'work.name', 'work.position', 'work.location', 'work.startDate', 'work.endDate', 'work.highlights',
  'education.institution', 'education.area', 'education.studyType', 'education.startDate', 'education.endDate',
  'skills.name', 'skills.keywords', 'languages.language', 'languages.fluency'
]
export const without = (...drop: string[]) => FULL.filter((f) => !drop.some((d) => f === d || f.startsWith(d + '.')))

export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

/** Replaces a PDF's dates and /ID with fixed values of the same length, so xref offsets stay right. */
export function fixPdf (pdf: Buffer, epoch: number): Buffer {
  const d = new Date(epoch * 1000).toISOString()
  const stamp = `D:${d.slice(0, 4)}${d.slice(5, 7)}${d.slice(8, 10)}${d.slice(11, 13)}${d.slice(14, 16)}${d.slice(17, 19)}`
  let s = pdf.toString('latin1')
  s = s.replace(/\/(CreationDate|ModDate)\s*\((D:\d{14})/g, (all, _key: string, val: string) => all.replace(val, stamp))
  const id = sha256(s.replace(/\/ID\s*\[[^\]]*\]/g, '').replace(/\/DocChecksum\s*\/[0-9A-F]+/g, '')).toUpperCase()
  s = s.replace(/\/DocChecksum\s*\/([0-9A-F]+)/g, (all, v: string) => all.replace(v, id.slice(-v.length)))
  s = s.replace(/\/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]/g, (all, a: string, b: string) =>
    all.replace(a, id.repeat(4).slice(0, a.length)).replace(b, id.repeat(4).slice(0, b.length)))
  s = s.replace(/<xmp:(CreateDate|ModifyDate|MetadataDate)>[^<]*<\/xmp:\1>/g, (all) => all.replace(/>[^<]*</, (v) => '>' + d.slice(0, 19).padEnd(v.length - 2, ' ').slice(0, v.length - 2) + '<'))
  return Buffer.from(s, 'latin1')
}

/** Runs fn with Date frozen at the epoch (the docx and react-pdf generators stamp "now" into their files). */
export async function atEpoch<T> (epoch: number, fn: () => Promise<T>): Promise<T> {
  const Real = Date
  const fixed = epoch * 1000
  class Frozen extends Real {
    constructor (...args: unknown[]) {
      if (args.length === 0) super(fixed)
      else super(...(args as [number]))
    }

    static now () { return fixed }
  }
  // ...and Math.random seeded (docx names hyperlink relationships with random ids).
  const random = Math.random
  let seed = 0x2545f491
  Math.random = () => {
    seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5
    return (seed >>> 0) / 0x100000000
  }
  globalThis.Date = Frozen as DateConstructor
  try { return await fn() } finally { globalThis.Date = Real; Math.random = random }
}

/** Text for the HTML generators' pages, escaped. */
export const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' } as Record<string, string>)[c]!)

/** The page around an HTML generator's body: its language (right to left for Arabic), title and one style element. */
export const htmlDocument = (lang: Lang, title: string, style: string, body: string) =>
  `<!doctype html><html lang="${lang}"${lang === 'ar' ? ' dir="rtl"' : ''}><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${style}</style></head><body>${body}</body></html>`
