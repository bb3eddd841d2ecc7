// An analysis that fails on the server side (here: the database refuses to store the
// result) ends with a message written for its owner: never the SQL or the database's words.
import t from 'tap'
import { build, created, queueAnalysis, rand, refuseCompletion, register, waitForStatus } from '../../test/helper.ts'

t.test('a failure while saving the result: a readable message, no SQL', async (t) => {
  const app = await build(t)
  const acct = await register(app)
  await refuseCompletion(app, 'analysis_results')
  const resume = await created(app, acct.access, '/resumes', { title: 'CV ' + rand(2), template_id: 'classic', content: { basics: { name: 'Ada Lovelace', summary: 'Engineer who reduced costs by 20%' } } })
  const job = await queueAnalysis(app, acct.access, { target_id: resume.id, type: 'resume' })
  // Four attempts with back-off (2, 4, 8 s).
  const report = await waitForStatus(app, `/ai/reports/${job}`, acct.access, { timeoutMs: 90_000, intervalMs: 100 })
  t.equal(report.status, 'failed')
  t.match(report.error, /failed on the server/)
  t.notMatch(report.error, /update|select|analysis_results|trigger|refused|plpgsql/i, `no SQL or database text: ${report.error}`)
})
