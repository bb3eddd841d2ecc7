// Layout rules of the 2026-12-07 round (samples/corpus tune files): each on the smallest lines
// that show it, like layouts.test.ts, so a change that breaks one says which.
import t from 'tap'
import { unglueHeadings, ungutter } from './blocks.ts'
import { parseRange } from './dates.ts'
import { extractFields } from './fields.ts'
import { lineOf, printable, type Line, type Segment } from './lines.ts'
import { headingKind, trailingRange } from './sections.ts'

const seg = (text: string, font = 'r', size = 1, x?: number): Segment => ({ text, font, size, ...(x === undefined ? {} : { x }) })
const line = (segments: Segment[], extra: Partial<Line> = {}): Line => lineOf(segments, { indent: 0, gap: 1.2, bullet: false, heading: 0, room: 99, charWidth: 0.5, page: 1, ...extra })
const heading = (text: string) => line([seg(text, 'h', 1.3)], { gap: 2.8 })
const body = (text: string) => line([seg(text)])
const head = [line([seg('Ada Lovelace', 'h', 2)]), body('ada@example.com · +44 20 7946 0000')]
const draft = (lines: Line[]) => extractFields([...head, ...lines]).draft as any

t.test('headings in a gutter beside their content get lines of their own', async (t) => {
  const lines = [
    line([seg('Ada Lovelace', 'h', 2)]),
    line([seg('EXPERIENCE', 'h', 0.95, 0), seg('Engineer', 'b', 1, 12), seg(', Acme', 'r', 1, 16)]),
    line([seg('Jan 2020 – Present', 'r', 0.9, 12)], { indent: 12, bullet: true }),
    line([seg('Built a compiler', 'r', 1, 13)], { indent: 13, bullet: true, marked: true }),
    line([seg('EDUCATION', 'h', 0.95, 0), seg('BSc, Physics', 'b', 1, 12)]),
    line([seg('2014 – 2017', 'r', 0.9, 12)], { indent: 12, bullet: true }),
    line([seg('SKILLS', 'h', 0.95, 0), seg('Code: Go, Rust', 'r', 1, 12)])
  ]
  const out = ungutter(lines)
  t.same(out.map((l) => l.text), ['Ada Lovelace', 'EXPERIENCE', 'Engineer , Acme', 'Jan 2020 – Present', 'Built a compiler', 'EDUCATION', 'BSc, Physics', '2014 – 2017', 'SKILLS', 'Code: Go, Rust'])
  t.same(out.filter((l) => l.bullet).map((l) => l.text), ['Built a compiler'], 'the content column is no list; a marked item still is')
  t.same(ungutter(lines.slice(0, 4)), lines.slice(0, 4), 'one such line is no gutter')
})

t.test('a heading on the baseline of the line before it, with its wrapped second word', async (t) => {
  const out = unglueHeadings([line([seg('Développeur JavaScript et PHP.'), seg('Expérience', 'h', 1.2, 41)]), line([seg('professionnelle', 'h', 1.2)]), body('Cdiscount')])
  t.same(out.map((l) => l.text), ['Développeur JavaScript et PHP.', 'Expérience professionnelle', 'Cdiscount'])
  t.equal(headingKind('Kenntnisse & Sprachen'), 'skills', 'two names joined name the first')
})

t.test('ranges: in brackets, in two fonts, with no dash, in right-to-left page order', async (t) => {
  t.same(trailingRange('مديرة تدقيق — إرنست ويونغ (يناير 2020 – حتى الآن)')?.dates, { start: '2020-01' })
  t.same(parseRange('2020.07 ‒ 至今'), { start: '2020-07' }, 'a figure dash')
  t.same(parseRange('سبتمبر 2014 أبريل 2018'), { start: '2014-09', end: '2018-04' }, 'no dash drawn')
  t.same(parseRange('/2016 09 - /2019 12'), { start: '2016-09', end: '2019-12' })
  const work = draft([heading('Experience'), line([seg('拼多多', 'c', 1, 0), seg('高级前端工程师', 'c', 1, 16), seg('上海', 'c', 1, 28), seg('2020.07', 'l', 1, 40), seg('‒ 至今', 'l', 1, 44)])]).work
  t.match(work, [{ name: '拼多多', position: '高级前端工程师', location: '上海', startDate: '2020-07' }], 'company first in grid cells, the range in two runs')
})

t.test('contact labels, places after the employer, languages and skills in cells', async (t) => {
  const d = extractFields([line([seg('Ada Lovelace', 'h', 2)]), body('Phone: +44 20 7946 0000'), body('City: London'), body('Boston / ada@example.com'),
    heading('Experience'), line([seg('Engineer', 'b'), seg(', Chime, San Francisco'), seg('2019 – 2021')]),
    heading('Languages'), line([seg('English', 'r', 1, 0), seg('Native', 'r', 1, 10)]), body('German – Fluent; French – Basic'),
    heading('Skills'), line([seg('Methods', 'r', 1, 0), seg('Bayesian statistics, ATAC-seq', 'r', 1, 10)]), body('Data ✔ SQL ✔ Spark')]).draft as any
  t.match(d.basics, { phone: '+44 20 7946 0000', email: 'ada@example.com', location: { city: 'London' } })
  t.match(d.work, [{ position: 'Engineer', name: 'Chime', location: 'San Francisco' }])
  t.match(d.languages, [{ language: 'English', fluency: 'Native' }, { language: 'German', fluency: 'Fluent' }, { language: 'French', fluency: 'Basic' }])
  t.match(d.skills, [{ name: 'Methods', keywords: ['Bayesian statistics', 'ATAC-seq'] }])
  t.equal(printable('详情⻚'), '详情页', 'a radicals-supplement glyph is its character')
})
