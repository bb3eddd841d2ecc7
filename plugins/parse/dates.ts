// Dates as resumes print them -> the JSON Resume date pattern (YYYY, YYYY-MM or YYYY-MM-DD),
// in English, German, French, Spanish, Arabic and Chinese: "Mar 2021", "März 2021",
// "févr. 2021", "enero de 2021", "مارس ٢٠٢١", "2021年3月", "03/2021", "03.2021", "2021.03",
// "2021-03", "2016"; ranges with "–", "bis", "à", "hasta", "إلى", "至" and open ends
// ("Present", "heute", "aujourd'hui", "actualidad", "حتى الآن", "至今").

// Month names and abbreviations, by month. Matching is case-insensitive, on NFKC text.
const MONTH_NAMES: string[][] = [
  ['january', 'jan', 'januar', 'jänner', 'jän', 'janvier', 'janv', 'enero', 'ene', 'يناير', 'كانون الثاني'],
  ['february', 'feb', 'februar', 'février', 'fevrier', 'févr', 'fevr', 'fév', 'febrero', 'فبراير', 'شباط'],
  ['march', 'mar', 'märz', 'maerz', 'mär', 'mrz', 'mars', 'marzo', 'مارس', 'آذار'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'أبريل', 'ابريل', 'إبريل', 'نيسان'],
  ['may', 'mai', 'mayo', 'مايو', 'أيار', 'ايار'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'يونيو', 'يونيه', 'حزيران'],
  ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'يوليو', 'يوليه', 'تموز'],
  ['august', 'aug', 'août', 'aout', 'agosto', 'ago', 'أغسطس', 'اغسطس', 'آب'],
  ['september', 'sept', 'sep', 'septembre', 'septiembre', 'setiembre', 'sept', 'سبتمبر', 'أيلول', 'ايلول'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'أكتوبر', 'اكتوبر', 'تشرين الأول'],
  ['november', 'nov', 'novembre', 'noviembre', 'نوفمبر', 'تشرين الثاني'],
  ['december', 'dec', 'dezember', 'dez', 'décembre', 'decembre', 'déc', 'diciembre', 'dic', 'ديسمبر', 'كانون الأول']
]
const MONTH_OF = new Map<string, number>(MONTH_NAMES.flatMap((names, i) => names.map((n) => [n, i + 1] as [string, number])))
const SEASONS = ['spring', 'summer', 'autumn', 'fall', 'winter', 'frühling', 'sommer', 'herbst', 'printemps', 'été', 'automne', 'hiver', 'primavera', 'verano', 'otoño', 'invierno']

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// Longest first, so "märz" is not read as "mär" + "z".
const MONTH = `(?:${[...MONTH_OF.keys()].sort((a, b) => b.length - a.length).map(escape).join('|')})\\.?`
const SEASON = `(?:${SEASONS.join('|')})`
const ONE = [
  `${MONTH}\\s*(?:de\\s+)?\\d{4}`, // "Mar 2021", "enero de 2021", "mars2021"
  `${SEASON}\\s+\\d{4}`,
  '\\d{1,2}[/.]\\d{4}', // "03/2021", "03.2021"
  '\\d{4}[-/.]\\d{1,2}(?:[-/.]\\d{1,2})?', // "2021-03", "2021.03", "2021/03/15"
  '\\d{4}\\s*年(?:\\s*\\d{1,2}\\s*月)?', // "2021年3月"
  '\\d{4}'
].map((p) => `(?:${p})`).join('|')
const OPEN_WORDS = ['present', 'current', 'now', 'today', 'ongoing', 'date', 'heute', 'bis heute', 'aktuell', 'derzeit', 'jetzt', 'laufend',
  "aujourd'hui", 'aujourd’hui', 'présent', 'actuel', 'actuellement', 'en cours', 'à ce jour', 'la actualidad', 'actualidad', 'presente',
  'actual', 'hoy', 'الآن', 'حتى الآن', 'حاليا', 'حالياً', 'الحاضر', 'حتى اليوم', '至今', '现在', '目前', '今']
