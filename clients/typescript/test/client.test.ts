// The client as the dashboard uses it: against a live server (started as `npm start` runs
// it), the main flow through typed calls only — register, resumes, import, an analysis
// with live progress, an export downloaded, a portfolio and a custom domain — plus the
// token refresh. Also keeps src/schema.ts equal to what openapi.json generates.
import { readFileSync } from 'node:fs'
import t from 'tap'
import { freePort, testEnv } from '../../../test/helper.ts'
import { startServer } from '../../../test/process.ts'
import { SCHEMA_FILE, schemaText } from '../scripts/generate.ts'
import { createCvgenClient, type ErrorDetail, type Tokens } from '../src/index.ts'

const sample = JSON.parse(readFileSync(new URL('../../../samples/jsonresume/sample.resume.json', import.meta.url), 'utf8')) as Record<string, unknown>

t.test('src/schema.ts is what openapi.json generates (npm run generate in clients/typescript)', async (t) => {
  t.ok(await schemaText() === readFileSync(SCHEMA_FILE, 'utf8'), 'generated types are up to date')
})

t.test('the main flow through the typed client, against a live server', async (t) => {
  const port = await freePort()
  const env = await testEnv(t, { PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, LOG_LEVEL: 'info' })
  const server = await startServer(env, 90_000)
  t.teardown(() => server.stop())
  const saved: (Tokens | null)[] = []
  const client = createCvgenClient({ baseUrl: server.url, onTokens: (tokens) => saved.push(tokens) })
  const { api } = client

  const reg = await api.POST('/auth/register', { body: { email: `c${port}@example.com`, password: 'correct horse battery staple', full_name: 'Client Test' } })
  t.equal(reg.response.status, 201, reg.error?.error.message ?? '')
  t.ok(client.session.current, 'the session keeps the tokens register answered with')
  t.equal(saved.length, 1, 'and hands them to onTokens to store')

  const created = await api.POST('/resumes', { body: { title: 'Typed', template_id: 'classic' } })
  t.equal(created.response.status, 201, created.error?.error.message ?? '')
  const list = await api.GET('/resumes', { params: { query: { limit: 10 } } })
  t.equal(list.data?.meta.total, 1)

  // A 400 is typed: details narrow to [{path, in, message}].
  const bad = await api.POST('/resumes', { body: { title: '', template_id: 'classic' } })
  t.equal(bad.response.status, 400)
  const details = bad.error?.error.details
  t.ok(Array.isArray(details), 'validation details are an array')
  if (Array.isArray(details)) t.match(details[0] as ErrorDetail, { path: '/title', in: 'body', message: String })

  const imported = await api.POST('/resumes/import', { params: { query: { title: 'Imported' } }, body: sample })
  t.equal(imported.response.status, 201, imported.error?.error.message ?? '')
  const resumeId = imported.data!.data.id

  const queued = await api.POST('/ai/analyze', { body: { target_id: resumeId, type: 'resume' } })
  t.equal(queued.response.status, 202, queued.error?.error.message ?? '')
  const jobId = queued.data!.data.job_id
  const states = []
  for await (const state of client.analysisProgress(jobId)) states.push(state)
  t.ok(states.length >= 1, 'live progress arrives')
  t.equal(states.at(-1)?.status, 'completed', 'and ends with the completed state')
  const report = await api.GET('/ai/reports/{id}', { params: { path: { id: jobId } } })
  t.type(report.data?.data.overall_score, 'number', 'the report has its score')

  const exp = await api.POST('/resumes/{id}/export', { params: { path: { id: resumeId } }, body: { format: 'pdf' } })
  t.equal(exp.response.status, 202, exp.error?.error.message ?? '')
  const exportId = exp.data!.data.export_id
  let done = (await api.GET('/exports/{id}', { params: { path: { id: exportId } } })).data!.data
  for (let i = 0; i < 600 && done.status !== 'completed' && done.status !== 'failed'; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    done = (await api.GET('/exports/{id}', { params: { path: { id: exportId } } })).data!.data
  }
  t.equal(done.status, 'completed', done.error ?? '')
  const pdf = Buffer.from(await (await client.download(done.url!)).arrayBuffer())
  t.equal(pdf.subarray(0, 5).toString(), '%PDF-', 'the export downloads as a PDF')

  const portfolio = await api.POST('/portfolios', { body: { title: 'Work', template_id: 'classic' } })
  t.equal(portfolio.response.status, 201, portfolio.error?.error.message ?? '')
  const domain = await api.POST('/domains', { body: { domain_name: `cv${port}.example.com`, portfolio_id: portfolio.data!.data.id } })
  t.equal(domain.response.status, 201, domain.error?.error.message ?? '')
  t.equal((await api.GET('/domains')).data?.meta.total, 1)

  // An expired or refused access token: the client refreshes once and sends the call again.
  const before = client.session.current!
  client.session.set({ ...before, access_token: 'not-a-token' })
  const me = await api.GET('/auth/me')
  t.equal(me.response.status, 200, 'the call succeeds after a refresh')
  t.not(client.session.current?.refresh_token, before.refresh_token, 'with a new pair of tokens')

  const out = await api.POST('/auth/logout', { body: { refresh_token: client.session.current!.refresh_token } })
  t.equal(out.response.status, 204)
  t.equal(client.session.current, null, 'logging out forgets the tokens')
})
