// Resumes in German, French, Spanish, Arabic and Chinese: their section headings, month
// names, open ends and range words are read like English ones. (Chinese printed by Chromium
// is not tested here: Skia splits a CJK font into one Type3 font per 256 glyph ids, so font
// runs say nothing about style; that is the external corpus's business.)
import { Document, HeadingLevel, Packer, Paragraph, TabStopType, TextRun } from 'docx'
import t from 'tap'
import { PdfPrinter } from './corpus.ts'
import { normalizeDate, parseRange } from './dates.ts'
import { printable } from './lines.ts'
import { parseFile } from './parser.ts'
import { pdfLines } from './pdf.ts'
import { headingKind } from './sections.ts'

t.test('dates in six languages', async (t) => {
  const ranges: [string, { start?: string, end?: string } | null][] = [
    ['März 2021 – heute', { start: '2021-03' }], ['Okt. 2018 – Dez. 2020', { start: '2018-10', end: '2020-12' }], ['03.2019 – 06.2021', { start: '2019-03', end: '2021-06' }],
    ['seit 2020', { start: '2020' }], ['2019 bis 2021', { start: '2019', end: '2021' }],
    ["févr. 2019 à aujourd'hui", { start: '2019-02' }], ['juin 2018 - juil. 2020', { start: '2018-06', end: '2020-07' }], ['depuis septembre 2022', { start: '2022-09' }],
    ['enero de 2020 - actualidad', { start: '2020-01' }], ['Abr 2017 – Dic 2019', { start: '2017-04', end: '2019-12' }], ['2015 a 2017', { start: '2015', end: '2017' }],
    ['مارس ٢٠٢١ - حتى الآن', { start: '2021-03' }], ['كانون الثاني 2020 – آب 2021', { start: '2020-01', end: '2021-08' }], ['يناير 2016 إلى ديسمبر 2018', { start: '2016-01', end: '2018-12' }],
    ['2021年3月 - 至今', { start: '2021-03' }], ['2019.03 - 2021.06', { start: '2019-03', end: '2021-06' }], ['２０１８年９月～２０２０年７月', { start: '2018-09', end: '2020-07' }],
    ['Berlin 2021', null], ['Senior Engineer', null]
  ]
  for (const [text, want] of ranges) t.same(parseRange(text), want, text)
  t.equal(normalizeDate('Sept. 2019'), '2019-09')
  t.equal(normalizeDate('Summer 2017'), '2017', 'a season is the year')
})

t.test('section headings in six languages', async (t) => {
  const cases: [string, string][] = [
    ['Berufserfahrung', 'work'], ['Ausbildung', 'education'], ['Kenntnisse', 'skills'], ['Sprachkenntnisse', 'languages'], ['Über mich', 'summary'],
    ['Expérience professionnelle', 'work'], ['FORMATION', 'education'], ['Compétences', 'skills'], ['Langues', 'languages'], ["Centres d'intérêt", 'interests'],
    ['Experiencia laboral', 'work'], ['Educación', 'education'], ['Habilidades', 'skills'], ['Idiomas', 'languages'], ['Sobre mí', 'summary'],
    ['الخبرة المهنية', 'work'], ['التعليم', 'education'], ['المهارات', 'skills'], ['اللغات', 'languages'], ['نبذة عني', 'summary'],
    ['工作经历', 'work'], ['教育背景', 'education'], ['专业技能', 'skills'], ['语言能力', 'languages'], ['个人简介', 'summary'], ['项目经历', 'projects']
  ]
  for (const [text, kind] of cases) t.equal(headingKind(text), kind, text)
})

