// Layout rules learnt from resumes cvgen did not print (samples/corpus): each on the smallest
// lines that show it, so a change that breaks one says which.
import t from 'tap'
import { logicalOrder } from './bidi.ts'
import { unstackBlocks } from './blocks.ts'
import { PdfPrinter } from './corpus.ts'
import { extractFields } from './fields.ts'
import { relabel, type PlacedItem } from './labels.ts'
import { lineOf, type Line, type Segment } from './lines.ts'
import { parseFile } from './parser.ts'
import { trailingRange } from './sections.ts'

const seg = (text: string, font = 'r', size = 1): Segment => ({ text, font, size })
const line = (segments: Segment[], extra: Partial<Line> = {}): Line => lineOf(segments, { indent: 0, gap: 1.2, bullet: false, heading: 0, room: 99, charWidth: 0.5, page: 1, ...extra })
const heading = (text: string) => line([seg(text, 'h', 1.3)], { gap: 2.8 })
const body = (text: string) => line([seg(text)])
const bullet = (text: string) => line([seg(text)], { bullet: true, indent: 2 })
const head = [line([seg('Ada Lovelace', 'h', 2)]), body('ada@example.com · +44 20 7946 0000')]
const draft = (lines: Line[]) => extractFields([...head, ...lines]).draft as any

t.test('a range at the end of a line', async (t) => {
  t.same(trailingRange('Deerfield, IL, Jun 2020 – Present'), { rest: 'Deerfield, IL', dates: { start: '2020-06' } })
  t.same(trailingRange('University of Leeds · 2014 – 2017'), { rest: 'University of Leeds', dates: { start: '2014', end: '2017' } })
  t.equal(trailingRange('Cut costs by 12% in a year'), null)
})

t.test('"Position at Company", "Position — Company" and the company on the line under the title', async (t) => {
  const work = (title: Line, ...rest: Line[]) => draft([heading('Experience'), title, ...rest]).work
  t.match(work(line([seg('Engineer at Acme', 'b'), seg('2019 – 2021')])), [{ position: 'Engineer', name: 'Acme', startDate: '2019', endDate: '2021' }])
  t.match(work(line([seg('Entwicklerin bei Nordlicht GmbH', 'b'), seg('2019 – 2021')])), [{ position: 'Entwicklerin', name: 'Nordlicht GmbH' }])
  t.match(work(line([seg('Data Analyst — Walgreens', 'b'), seg('2019 – 2021')])), [{ position: 'Data Analyst', name: 'Walgreens' }])
  t.match(work(line([seg('Engineer', 'b'), seg('at Acme')]), body('2019 – 2021')), [{ position: 'Engineer', name: 'Acme' }], 'a run starting with "at"')
  t.match(work(line([seg('Data Analyst', 'b'), seg('Jun 2020 – Present')]), line([seg('Walgreens | Deerfield, IL', 'i')]), bullet('Built a forecast')),
    [{ position: 'Data Analyst', name: 'Walgreens', location: 'Deerfield, IL', startDate: '2020-06', highlights: ['Built a forecast'] }])
  t.match(work(line([seg('Data Analyst', 'b')]), line([seg('Deerfield, IL, Jun 2020 – Present', 'i')])), [{ position: 'Data Analyst', startDate: '2020-06' }], 'the range at the end of the line under the title')
  t.match(work(line([seg('Data Analyst', 'b'), seg(','), seg('Walgreens', 'i'), seg(', Deerfield, IL.'), seg('Jun 2020 – Present')])),
    [{ position: 'Data Analyst', name: 'Walgreens', location: 'Deerfield, IL', startDate: '2020-06' }], 'position, company and place in runs of their own (moderncv)')
})

