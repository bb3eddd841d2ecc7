// Analysis jobs end to end on real PostgreSQL (pg-boss) and Redis: queueing, progress, the
// one completed write, SSE over real HTTP, quota, ownership, roles.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import type { Test } from 'tap'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { QUEUE_SCHEMA } from '../../kernel/queue.ts'
import { REDIS_URL, bearer, build, createDatabase, created, rand, register, request, sleep, tempDir, waitFor, waitForStatus, type Account } from '../../test/helper.ts'
import { killTree, startServer } from '../../test/process.ts'

const FIXTURE_PLUGINS = fileURLToPath(new URL('../../test/fixtures/plugins', import.meta.url))
const AI_ENV = { CVGEN_PLUGIN_DIRS: FIXTURE_PLUGINS, AI_PROVIDER: 'slow-test' }
const call = (app: FastifyInstance, acct: Account | null, method: 'GET' | 'POST', url: string, payload?: unknown) => request(app, method, url, { token: acct?.access, payload })

async function resume (app: FastifyInstance, acct: Account, delayMs = 50): Promise<string> {
  return (await created(app, acct.access, '/resumes', {
    title: 'CV ' + rand(2),
    template_id: 'classic',
    content: { basics: { name: 'Ada Lovelace', summary: 'Engineer' }, meta: { delay_ms: delayMs } }
  })).id
}

const waitStatus = (app: FastifyInstance, acct: Account, jobId: string, until: string[], timeoutMs = 15_000) =>
  waitForStatus(app, `/ai/analyze/${jobId}/status`, acct.access, { until, timeoutMs, intervalMs: 20 })

/** The pg-boss state of a job, straight from its table. */
async function jobState (admin: pg.Client, jobId: string): Promise<string | undefined> {
  return (await admin.query(`select state from ${QUEUE_SCHEMA}.job where id = $1`, [jobId])).rows[0]?.state
}

/**
 * A pause before each send, so the worker sits idle between its polls (right after a job it
 * looks for the next one at once, which would hide a missing wake-up).
 */
const idle = () => sleep(300 + Math.random() * 400)

/**
 * Workers poll every 2 s as a backstop, so a start within 3 s proves nothing. Woken by
 * NOTIFY, a job starts within tens of ms (medians 10-30 ms, single starts up to 86 ms, under
 * a full suite's load); with LISTEN/NOTIFY off the same loops measured medians of 410 ms
 * (another process) and 1,500 ms (this one).
 */
function wokenByNotify (t: Test, latencies: number[]): void {
  const median = [...latencies].sort((a, b) => a - b)[Math.floor(latencies.length / 2)]!
  t.ok(median < 150, `median start latency ${median.toFixed(1)} ms < 150 ms (${latencies.map((l) => l.toFixed(1)).join(', ')})`)
}

interface SseEvent { id: number, data: any }

/** Reads an SSE stream over real HTTP until it ends (or the timeout). */
async function readStream (url: string, headers: Record<string, string> = {}, timeoutMs = 15_000) {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
  const events: SseEvent[] = []
  if (res.status !== 200) return { status: res.status, headers: res.headers, events, body: await res.text() }
  const decoder = new TextDecoder()
  let buf = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true })
    let i
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i)
      buf = buf.slice(i + 2)
      const id = /^id: (\d+)$/m.exec(block)
      const data = /^data: (.*)$/m.exec(block)
      if (id && data) events.push({ id: Number(id[1]), data: JSON.parse(data[1]!) })
    }
  }
  return { status: res.status, headers: res.headers, events, body: '' }
}

