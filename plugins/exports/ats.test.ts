// The ATS check: compare() on readings that go wrong in known ways, then on real PDFs of
// every built-in theme, then through the analysis job.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { waitForExport } from '../../test/exports.ts'
import { bearer, build, created, queueAnalysis, register, waitForStatus } from '../../test/helper.ts'
import { compare } from './ats.ts'

const FULL = JSON.parse(readFileSync(new URL('../../samples/full.resume.json', import.meta.url), 'utf8'))
const NO_GAPS = { font: 'Inter', scripts: [], chars: [] }
const content = {
  basics: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+44 20 7946 0000', location: { city: 'London' } },
  work: [{ name: 'Analytical Engines', position: 'Programmer', startDate: '1842-07', endDate: '1843-09' }]
}
const dom = { headings: ['Ada Lovelace', 'Experience', 'Education'], text: 'Ada Lovelace ada@example.com Experience Analytical Engines Jul 1842 Education' }

t.test('compare: a faithful reading scores 100', async (t) => {
  const report = compare('Ada Lovelace\nada@example.com · +44 20 7946 0000 · London\nExperience\nAnalytical Engines  Jul 1842 – Sep 1843\nEducation', dom, content, NO_GAPS)
  t.equal(report.score, 100)
  t.same(report.issues, [])
  t.ok(report.reading_order.ok)
  t.ok(report.contact.every((c) => c.found))
  t.ok(report.dates.every((d) => d.found))
})

t.test('compare: sections out of order, spaced-out headings, lost contact fields and dates are reported', async (t) => {
  const columns = compare('Education\nAda Lovelace\nExperience\nada@example.com London\nAnalytical Engines', dom, content, NO_GAPS)
  t.notOk(columns.reading_order.ok, 'Education read before the name')
  t.match(columns.issues.join('\n'), /another order/)
  t.match(columns.contact.find((c) => c.field === 'phone'), { found: false })
  t.same(columns.dates.map((d) => d.found), [false, false], 'no year near the job')

  const spaced = compare('Ada Lovelace ada@example.com +44 20 7946 0000 London\nE X P E R I E N C E\nAnalytical Engines 1842 1843\nE D U C AT I O N', dom, content, NO_GAPS)
  t.same(spaced.headers.missing, ['experience', 'education'])
  t.ok(spaced.words.coverage < 1)
  t.ok(spaced.score < 100)

  const boxes = compare('Ada Lovelace ada@example.com +44 20 7946 0000 London Experience Analytical Engines 1842 1843 Education', dom, content, { font: 'Inter', scripts: ['CJK'], chars: ['漢', '字'] })
  t.match(boxes.issues.join('\n'), /no glyphs for 漢 字 \(CJK\)/)
})

t.test('real PDFs of every built-in theme read back complete and in order', async (t) => {
  const app = await build(t)
  const a = await register(app)
  for (const theme of app.themes.list('resume').map((m) => m.id)) {
    const res = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'CV', template_id: theme, content: FULL } })
    const report = await app.exports.atsCheck(a.id, res.json().data.id)
    t.same(report.issues, [], `${theme}: no issue`)
    t.equal(report.score, 100, theme)
    t.ok(report.headers.found.length >= 10, `${theme}: ${report.headers.found.length} headings read`)
    t.ok(report.dates.length >= 10 && report.contact.length >= 6, `${theme}: contact fields and dates checked`)
  }
})

t.test('font coverage: characters the theme font lacks are reported on the export and by the ATS check', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const mixed = { ...FULL, basics: { ...FULL.basics, name: '山田 太郎', label: 'Engineer ✈' } }
  const res = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'CV', template_id: 'classic', content: mixed } })
  const id = res.json().data.id
  const queued = await app.inject({ method: 'POST', url: `/resumes/${id}/export`, headers: bearer(a.access), payload: { format: 'pdf' } })
  const done = await waitForExport(app, a.access, queued.json().data.export_id)
  t.equal(done.status, 'completed')
  t.equal(done.font_coverage.font, 'Source Serif 4')
  t.same(done.font_coverage.chars, ['山', '田', '太', '郎', '✈'])
  t.same(done.font_coverage.scripts, ['CJK', 'Emoji'])
  const report = await app.exports.atsCheck(a.id, id)
  t.match(report.issues.join('\n'), /Source Serif 4 has no glyphs for 山 田 太 郎 ✈/)
  t.ok(report.score < 100)

  const renders = app.exports.pool.renders
  t.same(await app.exports.atsCheck(a.id, id), report, 'the same resume again: the same report')
  t.equal(app.exports.pool.renders, renders, '...without printing it again')
  await app.inject({ method: 'PUT', url: `/resumes/${id}`, headers: bearer(a.access), payload: { content: FULL } })
  const fixed = await app.exports.atsCheck(a.id, id)
  t.equal(app.exports.pool.renders, renders + 1, 'a changed resume is printed again')
  t.same(fixed.issues, [], 'and its report follows the change')
})

t.test('the analysis job adds the ATS reading of the real PDF', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const mixed = { ...FULL, basics: { ...FULL.basics, label: 'Ingénieur — 工程师' } }
  const resume = await created(app, a.access, '/resumes', { title: 'CV', template_id: 'classic', content: mixed })
  const jobId = await queueAnalysis(app, a.access, { target_id: resume.id, type: 'resume' })
  const report = await waitForStatus(app, `/ai/reports/${jobId}`, a.access, { timeoutMs: 60_000, intervalMs: 100 })
  t.equal(report.status, 'completed', report.error)
  t.match(report.metrics.pdf_ats, { extractor: 'pdftotext', score: Number, reading_order: { ok: true }, font_coverage: { chars: ['工', '程', '师'] } })
  t.ok(report.improvements.some((s: string) => /^PDF: The font Source Serif 4 has no glyphs for 工 程 师/.test(s)), 'the gap is an improvement')
})

t.test('Chromium killed during the ATS check: the check runs again on a new browser and the analysis keeps its PDF reading', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const resume = await created(app, a.access, '/resumes', { title: 'CV', template_id: 'classic', content: FULL })
  const { pool } = app.exports
  let killed: number | null = null
  // The first render of this app launches the browser; it is killed while that render runs.
  pool.once('render', () => { void pool.pid().then((pid) => { killed = pid; if (pid) process.kill(pid, 'SIGKILL') }) })
  const jobId = await queueAnalysis(app, a.access, { target_id: resume.id, type: 'resume' })
  const report = await waitForStatus(app, `/ai/reports/${jobId}`, a.access, { timeoutMs: 60_000, intervalMs: 100 })
  t.ok(killed, `the browser (pid ${killed}) was killed during the check`)
  t.equal(report.status, 'completed', report.error)
  t.notOk(report.metrics.pdf_ats.error, 'no {error} in place of the reading')
  t.match(report.metrics.pdf_ats, { extractor: 'pdftotext', score: Number, reading_order: { ok: true } })
  t.equal(pool.launches, 2, 'the pool started a new browser')
  t.not(await pool.pid(), killed)
})