t.test('dates before titles, a date first on the title line, and list markers drawn as text', async (t) => {
  const d = draft([heading('Experience'), body('02/2020 – heute'), line([seg('Marketing-Managerin', 'b')]), line([seg('Otto Group – Hamburg', 'i')]),
    body('2016 – 2020'), line([seg('Junior Managerin', 'b')]), line([seg('Tchibo GmbH – Hamburg', 'i')])])
  t.match(d.work, [{ position: 'Marketing-Managerin', name: 'Otto Group', location: 'Hamburg', startDate: '2020-02' }, { position: 'Junior Managerin', name: 'Tchibo GmbH', startDate: '2016', endDate: '2020' }])
  const timeline = draft([heading('Experiencia laboral'), line([seg('mar. 2020 – Actualidad'), seg('Ingeniera de software', 'b')], { bullet: true, indent: 8 }), line([seg('BBVA · Madrid', 'i')], { bullet: true, indent: 8 })])
  t.match(timeline.work, [{ position: 'Ingeniera de software', name: 'BBVA', location: 'Madrid', startDate: '2020-03' }])
})

t.test('education: institution over degree, and degree "in" subject', async (t) => {
  t.match(draft([heading('Formation'), line([seg('Université Lumière Lyon 2', 'b'), seg('sept. 2015 – juin 2017')]), body('Master, Communication numérique')]).education,
    [{ institution: 'Université Lumière Lyon 2', studyType: 'Master', area: 'Communication numérique', startDate: '2015-09', endDate: '2017-06' }])
  t.match(draft([heading('Education'), line([seg('Master of Science in Physics', 'b'), seg('2014 – 2016')]), body('University of Leeds')]).education,
    [{ studyType: 'Master of Science', area: 'Physics', institution: 'University of Leeds' }])
})

t.test('skills separated by middots and bars; languages with the level in brackets; profiles in runs of their own', async (t) => {
  const d = draft([heading('Skills'), body('Backend: Go · Rust | SQL'), heading('Languages'), body('English (native)')])
  t.same(d.skills[0].keywords, ['Go', 'Rust', 'SQL'])
  const wrapped = draft([heading('Skills'), line([seg('Statistics:', 'b'), seg('A/B testing, Time')], { room: 2 }), line([seg('series, Regression')], { room: 8 }),
    line([seg('Backend:', 'b'), seg('Java, Spring Boot,')], { room: 1 }), line([seg('PostgreSQL')])])
  t.same(wrapped.skills.map((s: any) => [s.name, s.keywords]), [['Statistics', ['A/B testing', 'Time series', 'Regression']], ['Backend', ['Java', 'Spring Boot', 'PostgreSQL']]], 'a "Name: keywords" line wrapped')
  t.same(d.languages[0], { language: 'English', fluency: 'native' })
  t.same(draft([heading('Langues'), body('Français (langue maternelle), Anglais (courant)')]).languages,
    [{ language: 'Français', fluency: 'langue maternelle' }, { language: 'Anglais', fluency: 'courant' }], 'several on one line')
  const p = extractFields([line([seg('Ada Lovelace', 'h', 2)]), body('Analyst'), line([seg('Chicago · (312) 555-0148 ·'), seg('ada@example.com')]), line([seg('GitHub:'), seg('ada-l'), seg('(github.com/ada-l)')])]).draft as any
  t.equal(p.basics.location.city, 'Chicago', 'a bare place among contact details')
  t.equal(p.basics.phone, '(312) 555-0148', 'a separator left at a run\'s end is not part of the number')
  t.same(p.basics.profiles, [{ network: 'GitHub', username: 'ada-l', url: 'https://github.com/ada-l' }])
  const u = extractFields([line([seg('Ada Lovelace', 'h', 2)]), body('Analyst'), body('https://ada.dev')]).draft as any
  t.equal(u.basics.url, 'https://ada.dev', 'a bare URL is the home page')
  t.notOk(u.basics.profiles, 'not a profile on a network called "https"')
})

