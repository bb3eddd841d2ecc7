// DOCX layouts of the kinds Word templates use, written with the `docx` package (a
// dependency): a two-column table holding the whole page, a classic one with Heading styles
// and right tabs, and one with name and contact in the page header and a text box. Date is
// frozen at SOURCE_DATE_EPOCH while packing (core.xml dates and the zip's file times).
import { readFileSync } from 'node:fs'
import { AlignmentType, BorderStyle, Document, ExternalHyperlink, Header, HeadingLevel, Packer, Paragraph, ShadingType, Table, TableCell, TableRow, TabStopType, Textbox, TextRun, WidthType } from 'docx'
import { atEpoch, bare, fmtRange, FULL, HEADINGS, loadTruth, without, type Lang, type Resume } from './common.ts'
import type { Built, Layout } from './layouts.ts'

const EPOCH = 1764547200
const version = (JSON.parse(readFileSync(new URL('../../node_modules/docx/package.json', import.meta.url), 'utf8')) as { version: string }).version
type Style = 'table' | 'classic' | 'header' | 'rtl'
const FIELDS: Record<Style, string[]> = { table: FULL, classic: without('basics.profiles.username'), header: without('basics.profiles.network'), rtl: without('basics.profiles.username') }
/** Right-to-left paragraphs and runs (set by build() for the "rtl" style). */
let RTL = false

const NONE = { style: BorderStyle.NONE, size: 0, color: 'FFFFFF' }
const NOBORDERS = { top: NONE, bottom: NONE, left: NONE, right: NONE, insideHorizontal: NONE, insideVertical: NONE }
const p = (text: string, o: { bold?: boolean, italics?: boolean, size?: number, color?: string } = {}) => new Paragraph({ ...(RTL ? { bidirectional: true } : {}), children: [new TextRun({ text, ...(RTL ? { rightToLeft: true } : {}), ...o })] })
const link = (text: string, url: string) => new Paragraph({ children: [new ExternalHyperlink({ link: url, children: [new TextRun({ text, style: 'Hyperlink' })] })] })
const bullets = (list?: string[]) => (list ?? []).map((x) => new Paragraph({ ...(RTL ? { bidirectional: true } : {}), children: [new TextRun({ text: x, ...(RTL ? { rightToLeft: true } : {}) })], bullet: { level: 0 } }))

