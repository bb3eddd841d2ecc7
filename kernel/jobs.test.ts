// app.jobs on real pg-boss and PostgreSQL: a tracked job's row through retries, refusal, final
// failure (with no internals in the stored reason), its deadline, enqueue-or-fail, and the
// declaration rules (no undeclared queue, no worker outside a worker role).
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, sleep, waitFor } from '../test/helper.ts'
import { AppError, JobRefused } from './errors.ts'
import { Jobs, JobTable, type JobRow } from './jobs.ts'
import { Queue } from './queue.ts'

interface Row extends JobRow { progress: number, step: string | null, error_code: string | null, result: unknown, completed_at: string | null }

async function setup (t: Parameters<typeof build>[0]) {
  const app = await build(t, { ROLE: 'api' })
  await app.db.fork().execute(`create table test_jobs (
    id uuid primary key default gen_random_uuid(), user_id uuid not null default gen_random_uuid(),
    status text not null default 'queued', progress int not null default 0, step text, error text, error_code text,
    attempts int not null default 0, result jsonb, started_at timestamptz, completed_at timestamptz)`)
  const table = new JobTable<Row>(app.db, { table: 'test_jobs', progress: true, startedAt: true, errorCode: true })
  const jobs = new Jobs(app.queue, app.log, true)
  const newRow = async () => (await app.db.fork().execute<{ id: string }[]>('insert into test_jobs default values returning id'))[0]!.id
  return { app, table, jobs, newRow }
}

const rowOf = (app: FastifyInstance, id: string) => app.db.fork().execute<Row[]>('select * from test_jobs where id = ?', [id]).then((r) => r[0]!)
const finished = (app: FastifyInstance, id: string) => async () => { const r = await rowOf(app, id); return r.status === 'completed' || r.status === 'failed' ? r : null }

t.test('a tracked job: retried with its reason, written once, its upload-style clean-up run once', async (t) => {
  const { app, table, jobs, newRow } = await setup(t)
  const settled: string[] = []
  const seen: Array<{ status: string, error: string | null }> = []
  let calls = 0
  const job = jobs.define({
    queue: `t.flaky.${Date.now()}`,
    options: { retryLimit: 3, retryDelay: 0, expireInSeconds: 60 },
    concurrency: 1,
    pollingIntervalSeconds: 0.5,
    table,
    rowId: (d: { id: string }) => d.id,
    messages: { retrying: (n, of) => `try ${n} of ${of} failed`, failed: (n) => `failed after ${n}` },
    enqueueFailed: { error: () => new AppError('no'), message: 'not queued' },
    settled: async (row) => { settled.push(row.id) },
    run: async ({ row, attempt }) => {
      const now = await rowOf(app, row.id)
      seen.push({ status: now.status, error: now.error })
      calls++
      if (attempt < 3) throw new Error('connection reset by peer at 10.0.0.7:5432')
      await table.complete(row.id, { result: { ok: true, attempt } })
    }
  })
  await jobs.start()
  const id = await newRow()
  await job.enqueue(id, { id }, app.log)
  const done = await waitFor('the job', finished(app, id), { timeoutMs: 20_000 })
  t.match(done, { status: 'completed', attempts: 3, progress: 100, step: 'completed', error: null, result: { ok: true, attempt: 3 } })
  t.equal(calls, 3)
  t.same(seen.map((s) => s.status), ['processing', 'processing', 'processing'], 'each attempt runs on a processing row')
  t.same(seen.map((s) => s.error), [null, 'try 1 of 4 failed', 'try 2 of 4 failed'], 'a retry keeps our reason, never the driver error')
  t.same(settled, [id], 'clean-up runs once, when the job has ended')
  t.equal(await table.complete(id, { result: { again: true } }), null, 'a second completion (a zombie) changes nothing')
})

t.test('the last attempt fails the row with a public reason and its code; a refusal fails at once', async (t) => {
  const { app, table, jobs, newRow } = await setup(t)
  const settled: string[] = []
  let refusedRuns = 0
  const common = {
    concurrency: 1,
    pollingIntervalSeconds: 0.5,
    table,
    rowId: (d: { id: string }) => d.id,
    messages: { retrying: () => 'retrying', failed: (n: number) => `failed after ${n} attempts`, failedCode: 'T_FAILED' },
    enqueueFailed: { error: () => new AppError('no'), message: 'not queued' },
    settled: async (row: Row) => { settled.push(row.id) }
  }
  const broken = jobs.define<{ id: string }, Row>({
    ...common,
    queue: `t.broken.${Date.now()}`,
    options: { retryLimit: 1, retryDelay: 0, expireInSeconds: 60 },
    run: async () => { throw new Error('syntax error at or near "select secret from users"') }
  })
  const refused = jobs.define<{ id: string }, Row>({
    ...common,
    queue: `t.refused.${Date.now()}`,
    options: { retryLimit: 3, retryDelay: 0, expireInSeconds: 60 },
    run: async () => { refusedRuns++; throw new JobRefused('The file is empty', 'T_EMPTY') }
  })
  await jobs.start()
  const a = await newRow()
  const b = await newRow()
  await broken.enqueue(a, { id: a }, app.log)
  await refused.enqueue(b, { id: b }, app.log)
  const failed = await waitFor('the broken job', finished(app, a), { timeoutMs: 20_000 })
  t.match(failed, { status: 'failed', step: 'failed', attempts: 2, error: 'failed after 2 attempts', error_code: 'T_FAILED', completed_at: String })
  t.notMatch(failed.error, /select|syntax/, 'no SQL in the stored reason')
  const gone = await waitFor('the refused job', finished(app, b), { timeoutMs: 20_000 })
  t.match(gone, { status: 'failed', attempts: 1, error: 'The file is empty', error_code: 'T_EMPTY' })
  await sleep(1500) // a retry would have come by now (retryDelay 0, polling 0.5 s)
  t.equal(refusedRuns, 1, 'refused: never retried')
  t.same(settled.sort(), [a, b].sort(), 'each cleaned up once')
})

