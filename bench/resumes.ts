// `npm run bench [-- --duration N]` (after bench/auth.ts), or `node bench/resumes.ts [--duration N]`:
// what the framework costs on a read-heavy route. Authenticated GET /resumes (20 rows of a
// realistic ~5 KB JSON Resume document each, ~110 KB per response) against the floor: a bare
// Fastify route in the same process that runs the same SQL through `pg` directly and answers
// with plain JSON.stringify. Goal: ours >= 0.6x the bare route's req/s.
//
// The measured runs alternate ours/bare (a, b, a, b) so that drift on the machine (thermal,
// another process, autovacuum) lands on both; each scenario reports the median of its runs.
// The servers run in this thread; autocannon runs in a worker thread (bench/lib.ts). All of it,
// PostgreSQL included, shares the machine's cores, so the absolute figures depend on the
// machine; the ratio is the figure that matters.
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import Fastify, { type FastifyInstance } from 'fastify'
import pg from 'pg'
import { loadConfig } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'
import { resumeContent } from './resume-data.ts'
import {
  LoopDelayProbe, abortOnSignal, createDatabase, deleteRedisKeys, formatTable, parseDuration, randomId, runLoad,
  type LoadResult, type LoadSpec, type LoopDelay, type ScratchDatabase, IN_PROCESS
} from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS_URL = 'redis://127.0.0.1:6379'
const CONNECTIONS = 50
const RESUMES = 20
const LIMIT = 20
const ROUNDS = 2
const GOAL = 0.6
const LOOP_RESOLUTION_MS = 10
/** The app's pool size (kernel/db.ts), so the floor gets no more database connections than we do. */
const POOL_MAX = 10
/** Bytes of JSON.stringify(content) (compact, UTF-8): "realistic 5 KB". */
const CONTENT_BYTES = { min: 4500, max: 5500 }

// The statement of ResumeService.list (plugins/resumes/service.ts), with pg's $n placeholders
// instead of the `?` MikroORM takes. Keep the two in step.
const COLUMNS = 'id, user_id, title, content, theme_config, thumbnail_key, is_public, slug, created_at, updated_at'
const LIST_SQL = `select ${COLUMNS}, count(*) over () as total from resumes
        where user_id = $1 and deleted_at is null
        order by updated_at desc, id limit $2 offset $3`

interface Target { name: string, url: string, spec: LoadSpec }
interface Run { load: LoadResult, loop: LoopDelay }
interface Measured { target: Target, runs: Run[], bytes: number }

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

async function seed (app: FastifyInstance): Promise<{ userId: string, token: string, contentBytes: number[] }> {
  const email = 'bench-resumes@example.com'
  const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: { email, password: `pw-${randomId(8)}`, full_name: 'Bench User' } })
  if (reg.statusCode !== 201) throw new Error(`register: ${reg.statusCode} ${reg.body}`)
  const session = (reg.json() as { data: { access_token: string, user: { id: string } } }).data
  // The free plan stops at fewer than 20 resumes.
  if (!await app.auth.setTier(email, 'enterprise')) throw new Error('setTier: no such user')
  const contentBytes: number[] = []
  const authorization = `Bearer ${session.access_token}`
  // One after the other: creations of one user serialise on the user's row anyway.
  for (let i = 0; i < RESUMES; i++) {
    const content = resumeContent(i)
    const bytes = Buffer.byteLength(JSON.stringify(content))
    if (bytes < CONTENT_BYTES.min || bytes > CONTENT_BYTES.max) throw new Error(`resume ${i}: content is ${bytes} bytes, outside ${CONTENT_BYTES.min}..${CONTENT_BYTES.max}`)
    contentBytes.push(bytes)
    const res = await app.inject({
      method: 'POST',
      url: '/resumes',
      headers: { authorization },
      payload: { title: `${(content.basics as { name: string }).name} — CV ${i + 1}`, template_id: 'classic', content }
    })
    if (res.statusCode !== 201) throw new Error(`create resume ${i}: ${res.statusCode} ${res.body.slice(0, 500)}`)
  }
  return { userId: session.user.id, token: session.access_token, contentBytes }
}

// ---------------------------------------------------------------------------------------
// The floor: Fastify with one route and nothing else

async function buildBare (pool: pg.Pool, userId: string): Promise<FastifyInstance> {
  const bare = Fastify({ logger: false })
  bare.get('/bare', async (_request, reply) => {
    const offset = 0
    const { rows } = await pool.query<{ total: string }>(LIST_SQL, [userId, LIMIT, offset])
    const total = rows.length > 0 ? Number(rows[0]!.total) : 0
    // Plain JSON.stringify, no response schema.
    return reply.type('application/json').send(JSON.stringify({ data: rows, meta: { limit: LIMIT, offset, total } }))
  })
  await bare.listen({ host: '127.0.0.1', port: 0 })
  return bare
}

