// The parser's quality gates: `npm run cli -- parse eval --corpus themes` (every fixture x every theme and
// theme variant, printed by Chromium, plus DOCX) must keep each theme at >= 90 % of fields
// exact and the whole corpus at >= 95 %; a two-column page must not interleave; dates
// normalise to the JSON Resume pattern; a file that runs too long is stopped.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { testEnv } from '../../test/helper.ts'
import { runCli } from '../../test/process.ts'
import { PdfPrinter } from './corpus.ts'
import { normalizeDate, parseRange } from './dates.ts'
import { extractFields } from './fields.ts'
import { parseFile } from './parser.ts'
import { MAX_PAGES, pdfLines } from './pdf.ts'
import { validateResume } from './result.ts'
import { ParserPool } from './sandbox.ts'

const FLOOR = 0.9
const OVERALL = 0.95

t.test('parse eval: per-theme accuracy floor', async (t) => {
  const env = await testEnv(t, { LOG_LEVEL: 'warn' })
  const run = await runCli(['parse', 'eval', '--corpus', 'themes'], env, 240_000)
  t.equal(run.code, 0, run.stderr)
  t.comment(run.stdout)
  const rows = [...run.stdout.matchAll(/^\| (\S+) \| (\w*) \| (\d+) \| (\d+) \| (\d+) \| ([\d.]+) % \|/gm)]
    .map((m) => ({ theme: m[1]!, format: m[2]!, files: Number(m[3]), fields: Number(m[4]), accuracy: Number(m[6]) / 100 }))
  const themes = rows.filter((r) => r.theme !== 'all')
  t.same(themes.map((r) => r.theme).sort(), ['classic', 'compact', 'docx', 'modern'], 'every built-in theme and DOCX is measured')
  for (const r of themes) {
    t.ok(r.fields > 100, `${r.theme}: ${r.fields} fields measured`)
    t.ok(r.accuracy >= FLOOR, `${r.theme}/${r.format}: ${(r.accuracy * 100).toFixed(1)} % >= ${FLOOR * 100} %`)
  }
  const all = rows.find((r) => r.theme === 'all')
  t.ok(all && all.accuracy >= OVERALL, `all: ${all?.accuracy} >= ${OVERALL}`)
})

t.test('a two-column page is read column by column', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const pdf = await printer.print(readFileSync(new URL('../../test/fixtures/parse/two-column.html', import.meta.url), 'utf8'))
  const lines = await pdfLines(new Uint8Array(pdf))
  const texts = lines.map((l) => l.text)
  const left = ['Noor Haddad', 'SKILLS', 'Cloud: GCP, BigQuery, Terraform', 'English: Fluent']
  const right = ['SUMMARY', 'EXPERIENCE', 'EDUCATION', 'University of Leeds']
  for (const l of left) t.ok(texts.includes(l), `line "${l}" is whole (no text of the other column on it)`)
  t.ok(Math.max(...left.map((l) => texts.indexOf(l))) < Math.min(...right.map((r) => texts.indexOf(r))), 'the left column is read first')

  const { draft } = extractFields(lines)
  t.ok(validateResume(draft))
  const d = draft as any
  t.equal(d.basics.name, 'Noor Haddad')
  t.equal(d.basics.location.countryCode, 'GB')
  t.same(d.skills.map((s: any) => s.name), ['Data', 'Cloud'])
  t.same(d.languages[0], { language: 'Arabic', fluency: 'Native speaker' })
  t.match(d.basics.summary, /^Data engineer who builds .* before the dashboard\.$/)
  t.same(d.work.map((w: any) => [w.position, w.name, w.startDate, w.endDate]), [
    ['Senior Data Engineer', 'Lumen Analytics', '2021-04', undefined],
    ['Data Engineer', 'Harbour Logistics', '2017-09', '2021-03']
  ])
  t.same(d.work[0].highlights, ['Moved 140 nightly jobs from cron scripts to Airflow with retries and alerting', 'Cut warehouse cost by 38% by partitioning the largest BigQuery tables'])
  t.same(d.education[0], { studyType: 'BSc', area: 'Mathematics', startDate: '2014-09', endDate: '2017-06', institution: 'University of Leeds' })
})

t.test('keyword lists wrapped by a narrow column stay one list', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const html = readFileSync(new URL('../../test/fixtures/parse/two-column.html', import.meta.url), 'utf8')
    .replace('grid-template-columns:37% 1fr', 'grid-template-columns:22% 1fr')
  const lines = await pdfLines(new Uint8Array(await printer.print(html)))
  t.ok(lines.some((l) => l.text === 'dbt' || (l.text.endsWith(' dbt') && !l.text.startsWith('Data'))), 'the narrow column does wrap the list')
  const d = extractFields(lines).draft as any
  t.same(d.skills.map((s: any) => [s.name, s.keywords]), [
    ['Data', ['Python', 'Spark', 'Airflow', 'dbt']],
    ['Cloud', ['GCP', 'BigQuery', 'Terraform']]
  ])
})

t.test('dates normalise to the JSON Resume pattern', async (t) => {
  const cases: [string, string | undefined][] = [
    ['Mar 2021', '2021-03'], ['March 2021', '2021-03'], ['Sept. 2019', '2019-09'], ['03/2021', '2021-03'], ['2021-03', '2021-03'],
    ['2021-03-15', '2021-03-15'], ['2016', '2016'], ['Summer 2017', '2017'], ['13/2020', '2020'], ['Someday', undefined], ['1850', undefined]
  ]
  for (const [text, want] of cases) t.equal(normalizeDate(text), want, text)
  t.same(parseRange('Mar 2021 – Jun 2024'), { start: '2021-03', end: '2024-06' })
  t.same(parseRange('2019 - Present'), { start: '2019' })
  t.same(parseRange('(Apr 2022)'), { start: '2022-04' })
  t.equal(parseRange('Senior Engineer'), null)
})

t.test('a parse that runs over its time is stopped, and the pool recovers', async (t) => {
  const file = readFileSync(new URL('../../test/fixtures/parse/two-column.html', import.meta.url))
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  const pdf = await printer.print(file.toString())
  await printer.close()
  const slow = new ParserPool(1, { timeoutMs: 1, memoryMb: 512 })
  t.teardown(() => slow.close())
  await t.rejects(slow.parse('pdf', pdf), { code: 'TIMEOUT' })
  const pool = new ParserPool(1, { timeoutMs: 20_000, memoryMb: 512 })
  t.teardown(() => pool.close())
  await t.rejects(pool.parse('pdf', Buffer.from('%PDF-1.7\nnot really\n%%EOF')), { code: 'CORRUPT' })
  const ok = await pool.parse('pdf', pdf)
  t.equal((ok.draft as any).basics.name, 'Noor Haddad', 'the same process parses the next file')
})

t.test('more pages than a resume has is refused', async (t) => {
  const printer = await PdfPrinter.launch('/usr/bin/chromium')
  t.teardown(() => printer.close())
  const page = '<p style="break-after:page">Page of a very long document, not a resume.</p>'
  const pdf = await printer.print(`<!doctype html><body>${page.repeat(MAX_PAGES + 1)}</body>`)
  await t.rejects(parseFile('pdf', pdf), { code: 'TOO_MANY_PAGES' })
  const fine = await printer.print(`<!doctype html><body>${page.repeat(2)}</body>`)
  t.ok(await parseFile('pdf', fine), 'two pages are read')
})
