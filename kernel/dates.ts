// How dates print in cvgen's documents ("Jun 2024", "Mar 2021 – Present"). The renderer's
// themes use it, and so does the parser's DOCX corpus, which must print dates exactly as the
// themes do for the accuracy harness to compare like with like: one definition for both.

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : typeof v === 'number' ? String(v) : '')

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']

/** ISO 8601 (partial) date -> "2024", "Jun 2024"; other text is shown as given. */
export function formatDate (value: unknown): string {
  const s = str(value)
  const m = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T.*)?$/.exec(s)
  if (!m) return s
  const year = m[1]! // group 1 is not optional: a match always has the year
  const month = m[2] ? Number(m[2]) : 0
  return month >= 1 && month <= 12 ? `${MONTHS[month - 1]} ${year}` : year
}

/** "Mar 2021 – Jun 2024"; a start without an end runs to "Present"; nothing when neither is set. */
export function dateRange (start: unknown, end: unknown): string {
  const a = formatDate(start)
  const b = formatDate(end)
  if (!a && !b) return ''
  if (!a) return b
  if (a === b) return a
  return `${a} – ${b || 'Present'}`
}
