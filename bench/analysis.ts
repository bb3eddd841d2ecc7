// `npm run bench` (third, after bench/auth.ts and bench/resumes.ts), or `node bench/analysis.ts`:
// what an analysis costs with the offline heuristic provider.
// 1. HeuristicProvider.analyze() called directly on a ~1,000-word resume, warm (goal p50 < 150 ms).
// 2. POST /ai/analyze -> completed on the real app (ROLE=all, in this process, PostgreSQL queue,
//    Redis pub/sub), observed on the SSE events route, at 1, 10 and 50 concurrent clients
//    (goal p50 < 500 ms at 10). POST /ai/analyze allows 30 requests per minute per user (a fixed
//    limit in plugins/analysis/routes.ts), so every concurrent client is its own user and no
//    user sends more than 30 in the run.
// 3. Jobs/s: the API in this process with ROLE=api (no workers), 200 analyses enqueued, run by
//    1 and then 2 real server processes with ROLE=worker on the same database.
// Everything (PostgreSQL included) shares the machine's cores: absolute figures depend on it.
import { readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { loadConfig } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'
import { HeuristicProvider } from '../plugins/ai-heuristic/provider.ts'
import { abortOnSignal, createDatabase, deleteRedisKeys, formatTable, randomId, type ScratchDatabase, benchEnv, IN_PROCESS, startProduct, type ProductProcess } from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS_URL = 'redis://127.0.0.1:6379'
const GOAL_DIRECT_P50_MS = 150
const GOAL_E2E_P50_MS = 500
const JOBS = 200
const ANALYZE_LIMIT_PER_USER = 30 // per minute, plugins/analysis/routes.ts
const JOB_USERS = 20 // 200 jobs = 10 per user per run, 20 per user over both runs

const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../samples/${path}`, import.meta.url), 'utf8'))
const JOB_DESCRIPTION = JSON.stringify(fixture('jsonresume/sample.job.json'))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

function percentile (xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  const hi = Math.ceil(rank)
  return s[lo]! + (s[hi]! - s[lo]!) * (rank - lo)
}

// ---------------------------------------------------------------------------------------
// The ~1,000-word resume: strong.resume.json with two more jobs, more bullets and projects

const EXTRA_WORK = [
  {
    name: 'Fjordline Telecom',
    position: 'Software Engineer',
    location: 'Oslo',
    startDate: '2015-06',
    endDate: '2017-08',
    summary: 'Network operator with four million subscribers; I worked on the provisioning and usage-metering backends.',
    highlights: [
      'Replaced a nightly batch of SOAP calls with an event-driven provisioning pipeline on Kafka, activating new SIM cards in seconds instead of hours',
      'Profiled the usage-metering service with flame graphs and removed an N+1 query pattern, lowering database CPU from 78% to 21%',
      'Introduced structured JSON logging and request tracing with OpenTelemetry across 14 Java and Node.js services',
      'Wrote the on-call runbook and alert thresholds that reduced pages outside office hours from nine a week to two',
      'Negotiated API contracts with three partner carriers and shipped the roaming settlement integration two weeks ahead of the regulatory deadline',
      'Migrated customer-facing rate plans from hard-coded tables to a configuration service that product managers edit without deployments',
      'Paired with the security team to rotate secrets through HashiCorp Vault and pass the annual ISO 27001 audit with zero findings'
    ]
  },
  {
    name: 'Brightwater Analytics',
    position: 'Junior Developer',
    location: 'Uppsala',
    startDate: '2014-01',
    endDate: '2015-05',
    summary: 'Small consultancy building reporting dashboards for hospitals and regional councils.',
    highlights: [
      'Delivered a patient-flow dashboard in React and D3 used daily by 300 nurses across five hospital wards',
      'Designed the star schema and ETL jobs that loaded eleven years of admissions data into a PostgreSQL warehouse',
      'Cut report generation time from forty minutes to ninety seconds by precomputing materialised views overnight',
      'Automated accessibility checks in continuous integration so every release met WCAG 2.1 AA requirements',
      'Presented quarterly findings to council stakeholders and turned their feedback into a prioritised backlog',
      'Replaced fragile spreadsheet imports with validated CSV uploads that flag malformed rows before they reach the warehouse',
      'Trained two hospital analysts to write their own SQL reports, freeing the team from a queue of ad hoc requests'
    ]
  }
]

const EXTRA_HIGHLIGHTS: string[][] = [
  [
    'Built an idempotency layer for payment captures backed by Redis and PostgreSQL advisory locks, ending duplicate charges during retries',
    'Launched a merchant webhook platform with signed payloads, exponential backoff and a replay console that support staff use every day',
    'Ran chaos experiments in staging with fault injection, uncovering four cascading failure modes before they reached production',
    'Reduced container image sizes by 70% with distroless bases and multi-stage builds, halving cold-start time on autoscaling',
    'Authored the internal guide to zero-downtime schema migrations, adopted by nine product teams across the company',
    'Shortened the fraud-review queue by streaming risk signals into a rules engine that analysts tune through a small web console',
    'Coordinated a cross-team incident review after a regional AWS outage and drove the multi-region failover plan to completion',
    'Interviewed over sixty candidates and redesigned the take-home exercise so it takes applicants two hours instead of a weekend'
  ],
  [
    'Introduced feature flags and trunk-based development, raising deployment frequency from weekly to several times per day',
    'Partnered with data scientists to serve a demand-forecasting model behind a low-latency gRPC endpoint answering within 15 ms',
    'Consolidated three overlapping geocoding vendors into one contract, saving 48,000 euros a year without losing accuracy',
    'Hardened the public tracking API with per-client quotas and caching at the edge, absorbing a 20x traffic spike during holiday peaks',
    'Moved warehouse scanners from polling to WebSocket updates, so parcel status reached dispatchers within two seconds of a scan',
    'Documented every public endpoint with OpenAPI examples, which cut integration questions from partner developers by roughly half'
  ]
]

const EXTRA_PROJECTS = [
  {
    name: 'helmlint-action',
    description: 'GitHub Action that validates Helm charts against cluster policies before merge.',
    highlights: [
      'Used by more than 200 repositories, including two CNCF sandbox projects',
      'Catches misconfigured resource limits and missing liveness probes with clear inline annotations on pull requests'
    ],
    startDate: '2023-04'
  },
  {
    name: 'Conference talks',
    description: 'Speaker at Nordic backend and infrastructure meetups.',
    highlights: [
      'Gave a talk on tail-latency debugging in PostgreSQL at Øredev 2023 to an audience of roughly 400 engineers',
      'Ran a hands-on workshop on Kubernetes operators for twenty-five attendees at a Stockholm Go meetup'
    ],
    startDate: '2023-11'
  }
]

function bigResume (): Record<string, any> {
  const doc = fixture('analysis/strong.resume.json') as Record<string, any>
  doc.basics.summary += ' Outside work I maintain open-source tooling for PostgreSQL and Helm, speak at local meetups, and coach career changers who are learning backend development through a weekly study group.'
  doc.work[0].highlights.push(...EXTRA_HIGHLIGHTS[0]!)
  doc.work[1].highlights.push(...EXTRA_HIGHLIGHTS[1]!)
  doc.work[1].summary = 'Freight logistics company running delivery fleets across Scandinavia and the Baltic states.'
  doc.work.push(...structuredClone(EXTRA_WORK))
  doc.education.push({ institution: 'Uppsala University', area: 'Mathematics and Computer Science', studyType: 'Bachelor', startDate: '2011-08', endDate: '2014-06', courses: ['Distributed Systems', 'Databases', 'Algorithms and Data Structures', 'Compiler Construction'] })
  doc.projects.push(...structuredClone(EXTRA_PROJECTS))
  doc.certificates = [
    { name: 'Certified Kubernetes Administrator', issuer: 'Cloud Native Computing Foundation', date: '2022-05' },
    { name: 'AWS Certified Solutions Architect – Professional', issuer: 'Amazon Web Services', date: '2021-10' }
  ]
  doc.volunteer = [{
    organization: 'Kodcentrum',
    position: 'Volunteer Instructor',
    startDate: '2019-02',
    summary: 'Teaching programming basics to children aged nine to fourteen in after-school clubs.',
    highlights: ['Designed a six-week Scratch and Python curriculum now reused by twelve other volunteer groups']
  }]
  doc.interests = [{ name: 'Open source', keywords: ['PostgreSQL tooling', 'observability', 'developer experience'] }]
  return doc
}

/** Every string value of the document, in order: the text the analysis reads. */
function flatten (value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(flatten)
  if (value && typeof value === 'object') return Object.values(value).flatMap(flatten)
  return []
}

function textStats (doc: unknown): { words: number, repeated: string[] } {
  const strings = flatten(doc)
  const words = strings.join(' ').split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length
  // "no repeated text": no sentence-sized string (5+ words) twice
  const seen = new Set<string>()
  const repeated: string[] = []
  for (const s of strings) {
    if (s.split(/\s+/).length < 5) continue
    if (seen.has(s)) repeated.push(s)
    seen.add(s)
  }
  return { words, repeated }
}

// ---------------------------------------------------------------------------------------
// Worker processes (kernel/server.ts with ROLE=worker)

/** A worker process started as operators start it (lib.ts startProduct), kept so it is stopped at the end. */
async function startWorker (env: Record<string, string>, workers: ProductProcess[]): Promise<ProductProcess> {
  const w = await startProduct(env, { timeoutMs: 60_000 })
  workers.push(w)
  return w
}

// ---------------------------------------------------------------------------------------
// API helpers

interface User { email: string, token: string, resumeId: string }

async function createUsers (app: FastifyInstance, n: number, doc: object, tag: string): Promise<User[]> {
  const users: User[] = []
  for (let i = 0; i < n; i++) {
    const email = `bench-analysis-${tag}-${i}-${randomId()}@example.com`
    const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: `pw-${randomId(8)}`, full_name: `Bench ${tag} ${i}` } })
    if (reg.statusCode !== 201) throw new Error(`register: ${reg.statusCode} ${reg.body}`)
    if (!await app.auth.setTier(email, 'enterprise')) throw new Error('setTier: no such user')
    // The tier is read per request; the token carries only the user.
    const token = (reg.json() as { data: { access_token: string } }).data.access_token
    const imp = await app.inject({ method: 'POST', url: '/resumes/import', headers: { authorization: `Bearer ${token}` }, payload: doc })
    if (imp.statusCode !== 201) throw new Error(`import: ${imp.statusCode} ${imp.body.slice(0, 500)}`)
    users.push({ email, token, resumeId: (imp.json() as { data: { id: string } }).data.id })
  }
  return users
}

async function enqueue (base: string, user: User): Promise<string> {
  const res = await fetch(`${base}/ai/analyze`, {
    method: 'POST',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ target_id: user.resumeId, type: 'resume', job_description: JOB_DESCRIPTION })
  })
  const text = await res.text()
  if (res.status !== 202) throw new Error(`POST /ai/analyze: ${res.status} ${text.slice(0, 300)}`)
  return (JSON.parse(text) as { data: { job_id: string } }).data.job_id
}

/** Reads the SSE stream until the final event; returns that status. */
async function untilFinal (base: string, user: User, jobId: string, signal: AbortSignal): Promise<string> {
  const res = await fetch(`${base}/ai/analyze/${jobId}/events`, { headers: { authorization: `Bearer ${user.token}` }, signal: AbortSignal.any([signal, AbortSignal.timeout(60_000)]) })
  if (res.status !== 200) throw new Error(`events: ${res.status} ${await res.text()}`)
  const decoder = new TextDecoder()
  let buf = ''
  let last = ''
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buf += decoder.decode(chunk, { stream: true })
    let i
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const data = /^data: (.*)$/m.exec(buf.slice(0, i))
      buf = buf.slice(i + 2)
      if (data) last = (JSON.parse(data[1]!) as { status: string }).status
    }
    if (last === 'completed' || last === 'failed') break
  }
  return last
}

/** POST, then the SSE stream until completed: ms from sending the POST. */
async function analyseOnce (base: string, user: User, signal: AbortSignal): Promise<number> {
  const t0 = performance.now()
  const jobId = await enqueue(base, user)
  const status = await untilFinal(base, user, jobId, signal)
  if (status !== 'completed') throw new Error(`analysis ${jobId} ended ${status || 'without a final event'}`)
  return performance.now() - t0
}

// ---------------------------------------------------------------------------------------

interface Row { cells: string[] }

async function main (): Promise<void> {
  const runId = randomId()
  const abort = abortOnSignal('the scratch database, Redis keys and worker processes')

  const rows: Row[] = []
  const verdicts: string[] = []
  const f = (n: number, d = 1) => n.toFixed(d)
  console.log(`cores: ${os.availableParallelism()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, ` +
    `load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

  // 1. Direct -----------------------------------------------------------------------------
  const doc = bigResume()
  const stats = textStats(doc)
  if (stats.repeated.length > 0) throw new Error(`repeated text in the resume: ${stats.repeated[0]}`)
  console.log(`resume: ${stats.words} words of flattened text, ${Buffer.byteLength(JSON.stringify(doc))} bytes of JSON; job description ${JOB_DESCRIPTION.length} bytes`)
  {
    const provider = new HeuristicProvider()
    const input = { type: 'resume' as const, content: doc, title: 'Bench', jobDescription: JOB_DESCRIPTION }
    const ctx = { signal: new AbortController().signal, onProgress: async () => {} }
    for (let i = 0; i < 5; i++) await provider.analyze(input, ctx)
    const times: number[] = []
    for (let i = 0; i < 30; i++) {
      abort.check()
      const t0 = performance.now()
      await provider.analyze(input, ctx)
      times.push(performance.now() - t0)
    }
    const p50 = percentile(times, 50)
    const verdict = p50 < GOAL_DIRECT_P50_MS ? 'PASS' : 'FAIL'
    rows.push({ cells: ['1. HeuristicProvider.analyze, direct', '30 (5 warm-up)', f(p50), f(percentile(times, 95)), `p50 < ${GOAL_DIRECT_P50_MS} ms`, verdict] })
    verdicts.push(`direct heuristic p50 ${f(p50)} ms < ${GOAL_DIRECT_P50_MS} ms: ${verdict}`)
    console.log(`1. direct: p50 ${f(p50)} ms, p95 ${f(percentile(times, 95))} ms`)
  }

  let db: ScratchDatabase | null = null
  let app: FastifyInstance | null = null
  let pool: pg.Pool | null = null
  const workers: ProductProcess[] = []
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-analysis-'))
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    abort.check()
    const tiersFile = join(dataDir, 'tiers.json')
    writeFileSync(tiersFile, JSON.stringify({ enterprise: { analysesPerDay: null } }))
    const env = {
      ...benchEnv(db.url, runId),
      AUTH_RATE_LIMIT_MAX: '1000000',
      ACCESS_TOKEN_TTL: '2h',
      TIERS_FILE: tiersFile,
      DATA_DIR: dataDir,
      // The imported resumes' previews would render while analyses are timed; bench/exports.ts measures them.
      THUMBNAILS: 'false'
    }

    // 2. End to end, ROLE=all -------------------------------------------------------------
    app = await buildApp(await loadConfig({ ...env, ROLE: 'all' }), { logger: false })
    let base = await app.listen({ host: '127.0.0.1', port: 0 })
    abort.check()
    const users = await createUsers(app, 50, doc, 'e2e')
    abort.check()
    const plan: { concurrency: number, rounds: number, users: User[] }[] = [
      { concurrency: 1, rounds: 20, users: users.slice(0, 1) },
      { concurrency: 10, rounds: 3, users: users.slice(0, 10) },
      { concurrency: 50, rounds: 2, users: users.slice(0, 50) }
    ]
    const perUser = new Map<User, number>()
    // warm-up: a few analyses by the last user (not used at concurrency 1 or 10)
    for (let i = 0; i < 3; i++) await analyseOnce(base, users[49]!, abort.signal)
    perUser.set(users[49]!, 3)
    for (const { concurrency, rounds, users: us } of plan) {
      const times: number[] = []
      for (let r = 0; r < rounds; r++) {
        abort.check()
        for (const u of us) {
          const n = (perUser.get(u) ?? 0) + 1
          if (n > ANALYZE_LIMIT_PER_USER) throw new Error('the plan exceeds the per-user analyze rate limit')
          perUser.set(u, n)
        }
        times.push(...await Promise.all(us.map((u) => analyseOnce(base, u, abort.signal))))
      }
      const p50 = percentile(times, 50)
      const goal = concurrency === 10 ? `p50 < ${GOAL_E2E_P50_MS} ms` : '-'
      const verdict = concurrency === 10 ? (p50 < GOAL_E2E_P50_MS ? 'PASS' : 'FAIL') : '-'
      if (concurrency === 10) verdicts.push(`end-to-end p50 at 10 concurrent ${f(p50)} ms < ${GOAL_E2E_P50_MS} ms: ${verdict}`)
      rows.push({ cells: [`2. POST /ai/analyze -> completed (SSE), ${concurrency} concurrent`, `${times.length} (${rounds} x ${concurrency})`, f(p50), f(percentile(times, 95)), goal, verdict] })
      console.log(`2. ${concurrency} concurrent: p50 ${f(p50)} ms, p95 ${f(percentile(times, 95))} ms (${times.length} analyses)`)
    }
    await app.close()
    app = null

    // 3. Jobs/s with worker processes -------------------------------------------------------
    app = await buildApp(await loadConfig({ ...env, ROLE: 'api' }), { logger: false })
    base = await app.listen({ host: '127.0.0.1', port: 0 })
    pool = new pg.Pool({ connectionString: db.url, max: 2 })
    const jobUsers = await createUsers(app, JOB_USERS, doc, 'jobs')
    abort.check()
    const workerEnv = { ...env, ROLE: 'worker', MIGRATE_ON_START: 'false' }
    const throughput: Record<number, number> = {}
    for (const n of [1, 2]) {
      while (workers.filter((w) => w.child.exitCode === null).length < n) await startWorker(workerEnv, workers)
      abort.check()
      await sleep(1000) // let the new worker settle (pg-boss start-up queries)
      const t0 = performance.now()
      const ids: string[] = []
      // 20 clients (one per user), 10 POSTs each, as fast as they come back
      await Promise.all(jobUsers.map(async (u) => {
        for (let i = 0; i < JOBS / JOB_USERS; i++) ids.push(await enqueue(base, u))
      }))
      const enqueuedMs = performance.now() - t0
      let done = 0
      const until = Date.now() + 300_000
      for (;;) {
        abort.check()
        const { rows: r } = await pool.query<{ done: string, failed: string }>(
          "select count(*) filter (where status in ('completed', 'failed')) as done, count(*) filter (where status = 'failed') as failed from analysis_results where id = any($1::uuid[])", [ids])
        done = Number(r[0]!.done)
        if (Number(r[0]!.failed) > 0) throw new Error(`${r[0]!.failed} analyses failed`)
        if (done === ids.length) break
        if (Date.now() > until) throw new Error(`only ${done}/${ids.length} done after 300 s`)
        await sleep(20)
      }
      const totalMs = performance.now() - t0
      // The workers' own span: first start to last completion, from the rows.
      const { rows: span } = await pool.query<{ ms: number }>(
        'select extract(epoch from (max(completed_at) - min(started_at))) * 1000 as ms from analysis_results where id = any($1::uuid[])', [ids])
      const jobsPerSec = JOBS / (totalMs / 1000)
      throughput[n] = jobsPerSec
      rows.push({
        cells: [`3. ${JOBS} jobs, ${n} worker process${n > 1 ? 'es' : ''} (ROLE=worker)`, String(JOBS), '-', '-', '-', '-',
        `${f(jobsPerSec)} jobs/s (${f(totalMs / 1000, 2)} s first POST -> all completed; enqueue ${f(enqueuedMs / 1000, 2)} s; rows' first start -> last completion ${f(Number(span[0]!.ms) / 1000, 2)} s = ${f(JOBS / (Number(span[0]!.ms) / 1000))} jobs/s)`]
      })
      console.log(`3. ${n} worker(s): ${f(jobsPerSec)} jobs/s`)
    }
    const ratio = throughput[2]! / throughput[1]!

    console.log()
    console.log(IN_PROCESS)
    console.log(formatTable(['measurement', 'samples', 'p50 ms', 'p95 ms', 'goal', 'result'], rows.map((r) => r.cells.slice(0, 6))))
    for (const r of rows.filter((r) => r.cells[6])) console.log(`${r.cells[0]}: ${r.cells[6]}`)
    console.log(`2 workers / 1 worker = ${ratio.toFixed(2)}x jobs/s`)
    console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.availableParallelism()} cores; the API, this client, the workers and PostgreSQL share them)`)
    for (const v of verdicts) console.log(v)
  } finally {
    for (const w of workers) await w.stop().catch((err: Error) => console.error(`stopping worker ${w.child.pid}: ${err.message}`))
    if (app) await deleteRedisKeys(app).catch((err: Error) => console.error(`deleting Redis keys: ${err.message}`))
    else await deleteKeysWithoutApp(`cvgen-bench-${runId}:`).catch((err: Error) => console.error(`deleting Redis keys: ${err.message}`))
    await pool?.end().catch((err: Error) => console.error(`ending the pg pool: ${err.message}`))
    await app?.close().catch((err: Error) => console.error(`closing the app: ${err.message}`))
    await db?.drop().catch((err: Error) => console.error(`dropping ${db?.name}: ${err.message}`))
    await rm(dataDir, { recursive: true, force: true })
  }
}

/** When the app is gone (failed to build, or closed between phases): the run's keys by prefix. */
async function deleteKeysWithoutApp (prefix: string): Promise<void> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) {
      if ((keys as string[]).length > 0) await redis.del(...(keys as string[]))
    }
  } finally { redis.disconnect() }
}

main().catch((err: Error) => {
  console.error(err.message === 'aborted' ? 'aborted' : err)
  process.exitCode = err.message === 'aborted' ? 130 : 1
})