function build (r: Resume, lang: Lang, given: Style): Document {
  RTL = given === 'rtl'
  const style: Exclude<Style, 'rtl'> = given === 'rtl' ? 'classic' : given
  const t = HEADINGS[lang]
  const b = r.basics
  const range = (a: string, z?: string) => fmtRange(a, z, lang, style === 'table' ? 'slash' : 'name')
  const heading = (text: string) => style === 'classic'
    ? new Paragraph({ ...(RTL ? { bidirectional: true } : {}), children: [new TextRun({ text, ...(RTL ? { rightToLeft: true } : {}) })], heading: HeadingLevel.HEADING_1, spacing: { before: 240, after: 80 } })
    : new Paragraph({ children: [new TextRun({ text: text.toUpperCase(), bold: true, color: '1F4E79', size: 24 })], border: { bottom: { style: BorderStyle.SINGLE, size: 6, color: '1F4E79', space: 1 } }, spacing: { before: 200, after: 80 } })
  const workParas = r.work.flatMap((w) => style === 'classic'
    ? [new Paragraph({ children: [new TextRun({ text: w.position, bold: true, ...(RTL ? { rightToLeft: true } : {}) }), new TextRun({ text: `\t${range(w.startDate, w.endDate)}`, ...(RTL ? { rightToLeft: true } : {}) })], ...(RTL ? { bidirectional: true } : {}), tabStops: [{ type: TabStopType.RIGHT, position: 9600 }], spacing: { before: 120 } }),
        p(`${w.name}, ${w.location ?? ''}`, { italics: true }), ...bullets(w.highlights)]
    : [p(range(w.startDate, w.endDate), { color: '666666', size: 18 }), p(w.position, { bold: true }), p(`${w.name} – ${w.location ?? ''}`, { italics: true }), ...bullets(w.highlights)])
  const eduParas = r.education.flatMap((d) => style === 'classic'
    ? [new Paragraph({ children: [new TextRun({ text: d.institution, bold: true, ...(RTL ? { rightToLeft: true } : {}) }), new TextRun({ text: `\t${range(d.startDate, d.endDate)}`, ...(RTL ? { rightToLeft: true } : {}) })], ...(RTL ? { bidirectional: true } : {}), tabStops: [{ type: TabStopType.RIGHT, position: 9600 }], spacing: { before: 120 } }), p(`${d.studyType}, ${d.area}`)]
    : [p(range(d.startDate, d.endDate), { color: '666666', size: 18 }), p(`${d.studyType}, ${d.area}`, { bold: true }), p(d.institution, { italics: true })])
  const skillParas = r.skills.map((s) => new Paragraph({ ...(RTL ? { bidirectional: true } : {}), children: [new TextRun({ text: `${s.name}: `, bold: true, ...(RTL ? { rightToLeft: true } : {}) }), new TextRun({ text: s.keywords.join(lang === 'zh' ? '、' : lang === 'ar' ? '، ' : ', '), ...(RTL ? { rightToLeft: true } : {}) })] }))
  const langParas = r.languages.map((l) => p(`${l.language}: ${l.fluency}`))
  const contactParas = [p(b.location.city), p(b.phone), link(b.email, `mailto:${b.email}`), link(bare(b.url), b.url),
    ...b.profiles.map((pr) => style === 'header' ? link(pr.username, pr.url) : style === 'classic' ? link(`${pr.network}: ${bare(pr.url)}`, pr.url) : link(`${pr.network}: ${pr.username}`, pr.url))]

  if (style === 'table') {
    const cell = (children: Paragraph[], width: number, shade?: string) => new TableCell({ children, width: { size: width, type: WidthType.PERCENTAGE }, margins: { top: 120, bottom: 120, left: 160, right: 160 }, ...(shade ? { shading: { type: ShadingType.CLEAR, fill: shade, color: 'auto' } } : {}) })
    const left = [p(b.name, { bold: true, size: 36 }), p(b.label, { color: '1F4E79', size: 24 }), heading(t.contact), ...contactParas, heading(t.skills), ...skillParas, heading(t.languages), ...langParas]
    const right = [heading(t.summary), p(b.summary), heading(t.work), ...workParas, heading(t.education), ...eduParas]
    return new Document({
      creator: b.name,
      title: `${b.name} CV`,
      sections: [{ children: [new Table({ width: { size: 100, type: WidthType.PERCENTAGE }, borders: NOBORDERS, rows: [new TableRow({ children: [cell(left, 34, 'EAF1FB'), cell(right, 66)] })] })] }]
    })
  }
  const body = [heading(t.summary), p(b.summary), heading(t.work), ...workParas, heading(t.education), ...eduParas, heading(t.skills), ...skillParas, heading(t.languages), ...langParas]
  if (style === 'classic') {
    return new Document({
      creator: b.name,
      title: `${b.name} CV`,
      sections: [{ children: [new Paragraph({ ...(RTL ? { bidirectional: true } : {}), children: [new TextRun({ text: b.name, ...(RTL ? { rightToLeft: true } : {}) })], heading: HeadingLevel.TITLE }), p(b.label, { italics: true }), ...contactParas, ...body] }]
    })
  }
  // header: name and label in the page header; contact in a floating text box at the right.
  const box = new Textbox({ children: contactParas, style: { width: '2.2in', height: 'auto', position: 'absolute', left: '4.6in', top: '0in', wrapStyle: 'square' } })
  return new Document({
    creator: b.name,
    title: `${b.name} CV`,
    sections: [{
      headers: { default: new Header({ children: [new Paragraph({ alignment: AlignmentType.LEFT, children: [new TextRun({ text: b.name, bold: true, size: 40 })] }), p(b.label, { color: '7C2D12', size: 26 })] }) },
      children: [box, ...body]
    }]
  })
}

/** A document packed at the corpus's epoch (docx stamps the time), with its generator note. */
export async function packDocx (doc: () => Document, generator: string): Promise<Built> {
  const data = await atEpoch(EPOCH, () => Packer.toBuffer(doc()))
  return { sources: [{ name: 'generator.txt', data: generator }], prints: [{ name: 'cv.docx', data }], toolVersion: version }
}

export function layout (id: string, truth: string, lang: Lang, style: Style): Layout {
  return {
    id,
    lang,
    truth,
    tool: 'docx (npm)',
    licence: 'docx package: MIT; layout: MIT (cvgen)',
    description: `Word-style DOCX "${style}" layout${style === 'table' ? ' (whole page in a two-column table)' : style === 'header' ? ' (name in the page header, contact in a text box)' : style === 'rtl' ? ' (right-to-left paragraphs and runs)' : ''}`,
    fields: FIELDS[style],
    build: async () => {
      return packDocx(() => build(loadTruth(truth), lang, style), `// Generated by scripts/corpus/word.ts: layout "${style}" for ${truth} (${lang}).\n// Reprint: npm run corpus:print -- ${id}\n`)
    }
  }
}