t.test('analysis with ROLE=all: queue, progress, one completed write, SSE, history, reports, ownership', async (t) => {
  const app = await build(t, AI_ENV)
  const base = await app.listen({ port: 0, host: '127.0.0.1' })
  const alice = await register(app)
  const bob = await register(app)

  t.test('POST -> 202, then progress to a completed row with scores', async (t) => {
    const target = await resume(app, alice, 60)
    const res = await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'resume', job_description: 'TypeScript engineer' })
    t.equal(res.status, 202)
    t.match(res.body, { data: { job_id: String, status: 'queued' } })
    const jobId = res.body.data.job_id

    // Progress is visible while it runs.
    // The first analysis in this process also starts Chromium for the ATS reading of the PDF:
    // seconds on a loaded machine, so the bound is generous (it only says "finishes").
    const seen = new Set<number>()
    const last = await waitFor('the job to complete', async () => {
      const data = (await call(app, alice, 'GET', `/ai/analyze/${jobId}/status`)).body.data
      seen.add(data.progress)
      return data.status === 'completed' && data
    }, { timeoutMs: 60_000, intervalMs: 10 })
    t.same(last, { job_id: jobId, status: 'completed', progress: 100, step: 'completed' })
    t.ok([...seen].some((p) => p > 0 && p < 100), `intermediate progress seen: ${[...seen].join(',')}`)

    const report = (await call(app, alice, 'GET', `/ai/reports/${jobId}`)).body.data
    t.match(report, {
      id: jobId,
      target_id: target,
      target_type: 'resume',
      status: 'completed',
      progress: 100,
      overall_score: Number,
      metrics: { ats_score: Number, impact_score: Number, brevity_score: Number, grammar_score: Number },
      strengths: ['deterministic'],
      improvements: ['be slower'],
      detailed_report: /Score/,
      provider: 'slow-test',
      model_used: 'slow-test-1',
      prompt_id: 'slow-test',
      prompt_version: '1',
      job_description: 'TypeScript engineer',
      error: null,
      attempts: 1,
      completed_at: String,
      created_at: String
    })
    t.notOk('user_id' in report)
    t.notOk('event_seq' in report)

    // The result is written once: a late second completion changes nothing.
    const again = await app.analysis.complete(jobId, 'other', { overall_score: 1, metrics: {}, strengths: [], improvements: [], detailed_report: '', model_used: 'x', prompt_id: 'x', prompt_version: 'x' })
    t.equal(again, null, 'a second completed write is refused')
    const after = (await call(app, alice, 'GET', `/ai/reports/${jobId}`)).body.data
    t.equal(after.overall_score, report.overall_score)
    t.equal(after.completed_at, report.completed_at)
    const [{ n }] = await app.db.fork().execute<{ n: string }[]>("select count(*) as n from analysis_results where id = ? and status = 'completed'", [jobId]) as [{ n: string }]
    t.equal(Number(n), 1)
  })

  t.test('the job starts fast (LISTEN/NOTIFY, not the 2 s poll)', async (t) => {
    const target = await resume(app, alice, 20)
    const latencies: number[] = []
    for (let i = 0; i < 5; i++) {
      await idle()
      const { body } = await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })
      await waitStatus(app, alice, body.data.job_id, ['completed'])
      const [row] = await app.db.fork().execute<{ ms: number }[]>('select extract(epoch from (started_at - created_at)) * 1000 as ms from analysis_results where id = ?', [body.data.job_id])
      latencies.push(Number(row!.ms))
    }
    t.comment(`queued -> processing latency (ms): ${latencies.map((l) => l.toFixed(1)).join(', ')}`)
    console.log(`# analysis start latency ms (same process): ${latencies.map((l) => l.toFixed(1)).join(', ')}`)
    wokenByNotify(t, latencies)
  })

  t.test('SSE over real HTTP: increasing ids, ends at completed; Last-Event-ID resumes; ?access_token=', async (t) => {
    const target = await resume(app, alice, 80)
    const { body } = await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })
    const jobId = body.data.job_id
    const stream = await readStream(`${base}/ai/analyze/${jobId}/events`, bearer(alice.access))
    t.equal(stream.status, 200)
    t.match(stream.headers.get('content-type'), /^text\/event-stream/)
    t.equal(stream.headers.get('cache-control'), 'no-cache, no-transform')
    t.equal(stream.headers.get('x-accel-buffering'), 'no')
    const ids = stream.events.map((e) => e.id)
    t.ok(ids.length >= 3, `several events: ${ids.join(',')}`)
    t.ok(ids.every((id, i) => i === 0 || id > ids[i - 1]!), 'ids increase')
    const lastEvent = stream.events.at(-1)!
    t.same(lastEvent.data, { job_id: jobId, status: 'completed', progress: 100, step: 'completed' })
    t.ok(stream.events.some((e) => e.data.status === 'processing'), 'processing events streamed')
    t.same(Object.keys(stream.events[0]!.data).sort(), ['job_id', 'progress', 'status', 'step'])

    // Reconnect after the stream ended, from the middle: the current state only (newer).
    const mid = ids[1]!
    const resumed = await readStream(`${base}/ai/analyze/${jobId}/events`, { ...bearer(alice.access), 'last-event-id': String(mid) })
    t.ok(resumed.events.length >= 1)
    t.ok(resumed.events.every((e) => e.id > mid), 'only events after Last-Event-ID')
    t.equal(resumed.events.at(-1)!.data.status, 'completed')
    // Already saw the end: the stream closes with nothing.
    const done = await readStream(`${base}/ai/analyze/${jobId}/events`, { ...bearer(alice.access), 'last-event-id': String(lastEvent.id) })
    t.equal(done.status, 200)
    t.same(done.events, [])

    // Live reconnect in the middle of a run, with ?access_token=.
    const slow = await resume(app, alice, 150)
    const job2 = (await call(app, alice, 'POST', '/ai/analyze', { target_id: slow, type: 'resume' })).body.data.job_id
    await waitStatus(app, alice, job2, ['processing'])
    const first = await fetch(`${base}/ai/analyze/${job2}/events?access_token=${alice.access}`)
    t.equal(first.status, 200)
    const reader = first.body!.getReader()
    const chunk = new TextDecoder().decode((await reader.read()).value)
    await reader.cancel()
    const firstIds = [...chunk.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))
    const seenId = firstIds.length > 0 ? Math.max(...firstIds) : 0
    const rest = await readStream(`${base}/ai/analyze/${job2}/events?access_token=${alice.access}`, { 'last-event-id': String(seenId) })
    t.ok(rest.events.every((e) => e.id > seenId), `resumed after ${seenId}: ${rest.events.map((e) => e.id).join(',')}`)
    t.equal(rest.events.at(-1)!.data.status, 'completed')

    const bad = await readStream(`${base}/ai/analyze/${job2}/events?access_token=not-a-token`)
    t.equal(bad.status, 401)
    const none = await readStream(`${base}/ai/analyze/${job2}/events`)
    t.equal(none.status, 401)
    // access_token is accepted on the stream only.
    const elsewhere = await app.inject({ method: 'GET', url: `/ai/analyze/${job2}/status?access_token=${alice.access}` })
    t.ok([400, 401].includes(elsewhere.statusCode))
    // Another user's stream.
    const foreign = await readStream(`${base}/ai/analyze/${job2}/events`, bearer(bob.access))
    t.equal(foreign.status, 404)
    t.equal(JSON.parse(foreign.body).error.code, 'ANALYSIS_NOT_FOUND')
  })

  t.test('history: newest first, filters, pagination', async (t) => {
    const carol = await register(app)
    const r1 = await resume(app, carol, 1)
    const r2 = await resume(app, carol, 1)
    const p1 = (await call(app, carol, 'POST', '/portfolios', { title: 'Work', template_id: 'classic' })).body.data.id
    const ids: string[] = []
    for (const [target, type] of [[r1, 'resume'], [r2, 'resume'], [r1, 'resume'], [p1, 'portfolio']] as const) {
      const res = await call(app, carol, 'POST', '/ai/analyze', { target_id: target, type })
      t.equal(res.status, 202)
      ids.push(res.body.data.job_id)
    }
    for (const id of ids) await waitStatus(app, carol, id, ['completed'])
    const all = await call(app, carol, 'GET', '/ai/history')
    t.equal(all.status, 200)
    t.same(all.body.meta, { limit: 20, offset: 0, total: 4 })
    t.same(all.body.data.map((r: any) => r.id), [...ids].reverse(), 'newest first')
    t.match(all.body.data[0], { target_type: 'portfolio', status: 'completed', overall_score: Number, provider: 'slow-test' })
    t.match((await call(app, carol, 'GET', `/ai/reports/${ids[3]}`)).body.data.metrics, { star_score: Number, tag_relevance_score: Number, completeness_score: Number })
    const byTarget = await call(app, carol, 'GET', `/ai/history?target_id=${r1}`)
    t.same(byTarget.body.data.map((r: any) => r.id), [ids[2], ids[0]])
    t.equal(byTarget.body.meta.total, 2)
    const byType = await call(app, carol, 'GET', '/ai/history?type=portfolio')
    t.same(byType.body.data.map((r: any) => r.id), [ids[3]])
    const page = await call(app, carol, 'GET', '/ai/history?limit=2&offset=1')
    t.same(page.body.data.map((r: any) => r.id), [ids[2], ids[1]])
    t.same(page.body.meta, { limit: 2, offset: 1, total: 4 })
    t.equal((await call(app, carol, 'GET', '/ai/history?limit=0')).status, 400)
    t.equal((await call(app, carol, 'GET', '/ai/history?type=cv')).status, 400)
    t.equal((await call(app, carol, 'GET', '/ai/history?target_id=nope')).status, 400)
    t.same((await call(app, bob, 'GET', `/ai/history?target_id=${r1}`)).body.data, [], "others' history is not visible")
  })

  t.test('reports while queued/processing carry null scores', async (t) => {
    const target = await resume(app, alice, 200)
    const jobId = (await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).body.data.job_id
    const early = (await call(app, alice, 'GET', `/ai/reports/${jobId}`)).body.data
    t.match(early, { id: jobId, overall_score: null, metrics: null, strengths: null, improvements: null, detailed_report: null, completed_at: null })
    t.ok(['queued', 'processing'].includes(early.status))
    await waitStatus(app, alice, jobId, ['completed'])
  })

  t.test('ownership: 404 for others, validation 400, never 5xx', async (t) => {
    const target = await resume(app, alice, 1)
    const jobId = (await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).body.data.job_id
    for (const url of [`/ai/analyze/${jobId}/status`, `/ai/reports/${jobId}`]) {
      const res = await call(app, bob, 'GET', url)
      t.equal(res.status, 404, url)
      t.equal(res.body.error.code, 'ANALYSIS_NOT_FOUND')
    }
    const missing = await call(app, alice, 'GET', `/ai/reports/${crypto.randomUUID()}`)
    t.equal(missing.status, 404)
    const foreignTarget = await call(app, bob, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })
    t.equal(foreignTarget.status, 404)
    t.equal(foreignTarget.body.error.code, 'RESUMES_NOT_FOUND')
    const wrongType = await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'portfolio' })
    t.equal(wrongType.status, 404, 'a resume id is not a portfolio')
    t.equal((await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'cv' })).status, 400)
    t.equal((await call(app, alice, 'POST', '/ai/analyze', { target_id: 'not-a-uuid', type: 'resume' })).status, 400)
    t.equal((await call(app, alice, 'GET', '/ai/analyze/not-a-uuid/status')).status, 400)
    t.equal((await call(app, alice, 'GET', '/ai/reports/123')).status, 400)
    t.equal((await call(app, null, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).status, 401)
    t.equal((await call(app, null, 'GET', `/ai/analyze/${jobId}/status`)).status, 401)
    const longJd = await call(app, alice, 'POST', '/ai/analyze', { target_id: target, type: 'resume', job_description: 'x'.repeat(20_001) })
    t.equal(longJd.status, 400)
    const malformed: unknown[] = [null, [], 'str', 1, {}, { target_id: target }, { type: 'resume' }, { target_id: 5, type: 'resume' },
      { target_id: target, type: ['resume'] }, { target_id: target, type: 'resume', extra: 1 }, { target_id: target, type: 'resume', job_description: { a: 1 } },
      { target_id: target, type: 'resume', job_description: 'a\u0000b' }, { target_id: { $ne: null }, type: 'resume' }]
    for (const body of malformed) {
      const res = await app.inject({ method: 'POST', url: '/ai/analyze', headers: { ...bearer(alice.access), 'content-type': 'application/json' }, payload: JSON.stringify(body) })
      t.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(body)} -> ${res.statusCode}`)
    }
    const raw = await app.inject({ method: 'POST', url: '/ai/analyze', headers: { ...bearer(alice.access), 'content-type': 'application/json' }, payload: '{"target_id":' })
    t.equal(raw.statusCode, 400)
  })
})

t.test('a target deleted before the job runs fails without retry', async (t) => {
  // ROLE=api queues the job and sees the delete with no worker to race it; a worker app on
  // the same database then runs the job against a target that is gone.
  const db = await createDatabase(t)
  const prefix = `cvgen-test-${rand()}:`
  const api = await build(t, { ...AI_ENV, DATABASE_URL: db, REDIS_PREFIX: prefix, ROLE: 'api' })
  const dave = await register(api)
  const target = await resume(api, dave, 1)
  const jobId = (await call(api, dave, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).body.data.job_id
  t.equal((await api.inject({ method: 'DELETE', url: `/resumes/${target}`, headers: bearer(dave.access) })).statusCode, 204)
  await build(t, { ...AI_ENV, DATABASE_URL: db, REDIS_PREFIX: prefix, ROLE: 'worker' })
  const final = await waitStatus(api, dave, jobId, ['completed', 'failed'], 20_000)
  t.equal(final.status, 'failed')
  const report = (await call(api, dave, 'GET', `/ai/reports/${jobId}`)).body.data
  t.match(report.error, /deleted/)
  t.equal(report.attempts, 1, 'not retried')
})

t.test('daily quota: 429 with Retry-After and details', async (t) => {
  const dir = tempDir(t)
  const tiers = join(dir, 'tiers.json')
  writeFileSync(tiers, JSON.stringify({ free: { analysesPerDay: 2 } }))
  const app = await build(t, { ...AI_ENV, TIERS_FILE: tiers })
  const acct = await register(app)
  const target = await resume(app, acct, 1)
  for (let i = 0; i < 2; i++) t.equal((await call(app, acct, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).status, 202)
  const third = await call(app, acct, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })
  t.equal(third.status, 429)
  t.equal(third.body.error.code, 'ANALYSIS_DAILY_QUOTA')
  t.same(third.body.error.details, { limit: 2, used: 2, tier: 'free' })
  const retry = Number(third.headers['retry-after'])
  const now = new Date()
  const expected = (Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000
  t.ok(retry > 0 && retry <= 86_400 && Math.abs(retry - expected) < 5, `Retry-After ${retry} ~ ${expected.toFixed(0)}`)
  // Another user has their own quota.
  const other = await register(app)
  t.equal((await call(app, other, 'POST', '/ai/analyze', { target_id: await resume(app, other, 1), type: 'resume' })).status, 202)
})

t.test('ROLE=api never runs jobs; a ROLE=worker app on the same database does', async (t) => {
  const db = await createDatabase(t)
  const prefix = `cvgen-test-${rand()}:`
  const api = await build(t, { ...AI_ENV, DATABASE_URL: db, REDIS_PREFIX: prefix, ROLE: 'api' })
  const acct = await register(api)
  const target = await resume(api, acct, 20)
  const jobId = (await call(api, acct, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).body.data.job_id
  await sleep(2500) // more than one polling interval
  t.equal((await call(api, acct, 'GET', `/ai/analyze/${jobId}/status`)).body.data.status, 'queued', 'the API does not process it')

  const worker = await build(t, { ...AI_ENV, DATABASE_URL: db, REDIS_PREFIX: prefix, ROLE: 'worker' })
  t.ok(worker)
  const done = await waitStatus(api, acct, jobId, ['completed'], 20_000)
  t.equal(done.status, 'completed')

  // Cross-process start latency: the worker wakes on NOTIFY from the API's send.
  const base = await api.listen({ port: 0, host: '127.0.0.1' })
  const latencies: number[] = []
  for (let i = 0; i < 5; i++) {
    await idle()
    const id = (await call(api, acct, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).body.data.job_id
    // Events cross processes through Redis pub/sub.
    const stream = await readStream(`${base}/ai/analyze/${id}/events`, bearer(acct.access))
    t.equal(stream.events.at(-1)?.data.status, 'completed')
    const [row] = await api.db.fork().execute<{ ms: number }[]>('select extract(epoch from (started_at - created_at)) * 1000 as ms from analysis_results where id = ?', [id])
    latencies.push(Number(row!.ms))
  }
  console.log(`# analysis start latency ms (api -> worker app via NOTIFY): ${latencies.map((l) => l.toFixed(1)).join(', ')}`)
  wokenByNotify(t, latencies)
})