function urlOf (server: FastifyInstance): string {
  const address = server.server.address()
  if (address === null || typeof address === 'string') throw new Error('server has no TCP address')
  return `http://127.0.0.1:${address.port}`
}

/** One request before the load: it must answer 200; returns the body's size and the parsed body. */
async function fetchOnce (target: Target): Promise<{ bytes: number, body: any }> {
  const spec = target.spec as Extract<LoadSpec, { kind: 'fixed' }>
  const res = await fetch(target.url + spec.path, { method: spec.method, headers: spec.headers })
  const text = await res.text()
  if (res.status !== 200) throw new Error(`${target.name}: ${res.status} ${text.slice(0, 300)}`)
  return { bytes: Buffer.byteLength(text), body: JSON.parse(text) }
}

/** Ours and the floor must be serving the same page, or the comparison says nothing. */
function assertSamePage (ours: any, bare: any): void {
  const ids = (page: any) => (page.data as { id: string }[]).map((r) => r.id).join(',')
  if (ours.data.length !== LIMIT || ids(ours) !== ids(bare) || ours.meta.total !== bare.meta.total) {
    throw new Error(`ours and bare disagree: ${ours.data.length} vs ${bare.data.length} rows, totals ${ours.meta.total} vs ${bare.meta.total}`)
  }
  if (JSON.stringify(ours.data.map((r: any) => r.content)) !== JSON.stringify(bare.data.map((r: any) => r.content))) {
    throw new Error('ours and bare disagree on the content')
  }
}