t.test('an attempt is aborted before pg-boss expires it, with a readable reason', async (t) => {
  const { app, table, jobs, newRow } = await setup(t)
  const job = jobs.define({
    queue: `t.slow.${Date.now()}`,
    // 11 s expiry, 10 s margin: the signal aborts after 1 s.
    options: { retryLimit: 0, expireInSeconds: 11 },
    concurrency: 1,
    pollingIntervalSeconds: 0.5,
    table,
    rowId: (d: { id: string }) => d.id,
    messages: { retrying: () => 'retrying', failed: () => 'failed on the server' },
    enqueueFailed: { error: () => new AppError('no'), message: 'not queued' },
    deadlineMessage: (s) => `the test job took longer than ${s} s`,
    run: async ({ signal, deadline }) => {
      t.ok(deadline > Date.now() && deadline <= Date.now() + 1000, 'the deadline is the abort time')
      await new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason)))
    }
  })
  await jobs.start()
  const id = await newRow()
  await job.enqueue(id, { id }, app.log)
  t.match(await waitFor('the slow job', finished(app, id), { timeoutMs: 20_000 }), { status: 'failed', error: 'the test job took longer than 1 s' })
})

t.test('enqueue-or-fail: a job that cannot be queued fails its row and answers the plugin\'s error', async (t) => {
  const { app, table, newRow } = await setup(t)
  // A queue on a port nothing listens on: pg-boss cannot start, so nothing can be sent.
  const dead = new Queue({ connectionString: 'postgres://postgres@127.0.0.1:1/none', connectionTimeoutMillis: 500 } as never, () => {})
  const jobs = new Jobs(dead, app.log, false)
  const settled: string[] = []
  class Unavailable extends AppError { statusCode = 503; code = 'T_ENQUEUE_FAILED' }
  const job = jobs.define({
    queue: 't.unreachable',
    options: { retryLimit: 0 },
    concurrency: 1,
    table,
    rowId: (d: { id: string }) => d.id,
    messages: { retrying: () => 'retrying', failed: () => 'failed' },
    enqueueFailed: { error: () => new Unavailable('The job could not be queued'), message: 'could not be queued', code: 'T_NOT_QUEUED' },
    settled: async (row) => { settled.push(row.id) },
    run: async () => {}
  })
  const id = await newRow()
  const err = await job.enqueue(id, { id }, app.log).then(() => null, (e: unknown) => e)
  t.ok(err instanceof Unavailable, 'the plugin\'s 503')
  t.match(await rowOf(app, id), { status: 'failed', error: 'could not be queued', error_code: 'T_NOT_QUEUED' })
  t.same(settled, [id], 'and its clean-up ran')
})

t.test('declarations: one definition per queue, no send to an undeclared queue, no worker outside a worker role', async (t) => {
  const { app } = await setup(t)
  const queue = new Queue(app.db.connection, () => {})
  t.teardown(() => queue.stop())
  const apiOnly = new Jobs(queue, app.log, false)
  const plain = apiOnly.define({ queue: 't.plain', options: { retryLimit: 0 }, concurrency: 1, run: async () => {} })
  t.throws(() => apiOnly.define({ queue: 't.plain', options: {}, concurrency: 1, run: async () => {} }), /defined twice/)
  await t.rejects(queue.send('t.nobody-declared', {}), /not declared/)
  await apiOnly.start()
  t.same(apiOnly.working, [], 'ROLE=api: no workers')
  t.equal(queue.started, false, 'and no pg-boss started for them')
  t.ok(await plain.send({}), 'a producer sends all the same')
})

t.test('poison: a job whose every attempt dies is failed with a reason by its dead-letter worker, and the process serves on', async (t) => {
  const { app, table, jobs, newRow } = await setup(t)
  const release: Array<() => void> = []
  t.teardown(() => { for (const r of release) r() })
  const settled: string[] = []
  let attempts = 0
  const job = jobs.define({
    queue: `t.dying.${Date.now()}`,
    // Each attempt hangs past its 2 s expiry, as one whose process was killed would.
    options: { retryLimit: 1, retryDelay: 0, expireInSeconds: 2 },
    concurrency: 3,
    pollingIntervalSeconds: 0.5,
    table,
    rowId: (d: { id: string }) => d.id,
    messages: { retrying: () => 'retrying', failed: () => 'failed on the server', failedCode: 'T_FAILED' },
    enqueueFailed: { error: () => new AppError('no'), message: 'not queued' },
    settled: async (row) => { settled.push(row.id) },
    run: async () => { attempts++; await new Promise<void>((resolve) => release.push(resolve)) }
  })
  await jobs.start()
  const id = await newRow()
  await job.enqueue(id, { id }, app.log)
  const failed = await waitFor('the dead-letter worker', finished(app, id), { timeoutMs: 60_000 })
  t.match(failed, { status: 'failed', error: /stopped unexpectedly on the server, 2 times/, error_code: 'T_FAILED' })
  t.equal(attempts, 2, 'both attempts ran, neither finished')
  t.same(settled, [id], 'its clean-up ran once')
  t.equal((await app.inject({ method: 'GET', url: '/healthz' })).statusCode, 200, 'the process serves on')
})
