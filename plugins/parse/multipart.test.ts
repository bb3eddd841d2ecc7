// POST /resumes/parse with broken multipart bodies, over real HTTP: each is the client's
// fault, so each answers 4xx in the error envelope, and nothing is stored or queued.
import { request } from 'node:http'
import t from 'tap'
import { bearer, build, register } from '../../test/helper.ts'

/** Sends raw bytes as the body, so truncated and malformed bodies reach the server as written. */
function post (url: string, headers: Record<string, string>, body: Buffer, endEarly = false): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers: { ...headers, ...(endEarly ? {} : { 'content-length': String(body.length) }) } }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (d) => { text += d })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

const B = 'cvgenboundary'
const part = (headers: string, body: string) => `--${B}\r\n${headers}\r\n\r\n${body}\r\n`
const file = part('Content-Disposition: form-data; name="file"; filename="cv.pdf"\r\nContent-Type: application/pdf', '%PDF-1.7\n%fake')
const CASES: Record<string, { type?: string, body: string }> = {
  'truncated in the middle of the file': { body: file.slice(0, 60) },
  'no closing boundary': { body: file },
  'closing boundary only': { body: `--${B}--\r\n` },
  'a header line without a colon': { body: `--${B}\r\nnot a header\r\n\r\nx\r\n--${B}--\r\n` },
  'a part with no Content-Disposition': { body: `--${B}\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7\r\n--${B}--\r\n` },
  'garbage before the first boundary only': { body: 'hello world, no boundary at all' },
  'NUL bytes and odd Unicode in the headers': { body: `--${B}\r\nContent-Disposition: form-data; name="fi\u0000le"; filename="\u202e\u0000.pdf"\r\n\r\n%PDF\r\n--${B}--\r\n` },
  'an empty body': { body: '' },
  'a boundary the body never uses': { type: 'multipart/form-data; boundary=other', body: file + `--${B}--\r\n` },
  'no boundary parameter': { type: 'multipart/form-data', body: file + `--${B}--\r\n` },
  'a boundary longer than allowed': { type: `multipart/form-data; boundary=${'x'.repeat(200)}`, body: file },
  'a huge header block': { body: `--${B}\r\nContent-Disposition: form-data; name="file"; filename="${'a'.repeat(100_000)}"\r\n\r\n%PDF\r\n--${B}--\r\n` }
}

t.test('malformed multipart bodies answer 4xx in the envelope, never 500', async (t) => {
  const app = await build(t)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const acct = await register(app)
  for (const [name, c] of Object.entries(CASES)) {
    const res = await post(`${base}/resumes/parse`, { ...bearer(acct.access), 'content-type': c.type ?? `multipart/form-data; boundary=${B}` }, Buffer.from(c.body))
    t.ok(res.status >= 400 && res.status < 500, `${name}: ${res.status} ${res.body.slice(0, 200)}`)
    const body = JSON.parse(res.body) as { error?: { code?: unknown, message?: unknown } }
    t.type(body.error?.code, 'string', `${name}: the envelope`)
    t.notMatch(String(body.error?.message), /busboy|stack|at .*\.js|node_modules/i, `${name}: no internals`)
  }
  // A body that stops before Content-Length says (the client hung up or lied).
  const cut = await post(`${base}/resumes/parse`, { ...bearer(acct.access), 'content-type': `multipart/form-data; boundary=${B}`, 'transfer-encoding': 'chunked' }, Buffer.from(file.slice(0, 80)), true)
  t.ok(cut.status >= 400 && cut.status < 500, `chunked, ends mid-part: ${cut.status} ${cut.body.slice(0, 200)}`)

  const [{ n }] = await app.db.fork().execute<{ n: string }[]>('select count(*) as n from parse_jobs') as [{ n: string }]
  t.equal(Number(n), 0, 'no job was created for any of them')
})
