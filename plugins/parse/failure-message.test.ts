// A parse that fails on the server side (here: the database refuses to save the draft) ends
// with a message written for the file's owner: never the SQL statement, the database's own
// words or other internals, which the log keeps.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, refuseCompletion, register, type Account } from '../../test/helper.ts'
import { buildDocx } from './corpus-docx.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function upload (app: FastifyInstance, acct: Account, file: Buffer) {
  const boundary = 'cvgenfailure'
  const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="cv.docx"\r\nContent-Type: application/octet-stream\r\n\r\n`
  const payload = Buffer.concat([Buffer.from(head), file, Buffer.from(`\r\n--${boundary}--\r\n`)])
  const res = await app.inject({ method: 'POST', url: '/resumes/parse', payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, ...bearer(acct.access) } })
  if (res.statusCode !== 202) throw new Error(`upload: ${res.statusCode} ${res.body}`)
  return res.json().data.job_id as string
}

t.test('a server-side failure while saving the draft: a readable message, no SQL', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  await refuseCompletion(app, 'parse_jobs')

  const id = await upload(app, acct, await buildDocx({ basics: { name: 'Ada Lovelace', email: 'ada@example.com', summary: 'Engineer' }, work: [{ name: 'Analytical Engines', position: 'Engineer', startDate: '2020-01' }] }))
  let job: { status: string, error?: { code: string, status: number, message: string } } | undefined
  for (let i = 0; i < 600; i++) { // three attempts with a 2 s, then 4 s back-off
    job = (await app.inject({ method: 'GET', url: `/resumes/parse/${id}`, headers: bearer(acct.access) })).json().data
    if (job!.status === 'failed' || job!.status === 'completed') break
    await sleep(100)
  }
  t.equal(job!.status, 'failed')
  t.equal(job!.error!.code, 'PARSE_FAILED')
  t.equal(job!.error!.status, 500, 'the server\'s fault, not the file\'s')
  t.match(job!.error!.message, /could not be parsed/)
  t.notMatch(job!.error!.message, /update|select|insert|parse_jobs|draft|trigger|refused|plpgsql|\$\d|\?/i, `no SQL or database text: ${job!.error!.message}`)

  // The stored retry reason (step 'retrying') follows the same rule.
  const [row] = await app.db.fork().execute<{ error: string }[]>('select error from parse_jobs where id = ?', [id])
  t.notMatch(row!.error, /update|parse_jobs|trigger|refused/i)
})
