// basics from the lines above the first section: the name (largest type, or the first
// heading), the label, and contact tokens classified by shape (email, phone, URL,
// "Network: username", "City, Region, CC").
import type { Line, Segment } from './lines.ts'
import type { Fields } from './result.ts'

const EMAIL = /^[^\s@:/]+@[^\s@/]+\.[^\s@/]+$/
const PHONE = /^\+?\(?\d[\d\s().-]{5,}\d$/
const URLISH = /^(https?:\/\/)?([a-z0-9-]+\.)+[a-z]{2,}(:\d+)?(\/\S*)?$/i
// "GitHub: ada"; not a URL ("https://ada.dev" is no network called https).
const PROFILE = /^(?!https?:\/\/)([\p{L}][\p{L}\p{N} .+-]{0,30}):\s*(\S+)$/u
const PLACE = /^[\p{L}][\p{L} .'-]*(,\s*[\p{L}][\p{L} .'-]*){1,2}$/u
// (Also a slash with spaces around it, "Boston / +1 617 555 0148": an address never has one.)
const SPLIT = /\s+[|·•/]\s+|\s*\|\s*/

interface Token { text: string, url?: string, city?: boolean }

// Labels contact details go by in the six languages ("Phone:", "E-Mail", "Ville :", "الهاتف:",
// "邮箱："): no detail themselves. What a place label names is the place; the others' values
// are known by their shape.
const PLACE_LABELS = ['address', 'location', 'city', 'home', 'adresse', 'anschrift', 'ort', 'wohnort', 'ville', 'lieu', 'ciudad', 'dirección', 'direccion', 'ubicación', 'ubicacion', 'residencia',
  'المدينة', 'العنوان', 'الموقع الجغرافي', '城市', '地址', '现居', '所在地', '居住地']
const OTHER_LABELS = ['phone', 'tel', 'telephone', 'mobile', 'cell', 'email', 'e-mail', 'mail', 'web', 'website', 'site', 'homepage', 'portfolio', 'url',
  'telefon', 'handy', 'mobil', 'webseite', 'homepage', 'téléphone', 'tél', 'portable', 'courriel', 'site web', 'site internet',
  'teléfono', 'telefono', 'móvil', 'movil', 'correo', 'correo electrónico', 'sitio web', 'página web', 'pagina web',
  'الهاتف', 'الجوال', 'الموبايل', 'البريد', 'البريد الإلكتروني', 'الموقع', 'الموقع الإلكتروني',
  '电话', '手机', '邮箱', '电子邮件', '邮件', '主页', '个人主页', '网站', '博客']
const labelKey = (s: string) => s.toLowerCase().replace(/[.:：\s]+$/u, '').trim()
const PLACE_LABEL = new Set(PLACE_LABELS)
const ANY_LABEL = new Set([...PLACE_LABELS, ...OTHER_LABELS])
const LABELLED = /^([^:：]{1,24}?)\s*[:：]\s*(.+)$/u

/** "Phone: +1 555" -> "+1 555"; "City: Lyon" -> a place; a label alone -> nothing, its place flag to the next token. */
function unlabel (ts: Token[]): Token[] {
  const out: Token[] = []
  let place = false
  for (const t of ts) {
    const m = LABELLED.exec(t.text)
    const key = labelKey(m ? m[1]! : t.text)
    if (!m && ANY_LABEL.has(key)) { place = PLACE_LABEL.has(key); continue }
    if (m && ANY_LABEL.has(key)) out.push({ ...t, text: m[2]!.trim(), ...(PLACE_LABEL.has(key) ? { city: true } : {}) })
    else out.push(place ? { ...t, city: true } : t)
    place = false
  }
  return out
}

// Separators left at a token's ends when a run ends or starts with one ("· a@b.c", "0148 ·").
// (And icons drawn as symbols before a detail: "☎ +33 4 72", "⌂ Lyon".)
const EDGE = /^[\s|·•,;\p{So}]+|[\s|·•,;]+$/gu