t.test('durability: a worker process SIGKILLed mid-job; another retries it within 30 s (heartbeat) and it completes once', async (t) => {
  const db = await createDatabase(t)
  const prefix = `cvgen-test-${rand()}:`
  const api = await build(t, { ...AI_ENV, DATABASE_URL: db, REDIS_PREFIX: prefix, ROLE: 'api' })
  const acct = await register(api)
  const target = await resume(api, acct, 3000) // 5 steps of 3 s: still running when the second worker is up
  const jobId = (await call(api, acct, 'POST', '/ai/analyze', { target_id: target, type: 'resume' })).body.data.job_id

  const workerEnv = {
    ...AI_ENV,
    DATABASE_URL: db,
    REDIS_URL,
    REDIS_PREFIX: prefix,
    ROLE: 'worker',
    JWT_SECRET: rand(24),
    DATA_DIR: tempDir(t)
  }
  const first = await startServer(workerEnv)
  t.teardown(() => killTree(first.child.pid!))
  const running = await waitStatus(api, acct, jobId, ['processing'], 20_000)
  t.equal(running.status, 'processing')
  // Let it get a little way in.
  await waitFor('some progress', async () => (await call(api, acct, 'GET', `/ai/analyze/${jobId}/status`)).body.data.progress > 0, { timeoutMs: 4000, intervalMs: 20 }).catch(() => {})
  // A second worker, idle, with production settings (no clock tricks): it must pick the job up.
  const second = await startServer(workerEnv)
  t.teardown(() => killTree(second.child.pid!))
  t.equal((await call(api, acct, 'GET', `/ai/analyze/${jobId}/status`)).body.data.status, 'processing', 'still running when the second worker is up')
  // SIGKILL: a real crash, no shutdown handler runs, and the attempt's 120 s expiry is far off.
  const killedAt = Date.now()
  killTree(first.child.pid!)
  const admin = new pg.Client({ connectionString: db })
  await admin.connect()
  t.teardown(() => admin.end())
  let restartedAfter = Infinity
  await waitFor('the next attempt', async () => (await admin.query('select attempts from analysis_results where id = $1', [jobId])).rows[0]?.attempts >= 2, { timeoutMs: 40_000, intervalMs: 100 })
    .then(() => { restartedAfter = Date.now() - killedAt }, () => {})
  console.log(`# kill -> next attempt started: ${restartedAfter} ms`)
  t.ok(restartedAfter < 30_000, `the next attempt started ${restartedAfter} ms after the kill (heartbeat 10 s, supervision every 5 s)`)
  const done = await waitStatus(api, acct, jobId, ['completed', 'failed'], 60_000)
  t.equal(done.status, 'completed')
  const { rows } = await admin.query('select status, attempts from analysis_results where id = $1', [jobId])
  t.equal(rows.length, 1)
  t.equal(rows[0].status, 'completed')
  t.equal(rows[0].attempts, 2, 'exactly one more attempt')
  await sleep(500)
  t.equal(await jobState(admin, jobId), 'completed')
})

