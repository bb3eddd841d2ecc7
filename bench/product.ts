// `node bench/product.ts [--rounds N] [--seconds S]` (also in `npm run bench`): the HTTP and
// job paths that auth, renderer, domains, analysis and exports bench in process, measured
// instead on the product as an operator runs it: `node kernel/server.ts` (what `npm start`
// execs) in its own process, default log level, ROLE=all, PostgreSQL and REDIS_URL set. On 2
// cores the server (and the baseline) is pinned to CPU 1 and this process, whose worker
// thread generates the load, to CPU 0. Per round, in alternating order:
//   cached page   GET /view/<sub>, 50 connections, against a bare node:http server in a
//                 process of its own serving the same bytes and headers: ratio of req/s;
//   login         POST /auth/login (argon2id), 10 connections: req/s;
//   domains       GET /domains, 10 connections: req/s;
//   analysis      10 analyses queued at once: enqueue -> completed p50;
//   export        5 PDF exports queued at once (the browser warm): enqueue -> completed p50.
// The table gives medians over rounds (ratios: median of per-round ratios) and the load average.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { freePort } from '../test/support/net.ts'
import { Redis } from 'ioredis'
import { abortOnSignal, createDatabase, formatTable, randomId, runLoad, startProduct, type ProductProcess, type ScratchDatabase } from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const arg = (name: string, fallback: number) => { const i = process.argv.indexOf(name); return i > 0 ? Number(process.argv[i + 1]) : fallback }
const ROUNDS = arg('--rounds', 3)
const SECONDS = arg('--seconds', 5)
const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]! }
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const twoCores = os.cpus().length >= 2

async function call (base: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`)
  return text.startsWith('{') ? JSON.parse(text) : text
}

/** The bare baseline: node:http answering every request with the same bytes and headers. */
async function startBare (file: string, headers: Record<string, string>): Promise<{ url: string, child: ChildProcess }> {
  const port = await freePort()
  const script = `const fs=require('fs');const b=fs.readFileSync(${JSON.stringify(file)});const h=${JSON.stringify(headers)};require('http').createServer((q,r)=>{r.writeHead(200,h);r.end(b)}).listen(${port},'127.0.0.1',()=>console.log('up'))`
  const child = spawn(twoCores ? 'taskset' : process.execPath, twoCores ? ['-c', '1', process.execPath, '-e', script] : ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => { child.stdout!.once('data', () => resolve()); child.once('exit', () => reject(new Error('bare server exited'))) })
  return { url: `http://127.0.0.1:${port}`, child }
}

/** Queues `n` jobs at once and waits for all: enqueue -> completed, per job. */
async function jobLatencies (n: number, queue: () => Promise<string>, status: (id: string) => Promise<string>): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, async () => {
    const t0 = performance.now()
    const id = await queue()
    for (;;) {
      const s = await status(id)
      if (s === 'completed') return performance.now() - t0
      if (s === 'failed') throw new Error(`job ${id} failed`)
      await sleep(20)
    }
  }))
}

