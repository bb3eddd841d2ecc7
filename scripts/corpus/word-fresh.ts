// DOCX layouts of the fresh holdout (added 2026-12-03), written with the `docx` package like
// word.ts but built differently: "entrytables" (one borderless two-cell table per entry, dates
// in the left cell; headings are bold shaded paragraphs, not Heading styles) and "tabs" (no
// tables, no Heading styles, no Word numbering: dates then a tab then the title, hand-typed
// bullets with a hanging indent, the contact line spread with centre and right tabs).
import { AlignmentType, BorderStyle, Document, ExternalHyperlink, Paragraph, ShadingType, Table, TableCell, TableRow, TabStopType, TextRun, WidthType } from 'docx'
import { bare, fmtRange, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Layout } from './layouts.ts'
import { packDocx } from './word.ts'

type Style = 'entrytables' | 'tabs'
const FIELDS: Record<Style, string[]> = { entrytables: without('basics.profiles.url'), tabs: without('basics.profiles.username') }
const DESCRIPTIONS: Record<Style, string> = {
  entrytables: 'one borderless two-cell table per entry (dates left), bold shaded paragraphs as headings, contact in a three-cell table',
  tabs: 'no tables, Heading styles or numbering: dates, a tab, the title; typed bullets with hanging indent; contact spread by centre and right tabs'
}

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' }
const NOBORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE }
const run = (text: string, o: { bold?: boolean, italics?: boolean, size?: number, color?: string, allCaps?: boolean } = {}) => new TextRun({ text, font: 'Calibri', ...o })
const para = (children: (TextRun | ExternalHyperlink)[], o: Record<string, unknown> = {}) => new Paragraph({ children, ...o })
const link = (text: string, url: string) => new ExternalHyperlink({ link: url, children: [new TextRun({ text, style: 'Hyperlink', font: 'Calibri' })] })

function entrytables (r: Resume, lang: Lang): Document {
  const t = HEADINGS[lang]
  const b = r.basics
  const heading = (text: string) => para([run(text, { bold: true, size: 24, color: '7A1F5C' })], { shading: { type: ShadingType.CLEAR, fill: 'F3E5EE', color: 'auto' }, spacing: { before: 240, after: 100 } })
  const cell = (children: Paragraph[], pct: number) => new TableCell({ children, width: { size: pct, type: WidthType.PERCENTAGE }, margins: { top: 40, bottom: 40, left: 80, right: 80 } })
  const entry = (dates: string, body: Paragraph[]) => new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: NOBORDERS, rows: [new TableRow({ children: [cell([para([run(dates, { size: 18, color: '555555' })])], 26), cell(body, 74)] })] })
  const range = (a: string, z?: string) => fmtRange(a, z, lang, 'name')
  const gap = () => para([], { spacing: { after: 60 } })
  const contact = new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    borders: NOBORDERS,
    rows: [new TableRow({
      children: [
        cell([para([run(b.location.city)]), para([run(b.phone)])], 33),
        cell([para([link(b.email, `mailto:${b.email}`)]), para([link(bare(b.url), b.url)])], 34),
        cell(b.profiles.map((p) => para([run(`${p.network} : `), link(p.username, p.url)])), 33)
      ]
    })]
  })
  const children: (Paragraph | Table)[] = [
    para([run(b.name, { bold: true, size: 44, color: '7A1F5C' })]),
    para([run(b.label, { size: 26, italics: true })], { spacing: { after: 120 } }),
    contact,
    heading(t.summary), para([run(b.summary)]),
    heading(t.work),
    ...r.work.flatMap((w) => [entry(range(w.startDate, w.endDate), [
      para([run(w.position, { bold: true })]),
      para([run(`${w.name}, ${w.location ?? ''}`, { italics: true })]),
      ...(w.highlights ?? []).map((x) => new Paragraph({ children: [run(x)], bullet: { level: 0 } }))
    ]), gap()]),
    heading(t.education),
    ...r.education.flatMap((d) => [entry(range(d.startDate, d.endDate), [para([run(`${d.studyType} – ${d.area}`, { bold: true })]), para([run(d.institution, { italics: true })])]), gap()]),
    heading(t.skills),
    new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: NOBORDERS, rows: r.skills.map((s) => new TableRow({ children: [cell([para([run(s.name, { bold: true })])], 26), cell([para([run(s.keywords.join(', '))])], 74)] })) }),
    heading(t.languages),
    ...r.languages.map((l) => para([run(`${l.language} : `, { bold: true }), run(l.fluency)]))
  ]
  return new Document({ creator: b.name, title: `CV ${b.name}`, styles: { default: { document: { run: { font: 'Calibri', size: 20 } } } }, sections: [{ children }] })
}

