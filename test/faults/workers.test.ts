// A worker process SIGKILLed in the middle of an export, a parse and a thumbnail (the analysis
// has its own in plugins/analysis/analysis.test.ts): its heartbeat stops, pg-boss's supervisor
// fails the attempt, and a worker started after the kill — production settings, no clock
// tricks — starts the next attempt within 30 s of the kill (its own start-up included) and
// completes it, with one result. One worker runs at a time, so the one killed is the one
// running the job; each is started fresh, so its first job also launches its browser or
// parse child and the kill lands mid-job.
import t from 'tap'
import pg from 'pg'
import type { FastifyInstance } from 'fastify'
import { QUEUE_SCHEMA } from '../../kernel/queue.ts'
import { download } from '../exports.ts'
import { bearer, build, createDatabase, multipart, rand, REDIS_URL, register, tempDir, waitFor, type Account } from '../helper.ts'
import { killTree, startServer, type ServerProcess } from '../process.ts'

const FULL = { basics: { name: 'Amélie Fontaine', email: 'amelie@example.com', summary: 'Engineer who ships.' }, work: [{ name: 'Acme', position: 'Engineer', startDate: '2020-01', highlights: ['Cut build times by half'] }] }

t.test('a worker killed mid-job: the next attempt starts on another worker within 30 s and completes once', { timeout: 300_000 }, async (t) => {
  const db = await createDatabase(t)
  const env = { DATABASE_URL: db, REDIS_URL, REDIS_PREFIX: `cvgen-test-${rand()}:`, DATA_DIR: tempDir(t), THUMBNAILS: 'true' }
  const api = await build(t, { ...env, ROLE: 'api' })
  const a = await register(api)
  const admin = new pg.Client({ connectionString: db })
  await admin.connect()
  t.teardown(() => admin.end())
  const workerEnv = { ...env, ROLE: 'worker', JWT_SECRET: rand(24), ARGON2_MEMORY_KIB: '1024', ARGON2_TIME_COST: '1' }
  const workers: ServerProcess[] = []
  t.teardown(() => { for (const w of workers) killTree(w.child.pid!) })
  const worker = async () => { const w = await startServer(workerEnv, 90_000); workers.push(w); return w }
  const figures: Record<string, number> = {}

  async function killMidJob (kind: string, jobId: () => Promise<string | undefined>, done: () => Promise<boolean>): Promise<void> {
    const victim = await worker()
    const id = await waitFor(`${kind}: a job id`, jobId, { timeoutMs: 30_000, intervalMs: 20 })
    const state = async () => (await admin.query(`select state from ${QUEUE_SCHEMA}.job where id = $1`, [id])).rows[0]?.state
    await waitFor(`${kind}: the job to be active`, async () => (await state()) === 'active', { timeoutMs: 30_000, intervalMs: 10 })
    const killedAt = Date.now()
    killTree(victim.child.pid!)
    workers.splice(workers.indexOf(victim), 1)
    t.not(await state(), 'completed', `${kind}: not finished when its worker died`)
    await worker()
    let nextAttempt = Infinity
    await waitFor(`${kind}: the next attempt`, async () => {
      const { rows: [row] } = await admin.query(`select state, retry_count from ${QUEUE_SCHEMA}.job where id = $1`, [id])
      return row.retry_count >= 1 && row.state !== 'retry'
    }, { timeoutMs: 45_000, intervalMs: 50 }).then(() => { nextAttempt = Date.now() - killedAt }, () => {})
    await waitFor(`${kind}: completed`, done, { timeoutMs: 60_000, intervalMs: 100 })
    const completed = Date.now() - killedAt
    console.log(`# ${kind}: kill -> next attempt started: ${nextAttempt} ms`)
    console.log(`# ${kind}: kill -> job completed: ${completed} ms`)
    figures[kind] = completed
    t.ok(nextAttempt < 30_000, `${kind}: next attempt ${nextAttempt} ms after the kill`)
    // The app's row is written inside the handler; pg-boss marks the job a moment later.
    t.ok(await waitFor(`${kind}: the job completed`, async () => (await state()) === 'completed', { timeoutMs: 5_000, intervalMs: 20 }).then(() => true, () => false), `${kind}: the job completed`)
    // The next case's victim must be the only worker again.
    for (const w of workers.splice(0)) killTree(w.child.pid!)
  }

  // Thumbnail of a new resume: the preview arrives after the kill. First, so the export and
  // parse below (which change no resume) run alone on their workers.
  let thumbResume: string | undefined
  const thumbJob = async () => {
    thumbResume ??= await createResume(api, a)
    return (await admin.query(`select id from ${QUEUE_SCHEMA}.job where name = 'exports.thumbnail' and singleton_key = $1`, [`resume:${thumbResume}`])).rows[0]?.id as string | undefined
  }
  await killMidJob('thumbnail', thumbJob, async () => (await api.inject({ method: 'GET', url: `/resumes/${thumbResume}`, headers: bearer(a.access) })).json().data.thumbnail_url !== null)
  const thumb = (await api.inject({ method: 'GET', url: `/resumes/${thumbResume}`, headers: bearer(a.access) })).json().data
  t.equal((await download(api, thumb.thumbnail_url)).status, 200, 'thumbnail: the preview is there')
  // Export: one row completed, on its second attempt, with its file.
  const resumeId = thumbResume!
  let exportId: string | undefined
  await killMidJob('export', async () => {
    exportId ??= (await api.inject({ method: 'POST', url: `/resumes/${resumeId}/export`, headers: bearer(a.access), payload: { format: 'pdf' } })).json().data.export_id
    return exportId
  }, async () => (await admin.query('select status from exports where id = $1', [exportId])).rows[0]?.status === 'completed')
  const exp = (await api.inject({ method: 'GET', url: `/exports/${exportId}`, headers: bearer(a.access) })).json().data
  t.match(exp, { status: 'completed', attempts: 2 }, 'export: completed on its second attempt')
  const pdf = await download(api, exp.url)
  t.equal(pdf.status, 200)
  t.equal(pdf.body.subarray(0, 5).toString(), '%PDF-', 'export: the file is a PDF')
  t.equal((await admin.query('select count(*)::int as n from exports where resume_id = $1', [resumeId])).rows[0].n, 1, 'export: one row')

  // Parse of that PDF: one completed row with a draft.
  let parseId: string | undefined
  await killMidJob('parse', async () => {
    const body = multipart(pdf.body, { filename: 'cv.pdf', type: 'application/pdf' })
    parseId ??= (await api.inject({ method: 'POST', url: '/resumes/parse', headers: { ...bearer(a.access), ...body.headers }, payload: body.payload })).json().data.job_id
    return parseId
  }, async () => (await admin.query('select status from parse_jobs where id = $1', [parseId])).rows[0]?.status === 'completed')
  const parsed = (await api.inject({ method: 'GET', url: `/resumes/parse/${parseId}`, headers: bearer(a.access) })).json().data
  t.equal(parsed.status, 'completed', 'parse: completed')
  t.equal(parsed.draft.basics.name, 'Amélie Fontaine', 'parse: the draft is there')
  t.equal((await admin.query('select attempts from parse_jobs where id = $1', [parseId])).rows[0].attempts, 2, 'parse: on its second attempt')

  t.ok(Object.values(figures).every((ms) => ms < 60_000), JSON.stringify(figures))
})

async function createResume (app: FastifyInstance, a: Account): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'CV', template_id: 'classic', content: FULL } })
  return res.json().data.id
}