t.test('a label column of dates and labels beside the content is taken out', async (t) => {
  const item = (text: string, x: number, y: number, font = 'r'): PlacedItem => ({ text, x, y, x2: x + text.length * 5, size: 10, font })
  const items: PlacedItem[] = [item('Ada Lovelace', 100, 800, 'h'), item('Experience', 100, 760, 'h')]
  // Three entries, each with a date wrapped over two rows of a right-aligned column ending at 95.
  for (let k = 0; k < 3; k++) {
    const y = 740 - k * 60
    items.push(item('Sep', 95 - 15, y), item('Engineer, Acme', 100, y, 'b'), item('2017–Mar 2021', 95 - 65, y - 12), item('Built things that people use every day, at some scale', 110, y - 12), item('More things', 110, y - 24))
  }
  items.push(item('Skills', 100, 540, 'h'), item('Languages', 95 - 45, 520), item('Go, Python', 100, 520), item('Cloud', 95 - 25, 505), item('AWS, GCP', 100, 505))
  for (let k = 0; k < 8; k++) items.push(item(`Line ${k}`, 100, 480 - k * 12))
  const { items: out, left } = relabel(items, 10)
  t.equal(left, 100, 'the content starts at x 100')
  const dates = out.filter((i) => i.text === 'Sep 2017–Mar 2021')
  t.equal(dates.length, 3, 'each date joined across its rows')
  t.ok(dates.every((d) => d.x > 150), 'and moved to the end of its title row')
  t.ok(out.some((i) => i.text === 'Languages:') && out.some((i) => i.text === 'Cloud:'), 'other labels lead their row as "Label:"')
  t.same(relabel(items.filter((i) => i.x >= 100), 10).left, null, 'no label column: nothing changes')
})

t.test('a Europass form: field names beside their values are read as the fields they name', async (t) => {
  const row = (label: string, value: string, font = 'r') => line([seg(label, 'l'), seg(value, font)])
  const labelled = (text: string) => body(text)
  const d = extractFields([
    line([seg('Europass', 'h', 1.4)]), line([seg('Curriculum Vitae', 'h', 1.4)]), line([seg('Personal information', 'h', 1.2)]),
    row('Name / Surname', 'Carter, Emily', 'b'), row('Address', 'London'), row('Telephone', '+44 20 7946 0321'), row('E-mail', 'emily@example.com'),
    row('Desired employment', 'Senior Software Engineer'),
    heading('Work experience'),
    labelled('Dates: Apr 2021 – Present'), labelled('Occupation or position held: Senior Software Engineer'), labelled('Name of employer: Monzo Bank, London'),
    labelled('Main activities and'), body('responsibilities'), bullet('Led the ledger migration'),
    labelled('Dates: Sep 2017 – Mar 2021'), labelled('Occupation or position held: Software Engineer'), labelled('Name of employer: Ocado Technology, Hatfield'),
    heading('Education and training'),
    labelled('Dates: Sep 2012 – Jun 2015'), labelled('Title of qualification awarded: BSc, Computer Science'), labelled('Name of organisation providing education: University of Manchester')
  ]).draft as any
  t.match(d.basics, { name: 'Emily Carter', label: 'Senior Software Engineer', phone: '+44 20 7946 0321', email: 'emily@example.com', location: { city: 'London' } })
  t.match(d.work, [
    { position: 'Senior Software Engineer', name: 'Monzo Bank', location: 'London', startDate: '2021-04', highlights: ['Led the ledger migration'] },
    { position: 'Software Engineer', name: 'Ocado Technology', location: 'Hatfield', startDate: '2017-09', endDate: '2021-03' }
  ])
  t.match(d.education, [{ studyType: 'BSc', area: 'Computer Science', institution: 'University of Manchester', startDate: '2012-09', endDate: '2015-06' }])
})

