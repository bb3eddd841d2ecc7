// Dates as resumes print them ("Mar 2021", "03/2021", "2021-03", "March 2021", "2016",
// "Present") -> the JSON Resume date pattern (YYYY, YYYY-MM or YYYY-MM-DD).
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec']
const MONTH = '(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?'
const ONE = `(?:${MONTH}\\s+\\d{4}|\\d{1,2}/\\d{4}|\\d{4}-\\d{2}(?:-\\d{2})?|(?:spring|summer|autumn|fall|winter)\\s+\\d{4}|\\d{4})`
const OPEN = '(?:present|current|now|today|ongoing)'
const SEP = '\\s*(?:–|—|-|to|until)\\s*'

export const DATE_RANGE = new RegExp(`^\\(?\\s*(${ONE})(?:${SEP}(${ONE}|${OPEN}))?\\s*\\)?$`, 'i')

/** One printed date -> "YYYY" | "YYYY-MM" | "YYYY-MM-DD", or undefined. */
export function normalizeDate (text: string): string | undefined {
  const s = text.trim().toLowerCase().replace(/\.$/, '')
  let m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(s)
  if (m) return valid(m[1]!, m[2], m[3])
  m = /^(\d{1,2})\/(\d{4})$/.exec(s)
  if (m) return valid(m[2]!, m[1]!.padStart(2, '0'))
  m = /^([a-z]+)\.?\s+(\d{4})$/.exec(s)
  if (m) {
    const month = MONTHS.indexOf(m[1]!.slice(0, 3))
    return month >= 0 ? valid(m[2]!, String(month + 1).padStart(2, '0')) : valid(m[2]!) // "Summer 2017" -> the year
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
  const m = DATE_RANGE.exec(text.trim())
  if (!m) return null
  const start = normalizeDate(m[1]!)
  if (!start) return null
  const end = m[2] && !new RegExp(`^${OPEN}$`, 'i').test(m[2]) ? normalizeDate(m[2]) : undefined
  return { start, ...(end ? { end } : {}) }
}