function tabs (r: Resume, lang: Lang): Document {
  const t = HEADINGS[lang]
  const b = r.basics
  const heading = (text: string) => para([run(text, { bold: true, allCaps: true, size: 22 })], { border: { bottom: { style: BorderStyle.SINGLE, size: 4, color: '000000', space: 1 } }, spacing: { before: 220, after: 80 } })
  const tabbed = (left: string, right: (TextRun | ExternalHyperlink)[]) => para([run(left, { color: '444444' }), run('\t'), ...right], { tabStops: [{ type: TabStopType.LEFT, position: 2600 }], indent: { left: 2600, hanging: 2600 }, spacing: { before: 80 } })
  const bullet = (x: string) => para([run('•\t'), run(x)], { tabStops: [{ type: TabStopType.LEFT, position: 2900 }], indent: { left: 2900, hanging: 300 } })
  const range = (a: string, z?: string) => fmtRange(a, z, lang, 'name')
  const children: Paragraph[] = [
    para([run(b.name, { bold: true, allCaps: true, size: 40 })], { alignment: AlignmentType.CENTER }),
    para([run(b.label, { size: 24 })], { alignment: AlignmentType.CENTER, spacing: { after: 120 } }),
    para([run(b.location.city), run(`\t${b.phone}\t`), link(b.email, `mailto:${b.email}`)], { tabStops: [{ type: TabStopType.CENTER, position: 4800 }, { type: TabStopType.RIGHT, position: 9600 }] }),
    para([link(bare(b.url), b.url), run('\t'), ...b.profiles.flatMap((p, i) => [...(i ? [run('\t')] : []), link(`${p.network} ${bare(p.url)}`, p.url)])], { tabStops: [{ type: TabStopType.CENTER, position: 4800 }, { type: TabStopType.RIGHT, position: 9600 }] }),
    heading(t.summary), para([run(b.summary)]),
    heading(t.work),
    ...r.work.flatMap((w) => [tabbed(range(w.startDate, w.endDate), [run(w.position, { bold: true }), run(` | ${w.name} | ${w.location ?? ''}`)]), ...(w.highlights ?? []).map(bullet)]),
    heading(t.education),
    ...r.education.map((d) => tabbed(range(d.startDate, d.endDate), [run(`${d.studyType}, ${d.area}`, { bold: true }), run(` | ${d.institution}`)])),
    heading(t.skills),
    ...r.skills.map((s) => tabbed(s.name, [run(s.keywords.join(', '))])),
    heading(t.languages),
    ...r.languages.map((l) => tabbed(l.language, [run(l.fluency)]))
  ]
  return new Document({ creator: b.name, title: `${b.name} Resume`, styles: { default: { document: { run: { font: 'Calibri', size: 21 } } } }, sections: [{ properties: { page: { margin: { top: 1080, bottom: 1080, left: 1200, right: 1200 } } }, children }] })
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'docx (npm)',
    licence: 'docx package: MIT; layout: MIT (cvgen)',
    description: `Word-style DOCX "${style}" layout: ${DESCRIPTIONS[style]}`,
    fields: FIELDS[style],
    build: async () => {
      const r = loadTruth(truth)
      return packDocx(() => (style === 'entrytables' ? entrytables(r, lang) : tabs(r, lang)), `// Generated by scripts/corpus/word-fresh.ts: layout "${style}" for ${truth} (${lang}).\n// Reprint: npm run corpus:print -- ${id}\n`)
    }
  }
}