// A place and a phone number run together with no separator ("Lyon +33 6 12 34 56 78").
const PLACE_PHONE = /^(\p{Lu}[\p{L}'’. -]*?\p{L})\s+(\+?\(?\d[\d\s().-]{5,}\d)$/u

/**
 * Right-to-left pages may hand Latin and numbers over in the order they stand on the page: a
 * phone number "0173 555 4 971+" (no number ends in a plus) and "lmansour :X" (a colon glued
 * to the front of a word) are put back: "+971 4 555 0173", "X: lmansour".
 */
function unvisual (t: string): string {
  const phone = /^(\d[\d ]*\d)\+$/.exec(t)
  if (phone) return '+' + phone[1]!.split(' ').reverse().join(' ')
  const profile = /^(\S+) :([\p{L}][\p{L}\p{N}.+-]{0,30})$/u.exec(t)
  return profile ? `${profile[2]}: ${profile[1]}` : t
}

function tokens (line: Line): Token[] {
  return unlabel(line.segments.flatMap((s: Segment) => s.text.split(SPLIT).map((t) => unvisual(t.replace(EDGE, '').trim())).filter(Boolean)
    .flatMap((t) => { const m = PLACE_PHONE.exec(t); return m ? [m[1]!, m[2]!] : [t] }).map((text) => ({ text, url: s.url }))))
}

// "GitHub: mjohnson-data (github.com/mjohnson-data)" set as runs of its own.
const PROFILE_LINE = /^(?!https?:\/\/)([\p{L}][\p{L}\p{N} .+-]{0,30}):(?!\/\/)\s*(\S+)(?:\s+\(?([^\s()]+)\)?)?$/u
// A bare place among contact details ("Chicago", "Lyon"): one to three capitalised words.
const BARE_PLACE = /^\p{Lu}[\p{L}'’.-]+(?:\s+(?:(?:de|del|la|le|am|an|im|sur|upon|on|di|da)\s+)?\p{Lu}[\p{L}'’.-]+){0,3}$/u

/** A link target as printed: "https://x.dev/" shown as "x.dev" becomes "https://x.dev". */
function linkOf (t: Token): string {
  const href = t.url && /^https?:/.test(t.url) ? t.url : /^https?:\/\//.test(t.text) ? t.text : `https://${t.text}`
  return href.endsWith('/') && !t.text.endsWith('/') ? href.slice(0, -1) : href
}

export function isContactLine (line: Line): boolean {
  return tokens(line).some((t) => t.city || EMAIL.test(t.text) || (PHONE.test(t.text) && t.text.replace(/\D/g, '').length >= 7) || URLISH.test(t.text) || PROFILE.test(t.text) || profileLink(t) !== null)
}

// Sites whose pages are people's profiles, by host: a link to one is a profile whatever its text says.
const NETWORKS: [RegExp, string][] = [[/^github\.com$/, 'GitHub'], [/^gitlab\.com$/, 'GitLab'], [/^linkedin\.com$/, 'LinkedIn'], [/^xing\.com$/, 'XING'],
  [/^twitter\.com$/, 'Twitter'], [/^x\.com$/, 'X'], [/^dribbble\.com$/, 'Dribbble'], [/^behance\.net$/, 'Behance'], [/^instagram\.com$/, 'Instagram'],
  [/^orcid\.org$/, 'ORCID'], [/^stackoverflow\.com$/, 'Stack Overflow'], [/^medium\.com$/, 'Medium'], [/^zhihu\.com$/, 'Zhihu'], [/^weibo\.com$/, 'Weibo'],
  [/^(mastodon\.\w+|fosstodon\.org|hachyderm\.io)$/, 'Mastodon']]

/**
 * A username shown with an icon and linked to its profile ("ecarter" -> github.com/ecarter), or
 * the profile's address itself ("linkedin.com/in/emily-carter"): network by the link's host,
 * username the link's last part.
 */
function profileLink (t: Token): { network: string, username: string } | null {
  // "(github.com/ada)" under "GitHub: ada", wrapped: the brackets are no part of the address.
  const bare = t.text.replace(/^\((?=[^)]*$)|(?<=^[^(]*)\)$/g, '')
  const href = t.url && /^https?:/.test(t.url) ? t.url : URLISH.test(bare) ? `https://${bare.replace(/^https?:\/\//, '')}` : null
  if (!href || EMAIL.test(t.text)) return null
  let url: URL
  try { url = new URL(href) } catch { return null }
  const network = NETWORKS.find(([host]) => host.test(url.hostname.replace(/^www\./, '')))?.[1]
  const username = url.pathname.split('/').filter(Boolean).pop()?.replace(/^@/, '')
  if (!network || !username) return null
  const text = bare.replace(/^@/, '')
  return text.toLowerCase() === username.toLowerCase() || URLISH.test(bare) ? { network, username } : null
}

// A document's title, no name: "个人简历" (personal resume), "Curriculum Vitae", "Lebenslauf".
const DOC_TITLES = new Set(['curriculum vitae', 'cv', 'resume', 'résumé', 'lebenslauf', 'hoja de vida', 'السيرة الذاتية', '个人简历', '简历'])
// Form fields for the name and the job sought ("姓名" over "刘雨婷" in a form's cells).
const NAME_LABELS = new Set(['name', 'full name', 'nom', 'nom complet', 'nombre', 'vor- und nachname', 'الاسم', '姓名'])
const LABEL_LABELS = new Set(['position sought', 'desired position', 'wunschposition', 'poste recherché', 'puesto deseado', 'المسمى الوظيفي', '求职意向', '应聘职位', '意向职位'])

/**
 * A form's label and value in cells of their own, one line each: read as "Label: value" (a
 * network's name over the user name as "GitHub: liuyt"); the name and label fields say
 * outright which lines those are.
 */
function pairLabels (lines: Line[], out: Fields): Line[] {
  const result: Line[] = []
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!
    const next = lines[i + 1]
    const key = labelKey(l.text)
    if (DOC_TITLES.has(key)) continue
    const single = l.segments.length === 1 && next && next.segments.length === 1 && !LABELLED.test(next.text)
    if (single && NAME_LABELS.has(key)) { out.set('basics.name', next.text, 0.8); i++; continue }
    if (single && LABEL_LABELS.has(key)) { out.set('basics.label', next.text, 0.75); i++; continue }
    const network = single && NETWORKS.some(([, name]) => name.toLowerCase() === key) && /^@?[\w.-]+$/.test(next.text)
    if (single && (ANY_LABEL.has(key) || network) && !ANY_LABEL.has(labelKey(next.text))) {
      result.push({ ...l, text: `${l.text}: ${next.text}`, segments: [{ ...next.segments[0]!, text: `${l.text}: ${next.text}` }] })
      i++
      continue
    }
    result.push(l)
  }
  return result
}

