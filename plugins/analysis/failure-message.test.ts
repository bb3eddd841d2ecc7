// An analysis that fails on the server side (here: the database refuses to store the
// result) ends with a message written for its owner: never the SQL or the database's words.
import t from 'tap'
import { bearer, build, rand, refuseCompletion, register } from '../../test/helper.ts'

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

t.test('a failure while saving the result: a readable message, no SQL', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  await refuseCompletion(app, 'analysis_results')
  const resume = await app.inject({
    method: 'POST',
    url: '/resumes',
    headers: bearer(acct.access),
    payload: { title: 'CV ' + rand(2), template_id: 'classic', content: { basics: { name: 'Ada Lovelace', summary: 'Engineer who reduced costs by 20%' } } }
  })
  const job = (await app.inject({ method: 'POST', url: '/ai/analyze', headers: bearer(acct.access), payload: { target_id: resume.json().data.id, type: 'resume' } })).json().data.job_id
  let report: { status: string, error: string | null } | undefined
  for (let i = 0; i < 900; i++) { // four attempts with back-off (2, 4, 8 s)
    report = (await app.inject({ method: 'GET', url: `/ai/reports/${job}`, headers: bearer(acct.access) })).json().data
    if (report!.status === 'failed' || report!.status === 'completed') break
    await sleep(100)
  }
  t.equal(report!.status, 'failed')
  t.match(report!.error, /failed on the server/)
  t.notMatch(report!.error, /update|select|analysis_results|trigger|refused|plpgsql/i, `no SQL or database text: ${report!.error}`)
})
