// A parse says what it could not place, in named fields of the job's answer: the lines whose
// words are not in the draft, the sections missing, and the fields of low confidence.
import t from 'tap'
import { bearer, build, multipart, register, waitForStatus } from '../../test/helper.ts'
import { PdfPrinter } from './corpus.ts'
import { LOW_CONFIDENCE, placement } from './placement.ts'

t.test('placement: lines not in the draft, core sections absent, headings with nothing placed', async (t) => {
  const draft = { basics: { name: 'Ada Lovelace', email: 'ada@example.com' }, work: [{ name: 'Acme', position: 'Engineer', startDate: '2021-03' }] }
  const text = ['Ada Lovelace', 'Email: ada@example.com', 'EXPERIENCE', 'Engineer, Acme   Mar 2021 – Present', 'EDUCATION', 'PERSONAL DETAILS', 'Nationality: Irish', 'Driving licence: category B'].join('\n')
  const p = placement(draft, text)
  t.same(p.unplaced, ['PERSONAL DETAILS', 'Nationality: Irish', 'Driving licence: category B'], 'only what the draft lacks; dates, labels and known headings are not lost words')
  t.same(p.sections_missing.sort(), ['education', 'skills'], 'education: its heading with nothing under it; skills: absent')
  t.same(placement({ basics: { email: 'ada@example.com' }, work: [{ name: 'Acme' }], education: [{ institution: 'Leeds' }], skills: [{ name: 'Go' }] }, 'Contact\nada@example.com').sections_missing, [], 'a contact heading names no section')
  const many = placement({}, Array.from({ length: 500 }, (_, i) => `line ${i} ${'x'.repeat(1000)}`).join('\n'))
  t.equal(many.unplaced.length, 100, 'at most 100 lines')
  t.ok(many.unplaced.every((l) => l.length <= 300), 'each at most 300 characters')
})

t.test('the job answer names what could not be placed, and declares it', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  const printer = await PdfPrinter.launch(app.config.chromiumPath)
  t.teardown(() => printer.close())
  const pdf = await printer.print(`<html><body style="font-family:sans-serif">
    <h1>Ada Lovelace</h1><p>ada@example.com · +44 20 7946 0000</p>
    <h2>EXPERIENCE</h2><p><b>Engineer</b>, Analytical Engines <span style="float:right">Mar 2021 – Present</span></p>
    <ul><li>Cut build times by half</li></ul>
    <h2>PERSONAL DETAILS</h2><p>Nationality: Irish</p><p>Driving licence: category B</p></body></html>`)
  const { payload, headers } = multipart(pdf, { filename: 'cv.pdf' })
  const res = await app.inject({ method: 'POST', url: '/resumes/parse', payload, headers: { ...headers, ...bearer(acct.access) } })
  t.equal(res.statusCode, 202, res.body)
  const job = await waitForStatus(app, `/resumes/parse/${res.json().data.job_id}`, acct.access, { timeoutMs: 60_000 })
  t.equal(job.status, 'completed', JSON.stringify(job.error))
  t.ok(job.unplaced.includes('Nationality: Irish') && job.unplaced.includes('Driving licence: category B'), `unplaced: ${JSON.stringify(job.unplaced)}`)
  t.notOk(job.unplaced.some((l: string) => /Cut build times|ada@example.com/.test(l)), 'what was placed is not listed')
  t.same([...job.sections_missing].sort(), ['education', 'skills'])
  t.same(job.low_confidence, Object.entries(job.confidence).filter(([, c]) => (c as number) < LOW_CONFIDENCE).map(([p]) => p).sort(), 'low_confidence: the paths under 0.6')
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  const props = doc.components.schemas.ParseStatus?.properties ?? {}
  t.ok(props.unplaced && props.sections_missing && props.low_confidence, 'declared in the OpenAPI document')
})