export function parseHeader (given: Line[], out: Fields): void {
  const lines = pairLabels(given, out)
  if (lines.length === 0) return
  const sizeOf = (l: Line) => Math.max(...l.segments.map((s) => s.size))
  const named = out.has('basics.name')
  // (A name read off a form's name field: no line of the rest is the name's.)
  let nameLine = named ? { ...lines[0]!, segments: [{ ...lines[0]!.segments[0]!, text: '' }], text: '' } : lines.find((l) => l.heading > 0)
  if (!nameLine) nameLine = lines.reduce((a, b) => (sizeOf(b) > sizeOf(a) + 0.05 ? b : a))
  const big = nameLine.heading > 0 || sizeOf(nameLine) >= 1.3
  const nameSeg = nameLine.segments.reduce((a, b) => (b.size > a.size + 0.05 ? b : a))
  if (!named) out.set('basics.name', nameSeg.text, big ? 0.9 : 0.6)

  // The name's row may carry contact details beside it (a header set in two columns, name
  // left, contact right): those runs are read as a line of their own.
  const rest = nameLine.segments.filter((sg) => sg !== nameSeg)
  const besideName = rest.length ? { ...nameLine, segments: rest, text: rest.map((sg) => sg.text).join(' ') } : null
  const rows = lines.flatMap((l) => (l !== nameLine ? [l] : besideName && isContactLine(besideName) ? [besideName] : []))
  // The label set on the name's line ("Lena Vogt  Projektleiterin"), in a run of its own.
  if (besideName && !isContactLine(besideName) && besideName.text.length <= 80) out.set('basics.label', besideName.text, 0.6)

  let profiles = 0
  for (const line of rows) {
    const profile = line.segments.length > 1 ? PROFILE_LINE.exec(line.text) : null
    if (profile && !EMAIL.test(profile[2]!) && !ANY_LABEL.has(labelKey(profile[1]!))) {
      const at = `basics.profiles[${profiles++}]`
      out.set(`${at}.network`, profile[1]!.trim(), 0.8)
      // "LinkedIn: https://www.linkedin.com/in/ada": the link is the value; the user its last part.
      const asUrl = /^(https?:\/\/|www\.)/i.test(profile[2]!) ? profile[2]! : null
      // ("@lnavarro": the at sign shows a handle and is no part of it; "@ada@host" keeps it.)
      out.set(`${at}.username`, asUrl ? asUrl.replace(/\/+$/, '').split('/').pop()! : profile[2]!.replace(/^@(?=[\w.-]+$)/, ''), asUrl ? 0.6 : 0.8)
      const link = line.segments.find((s) => s.url && /^https?:/.test(s.url))
      if (link || profile[3] || asUrl) out.set(`${at}.url`, linkOf(link ? { text: link.text, url: link.url } : { text: profile[3] ?? asUrl! }), 0.8)
      continue
    }
    if (!isContactLine(line) && !tokens(line).some((t) => PLACE.test(t.text))) {
      // Above the name, a bare place is the address block's, not a label (moderncv sets it there).
      if (lines.indexOf(line) < lines.indexOf(nameLine) && BARE_PLACE.test(line.text) && !out.has('basics.location.city')) { out.set('basics.location.city', line.text, 0.5); continue }
      if (!out.has('basics.label')) out.set('basics.label', line.text, lines.indexOf(line) <= lines.indexOf(nameLine) + 1 ? 0.8 : 0.5)
      // A line of its own with only a place on it, once the label is known ("Ciudad de México").
      else if (!out.has('basics.location.city') && BARE_PLACE.test(line.text)) out.set('basics.location.city', line.text, 0.5)
      continue
    }
    for (const t of tokens(line)) {
      const text = t.text
      if (text.length < 2) continue // a symbol font's icon letter ("H", "B") beside the detail
      const digits = text.replace(/\D/g, '').length
      // A mailto: link says the address whole, where the text may have been cut at the link's edge.
      const mailto = t.url?.startsWith('mailto:') && EMAIL.test(t.url.slice(7)) ? t.url.slice(7) : null
      if (t.city) {
        if (!out.has('basics.location.city')) out.set('basics.location.city', text, 0.7)
      } else if (EMAIL.test(text) || (mailto && text.includes('@'))) {
        if (!out.has('basics.email')) out.set('basics.email', mailto ?? text, 0.98)
      } else if (PHONE.test(text) && digits >= 7 && digits <= 15) {
        if (!out.has('basics.phone')) out.set('basics.phone', text, 0.9)
      } else if (PROFILE.test(text)) {
        const m = PROFILE.exec(text)!
        const at = `basics.profiles[${profiles++}]`
        out.set(`${at}.network`, m[1]!.trim(), 0.85)
        out.set(`${at}.username`, m[2]!.replace(/^@(?=[\w.-]+$)/, ''), 0.85)
        if (t.url) out.set(`${at}.url`, linkOf(t), 0.9)
      } else if (profileLink(t)) {
        const p = profileLink(t)!
        // The same profile again (its address printed under "GitHub: ada", maybe wrapped: an
        // address in text with no link of its own, of a network already read) is no new one.
        const known = ((out.root.basics as { profiles?: { network?: string, username?: string }[] } | undefined)?.profiles ?? [])
        if (known.some((k) => k.network?.toLowerCase() === p.network.toLowerCase() && (!t.url || k.username?.toLowerCase() === p.username.toLowerCase()))) continue
        const at = `basics.profiles[${profiles++}]`
        out.set(`${at}.network`, p.network, 0.75)
        out.set(`${at}.username`, p.username, 0.75)
        out.set(`${at}.url`, linkOf({ ...t, text: text.replace(/^\(|\)$/g, '') }), 0.85)
      } else if (URLISH.test(text)) {
        if (!out.has('basics.url')) out.set('basics.url', linkOf(t), t.url ? 0.9 : 0.7)
      } else if (BARE_PLACE.test(text) && !/\d/.test(text) && !out.has('basics.location.city') && isContactLine(line)) {
        out.set('basics.location.city', text, 0.55)
      } else if (PLACE.test(text) && !out.has('basics.location.city')) {
        const parts = text.split(',').map((p) => p.trim())
        const last = parts[parts.length - 1]!
        const cc = /^[A-Z]{2}$/.test(last) && parts.length > 1 ? parts.pop() : undefined
        out.set('basics.location.city', parts[0]!, 0.75)
        if (parts[1]) out.set('basics.location.region', parts.slice(1).join(', '), 0.6)
        if (cc) out.set('basics.location.countryCode', cc, 0.8)
      }
    }
  }
}
