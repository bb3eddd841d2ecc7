// `npm run bench` (after bench/analysis.ts), or `node bench/exports.ts [--exports N]`: what a
// PDF export costs on the real app (ROLE=all in this process: API, pg-boss workers and the
// Chromium pool; PostgreSQL and Redis on this machine), with samples/full.resume.json
// (two A4 pages, theme "classic").
// 1. Baseline: printHtml + renderPdf on the warm pool, no queue, no HTTP.
// 2. POST /resumes/:id/export -> GET /exports/:id says completed (polled every 10 ms over
//    HTTP), at 1 and 10 concurrent clients (goal p50 < 400 ms at 1).
// 3. Thumbnails/s: 60 resumes edited at once; the preview jobs' first start to last completion.
// 4. RSS of this process and of Chromium's processes (PSS) every 100 exports, over N exports
//    (default 500) at 10 concurrent: growth must stay bounded.
import { readFileSync, readdirSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'
import { QUEUE_SCHEMA } from '../kernel/queue.ts'
import { printHtml, renderPdf, renderPng, THUMBNAIL_SCALE } from '../plugins/exports/print.ts'
import { abortOnSignal, createDatabase, deleteRedisKeys, formatTable, randomId, type ScratchDatabase, benchEnv, IN_PROCESS } from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const GOAL_P50_MS = 400
const EXPORTS_PER_USER_PER_MIN = 60 // plugins/exports/routes.ts
const FULL = JSON.parse(readFileSync(new URL('../samples/full.resume.json', import.meta.url), 'utf8'))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const f = (n: number, d = 1) => n.toFixed(d)

function percentile (xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b)
  const rank = (p / 100) * (s.length - 1)
  const lo = Math.floor(rank)
  return s[lo]! + (s[Math.ceil(rank)]! - s[lo]!) * (rank - lo)
}

interface User { token: string, resumeId: string, used: number }

