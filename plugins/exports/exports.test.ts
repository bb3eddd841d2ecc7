// Exports through the real thing: Chromium (CHROMIUM_PATH, /usr/bin/chromium), pg-boss on
// PostgreSQL, local and S3 storage, poppler's pdftotext / pdfinfo / pdffonts to read the PDF.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { decodePng, download, pdfFonts, pdfInfo, pdfToText, waitForExport } from '../../test/exports.ts'
import { bearer, build, created, register, sleep, type Account } from '../../test/helper.ts'
import { startS3 } from '../../test/s3.ts'
import type { FastifyInstance } from 'fastify'

const FULL = JSON.parse(readFileSync(new URL('../../samples/full.resume.json', import.meta.url), 'utf8'))
async function createResume (app: FastifyInstance, a: Account, content: unknown = FULL, extra: object = {}): Promise<string> {
  return (await created(app, a.access, '/resumes', { title: 'CV', template_id: 'classic', content, ...extra })).id
}

async function exportOf (app: FastifyInstance, a: Account, resumeId: string, payload: object): Promise<Record<string, any>> {
  return waitForExport(app, a.access, (await created(app, a.access, `/resumes/${resumeId}/export`, payload, 202)).export_id)
}

const norm = (s: string) => s.replace(/\s+/g, ' ').toLowerCase()

t.test('PDF: text (not an image) in reading order, fonts embedded, A4 or Letter', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const id = await createResume(app, a)
  const queued = await app.inject({ method: 'POST', url: `/resumes/${id}/export`, headers: bearer(a.access), payload: { format: 'pdf' } })
  t.equal(queued.statusCode, 202, queued.body)
  t.match(queued.json().data, { export_id: String, status: 'queued' })
  const done = await waitForExport(app, a.access, queued.json().data.export_id)
  t.match(done, { status: 'completed', format: 'pdf', paper: 'A4', resume_id: id, url: String, expires_in: 300, error: null })
  const file = await download(app, done.url)
  t.equal(file.status, 200)
  t.equal(file.headers['content-type'], 'application/pdf')
  t.match(String(file.headers['content-disposition']), /^attachment; filename="resume-[0-9a-f]{8}\.pdf"$/)
  t.equal(file.body.subarray(0, 5).toString(), '%PDF-')

  const text = norm(await pdfToText(file.body))
  const order = ['amélie fontaine', 'professional summary', 'work experience', 'colibri logistics',
    'cut route computation time from 9 minutes to 40 seconds', 'education', 'insa lyon', 'skills', 'languages']
  let at = -1
  for (const piece of order) {
    const next = text.indexOf(piece, at + 1)
    t.ok(next > at, `"${piece}" is read after the previous piece`)
    at = Math.max(at, next)
  }
  t.match(text, 'amelie.fontaine@example.com')
  t.match(text, 'mar 2021 – jun 2024', 'dates as the theme prints them')

  const fonts = await pdfFonts(file.body)
  t.match(fonts, /SourceSerif4-Regular\s+CID TrueType\s+Identity-H\s+yes yes yes/, "the theme's font, embedded (subset) with a Unicode map")
  t.notMatch(fonts, /\bno\s+(yes|no)\s+(yes|no)\s+\d/, 'no font left unembedded')
  const info = await pdfInfo(file.body)
  t.match(info, /Page size:\s+595\.\d+ x 84[12]\.\d+ pts \(A4\)/)
  t.match(info, /Tagged:\s+yes/, 'tagged: the structure helps screen readers and ATS parsers')
  t.equal(done.pages, Number(/Pages:\s+(\d+)/.exec(info)![1]), 'pages on the export match the PDF')
  t.same(done.font_coverage, { font: 'Source Serif 4', scripts: [], chars: [] })

  const letter = await exportOf(app, a, id, { format: 'pdf', paper: 'Letter' })
  t.match(await pdfInfo((await download(app, letter.url)).body), /Page size:\s+612 x 792 pts \(letter\)/)
})

t.test('PDF: a remote photo that cannot load leaves no alt text behind', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const id = await createResume(app, a, FULL, { template_id: 'modern' })
  const done = await exportOf(app, a, id, { format: 'pdf' })
  const text = norm(await pdfToText((await download(app, done.url)).body))
  t.notMatch(text, 'photo of', 'printed pages reach no network; the alt text is not printed in the photo\'s place')
  t.ok(text.trimStart().startsWith('amélie fontaine'), 'the name is the first thing an ATS reads')
})