t.test('a German resume, printed, is read into sections with its dates', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const page = (lang: string, body: string) => `<html lang="${lang}"><body style="font-family:'Noto Sans','Noto Sans CJK SC',sans-serif;font-size:11pt">${body}</body></html>`
  const job = (title: string, org: string, dates: string, bullet: string) =>
    `<p><b>${title}</b>, ${org}<span style="float:right">${dates}</span></p><ul><li>${bullet}</li></ul>`
  const de = await parseFile('pdf', await printer.print(page('de', `<h1>Jonas Becker</h1><p>jonas.becker@example.de · +49 30 1234567</p>
    <h2>Berufserfahrung</h2>${job('Softwareentwickler', 'Nordlicht GmbH', 'März 2021 – heute', 'Baute die Abrechnung neu')}${job('Werkstudent', 'Datenwerk AG', 'Okt. 2018 – Feb. 2021', 'Schrieb Tests für die API')}
    <h2>Ausbildung</h2>${job('Informatik', 'TU Berlin', '2014 – 2018', 'Abschluss mit Auszeichnung')}
    <h2>Kenntnisse</h2><p>Sprachen: TypeScript, Go, SQL</p>`)))
  const d = de.draft as any
  t.same(d.work?.map((w: any) => [w.position, w.name, w.startDate, w.endDate]), [
    ['Softwareentwickler', 'Nordlicht GmbH', '2021-03', undefined],
    ['Werkstudent', 'Datenwerk AG', '2018-10', '2021-02']
  ], 'German: work entries with their dates')
  t.equal(d.education?.[0]?.startDate, '2014')
  t.same(d.skills?.[0]?.keywords, ['TypeScript', 'Go', 'SQL'])
})

t.test('a Chinese resume in DOCX is read into sections with its dates', async (t) => {
  const title = (text: string, org: string, dates: string) => new Paragraph({ tabStops: [{ type: TabStopType.RIGHT, position: 9000 }], children: [new TextRun({ text, bold: true }), new TextRun(`, ${org}\t${dates}`)] })
  const doc = new Document({
    sections: [{
      children: [
        new Paragraph({ text: '王小明', heading: HeadingLevel.TITLE }), new Paragraph('xiaoming.wang@example.cn · +86 138 0013 8000'),
        new Paragraph({ text: '工作经历', heading: HeadingLevel.HEADING_1 }), title('高级工程师', '星辰科技', '2021年3月 - 至今'), new Paragraph({ text: '负责支付系统重构', bullet: { level: 0 } }),
        title('工程师', '云帆网络', '2017年7月 - 2021年2月'),
        new Paragraph({ text: '教育背景', heading: HeadingLevel.HEADING_1 }), title('计算机科学', '浙江大学', '2013年9月 - 2017年6月'),
        new Paragraph({ text: '专业技能', heading: HeadingLevel.HEADING_1 }), new Paragraph('后端: Java, Go, MySQL')
      ]
    }]
  })
  const z = (await parseFile('docx', await Packer.toBuffer(doc))).draft as any
  t.same(z.work?.map((w: any) => [w.position, w.name, w.startDate, w.endDate]), [['高级工程师', '星辰科技', '2021-03', undefined], ['工程师', '云帆网络', '2017-07', '2021-02']], 'work entries with their dates')
  t.same([z.education?.[0]?.startDate, z.education?.[0]?.endDate], ['2013-09', '2017-06'])
  t.same(z.skills?.[0]?.keywords, ['Java', 'Go', 'MySQL'])
})

t.test('Han characters drawn as Kangxi radicals read as the characters they are', async (t) => {
  t.equal(printable('⼯作经历 ⾼级⼯程师'), '工作经历 高级工程师')
  t.equal(headingKind(printable('⼯作经历')), 'work')
})

t.test('Chinese with Latin words in it, printed, stays one run; full-width punctuation reads as ASCII', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const pdf = await printer.print('<html lang="zh"><body style="font-size:11pt"><p>推动团队使用TypeScript和单元测试</p><p>语言：中文（母语）</p></body></html>')
  const lines = await pdfLines(new Uint8Array(pdf))
  t.equal(lines[0]?.segments.length, 1, `one run: ${JSON.stringify(lines[0]?.segments.map((s) => s.text))}`)
  t.match(lines[0]?.text, /^推动团队使用 ?TypeScript ?和单元测试$/)
  t.equal(lines[1]?.text, '语言:中文(母语)')
})
