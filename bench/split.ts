// `node bench/split.ts [--runs N]` (also in `npm run bench`): cvgen split as operators scale it,
// `ROLE=api` and `ROLE=worker` processes (the real start command each, default log level,
// PostgreSQL + REDIS_URL). It reports
//   - RSS of the api and of one worker, idle and after each of three runs of: the render load
//     (wrk or autocannon, 10 s on a cached page, then 30 uncached pages), 30 analyses (10 at a
//     time) and 200 PDF exports; growth from the first run to the last;
//   - job throughput with 1 and then 2 worker processes: 40 PDF exports and 40 analyses queued
//     at once, jobs per second from the first enqueue to the last completion.
// The api is pinned to CPU 1 and the load generator to CPU 0; workers are not pinned (with two,
// each takes a core when it can).
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import { abortOnSignal, callApi, createDatabase, formatTable, randomId, rssMb, runJobs, runLoad, runWrk, startProduct, WRK, type ProductProcess, type ScratchDatabase } from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : fallback }
const RUNS = arg('--runs', 3)
const twoCores = os.cpus().length >= 2
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const CONTENT = JSON.parse(readFileSync(new URL('../samples/analysis/portfolio.strong.json', import.meta.url), 'utf8'), (k, v) => k === 'image' ? undefined : v)

