// A hostile PDF is bounded inside the parser itself: images are found from their
// dictionaries without being decoded (getOperatorList() would decode every one), and a page
// that draws more text than a resume has is refused.
import t from 'tap'
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'
import { page, RESUME, deflated, text } from './pdf-fixtures.ts'
import { parseFile } from './parser.ts'
import { ParserPool } from './sandbox.ts'

const SIDE = 12_000

t.test('a huge image is found without being decoded', async (t) => {
  const image = { width: SIDE, height: SIDE, data: await deflated(SIDE * SIDE) }
  const scanned = page('q 612 0 0 792 0 0 cm /Im1 Do Q', image)
  const withText = page(text(RESUME) + ' q 100 0 0 100 400 600 cm /Im1 Do Q', image)
  t.ok(scanned.length < 1024 * 1024, `${(scanned.length / 1024).toFixed(0)} KB on disk for ${SIDE * SIDE / 1e6} MB of pixels`)

  // getOperatorList() is what decodes every image: the parser must never need it.
  const probe = getDocument({ data: new Uint8Array(page(text(RESUME))), verbosity: 0 })
  const proto = Object.getPrototypeOf(await (await probe.promise).getPage(1))
  await probe.destroy()
  const original = proto.getOperatorList
  let calls = 0
  proto.getOperatorList = function () { calls++; throw new Error('getOperatorList decodes the images') }
  t.teardown(() => { proto.getOperatorList = original })

  await t.rejects(parseFile('pdf', scanned), { code: 'IMAGE_ONLY' }, 'a page that is only an image is a scan')
  const draft = (await parseFile('pdf', withText)).draft as any
  t.equal(draft.basics?.name, 'Jane Doe', 'a page with text and a huge image is read')
  t.equal(calls, 0, 'no operator list was built')

  const { pdfImages } = await import('./pdf-images.ts')
  t.same(pdfImages(scanned), [{ width: SIDE, height: SIDE }], 'the image and its size, read from its dictionary')
  t.same(pdfImages(page(text(RESUME))), [], 'a text page has none')
  // The scan is linear: a run of 200,000 digits (which a backtracking `\d+\s+\d+ obj` pattern
  // takes over a minute on) is read at the speed of the bytes.
  const digits = Buffer.concat([Buffer.from('1'.repeat(200_000)), scanned])
  const started = performance.now()
  t.same(pdfImages(digits), [{ width: SIDE, height: SIDE }])
  t.ok(performance.now() - started < 2000, `${(performance.now() - started).toFixed(0)} ms for 200,000 digits`)

  const pool = new ParserPool(1, { timeoutMs: 20_000, memoryMb: 512 })
  t.teardown(() => pool.close())
  await t.rejects(pool.parse('pdf', scanned), { code: 'IMAGE_ONLY' }, 'the same through the parser process, within its memory')
})

t.test('a page drawing more text than a resume has is refused', async (t) => {
  const many = `BT /F1 1 Tf 10 780 Td ${'(x) Tj 0 -0.03 Td '.repeat(25_000)} ET`
  await t.rejects(parseFile('pdf', page(many)), { code: 'TOO_COMPLEX', message: /more than 20000 pieces of text/ })
})