t.test('PDF: a long resume runs over several pages; PNG: a decodable image of the first page', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const work = Array.from({ length: 40 }, (_, i) => ({
    name: `Company ${i + 1}`,
    position: 'Engineer',
    startDate: `${1980 + i}-01`,
    endDate: `${1981 + i}-01`,
    highlights: [`Bullet number ${i + 1} about shipping software that mattered to customers`, 'Another line of achievements with measurable results']
  }))
  const id = await createResume(app, a, { basics: { name: 'Long Resume' }, work })
  const pdf = await exportOf(app, a, id, { format: 'pdf' })
  t.equal(pdf.status, 'completed')
  const body = (await download(app, pdf.url)).body
  const pages = Number(/Pages:\s+(\d+)/.exec(await pdfInfo(body))![1])
  t.ok(pages >= 4, `40 jobs fill ${pages} pages`)
  t.equal(pdf.pages, pages)
  const text = norm(await pdfToText(body))
  t.ok(text.indexOf('company 1 ') < text.indexOf('company 40'), 'first job before the last')
  t.match(text, 'bullet number 40 about shipping software')

  const png = await exportOf(app, a, id, { format: 'png' })
  t.match(png, { status: 'completed', format: 'png', pages: null })
  const image = await download(app, png.url)
  t.equal(image.headers['content-type'], 'image/png')
  const decoded = decodePng(image.body)
  t.same({ width: decoded.width, height: decoded.height }, { width: 794, height: 1123 }, 'A4 at 96 dpi')
  t.ok([2, 6].includes(decoded.colorType), `truecolor (RGB or RGBA), not ${decoded.colorType}`)
  t.ok(image.body.length > 10_000, `${image.body.length} bytes: more than a blank page`)
})

t.test('Chromium killed mid-render: that job is retried and completes; the worker lives on', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const id = await createResume(app, a)
  const warm = await exportOf(app, a, id, { format: 'pdf' })
  t.equal(warm.status, 'completed')
  const pid = await app.exports.pool.pid()
  t.ok(pid, `the browser runs as pid ${pid}`)
  let killed = false
  app.exports.pool.once('render', () => { process.kill(pid!, 'SIGKILL'); killed = true })
  const launchesBefore = app.exports.pool.launches
  const done = await exportOf(app, a, id, { format: 'pdf' })
  t.ok(killed, 'the browser was killed while the render ran')
  t.match(done, { status: 'completed', attempts: 2 }, 'failed once, retried by pg-boss, completed')
  t.equal(app.exports.pool.launches, launchesBefore + 1, 'a new browser was started')
  t.not(await app.exports.pool.pid(), pid)
  t.match(norm(await pdfToText((await download(app, done.url)).body)), 'amélie fontaine')
  const after = await exportOf(app, a, id, { format: 'png' })
  t.equal(after.status, 'completed', 'later jobs run on the new browser')
})

t.test('no Chromium: export requests answer 503 with how to install it; the rest of the app runs', async (t) => {
  const app = await build(t, { CHROMIUM_PATH: '/nonexistent/chromium' })
  const a = await register(app)
  const id = await createResume(app, a)
  const res = await app.inject({ method: 'POST', url: `/resumes/${id}/export`, headers: bearer(a.access), payload: { format: 'pdf' } })
  t.equal(res.statusCode, 503)
  t.equal(res.json().error.code, 'EXPORTS_CHROMIUM_MISSING')
  t.match(res.json().error.message, /apt-get install -y chromium.*CHROMIUM_PATH/)
  t.match(res.json().error.message, '/nonexistent/chromium')
  t.equal((await app.inject({ method: 'GET', url: `/resumes/${id}`, headers: bearer(a.access) })).statusCode, 200)
  t.equal((await app.inject({ method: 'GET', url: '/readyz' })).statusCode, 200)

  // ROLE=api prints nothing itself: it queues, and the workers' Chromium counts.
  const api = await build(t, { CHROMIUM_PATH: '/nonexistent/chromium', ROLE: 'api' })
  const b = await register(api)
  const queued = await api.inject({ method: 'POST', url: `/resumes/${await createResume(api, b)}/export`, headers: bearer(b.access), payload: { format: 'pdf' } })
  t.equal(queued.statusCode, 202)
  t.match((await api.inject({ method: 'GET', url: `/exports/${queued.json().data.export_id}`, headers: bearer(b.access) })).json().data, { status: 'queued' })
})

