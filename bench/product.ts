// `node bench/product.ts [--rounds N] [--seconds S] [--only pg|embedded]` (also in `npm run
// bench`): the product as an operator runs it. `node kernel/server.ts` (what `npm start` execs)
// in its own process, default log level, ROLE=all; once on PostgreSQL + REDIS_URL and once on
// the embedded default (no settings but DATA_DIR). On 2 cores the server and the baselines are
// pinned to CPU 1, the load generator (wrk -t1 when installed, else autocannon in a worker
// thread) and this process to CPU 0. Per round, in rotating order:
//   cached page   GET /view/<sub>, and GET / with the portfolio's Host, 50 connections, beside
//                 a bare node:http process and nginx (when installed) serving the same bytes and
//                 headers: ratios of req/s;
//   uncached      20 portfolios never requested before, one request each: latency;
//   login         POST /auth/login (argon2id), 10 connections: req/s;
//   domains       GET /domains, 10 connections: req/s;
//   resumes       GET /resumes (20 resumes of ~5 KB, bench/resumes.ts's data), 10 connections: req/s;
//   analysis      10 analyses queued at once: enqueue -> completed p50;
//   export        5 PDF exports one after another, then 5 queued at once (the browser warm):
//                 enqueue -> completed p50.
// The table gives medians over rounds (ratios: median of per-round ratios), the server's RSS
// idle and at the end, and the load average. bench/split.ts measures api + worker processes.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { freePort } from '../test/support/net.ts'
import { startArgs } from '../test/process.ts'
import { Redis } from 'ioredis'
import {
  abortOnSignal, callApi, createDatabase, formatTable, randomId, rssMb, runJobs, runLoad, runWrk, startNginx, startProduct, WRK,
  type LoadResult, type ProductProcess, type ScratchDatabase
} from './lib.ts'
import { resumeContent } from './resume-data.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const arg = (name: string, fallback: string) => { const i = process.argv.indexOf(name); return i > 0 ? process.argv[i + 1]! : fallback }
const ROUNDS = Number(arg('--rounds', '3'))
const SECONDS = Number(arg('--seconds', '5'))
const VARIANTS = arg('--only', 'pg,embedded').split(',') as Array<'pg' | 'embedded'>
const UNCACHED_PER_ROUND = 20
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const twoCores = os.cpus().length >= 2
const SERVER_CPU = twoCores ? 1 : undefined
const LOAD_CPU = twoCores ? 0 : undefined
const APP_DOMAIN = 'cvgen.localhost'
const CONTENT = JSON.parse(readFileSync(new URL('../samples/analysis/portfolio.strong.json', import.meta.url), 'utf8'), (k, v) => k === 'image' ? undefined : v)

/** The bare baseline: node:http answering every request with the same bytes and headers. */
async function startBare (file: string, headers: Record<string, string>): Promise<{ url: string, child: ChildProcess }> {
  const port = await freePort()
  const script = `const fs=require('fs');const b=fs.readFileSync(${JSON.stringify(file)});const h=${JSON.stringify(headers)};require('http').createServer((q,r)=>{r.writeHead(200,h);r.end(b)}).listen(${port},'127.0.0.1',()=>console.log('up'))`
  const child = spawn(twoCores ? 'taskset' : process.execPath, twoCores ? ['-c', '1', process.execPath, '-e', script] : ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => { child.stdout!.once('data', () => resolve()); child.once('exit', () => reject(new Error('bare server exited'))) })
  return { url: `http://127.0.0.1:${port}`, child }
}

interface Target { name: string, url: string, path: string, host?: string }

/** wrk against one target when installed, else autocannon (which cannot set Host). */
async function pageLoad (t: Target, seconds: number, signal: AbortSignal): Promise<LoadResult> {
  const r = WRK
    ? await runWrk({ url: t.url + t.path, host: t.host, connections: 50, seconds, cpu: LOAD_CPU })
    : await runLoad({ url: t.url, connections: 50, durationSec: seconds, spec: { kind: 'fixed', method: 'GET', path: t.path, ...(t.host ? { headers: { host: t.host } } : {}) } }, () => {}, signal)
  if (r.non2xx || r.errors) throw new Error(`${t.name}: ${r.non2xx} non-2xx, ${r.errors} errors`)
  return r
}