async function main (): Promise<void> {
  if (twoCores) execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' })
  const runId = randomId()
  const abort = abortOnSignal('the scratch database, Redis keys and the server')
  let db: ScratchDatabase | null = null
  let server: ProductProcess | null = null
  let bare: ChildProcess | null = null
  const dir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-product-'))
  const prefix = `cvgen-bench-${runId}:`
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: prefix,
      JWT_SECRET: randomBytes(36).toString('base64url'),
      DATA_DIR: join(dir, 'data'),
      ROLE: 'all',
      AUTH_RATE_LIMIT_MAX: '1000000'
    }
    server = await startProduct(env, { cpu: twoCores ? 1 : undefined })
    abort.check()
    const base = server.url
    const email = `bench-${runId}@example.com`
    const password = 'a long bench passphrase'
    const token = (await call(base, 'POST', '/auth/register', undefined, { email, password, full_name: 'Bench' })).data.access_token as string
    // Three rounds of ten analyses are past the free tier's daily quota: the operator's command lifts it.
    execFileSync(process.execPath, ['kernel/cli.ts', 'users', 'set-tier', email, 'enterprise'], { cwd: new URL('..', import.meta.url), env: { PATH: process.env.PATH ?? '', ...env, LOG_LEVEL: 'warn' }, stdio: 'pipe' })
    const portfolio = (await call(base, 'POST', '/portfolios', token, { title: 'Site', template_id: 'classic', is_published: true, content: { basics: { name: 'Ada Lovelace', summary: 'Engineer who ships. '.repeat(200) } } })).data
    const page = `/view/${portfolio.subdomain}`
    await call(base, 'GET', page) // fills the cache
    const hit = await fetch(base + page)
    const bytes = Buffer.from(await hit.arrayBuffer())
    const copied = ['content-type', 'etag', 'cache-control', 'content-security-policy', 'x-content-type-options', 'referrer-policy']
    await writeFile(join(dir, 'page.html'), bytes)
    const b = await startBare(join(dir, 'page.html'), Object.fromEntries(copied.map((h) => [h, hit.headers.get(h) ?? ''])))
    bare = b.child
    const resume = (await call(base, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada Lovelace', summary: 'Engineer.' }, work: [{ name: 'Acme', position: 'Engineer', startDate: '2020-01', highlights: ['Cut build times by half'] }] } })).data.id as string
    await jobLatencies(1, async () => (await call(base, 'POST', `/resumes/${resume}/export`, token, { format: 'pdf' })).data.export_id, async (id) => (await call(base, 'GET', `/exports/${id}`, token)).data.status) // warms the browser

    // One account per connection, as auth.ts does: concurrent logins of one account look like guessing.
    const logins: string[] = []
    for (let i = 0; i < 10; i++) {
      const user = { email: `bench-${runId}-${i}@example.com`, password }
      await call(base, 'POST', '/auth/register', undefined, { ...user, full_name: 'Bench' })
      logins.push(JSON.stringify(user))
    }
    const load = async (url: string, connections: number, spec: Parameters<typeof runLoad>[0]['spec'], durationSec = SECONDS) => {
      const r = await runLoad({ url, connections, durationSec, spec }, () => {}, abort.signal)
      if (r.non2xx || r.errors) throw new Error(`${spec.method} ${spec.path}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.firstFailure})`)
      return r
    }
    // Warm-up, not measured: V8 compiles the hot paths of both servers first.
    for (const url of [base, b.url]) await load(url, 50, { kind: 'fixed', method: 'GET', path: page }, 3)
    const rows: Record<string, number[]> = {}
    const put = (k: string, v: number) => { (rows[k] ??= []).push(v) }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? ['ours', 'bare'] : ['bare', 'ours']
      const got: Record<string, number> = {}
      for (const who of order) {
        const r = await load(who === 'ours' ? base : b.url, 50, { kind: 'fixed', method: 'GET', path: page })
        got[who] = r.reqPerSec
        put(`cached page req/s (${who})`, r.reqPerSec)
        if (who === 'ours') put('cached page p99 ms (ours)', r.latencyP99)
      }
      put('cached page / bare node', got.ours! / got.bare!)
      put('login req/s', (await load(base, 10, { kind: 'lease', method: 'POST', path: '/auth/login', bodies: logins, renew: 'same' })).reqPerSec)
      put('GET /domains req/s', (await load(base, 10, { kind: 'fixed', method: 'GET', path: '/domains', headers: { authorization: `Bearer ${token}` } })).reqPerSec)
      put('analysis enqueue -> completed p50 ms (10 at once)', median(await jobLatencies(10, async () => (await call(base, 'POST', '/ai/analyze', token, { target_id: resume, type: 'resume' })).data.job_id, async (id) => (await call(base, 'GET', `/ai/reports/${id}`, token)).data.status)))
      put('PDF export enqueue -> completed p50 ms (5 at once)', median(await jobLatencies(5, async () => (await call(base, 'POST', `/resumes/${resume}/export`, token, { format: 'pdf' })).data.export_id, async (id) => (await call(base, 'GET', `/exports/${id}`, token)).data.status)))
    }
    console.log(`\nThe product as operators run it (node kernel/server.ts, own process${twoCores ? ', pinned to CPU 1; load generator on CPU 0' : ''}; ROLE=all, default log level, PostgreSQL + Redis; ${ROUNDS} rounds of ${SECONDS} s; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})\n`)
    console.log(formatTable(['what', 'median', 'rounds'], Object.entries(rows).map(([k, xs]) => [k, median(xs).toFixed(k.includes('/') && !k.includes('req/s') && !k.includes('ms') ? 2 : 0), xs.map((x) => x.toFixed(k.includes(' / ') ? 2 : 0)).join(', ')])))
  } finally {
    bare?.kill()
    await server?.stop()
    // The run's keys (rate limits, counters, the page cache) would expire; leave none behind.
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