t.test('contact details under a heading of their own are read as the header is', async (t) => {
  const d = extractFields([line([seg('Ada Lovelace', 'h', 2)]), body('Analyst'), heading('Kontakt'), body('ada@example.com'), body('+49 30 1234567'), heading('Berufserfahrung'), line([seg('Analystin', 'b'), seg('2019 – 2021')])]).draft as any
  t.match(d.basics, { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+49 30 1234567' })
  t.match(d.work, [{ position: 'Analystin', startDate: '2019' }])
})

t.test('a sidebar read first: the name in the largest type still heads the document', async (t) => {
  const d = extractFields([heading('Contact'), body('ada@example.com'), heading('Languages'), body('English: native'),
    line([seg('Ada Lovelace', 'h', 2.3)]), body('Analyst'), heading('Experience'), line([seg('Analyst', 'b'), seg('2019 – 2021')])]).draft as any
  t.match(d.basics, { name: 'Ada Lovelace', label: 'Analyst', email: 'ada@example.com' })
  t.same(d.languages, [{ language: 'English', fluency: 'native' }], 'the name is not a language')
})

t.test('a known section name set smaller than the headings is no heading (a skills group called "Languages")', async (t) => {
  const d = draft([heading('Skills'), line([seg('Languages', 'b')]), body('Go, Python'), line([seg('Cloud', 'b')]), body('AWS, GCP'),
    heading('Languages'), body('English: native'), heading('Experience'), line([seg('Analyst', 'b'), seg('2019 – 2021')])])
  t.same(d.skills.map((s: any) => [s.name, s.keywords]), [['Languages', ['Go', 'Python']], ['Cloud', ['AWS', 'GCP']]])
  t.same(d.languages, [{ language: 'English', fluency: 'native' }])
})

t.test('printed: small-capital headings and dash list markers', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const sc = (w: string) => `<h2 style="font-weight:bold"><span style="font-size:15pt">${w[0]}</span><span style="font-size:10pt">${w.slice(1).toUpperCase()}</span></h2>`
  const pdf = await printer.print(`<html><body style="font-family:sans-serif;font-size:11pt"><h1>Ada Lovelace</h1><p>ada@example.com</p>
    ${sc('Experience')}<p><b>Analyst</b>, Acme <span style="float:right">2019 – 2021</span></p>
    <div style="margin-left:2em">— Built the forecast</div><div style="margin-left:2em">— Ran the tests</div>
    ${sc('Skills')}<p>Data: SQL, Python</p></body></html>`)
  const d = (await parseFile('pdf', pdf)).draft as any
  t.match(d.work, [{ position: 'Analyst', name: 'Acme', startDate: '2019', endDate: '2021', highlights: ['Built the forecast', 'Ran the tests'] }])
  t.same(d.skills?.[0]?.keywords, ['SQL', 'Python'])
})

t.test('blocks side by side under one row of headings are read block by block', async (t) => {
  const at = (text: string, x: number, font = 'r', size = 1): Segment => ({ text, font, size, x })
  const lines = unstackBlocks([
    line([at('Contact', 0, 'h', 1.3), at('Skills', 20, 'h', 1.3), at('Languages', 40, 'h', 1.3)]),
    line([at('ada@example.com', 0), at('Data: SQL, Python', 20), at('English: native', 40)]),
    line([at('+44 20 7946 0000', 0), at('Cloud: AWS', 20), at('French: fluent', 40)])
  ])
  t.same(lines.map((l) => l.text), ['Contact', 'ada@example.com', '+44 20 7946 0000', 'Skills', 'Data: SQL, Python', 'Cloud: AWS', 'Languages', 'English: native', 'French: fluent'])
})

t.test('right-to-left rows: items given left to right as drawn come back in reading order', async (t) => {
  const u = (text: string, x: number, x2: number) => ({ text, x, x2, size: 10 })
  const read = (units: ReturnType<typeof u>[]) => logicalOrder(units).map((x) => x.text)
  t.same(read([u('ن', 0, 4), u('ا', 4, 6), u('م', 6, 10), u('ع', 10, 14)]), ['ع', 'م', 'ا', 'ن'], 'letters, drawn glyph by glyph')
  t.same(read([u('4567', 0, 20), u('123', 23, 38), u('79', 41, 51), u('962', 54, 69), u('+', 69, 74)]), ['+', '962', '79', '123', '4567'], 'numbers spaced apart')
  t.same(read([u('05', 0, 10), u('/', 10, 12), u('2018', 12, 32), u('–', 35, 40), u('حتى الآن', 43, 80)]), ['حتى الآن', '–', '05', '/', '2018'], 'a date is one number')
  // Latin words with commas: a browser keeps "BGP، OSPF" left to right (the comma against the
  // word it follows); XeTeX's bidi sets each word as a box of its own, right to left.
  t.same(read([u('BGP', 0, 20), u('،', 20, 22), u('OSPF', 25, 45), u('الشبكات:', 60, 90)]), ['الشبكات:', 'BGP', '،', 'OSPF'])
  t.same(read([u('OSPF', 0, 20), u('،', 22.5, 24.5), u('BGP', 24.5, 44.5), u('الشبكات:', 60, 90)]), ['الشبكات:', 'BGP', '،', 'OSPF'])
  t.same(read([u('MPLS', 0, 20), u('OSPF', 40, 60), u('BGP', 80, 100)]), ['BGP', 'OSPF', 'MPLS'], 'tags in a row, right to left')
  t.same(read([u('LinkedIn:', 0, 40), u('yhusseini', 43, 80)]), ['LinkedIn:', 'yhusseini'], 'a Latin phrase stays as it is')
})

t.test('printed right to left: name, contact, dates flush left and a card around each entry', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const pdf = await printer.print(`<html dir="rtl" lang="ar"><body style="font-family:'DejaVu Sans';font-size:10pt"><h1>يوسف الحسيني</h1>
    <p>+962 79 123 4567 · youssef@example.com</p><h2>الخبرة العملية</h2>
    <div style="padding:0 1.5em"><p><b>مهندس شبكات</b><span style="float:left">05/2018 – حتى الآن</span></p><p><i>أورانج الأردن، عمّان</i></p>
    <ul><li>تصميم الشبكة الأساسية</li></ul></div><h2>التعليم</h2><div style="padding:0 1.5em"><p><b>بكالوريوس في هندسة الاتصالات</b><span style="float:left">2009 – 2014</span></p><p>الجامعة الأردنية</p></div></body></html>`)
  const d = (await parseFile('pdf', pdf)).draft as any
  t.match(d.basics, { name: 'يوسف الحسيني', phone: '+962 79 123 4567', email: 'youssef@example.com' })
  t.match(d.work, [{ position: 'مهندس شبكات', name: 'أورانج الأردن', location: 'عمّان', startDate: '2018-05', highlights: ['تصميم الشبكة الأساسية'] }])
  t.match(d.education, [{ studyType: 'بكالوريوس', area: 'هندسة الاتصالات', institution: 'الجامعة الأردنية', startDate: '2009', endDate: '2014' }])
})