async function variant (which: 'pg' | 'embedded', dir: string, abort: ReturnType<typeof abortOnSignal>): Promise<{ rows: Record<string, number[]>, note: string }> {
  const runId = randomId()
  let db: ScratchDatabase | null = null
  let server: ProductProcess | null = null
  const children: ChildProcess[] = []
  const prefix = `cvgen-bench-${runId}:`
  try {
    const env: Record<string, string> = { DATA_DIR: join(dir, `data-${which}`), ROLE: 'all', AUTH_RATE_LIMIT_MAX: '1000000', APP_DOMAIN }
    if (which === 'pg') {
      db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
      Object.assign(env, { DATABASE_URL: db.url, REDIS_URL: 'redis://127.0.0.1:6379', REDIS_PREFIX: prefix, JWT_SECRET: randomBytes(36).toString('base64url') })
    }
    server = await startProduct(env, { cpu: SERVER_CPU })
    abort.check()
    const base = server.url
    const email = `bench-${runId}@example.com`
    const password = 'a long bench passphrase'
    const token = (await callApi(base, 'POST', '/auth/register', undefined, { email, password, full_name: 'Bench' })).data.access_token as string
    // Rounds of ten analyses are past the free tier's daily quota: the operator's command lifts it.
    execFileSync(process.execPath, ['kernel/cli.ts', 'users', 'set-tier', email, 'enterprise'], { cwd: new URL('..', import.meta.url), env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'warn' }, stdio: 'pipe' })
    const portfolio = (await callApi(base, 'POST', '/portfolios', token, { title: 'Site', template_id: 'modern', is_published: true, subdomain: 'bench', content: CONTENT })).data
    const page = `/view/${portfolio.subdomain}`
    const uncached: string[] = []
    for (let i = 0; i < 5 + ROUNDS * UNCACHED_PER_ROUND; i++) uncached.push((await callApi(base, 'POST', '/portfolios', token, { title: `Site ${i}`, template_id: 'modern', is_published: true, content: CONTENT })).data.subdomain)
    await callApi(base, 'GET', page) // fills the cache
    const hit = await fetch(base + page)
    const bytes = Buffer.from(await hit.arrayBuffer())
    const copied = ['content-type', 'etag', 'cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy', 'vary']
    await writeFile(join(dir, 'page.html'), bytes)
    const b = await startBare(join(dir, 'page.html'), Object.fromEntries(copied.map((h) => [h, hit.headers.get(h) ?? ''])))
    children.push(b.child)
    const targets: Target[] = [
      { name: 'ours /view', url: base, path: page },
      { name: 'ours / on its Host', url: base, path: '/', host: `${portfolio.subdomain}.${APP_DOMAIN}` },
      { name: 'bare', url: b.url, path: '/' }
    ]
    const nginx = await startNginx(join(dir, `nginx-${which}`), bytes, { cpu: SERVER_CPU })
    let note = `page ${bytes.length} bytes; load: ${WRK ? 'wrk -t1, its own process' : 'autocannon in a worker thread (apt-get install wrk)'}`
    if (typeof nginx === 'string') note += `; no nginx row: ${nginx}`
    else { children.push(nginx.child); targets.push({ name: 'nginx', url: nginx.url, path: '/page' }) }
    const resume = (await callApi(base, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada Lovelace', summary: 'Engineer.' }, work: [{ name: 'Acme', position: 'Engineer', startDate: '2020-01', highlights: ['Cut build times by half'] }] } })).data.id as string
    const exportPdf = async (parallel = 5) => (await runJobs(5, parallel, async () => (await callApi(base, 'POST', `/resumes/${resume}/export`, token, { format: 'pdf' })).data.export_id, async (id) => (await callApi(base, 'GET', `/exports/${id}`, token)).data.status)).latencies
    await exportPdf() // warms the browser
    for (let i = 0; i < 20; i++) await callApi(base, 'POST', '/resumes', token, { title: `CV ${i + 1}`, template_id: 'classic', content: resumeContent(i) })
    // One account per connection, as auth.ts does: concurrent logins of one account look like guessing.
    const logins: string[] = []
    for (let i = 0; i < 10; i++) {
      const user = { email: `bench-${runId}-${i}@example.com`, password }
      await callApi(base, 'POST', '/auth/register', undefined, { ...user, full_name: 'Bench' })
      logins.push(JSON.stringify(user))
    }
    const load = async (connections: number, spec: Parameters<typeof runLoad>[0]['spec']) => {
      const r = await runLoad({ url: base, connections, durationSec: SECONDS, spec }, () => {}, abort.signal)
      if (r.non2xx || r.errors) throw new Error(`${spec.method} ${spec.path}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.firstFailure})`)
      return r
    }
    await sleep(5000) // the publish's thumbnail jobs settle
    const rows: Record<string, number[]> = {}
    const put = (k: string, v: number) => { (rows[k] ??= []).push(v) }
    put('RSS MB, idle (ROLE=all)', rssMb(server.child.pid!))
    // Warm-up, not measured: V8 compiles the hot paths of every server first.
    for (const t of targets) await pageLoad(t, 3, abort.signal)
    for (let round = 0; round < ROUNDS; round++) {
      const got: Record<string, LoadResult> = {}
      for (let i = 0; i < targets.length; i++) {
        const t = targets[(i + round) % targets.length]!
        got[t.name] = await pageLoad(t, SECONDS, abort.signal)
        put(`${t.name} req/s`, got[t.name]!.reqPerSec)
      }
      put('cached /view / bare node', got['ours /view']!.reqPerSec / got.bare!.reqPerSec)
      put('cached / on its Host / bare node', got['ours / on its Host']!.reqPerSec / got.bare!.reqPerSec)
      if (got.nginx) put('cached /view / nginx', got['ours /view']!.reqPerSec / got.nginx.reqPerSec)
      put('cached /view p99 ms', got['ours /view']!.latencyP99)
      put('cached / on its Host p99 ms', got['ours / on its Host']!.latencyP99)
      const times: number[] = []
      for (const sub of uncached.splice(0, UNCACHED_PER_ROUND + (round === 0 ? 5 : 0))) {
        const t0 = performance.now()
        const res = await fetch(`${base}/view/${sub}`)
        await res.arrayBuffer()
        if (res.status !== 200 || res.headers.get('x-cache') !== 'MISS') throw new Error(`uncached /view/${sub}: ${res.status} ${res.headers.get('x-cache')}`)
        times.push(performance.now() - t0)
      }
      put('uncached render p50 ms (HTTP, one at a time)', median(times.slice(round === 0 ? 5 : 0)))
      put('login req/s', (await load(10, { kind: 'lease', method: 'POST', path: '/auth/login', bodies: logins, renew: 'same' })).reqPerSec)
      put('GET /domains req/s', (await load(10, { kind: 'fixed', method: 'GET', path: '/domains', headers: { authorization: `Bearer ${token}` } })).reqPerSec)
      put('GET /resumes (20 x ~5 KB) req/s', (await load(10, { kind: 'fixed', method: 'GET', path: '/resumes?limit=20', headers: { authorization: `Bearer ${token}` } })).reqPerSec)
      put('analysis enqueue -> completed p50 ms (10 at once)', median((await runJobs(10, 10, async () => (await callApi(base, 'POST', '/ai/analyze', token, { target_id: resume, type: 'resume' })).data.job_id, async (id) => (await callApi(base, 'GET', `/ai/reports/${id}`, token)).data.status)).latencies))
      put('PDF export enqueue -> completed p50 ms (one at a time)', median(await exportPdf(1)))
      put('PDF export enqueue -> completed p50 ms (5 at once)', median(await exportPdf()))
    }
    put('RSS MB, after the rounds (ROLE=all)', rssMb(server.child.pid!))
    return { rows, note }
  } finally {
    for (const c of children) c.kill()
    await server?.stop()
    if (which === 'pg') {
      // The run's keys (rate limits, counters, the page cache) would expire; leave none behind.
      const redis = new Redis('redis://127.0.0.1:6379', { lazyConnect: true })
      await redis.connect().then(async () => { for await (const keys of redis.scanStream({ match: `${prefix}*`, count: 500 })) if ((keys as string[]).length) await redis.del(...(keys as string[])) }).catch(() => {})
      redis.disconnect()
    }
    await db?.drop()
  }
}

async function main (): Promise<void> {
  if (twoCores) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
  const abort = abortOnSignal('the scratch database, Redis keys and the server')
  const dir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-product-'))
  // Run as root, the embedded PostgreSQL runs as "postgres", which must pass through to DATA_DIR.
  await chmod(dir, 0o711)
  let commit = 'unknown'
  try { commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim() } catch {}
  try {
    for (const which of VARIANTS) {
      const { rows, note } = await variant(which, dir, abort)
      const setting = which === 'pg' ? 'PostgreSQL + REDIS_URL' : 'the embedded default (no settings)'
      console.log(`\nThe product as operators run it: npm start's command (node ${startArgs().join(' ')}), own process${twoCores ? ', pinned to CPU 1; load generator on CPU 0' : ''}; ROLE=all, default log level, ${setting}. ${new Date().toISOString().slice(0, 10)}, commit ${commit}, ${os.cpus().length} cores, ${ROUNDS} rounds of ${SECONDS} s, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}; ${note}\n`)
      const digits = (k: string) => / \/ (bare|nginx)/.test(k) ? 2 : k.includes('ms') && !k.includes('req/s') ? 1 : 0
      console.log(formatTable(['what', 'median', 'rounds'], Object.entries(rows).map(([k, xs]) => [k, median(xs).toFixed(digits(k)), xs.map((x) => x.toFixed(digits(k))).join(', ')])))
    }
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(err)
  process.exitCode = 1
})
