// Europass and other form-like CVs: every value sits beside a field name ("Occupation or
// position held", "Name des Arbeitgebers", "Nom de l'employeur"), which the label column
// (labels.ts) has put in front of it as "Label: value". A form is rewritten here into the
// shapes the rest of the parser reads: the name as a large line on top, contact values as
// plain lines, and each entry as a title line (position or qualification, with its dates as
// a run of their own) over a line with the employer or school.
import { letters, lineOf, type Line } from './lines.ts'

type Role = 'name' | 'contact' | 'label' | 'summary' | 'dates' | 'title' | 'org' | 'drop'

// Field names by role, in English, German and French (Europass's own wording), compared by
// letters only and as prefixes (a long label wraps: "Title of qualification" / "awarded").
const LABELS: [Role, string[]][] = [
  ['name', ['name / surname', 'surname', 'first name', 'nachname', 'vorname', 'nom(s) / prénom(s)', 'prénom(s) / nom(s)', 'prénom']],
  ['contact', ['address', 'adresse', 'telephone', 'telefon', 'téléphone', 'mobile', 'e-mail', 'email', 'personal email', 'courrier', 'home page', 'homepage', 'website', 'site web', 'fax', 'nationality', 'staatsangehörigkeit', 'nationalité', 'date of birth', 'geburtsdatum', 'date de naissance']],
  ['label', ['desired employment', 'occupational field', 'gewünschte beschäftigung', 'emploi recherché', 'domaine de compétence']],
  ['summary', ['profile', 'profil', 'summary']],
  ['dates', ['dates', 'zeitraum', 'période']],
  ['title', ['occupation or position held', 'beruf oder funktion', 'fonction ou poste occupé', 'title of qualification awarded', 'title of qualification', 'bezeichnung der erworbenen qualifikation', 'bezeichnung der erworbenen', 'intitulé du certificat ou diplôme délivré', 'intitulé du certificat']],
  ['org', ['name of employer', 'name and address of employer', 'name des arbeitgebers', 'name und adresse des arbeitgebers', "nom de l'employeur", "nom et adresse de l'employeur", 'name of organisation providing education and training', 'name of organisation', 'name and type of organisation', 'name und art der bildungs- oder ausbildungseinrichtung', 'name der bildungseinrichtung', "nom de l'organisme", "nom et type de l'établissement"]],
  ['drop', ['main activities and responsibilities', 'main activities', 'wichtigste tätigkeiten und zuständigkeiten', 'wichtigste tätigkeiten', 'activités et responsabilités', 'principales activités et responsabilités', 'principales activités', 'type of business', 'tätigkeitsbereich', "type ou secteur d'activité", 'level in national', 'stufe der nationalen', 'niveau dans la classification']]
]
const KEYED = LABELS.flatMap(([role, names]) => names.map((n) => ({ role, key: letters(n.replace(/’/g, "'")) }))).sort((a, b) => b.key.length - a.key.length)
const BOILERPLATE = new Set(['EUROPASS', 'CURRICULUMVITAE', 'LEBENSLAUF', 'PERSONALINFORMATION', 'ANGABENZURPERSON', 'INFORMATIONSPERSONNELLES', 'INFORMATIONS', 'PERSONNELLES'])
// Words of wrapped labels left on a row of their own ("responsibilities", "education").
const LEFTOVER = new Set(LABELS.flatMap(([, names]) => names.flatMap((n) => n.split(/[\s/()']+/))).map(letters).filter(Boolean))

function roleOf (label: string): Role | null {
  const l = letters(label.replace(/’/g, "'"))
  if (!l) return null
  return KEYED.find((k) => l === k.key || (l.length >= 6 && (k.key.startsWith(l) || l.startsWith(k.key))))?.role ?? null
}

/** "Label: value" (one run, as labels.ts joins them) or a label run beside a value run. */
function split (line: Line): { role: Role, value: string } | null {
  if (line.segments.length > 1) { const role = roleOf(line.segments[0]!.text); if (role) return { role, value: line.segments.slice(1).map((s) => s.text).join(' ') } }
  const m = /^([^:]{2,60}):\s*(.*)$/.exec(line.text)
  if (m) { const role = roleOf(m[1]!); if (role) return { role, value: m[2]! } }
  return null
}

export function isForm (lines: Line[]): boolean {
  const roles = lines.map(split).filter(Boolean).map((s) => s!.role)
  return roles.filter((r) => r === 'title' || r === 'org' || r === 'dates').length >= 3 && roles.includes('name')
}

const plain = (text: string, like: Line, font = 'r', size = 1, extra: Partial<Line> = {}): Line =>
  lineOf([{ text, font, size }], { indent: 0, gap: like.gap, bullet: false, heading: 0, room: like.room, charWidth: like.charWidth, page: like.page, ...extra })

export function fromForm (lines: Line[]): Line[] {
  if (!isForm(lines)) return lines
  const out: Line[] = []
  let dates: string | null = null
  let pendingTitle: Line | null = null
  let lastWasLabel = false
  const flushTitle = () => { if (pendingTitle) out.push(pendingTitle); pendingTitle = null }
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!
    if (BOILERPLATE.has(letters(line.text))) continue
    const s = split(line)
    if (!s) {
      // The rest of a wrapped label ("responsibilities"), or a heading wrapped in the label
      // column ("Expérience" / "professionnelle"): the wrap is undone, the rest kept as it is.
      const words = line.text.split(/\s+/).map(letters)
      if (lastWasLabel && !line.bullet && line.segments[0]!.size <= 1.05 && words.length <= 3 && words.every((w) => LEFTOVER.has(w))) continue
      const prev = out[out.length - 1]
      if (prev && prev.segments.length === 1 && line.segments.length === 1 && line.segments[0]!.size > 1.1 && prev.segments[0]!.size === line.segments[0]!.size && line.gap < 1.5) {
        out[out.length - 1] = plain(`${prev.text} ${line.text}`, prev, prev.segments[0]!.font, prev.segments[0]!.size)
        continue
      }
      flushTitle()
      out.push(line)
      lastWasLabel = false
      continue
    }
    lastWasLabel = true
    const v = s.value.trim()
    switch (s.role) {
      case 'name': {
        // "Carter, Emily": surname first, as the form asks for it.
        const m = /^([^,]+),\s*([^,]+)$/.exec(v)
        out.unshift(plain(m ? `${m[2]} ${m[1]}` : v, line, 'name', 2, { heading: 1 }))
        break
      }
      case 'contact': if (v) out.push(plain(v, line)); break
      // Right under the name, where the header reads the label.
      case 'label': if (v) out.splice(out[0]?.segments[0]?.font === 'name' ? 1 : 0, 0, plain(v, line)); break
      case 'summary': out.push(plain(line.text.slice(0, line.text.indexOf(':')).trim() || 'Profile', line, 'h', 1.3, { gap: 3 }), plain(v, line)); break
      case 'dates': flushTitle(); dates = v; break
      case 'title':
        flushTitle()
        pendingTitle = lineOf([{ text: v, font: 'b', size: 1 }, ...(dates ? [{ text: dates, font: 'r', size: 1 }] : [])], { indent: 0, gap: line.gap, bullet: false, heading: 0, room: line.room, charWidth: line.charWidth, page: line.page })
        dates = null
        break
      case 'org': flushTitle(); if (v) out.push(plain(v, line, 'i')); break
      case 'drop': flushTitle(); break
    }
  }
  flushTitle()
  return out
}