t.test('a provider that throws: retried by pg-boss (row back to queued with the error), then failed for good', async (t) => {
  const db = await createDatabase(t)
  const app = await build(t, { ...AI_ENV, DATABASE_URL: db })
  const acct = await register(app)
  const res = await call(app, acct, 'POST', '/resumes', { title: 'Failing', template_id: 'classic', content: { basics: { name: 'X' }, meta: { delay_ms: 1, fail: true } } })
  const jobId = (await call(app, acct, 'POST', '/ai/analyze', { target_id: res.body.data.id, type: 'resume' })).body.data.job_id
  const admin = new pg.Client({ connectionString: db })
  await admin.connect()
  t.teardown(() => admin.end())
  let sawRetry = false
  await waitForStatus(app, `/ai/reports/${jobId}`, acct.access, {
    until: ['failed'],
    timeoutMs: 60_000,
    pending: (data) => {
      if (data.status !== 'queued' || data.step !== 'retrying') return
      // A provider's own Error may carry internals: the owner reads ours, the log keeps its words.
      if (!sawRetry) t.match(data.error, /failed on the server \(attempt 1 of 4\)/, 'the reason is kept on the row while a retry waits')
      sawRetry = true
      // Skip pg-boss's backoff wait (2-4 s, 4-8 s, 8-16 s) so the test stays short.
      return admin.query(`update ${QUEUE_SCHEMA}.job set start_after = now() where id = $1 and state = 'retry'`, [jobId])
    }
  })
  t.ok(sawRetry, 'a retry was visible on the row')
  const report = (await call(app, acct, 'GET', `/ai/reports/${jobId}`)).body.data
  t.match(report, { status: 'failed', step: 'failed', error: /failed on the server \(attempt 4 of 4\)/, overall_score: null, attempts: 4, completed_at: String })
  t.notMatch(report.error, /told to fail/)
  await waitFor('pg-boss to mark the job failed', async () => await jobState(admin, jobId) === 'failed', { timeoutMs: 2000 })
  t.equal(await jobState(admin, jobId), 'failed')
})