t.test('a section set in a box: lines at its own margin are no list items', async (t) => {
  const inset = (segments: Segment[], indent = 0.8) => line(segments, { bullet: true, indent })
  t.match(draft([heading('Experience'), inset([seg('Analyst', 'b'), seg('2019 – 2021')]), inset([seg('Acme | Leeds', 'i')]), inset([seg('Built the forecast')], 2)]).work,
    [{ position: 'Analyst', name: 'Acme', location: 'Leeds', startDate: '2019', highlights: ['Built the forecast'] }])
})

t.test('profiles by the site they link to: an icon and a username, or the address itself', async (t) => {
  const linked = (text: string, url: string): Segment => ({ text, font: 'r', size: 1, url })
  const d = extractFields([line([seg('Ada Lovelace', 'h', 2)]), body('Analyst'), line([linked('ada-l', 'https://gitlab.com/ada-l')]),
    body('linkedin.com/in/ada-lovelace'), line([seg('a'), linked('da@example.com', 'mailto:ada@example.com')]),
    line([seg('GitHub:'), seg('ada-l')]), body('(github.com/ada-l)')]).draft as any
  t.same(d.basics.profiles, [
    { network: 'GitLab', username: 'ada-l', url: 'https://gitlab.com/ada-l' },
    { network: 'LinkedIn', username: 'ada-lovelace', url: 'https://linkedin.com/in/ada-lovelace' },
    { network: 'GitHub', username: 'ada-l' }
  ], '"GitHub: ada-l" over its address wrapped in brackets is one profile')
  t.equal(d.basics.email, 'ada@example.com', 'a mailto: link says the address whole')
})