t.test("another user's resume or export is 404; bad input is 400; no token is 401", async (t) => {
  const app = await build(t)
  const a = await register(app)
  const b = await register(app)
  const id = await createResume(app, a)
  const done = await exportOf(app, a, id, { format: 'png' })
  t.equal((await app.inject({ method: 'POST', url: `/resumes/${id}/export`, headers: bearer(b.access), payload: { format: 'pdf' } })).statusCode, 404)
  const other = await app.inject({ method: 'GET', url: `/exports/${done.id}`, headers: bearer(b.access) })
  t.equal(other.statusCode, 404)
  t.equal(other.json().error.code, 'EXPORTS_NOT_FOUND')
  t.equal((await app.inject({ method: 'GET', url: `/exports/${done.id}` })).statusCode, 401)
  t.equal((await app.inject({ method: 'POST', url: `/resumes/${id}/export`, payload: { format: 'pdf' } })).statusCode, 401)
  for (const payload of [{ format: 'docx' }, { format: 'pdf', paper: 'A3' }, {}, { format: 'pdf', x: 1 }]) {
    const res = await app.inject({ method: 'POST', url: `/resumes/${id}/export`, headers: bearer(a.access), payload })
    t.equal(res.statusCode, 400, JSON.stringify(payload))
  }
  t.equal((await app.inject({ method: 'GET', url: '/exports/not-a-uuid', headers: bearer(a.access) })).statusCode, 400)
  t.equal((await app.inject({ method: 'GET', url: `/exports/${done.id}?expires_in=0`, headers: bearer(a.access) })).statusCode, 400)
  await app.inject({ method: 'DELETE', url: `/resumes/${id}`, headers: bearer(a.access) })
  t.equal((await app.inject({ method: 'POST', url: `/resumes/${id}/export`, headers: bearer(a.access), payload: { format: 'pdf' } })).statusCode, 404, 'a deleted resume')
  // The file itself is private: not under the public files route.
  const key = new URL(done.url).pathname.replace('/storage/download/', '')
  t.match(key, /^private\/exports\//)
  t.equal((await app.inject({ method: 'GET', url: `/storage/files/${key}` })).statusCode, 404)
})

t.test('signed download URLs expire and cannot be altered (local storage)', async (t) => {
  const app = await build(t)
  const a = await register(app)
  const id = await createResume(app, a)
  const first = await exportOf(app, a, id, { format: 'png' })
  const asked = Date.now() / 1000
  const short = (await app.inject({ method: 'GET', url: `/exports/${first.id}?expires_in=1`, headers: bearer(a.access) })).json().data
  t.equal(short.expires_in, 1)
  // The URL's whole-second expiry must not cut the promised second short.
  t.ok(Number(new URL(short.url).searchParams.get('expires')) >= asked + 1, 'good for at least expires_in seconds')
  t.equal((await download(app, short.url)).status, 200)
  const tampered = short.url.replace(/expires=(\d+)/, (_m: string, n: string) => `expires=${Number(n) + 3600}`)
  t.equal((await download(app, tampered)).status, 403, 'a later expiry voids the signature')
  const renamed = short.url.replace(/name=[^&]+/, 'name=evil.html')
  t.equal((await download(app, renamed)).status, 403)
  await sleep(2600)
  const late = await download(app, short.url)
  t.equal(late.status, 403)
  t.equal(JSON.parse(late.body.toString()).error.code, 'STORAGE_DOWNLOAD_EXPIRED')
})

t.test('signed download URLs expire (S3 storage, presigned GET checked by the S3 server)', async (t) => {
  const s3 = await startS3(t)
  const app = await build(t, s3.env)
  const a = await register(app)
  const id = await createResume(app, a)
  const done = await exportOf(app, a, id, { format: 'pdf' })
  const asked = Date.now() / 1000
  const short = (await app.inject({ method: 'GET', url: `/exports/${done.id}?expires_in=1`, headers: bearer(a.access) })).json().data
  t.match(short.url, s3.endpoint)
  // SigV4 counts X-Amz-Expires from a truncated whole-second X-Amz-Date: the sum must still
  // reach a full second past the request, or a fast client can find the URL already dead.
  const q = new URL(short.url).searchParams
  const stamp = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(q.get('X-Amz-Date') ?? '')
  t.ok(stamp, 'X-Amz-Date present')
  const part = (i: number) => Number(stamp?.[i]) // NaN without a stamp: the check below fails
  const signedAt = Date.UTC(part(1), part(2) - 1, part(3), part(4), part(5), part(6)) / 1000
  t.ok(signedAt + Number(q.get('X-Amz-Expires')) >= asked + 1, 'good for at least expires_in seconds')
  const ok = await download(app, short.url)
  t.equal(ok.status, 200)
  t.equal(ok.body.subarray(0, 5).toString(), '%PDF-')
  t.match(String(ok.headers['content-disposition']), /attachment/)
  await sleep(2600)
  t.equal((await download(app, short.url)).status, 403, 'refused once expired')
})