const OPEN = `(?:${OPEN_WORDS.sort((a, b) => b.length - a.length).map(escape).join('|')})`
// Symbols need no spaces around them; words do ("2019 to 2021", "2019 bis heute").
// (Also the figure dash and the minus sign some fonts draw for "–".)
// A range whose dash the font did not draw ("سبتمبر 2014 أبريل 2018") is two dates side by side.
const SEP = '(?:\\s*(?:–|—|‒|−|-|~|〜|至|到)\\s*|\\s+(?:to|until|till|bis|à|au|a|al|hasta|إلى|الى|حتى)\\s+|\\s+)'
const SINCE = '(?:(?:since|seit|depuis|desde|منذ)\\s+|自\\s*)'

/** Words that only say when (month names, "present" and its kin, range words): a line of them and numbers is a date. */
export const DATE_WORDS = new Set([...MONTH_OF.keys(), ...SEASONS, ...OPEN_WORDS.flatMap((w) => w.split(/[\s']+/)),
  'to', 'until', 'till', 'since', 'bis', 'seit', 'à', 'au', 'depuis', 'hasta', 'desde', 'de', 'al', 'إلى', 'الى', 'حتى', 'منذ', '年', '月', '至', '到', '自'])

export const DATE_RANGE = new RegExp(`^[(（]?\\s*${SINCE}?(${ONE})(?:${SEP}(${ONE}|${OPEN}))?\\s*[)）]?$`, 'iu')
const OPEN_ONLY = new RegExp(`^${OPEN}$`, 'iu')

/** Eastern Arabic and Persian digits as ASCII; NFKC already folds full-width ones. */
function asciiDigits (s: string): string {
  return s.normalize('NFKC').replace(/[\u0660-\u0669\u06f0-\u06f9]/g, (d) => String((d.charCodeAt(0) & 0xf) % 10))
}

/** One printed date -> "YYYY" | "YYYY-MM" | "YYYY-MM-DD", or undefined. */
export function normalizeDate (text: string): string | undefined {
  const s = asciiDigits(text).trim().toLowerCase().replace(/\.$/, '')
  let m = /^(\d{4})[-/.](\d{1,2})(?:[-/.](\d{1,2}))?$/.exec(s)
  if (m) return valid(m[1]!, m[2]!.padStart(2, '0'), m[3]?.padStart(2, '0'))
  m = /^(\d{1,2})[/.](\d{4})$/.exec(s)
  if (m) return valid(m[2]!, m[1]!.padStart(2, '0'))
  m = /^(\d{4})\s*年(?:\s*(\d{1,2})\s*月)?$/.exec(s)
  if (m) return valid(m[1]!, m[2]?.padStart(2, '0'))
  m = /^(\p{L}[\p{L}\p{M} ]*?)\.?\s*(?:de\s+)?(\d{4})$/u.exec(s)
  if (m) {
    const month = MONTH_OF.get(m[1]!.trim())
    return month ? valid(m[2]!, String(month).padStart(2, '0')) : valid(m[2]!) // "Summer 2017" -> the year
  }
  m = /^(\d{4})$/.exec(s)
  return m ? valid(m[1]!) : undefined
}

function valid (year: string, month?: string, day?: string): string | undefined {
  const y = Number(year)
  if (y < 1900 || y > 2100) return undefined
  if (month && (Number(month) < 1 || Number(month) > 12)) return valid(year)
  if (day && (Number(day) < 1 || Number(day) > 31)) return `${year}-${month}`
  return [year, month, day].filter(Boolean).join('-')
}

/** "Mar 2021 – Jun 2024" -> {start, end}; "2019 – Present" -> {start}; null when the text is not a date or range. */
export function parseRange (text: string): { start?: string, end?: string } | null {
  // "09/2016" in a right-to-left row may come back in the order its parts stand on the page,
  // "/2016 09" (a date never starts with a slash): put back.
  const m = DATE_RANGE.exec(asciiDigits(text).trim().replace(/(^|\s)\/(\d{4}) (\d{1,2})(?=\s|$)/g, '$1$3/$2'))
  if (!m) return null
  const start = normalizeDate(m[1]!)
  if (!start) return null
  const end = m[2] && !OPEN_ONLY.test(m[2]) ? normalizeDate(m[2]) : undefined
  return { start, ...(end ? { end } : {}) }
}
