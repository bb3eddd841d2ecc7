// A parse that fails on the server side (here: the database refuses to save the draft) ends
// with a message written for the file's owner: never the SQL statement, the database's own
// words or other internals, which the log keeps.
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { bearer, build, multipart, refuseCompletion, register, waitForStatus, type Account } from '../../test/helper.ts'
import { buildDocx } from './corpus-docx.ts'

async function upload (app: FastifyInstance, acct: Account, file: Buffer) {
  const { payload, headers } = multipart(file, { filename: 'cv.docx' })
  const res = await app.inject({ method: 'POST', url: '/resumes/parse', payload, headers: { ...headers, ...bearer(acct.access) } })
  if (res.statusCode !== 202) throw new Error(`upload: ${res.statusCode} ${res.body}`)
  return res.json().data.job_id as string
}

t.test('a server-side failure while saving the draft: a readable message, no SQL', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  await refuseCompletion(app, 'parse_jobs')

  const id = await upload(app, acct, await buildDocx({ basics: { name: 'Ada Lovelace', email: 'ada@example.com', summary: 'Engineer' }, work: [{ name: 'Analytical Engines', position: 'Engineer', startDate: '2020-01' }] }))
  // Three attempts with a 2 s, then 4 s back-off.
  const job = await waitForStatus(app, `/resumes/parse/${id}`, acct.access, { timeoutMs: 60_000, intervalMs: 100 })
  t.equal(job.status, 'failed')
  t.equal(job.error.code, 'PARSE_FAILED')
  t.equal(job.error.status, 500, 'the server\'s fault, not the file\'s')
  t.match(job.error.message, /could not be parsed/)
  t.notMatch(job.error.message, /update|select|insert|parse_jobs|draft|trigger|refused|plpgsql|\$\d|\?/i, `no SQL or database text: ${job.error.message}`)

  // The stored retry reason (step 'retrying') follows the same rule.
  const [row] = await app.db.fork().execute<{ error: string }[]>('select error from parse_jobs where id = ?', [id])
  t.notMatch(row!.error, /update|parse_jobs|trigger|refused/i)
})
