// One stray character never fails a parse: icon-font glyphs (private-use code points), NUL
// and other controls, lone surrogates and bidi overrides are mapped or dropped before the
// draft is stored, in a PDF and in a DOCX, through the real upload and job.
import t, { type Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, multipart, register, waitForStatus, type Account } from '../../test/helper.ts'
import { PdfPrinter } from './corpus.ts'
import { buildDocx } from './corpus-docx.ts'
import { printable } from './lines.ts'

// Anything a person would not read as text.
// eslint-disable-next-line no-control-regex -- controls are what it looks for
const NOT_TEXT = /[\p{Co}\p{Cs}\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/u

t.test('printable: what is mapped, dropped and kept', async (t) => {
  t.equal(printable('Berlin\uf095+49 30 1234'), 'Berlin +49 30 1234', 'an icon glyph between words becomes a space')
  t.equal(printable('\u{F0000}ada@example.com'), ' ada@example.com', 'supplementary private use too')
  t.equal(printable('Ada\u0000 Love\u0007lace\ufeff\u200b'), 'Ada Lovelace', 'controls, BOM and zero-width space dropped')
  t.equal(printable('a\ud800b\udc00c'), 'abc', 'lone surrogates dropped')
  t.equal(printable('\u202eevil\u202c \u2066x\u2069'), 'evil x', 'bidi overrides and isolates dropped: text stays in logical order')
  t.equal(printable('Gr\u00fc\u00dfe 中文 مرحبا \u200cمي 👩‍💻 😀'), 'Grüße 中文 مرحبا \u200cمي 👩‍💻 😀', 'letters, ZWNJ, ZWJ sequences and astral emoji kept')
  t.equal(printable('line\nbreak\ttab'), 'line break tab')
})

async function parse (t: Test, app: FastifyInstance, acct: Account, file: Buffer, filename: string) {
  const { payload, headers } = multipart(file, { filename })
  const res = await app.inject({ method: 'POST', url: '/resumes/parse', payload, headers: { ...headers, ...bearer(acct.access) } })
  t.equal(res.statusCode, 202, res.body)
  return waitForStatus(app, `/resumes/parse/${res.json().data.job_id}`, acct.access, { timeoutMs: 60_000 })
}

/** Completed, nothing unprintable anywhere in the draft, and the name and email read through the noise. */
function assertClean (t: Test, job: Record<string, any>): void {
  t.equal(job.status, 'completed', JSON.stringify(job.error))
  t.same(strings(job.draft).filter((s) => NOT_TEXT.test(s)), [], 'no unprintable character in the draft')
  t.equal(job.draft.basics.name, 'Ada Lovelace')
  t.equal(job.draft.basics.email, 'ada@example.com')
}

const strings = (v: unknown): string[] => typeof v === 'string' ? [v] : Array.isArray(v) ? v.flatMap(strings) : v && typeof v === 'object' ? Object.values(v).flatMap(strings) : []

t.test('a DOCX full of NUL, icon glyphs, lone surrogates and bidi overrides parses, and nothing unprintable is stored', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  const docx = await buildDocx({
    basics: { name: 'Ada\u0000 Lovelace', email: '\uf0e0 ada@example.com', phone: '\uf095 +44 20 7946 0000', summary: 'Engineer\u0000 who\ud800 ships \u202eevery week\u202c.' },
    work: [{ name: 'Analytical\u0007 Engines', position: '\uf0b1 Engineer', startDate: '2020-01', highlights: ['Cut\u0000 build times \u{F0001}by half'] }],
    skills: [{ name: 'Languages', keywords: ['TypeScript\ufeff', '\ue000Go'] }]
  })
  assertClean(t, await parse(t, app, acct, docx, 'cv.docx'))
})

t.test('a PDF printed with icon glyphs at private-use code points parses, and nothing unprintable is stored', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  const printer = await PdfPrinter.launch(app.config.chromiumPath)
  t.teardown(() => printer.close())
  const html = `<html><body style="font-family:sans-serif">
    <h1>Ada Lovelace</h1>
    <p>&#xf0e0; ada@example.com &#xf095; +44 20 7946 0000 &#xf3c5; London</p>
    <h2>&#xf0b1; Experience</h2>
    <p><b>Engineer</b>, Analytical Engines &#xf073; 2020-01 – present</p>
    <ul><li>&#xe000;Cut build times by half</li></ul>
    <h2>Skills</h2><p>&#xf121; TypeScript, Go</p></body></html>`
  const pdf = await printer.print(html)
  assertClean(t, await parse(t, app, acct, pdf, 'cv.pdf'))
})
