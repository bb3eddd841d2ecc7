// DOCX layout of the third holdout (added 2026-12-07), written with the `docx` package:
// "numbered" is how Word's own résumé templates are built and none of the earlier DOCX layouts
// is: the contact in a labelled four-cell-wide table under the name, real Heading 2 paragraphs,
// highlights and skills as Word numbering (a bullet list definition in numbering.xml, not the
// package's default bullets and not typed characters), "position — employer" with a right tab to
// the dates, languages in a two-column table. Right-to-left (bidi paragraphs and runs, table
// laid out right to left) for Arabic; an East Asian font for Chinese.
import { AlignmentType, BorderStyle, Document, ExternalHyperlink, HeadingLevel, LevelFormat, Paragraph, Table, TableCell, TableRow, TabStopType, TextRun, WidthType } from 'docx'
import { bare, fmtRange, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Layout } from './layouts.ts'
import { packDocx } from './word.ts'

const LABELS: Record<Lang, { phone: string, email: string, web: string, city: string }> = {
  en: { phone: 'Phone', email: 'Email', web: 'Website', city: 'City' },
  de: { phone: 'Telefon', email: 'E-Mail', web: 'Webseite', city: 'Ort' },
  fr: { phone: 'Téléphone', email: 'Courriel', web: 'Site web', city: 'Ville' },
  es: { phone: 'Teléfono', email: 'Correo', web: 'Web', city: 'Ciudad' },
  ar: { phone: 'الهاتف', email: 'البريد الإلكتروني', web: 'الموقع', city: 'المدينة' },
  zh: { phone: '电话', email: '邮箱', web: '主页', city: '城市' }
}
const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' }
const LINES = { top: NONE, left: NONE, right: NONE, bottom: { style: BorderStyle.SINGLE, size: 2, color: 'BFBFBF' }, insideHorizontal: { style: BorderStyle.SINGLE, size: 2, color: 'BFBFBF' }, insideVertical: NONE }

function numbered (r: Resume, lang: Lang): Document {
  const t = HEADINGS[lang]
  const L = LABELS[lang]
  const b = r.basics
  const rtl = lang === 'ar'
  const font = lang === 'zh' ? 'Microsoft YaHei' : lang === 'ar' ? 'Arial' : 'Cambria'
  const dir = rtl ? { bidirectional: true } : {}
  const run = (text: string, o: { bold?: boolean, italics?: boolean, size?: number, color?: string } = {}) => new TextRun({ text, font, ...(rtl ? { rightToLeft: true } : {}), ...o })
  const para = (children: (TextRun | ExternalHyperlink)[], o: Record<string, unknown> = {}) => new Paragraph({ ...dir, children, ...o })
  const link = (text: string, url: string) => new ExternalHyperlink({ link: url, children: [new TextRun({ text, style: 'Hyperlink', font })] })
  const item = (children: TextRun[]) => para(children, { numbering: { reference: 'cv-bullets', level: 0 } })
  const heading = (text: string) => para([run(text)], { heading: HeadingLevel.HEADING_2, spacing: { before: 260, after: 80 } })
  const tabbed = (left: TextRun[], right: string) => para([...left, run('\t'), run(right, { color: '595959' })], { tabStops: [{ type: TabStopType.RIGHT, position: 9500 }], spacing: { before: 120 } })
  const range = (a: string, z?: string) => fmtRange(a, z, lang, lang === 'zh' ? 'cjk' : 'name')
  const join = lang === 'zh' ? '｜' : ' — '
  const cell = (children: Paragraph[], pct: number) => new TableCell({ children, width: { size: pct, type: WidthType.PERCENTAGE }, margins: { top: 30, bottom: 30, left: 60, right: 60 } })
  const label = (x: string) => para([run(x, { bold: true, color: '1F4E79', size: 18 })])
  const value = (x: TextRun | ExternalHyperlink) => para([x])
  const table = (rows: TableCell[][]) => new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: LINES, ...(rtl ? { visuallyRightToLeft: true } : {}), rows: rows.map((children) => new TableRow({ children })) })
  const contact = table([
    [cell([label(L.city)], 16), cell([value(run(b.location.city))], 34), cell([label(L.phone)], 16), cell([value(run(b.phone))], 34)],
    [cell([label(L.email)], 16), cell([value(link(b.email, `mailto:${b.email}`))], 34), cell([label(L.web)], 16), cell([value(link(bare(b.url), b.url))], 34)],
    [cell([label(b.profiles[0]!.network)], 16), cell([value(run(b.profiles[0]!.username))], 34), cell([label(b.profiles[1]!.network)], 16), cell([value(run(b.profiles[1]!.username))], 34)]
  ])
  const children: (Paragraph | Table)[] = [
    para([run(b.name)], { heading: HeadingLevel.TITLE }),
    para([run(b.label, { size: 26, color: '1F4E79' })], { spacing: { after: 160 } }),
    contact,
    heading(t.summary), para([run(b.summary)]),
    heading(t.work),
    ...r.work.flatMap((w) => [
      tabbed([run(w.position, { bold: true }), run(`${join}${w.name}`)], range(w.startDate, w.endDate)),
      para([run(w.location ?? '', { italics: true, color: '595959' })]),
      ...(w.highlights ?? []).map((x) => item([run(x)]))
    ]),
    heading(t.education),
    ...r.education.flatMap((d) => [tabbed([run(d.institution, { bold: true })], range(d.startDate, d.endDate)), para([run(`${d.studyType}${lang === 'zh' ? '，' : lang === 'ar' ? '، ' : ', '}${d.area}`)])]),
    heading(t.skills),
    ...r.skills.map((s) => item([run(`${s.name}${lang === 'zh' ? '：' : ' : '}`, { bold: true }), run(s.keywords.join(lang === 'zh' ? '、' : lang === 'ar' ? '، ' : ', '))])),
    heading(t.languages),
    table(r.languages.map((l) => [cell([para([run(l.language, { bold: true })])], 40), cell([para([run(l.fluency)])], 60)]))
  ]
  return new Document({
    creator: b.name,
    title: `CV – ${b.name}`,
    styles: { default: { document: { run: { font, size: 21 } } } },
    numbering: { config: [{ reference: 'cv-bullets', levels: [{ level: 0, format: LevelFormat.BULLET, text: '▪', alignment: rtl ? AlignmentType.RIGHT : AlignmentType.LEFT, style: { paragraph: { indent: { left: 500, hanging: 260 } } } }] }] },
    sections: [{ properties: { page: { margin: { top: 1000, bottom: 1000, left: 1150, right: 1150 } } }, children }]
  })
}

export function layout (id: string, truth: string, lang: Lang): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'docx (npm)',
    licence: 'docx package: MIT; layout: MIT (cvgen)',
    description: `Word-style DOCX "numbered" layout: contact in a labelled table under the name, Heading 2 headings, highlights and skills as Word numbering, "position — employer" with a right tab to the dates, languages in a table${lang === 'ar' ? '; right to left' : ''}`,
    fields: without('basics.profiles.url'),
    build: async () => {
      const r = loadTruth(truth)
      return packDocx(() => numbered(r, lang), `// Generated by scripts/corpus/word-1207.ts: layout "numbered" for ${truth} (${lang}).\n// Reprint: npm run corpus:print -- ${id}\n`)
    }
  }
}