async function json (base: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined
  })
  const out = await res.json() as any
  if (res.status >= 400) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(out)}`)
  return out
}

async function createUsers (base: string, n: number): Promise<User[]> {
  return Promise.all(Array.from({ length: n }, async (_, i) => {
    const reg = await json(base, 'POST', '/auth/register', undefined, { email: `bench${i}-${randomId()}@example.com`, password: 'correct horse battery staple', full_name: 'Bench' })
    const token = reg.data.access_token
    const resume = await json(base, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: FULL })
    return { token, resumeId: resume.data.id, used: 0 }
  }))
}

async function exportOnce (base: string, u: User): Promise<number> {
  if (++u.used > EXPORTS_PER_USER_PER_MIN) throw new Error('the plan exceeds the per-user export rate limit')
  const t0 = performance.now()
  const { data } = await json(base, 'POST', `/resumes/${u.resumeId}/export`, u.token, { format: 'pdf' })
  for (;;) {
    const state = (await json(base, 'GET', `/exports/${data.export_id}`, u.token)).data
    if (state.status === 'completed') return performance.now() - t0
    if (state.status === 'failed') throw new Error(`export failed: ${state.error}`)
    await sleep(10)
  }
}

/** `clients` loops, each exporting with its own users in turn, `total` exports in all. */
async function load (base: string, users: User[], clients: number, total: number, onDone?: (n: number) => Promise<void>): Promise<number[]> {
  const times: number[] = []
  let next = 0
  await Promise.all(Array.from({ length: clients }, async () => {
    while (next < total) {
      const i = next++
      times.push(await exportOnce(base, users[i % users.length]!))
      await onDone?.(times.length)
    }
  }))
  return times
}

/** Proportional set size (MiB) of every descendant process (Chromium's browser, renderers, GPU, utility). */
function chromiumPssMiB (): number {
  const parent = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch { /* gone */ }
  }
  const isOurs = (pid: number): boolean => { for (let p = parent.get(pid); p; p = parent.get(p)) if (p === process.pid) return true; return false }
  let kib = 0
  for (const pid of parent.keys()) {
    if (!isOurs(pid)) continue
    try { kib += Number(/^Pss:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0) } catch { /* gone */ }
  }
  return kib / 1024
}

async function main (): Promise<void> {
  const argv = process.argv.slice(2)
  const i = argv.indexOf('--exports')
  const soak = i >= 0 ? Number(argv[i + 1]) : 500
  if (!Number.isInteger(soak) || soak < 100) throw new Error('--exports wants a whole number >= 100')
  const runId = randomId()
  const abort = abortOnSignal('the scratch database and Redis keys')
  console.log(`cores: ${os.availableParallelism()} (${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, load average at start ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  const rows: string[][] = []
  const notes: string[] = []
  let db: ScratchDatabase | null = null
  let app: FastifyInstance | null = null
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-exports-'))
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    app = await buildApp(await loadConfig({
      ...benchEnv(db.url, runId),
      AUTH_RATE_LIMIT_MAX: '1000000',
      ACCESS_TOKEN_TTL: '2h',
      DATA_DIR: dataDir,
      ROLE: 'all',
      THUMBNAILS: 'true'
    }), { logger: false })
    const base = await app.listen({ host: '127.0.0.1', port: 0 })
    const pool = app.exports.pool
    abort.check()

    // 1. Baseline
    const { html } = printHtml(app, { kind: 'resume', title: 'CV', content: FULL, theme_config: { template_id: 'classic' } })
    for (let k = 0; k < 5; k++) await renderPdf(pool, html, 'A4')
    const direct: number[] = []
    for (let k = 0; k < 30; k++) {
      const t0 = performance.now()
      await renderPdf(pool, html, 'A4')
      direct.push(performance.now() - t0)
    }
    const baseline = percentile(direct, 50)
    rows.push(['1. renderPdf on the warm pool (baseline)', '30', f(baseline), f(percentile(direct, 95)), '1.00x', '-'])
    const thumbs: number[] = []
    for (let k = 0; k < 20; k++) {
      const t0 = performance.now()
      await renderPng(pool, html, 'resume', THUMBNAIL_SCALE)
      thumbs.push(performance.now() - t0)
    }
    rows.push(['1b. renderPng thumbnail on the warm pool', '20', f(percentile(thumbs, 50)), f(percentile(thumbs, 95)), '-', '-'])

    // 2. End to end
    const users = await createUsers(base, 60)
    await sleep(4000) // the creations' preview jobs run first
    abort.check()
    for (const [clients, total] of [[1, 30], [10, 100]] as const) {
      const times = await load(base, users, clients, total)
      const p50 = percentile(times, 50)
      const goal = clients === 1 ? `p50 < ${GOAL_P50_MS} ms` : '-'
      const verdict = clients === 1 ? (p50 < GOAL_P50_MS ? 'PASS' : 'FAIL') : '-'
      rows.push([`2. POST export -> completed, ${clients} concurrent`, String(total), f(p50), f(percentile(times, 95)), `${f(p50 / baseline, 2)}x`, `${goal} ${verdict}`])
      abort.check()
    }

    // 3. Thumbnails/s
    const t0 = new Date()
    await Promise.all(users.map((u) => json(base, 'PUT', `/resumes/${u.resumeId}`, u.token, { title: 'CV edited' })))
    const ids = users.map((u) => u.resumeId)
    const until = Date.now() + 300_000
    let span = 0
    for (;;) {
      abort.check()
      const [r] = await app.db.fork().execute<{ done: number, ms: number | null }[]>(
        `select count(*)::int as done, extract(epoch from (max(completed_on) - min(started_on))) * 1000 as ms from ${QUEUE_SCHEMA}.job
          where name = 'exports.thumbnail' and state = 'completed' and created_on >= ? and singleton_key in (?)`, [t0, ids.map((id) => `resume:${id}`)])
      if (r!.done >= ids.length) { span = Number(r!.ms); break }
      if (Date.now() > until) throw new Error(`only ${r!.done} previews after 300 s`)
      await sleep(200)
    }
    rows.push([`3. ${ids.length} previews through the queue (1 preview worker)`, String(ids.length), '-', '-', '-', `${f(ids.length / (span / 1000))} thumbnails/s`])

    // 4. RSS over the soak
    global.gc?.()
    const rss: string[] = []
    const sample = (n: number) => rss.push(`${n}: node ${f(process.memoryUsage().rss / 1048576, 0)} MiB + chromium ${f(chromiumPssMiB(), 0)} MiB`)
    sample(0)
    const soakUsers = await createUsers(base, Math.ceil(soak / EXPORTS_PER_USER_PER_MIN) + 10)
    await sleep(4000)
    const soakStart = performance.now()
    const soakTimes = await load(base, soakUsers, 10, soak, async (n) => { if (n % 100 === 0) sample(n) })
    rows.push([`4. ${soak} exports, 10 concurrent (soak)`, String(soak), f(percentile(soakTimes, 50)), f(percentile(soakTimes, 95)), `${f(percentile(soakTimes, 50) / baseline, 2)}x`, `${f(soak / ((performance.now() - soakStart) / 1000))} exports/s`])
    notes.push(`RSS every 100 exports: ${rss.join('; ')}`)
    notes.push(`browser launches: ${pool.launches}, renders: ${pool.renders}`)

    console.log()
    console.log(IN_PROCESS)
    console.log(formatTable(['measurement', 'samples', 'p50 ms', 'p95 ms', 'vs baseline', 'goal / result'], rows))
    for (const n of notes) console.log(n)
    console.log(`load average at end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
  } finally {
    if (app) await deleteRedisKeys(app).catch((err: Error) => console.error(`deleting Redis keys: ${err.message}`))
    await app?.close().catch((err: Error) => console.error(`closing the app: ${err.message}`))
    await db?.drop().catch((err: Error) => console.error(`dropping ${db?.name}: ${err.message}`))
    await rm(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(err.message === 'aborted' ? 'aborted' : err)
  process.exitCode = err.message === 'aborted' ? 130 : 1
})