async function main (): Promise<void> {
  if (twoCores) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
  const runId = randomId()
  const abort = abortOnSignal('the scratch database, Redis keys and the servers')
  const dir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-split-'))
  const prefix = `cvgen-bench-${runId}:`
  let db: ScratchDatabase | null = null
  const procs: ProductProcess[] = []
  let commit = 'unknown'
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim() } catch {}
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    const env = { DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: prefix, JWT_SECRET: randomBytes(36).toString('base64url'), DATA_DIR: join(dir, 'data'), AUTH_RATE_LIMIT_MAX: '1000000' }
    const api = await startProduct({ ...env, ROLE: 'api' }, { cpu: twoCores ? 1 : undefined })
    procs.push(api)
    const worker = await startProduct({ ...env, ROLE: 'worker' })
    procs.push(worker)
    abort.check()
    const base = api.url
    // Exports allow 60 a minute per user, analyses 30: the load is spread over accounts.
    const users: string[] = []
    for (let i = 0; i < 12; i++) {
      const email = `bench-${runId}-${i}@example.com`
      users.push((await callApi(base, 'POST', '/auth/register', undefined, { email, password: 'a long bench passphrase', full_name: 'Bench' })).data.access_token)
      execFileSync(process.execPath, ['kernel/cli.ts', 'users', 'set-tier', email, 'enterprise'], { cwd: new URL('..', import.meta.url), env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'warn' }, stdio: 'pipe' })
    }
    const resumes: string[] = []
    for (const token of users) resumes.push((await callApi(base, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada Lovelace', summary: 'Engineer.' }, work: [{ name: 'Acme', position: 'Engineer', startDate: '2020-01', highlights: ['Cut build times by half'] }] } })).data.id)
    const sub = (await callApi(base, 'POST', '/portfolios', users[0], { title: 'Site', template_id: 'modern', is_published: true, content: CONTENT })).data.subdomain as string
    // Which user owns which job: a status poll is one request with that user's token.
    const owner = new Map<string, string>()
    const exportTracked = async (i: number) => {
      const token = users[i % users.length]!
      const id = (await callApi(base, 'POST', `/resumes/${resumes[i % users.length]}/export`, token, { format: 'pdf' })).data.export_id as string
      owner.set(id, token)
      return id
    }
    const exportStatusFast = async (id: string) => (await callApi(base, 'GET', `/exports/${id}`, owner.get(id))).data.status as string
    const analyze = async (i: number) => { const token = users[i % users.length]!; const id = (await callApi(base, 'POST', '/ai/analyze', token, { target_id: resumes[i % users.length], type: 'resume' })).data.job_id as string; owner.set(id, token); return id }
    const analysisStatus = async (id: string) => (await callApi(base, 'GET', `/ai/reports/${id}`, owner.get(id))).data.status as string
    await callApi(base, 'GET', `/view/${sub}`)
    await runJobs(3, 3, exportTracked, exportStatusFast) // the worker's browser starts
    await sleep(10_000)
    const rows: Record<string, number[]> = {}
    const put = (k: string, v: number) => { (rows[k] ??= []).push(v) }
    put('RSS MB, api idle', rssMb(api.child.pid!))
    put('RSS MB, worker idle', rssMb(worker.child.pid!))
    for (let run = 0; run < RUNS; run++) {
      if (WRK) await runWrk({ url: `${base}/view/${sub}`, connections: 50, seconds: 10, cpu: twoCores ? 0 : undefined })
      else await runLoad({ url: base, connections: 50, durationSec: 10, spec: { kind: 'fixed', method: 'GET', path: `/view/${sub}` } }, () => {}, abort.signal)
      for (let i = 0; i < 30; i++) await callApi(base, 'POST', '/portfolios', users[1 + (i % 11)], { title: `Site ${run}-${i}`, template_id: 'modern', is_published: true, content: CONTENT }).then((r) => callApi(base, 'GET', `/view/${r.data.subdomain}`))
      put('analysis p50 ms (30, 10 at a time)', median((await runJobs(30, 10, analyze, analysisStatus)).latencies))
      put('PDF export p50 ms (200, 10 at a time)', median((await runJobs(200, 10, exportTracked, exportStatusFast)).latencies))
      await sleep(2000)
      put('RSS MB, api after a run', rssMb(api.child.pid!))
      put('RSS MB, worker after a run', rssMb(worker.child.pid!))
    }
    const growth = (k: string) => { const xs = rows[k]!; return (xs[xs.length - 1]! - xs[0]!) / xs[0]! * 100 }
    const growthRows: Array<[string, number]> = [['api RSS growth, first run -> last, %', growth('RSS MB, api after a run')], ['worker RSS growth, first run -> last, %', growth('RSS MB, worker after a run')]]
    for (const workers of [1, 2]) {
      if (workers === 2) { const second = await startProduct({ ...env, ROLE: 'worker' }); procs.push(second); await runJobs(3, 3, exportTracked, exportStatusFast); await sleep(3000) }
      const ex = await runJobs(40, 40, exportTracked, exportStatusFast)
      put(`PDF exports per s, ${workers} worker process${workers > 1 ? 'es' : ''} (40 at once)`, 40 / ex.wallMs * 1000)
      const an = await runJobs(40, 40, analyze, analysisStatus)
      put(`analyses per s, ${workers} worker process${workers > 1 ? 'es' : ''} (40 at once)`, 40 / an.wallMs * 1000)
    }
    console.log(`\ncvgen split: one ROLE=api process${twoCores ? ' (pinned to CPU 1; load generator on CPU 0)' : ''}, ROLE=worker processes, the real start command each, default log level, PostgreSQL + REDIS_URL. ${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${os.cpus().length} cores, ${RUNS} runs, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`)
    console.log(formatTable(['what', 'median', 'runs'], [
      ...Object.entries(rows).map(([k, xs]) => [k, median(xs).toFixed(k.includes('per s') ? 1 : 0), xs.map((x) => x.toFixed(k.includes('per s') ? 1 : 0)).join(', ')]),
      ...growthRows.map(([k, v]) => [k, v.toFixed(1), ''])
    ]))
  } finally {
    for (const p of procs.reverse()) await p.stop()
    const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true })
    await redis.connect().then(async () => { for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) if ((keys as string[]).length) await redis.del(...(keys as string[])) }).catch(() => {})
    redis.disconnect()
    await db?.drop()
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(err)
  process.exitCode = 1
})