async function main (): Promise<void> {
  const durationSec = parseDuration(process.argv.slice(2), 8)
  const warmupSec = Math.max(1, Math.round(durationSec / 4))
  const runId = randomId()
  const abort = abortOnSignal('the scratch database, Redis keys and temp dir')

  // The access token must outlive the run: every run and warm-up, with room to spare.
  const runSec = 3 * warmupSec + (1 + 2 * ROUNDS) * durationSec + 60
  const ttlMinutes = Math.max(15, Math.ceil((2 * runSec) / 60))

  let db: ScratchDatabase | null = null
  let app: FastifyInstance | null = null
  let bare: FastifyInstance | null = null
  let pool: pg.Pool | null = null
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-'))
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    abort.check()
    const config = await loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL,
      REDIS_PREFIX: `cvgen-bench-${runId}:`,
      JWT_SECRET: randomBytes(36).toString('base64url'), // 48 characters
      LOG_LEVEL: 'warn',
      AUTH_RATE_LIMIT_MAX: '1000000',
      ACCESS_TOKEN_TTL: `${ttlMinutes}m`,
      DATA_DIR: dataDir
    })
    app = await buildApp(config, { logger: false })
    await app.listen({ host: '127.0.0.1', port: 0 })
    abort.check()

    const { userId, token, contentBytes } = await seed(app)
    abort.check()
    pool = new pg.Pool({ connectionString: db.url, max: POOL_MAX })
    bare = await buildBare(pool, userId)

    const ourUrl = urlOf(app)
    const healthz: Target = { name: 'GET /healthz (ours, context)', url: ourUrl, spec: { kind: 'fixed', method: 'GET', path: '/healthz' } }
    const ours: Target = {
      name: 'GET /resumes (ours)',
      url: ourUrl,
      spec: { kind: 'fixed', method: 'GET', path: '/resumes', headers: { authorization: `Bearer ${token}` } }
    }
    const floor: Target = { name: 'GET /bare (pg + Fastify)', url: urlOf(bare), spec: { kind: 'fixed', method: 'GET', path: '/bare' } }

    const [healthzProbe, oursProbe, bareProbe] = [await fetchOnce(healthz), await fetchOnce(ours), await fetchOnce(floor)]
    assertSamePage(oursProbe.body, bareProbe.body)

    const cpus = os.cpus()
    console.log(`cores: ${os.availableParallelism()} (${cpus[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, ` +
      `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    console.log(`data: ${RESUMES} resumes, content ${Math.min(...contentBytes)}..${Math.max(...contentBytes)} bytes ` +
      `(mean ${Math.round(contentBytes.reduce((a, b) => a + b, 0) / contentBytes.length)}) of compact JSON each; ` +
      `page of ${LIMIT}: ours ${oursProbe.bytes} bytes, bare ${bareProbe.bytes} bytes`)
    console.log(`load: autocannon in a worker thread, ${CONNECTIONS} connections, ${durationSec} s per run after ${warmupSec} s warm-up; ` +
      `ours and bare alternate, ${ROUNDS} runs each; both pools max ${POOL_MAX}`)

    // The event-loop delay of this thread, which runs both servers: how long a request that
    // is ready waits for the loop, e.g. behind the serialization of other responses.
    const probe = new LoopDelayProbe(LOOP_RESOLUTION_MS)
    const run = async (target: Target, seconds: number, label: string): Promise<Run> => {
      process.stdout.write(`${label} ${target.name} ...`)
      const load = await runLoad({ url: target.url, connections: CONNECTIONS, durationSec: seconds, spec: target.spec }, () => probe.start(), abort.signal)
      const loop = probe.stop()
      process.stdout.write(` ${load.reqPerSec.toFixed(1)} req/s, p99 ${load.latencyP99} ms\n`)
      return { load, loop }
    }

    const measured: Measured[] = [
      { target: healthz, runs: [], bytes: healthzProbe.bytes },
      { target: ours, runs: [], bytes: oursProbe.bytes },
      { target: floor, runs: [], bytes: bareProbe.bytes }
    ]
    await run(healthz, warmupSec, 'warm-up')
    measured[0]!.runs.push(await run(healthz, durationSec, 'measure'))
    await run(ours, warmupSec, 'warm-up')
    await run(floor, warmupSec, 'warm-up')
    for (let round = 1; round <= ROUNDS; round++) {
      measured[1]!.runs.push(await run(ours, durationSec, `round ${round}`))
      measured[2]!.runs.push(await run(floor, durationSec, `round ${round}`))
    }

    report(measured)
  } finally {
    // Each step on its own: one failing must not leave the others' resources behind.
    if (app) await deleteRedisKeys(app).catch((err: Error) => console.error(`deleting Redis keys: ${err.message}`))
    await bare?.close().catch((err: Error) => console.error(`closing the bare server: ${err.message}`))
    await pool?.end().catch((err: Error) => console.error(`ending the pg pool: ${err.message}`))
    await app?.close().catch((err: Error) => console.error(`closing the app: ${err.message}`))
    await db?.drop().catch((err: Error) => console.error(`dropping ${db?.name}: ${err.message}`))
    await rm(dataDir, { recursive: true, force: true })
  }
}

function report (measured: Measured[]): void {
  const f = (n: number, digits = 1) => n.toFixed(digits)
  const summary = measured.map(({ target, runs, bytes }) => ({
    name: target.name,
    runs: runs.map((r) => r.load),
    bytes,
    reqPerSec: median(runs.map((r) => r.load.reqPerSec)),
    p50: median(runs.map((r) => r.load.latencyP50)),
    p99: median(runs.map((r) => r.load.latencyP99)),
    non2xx: runs.reduce((n, r) => n + r.load.non2xx, 0),
    errors: runs.reduce((n, r) => n + r.load.errors, 0),
    loopP99: median(runs.map((r) => r.loop.p99)),
    loopMax: Math.max(...runs.map((r) => r.loop.max))
  }))
  const bareRps = summary[2]!.reqPerSec
  const rows = summary.map((s, i) => [
    s.name, f(s.reqPerSec), s.runs.map((r) => f(r.reqPerSec, 0)).join(' / '), f(s.p50, 0), f(s.p99, 0),
    String(s.non2xx), String(s.errors), String(s.bytes), f((s.reqPerSec * s.bytes) / 1e6), f(s.loopP99), f(s.loopMax),
    i === 0 ? '-' : (s.reqPerSec / bareRps).toFixed(2)
  ])
  console.log()
  console.log(IN_PROCESS)
  console.log(formatTable(
    ['scenario', 'req/s (median)', 'req/s per run', 'p50 ms', 'p99 ms (median)', 'non-2xx', 'errors', 'body bytes', 'MB/s', 'loop p99 ms', 'loop max ms', 'ratio vs bare'],
    rows))
  console.log()
  console.log('errors: socket errors and timeouts (requests with no answer); MB/s: response bodies only; ' +
    `loop: this thread's event-loop delay (both servers run on it), excess over the ${LOOP_RESOLUTION_MS} ms sampling interval, p99 median of the runs, max over them`)
  const ratio = summary[1]!.reqPerSec / bareRps
  console.log(`ours/bare = ${ratio.toFixed(2)}; ratio >= ${GOAL}: ${ratio >= GOAL ? 'PASS' : 'FAIL'}`)

  // A run that answered 401s would still show a fine req/s: say so loudly and fail.
  const bad = measured.flatMap(({ target, runs }) => runs.map((r) => r.load).filter((l) => l.non2xx > 0 || l.errors > 0 || l.total === 0).map((load) => ({ name: target.name, load })))
  for (const { name, load } of bad) {
    console.error(`\nINVALID: ${name} had ${load.non2xx} non-2xx and ${load.errors} errors out of ${load.total}; ` +
      `status codes ${JSON.stringify(load.statusCodes)}; first failure: ${load.firstFailure ?? '-'}`)
  }
  // Below the goal is a finding, not a broken run: the exit code only flags invalid runs.
  if (bad.length > 0) process.exitCode = 1
}

main().catch((err: Error) => {
  console.error(err.message === 'aborted' ? 'aborted' : err)
  process.exitCode = err.message === 'aborted' ? 130 : 1
})
