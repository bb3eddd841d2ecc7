// Helpers of bench/auth.ts: a throw-away database, the load generator (autocannon in a
// worker thread), the event-loop delay probe and the result table.
//
// This file is also the worker's entry point: runLoad() starts a Worker on this very module,
// and the block at the bottom runs autocannon when it finds itself in that worker.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { createRequire } from 'node:module'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads'
import type { FastifyInstance } from 'fastify'
import pg from 'pg'
import { fileURLToPath } from 'node:url'
import { freePort } from '../test/support/net.ts'
import { startArgs } from '../test/process.ts'

export function randomId (bytes = 4): string {
  return randomBytes(bytes).toString('hex')
}

// ---------------------------------------------------------------------------------------
// Database

export interface ScratchDatabase { name: string, url: string, drop (): Promise<void> }

/** Creates an empty database next to the admin one; drop() removes it whatever is still connected. */
export async function createDatabase (adminUrl: string, name: string): Promise<ScratchDatabase> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`unsafe database name ${name}`)
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: adminUrl })
    await client.connect()
    try { await client.query(sql) } finally { await client.end() }
  }
  await admin(`create database "${name}"`)
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    name,
    url: url.toString(),
    // WITH (FORCE) (PostgreSQL 13+): a pool the app failed to close must not leave the database behind.
    drop: () => admin(`drop database if exists "${name}" with (force)`)
  }
}

// ---------------------------------------------------------------------------------------
// Event-loop delay

export interface LoopDelay { p50: number, p99: number, max: number }

/**
 * Wraps perf_hooks' histogram. Node records the time between two ticks of its sampling
 * timer, so an idle loop reads about `resolution` ms, not 0; the excess over the
 * resolution is the delay the loop added, which is what is reported (in ms).
 */
export class LoopDelayProbe {
  private readonly histogram
  private readonly resolutionMs

  constructor (resolutionMs = 10) {
    this.resolutionMs = resolutionMs
    this.histogram = monitorEventLoopDelay({ resolution: resolutionMs })
  }

  start (): void {
    this.histogram.reset()
    this.histogram.enable()
  }

  stop (): LoopDelay {
    this.histogram.disable()
    const ms = (ns: number) => Math.max(0, ns / 1e6 - this.resolutionMs)
    return { p50: ms(this.histogram.percentile(50)), p99: ms(this.histogram.percentile(99)), max: ms(this.histogram.max) }
  }

  get resolution (): number { return this.resolutionMs }
}

// ---------------------------------------------------------------------------------------
// Load generation

/**
 * What the worker sends. Only data crosses into a worker, so the request logic lives in the
 * worker and is chosen by `kind`:
 * - fixed: the same request over and over (with `headers`, e.g. an Authorization header);
 * - lease: each request takes a JSON body from a shared FIFO pool and the response puts one
 *   back: the same body (`renew: 'same'`, e.g. credentials) or a body made of the response's
 *   refresh_token (`renew: 'refresh_token'`), so every refresh token is presented exactly once.
 *   autocannon clears its per-connection context before every request of a one-request list,
 *   which is why the state is a pool shared by all connections rather than per connection.
 */
export type LoadSpec =
  | { kind: 'fixed', method: 'GET' | 'POST', path: string, headers?: Record<string, string> }
  | { kind: 'lease', method: 'POST', path: string, bodies: string[], renew: 'same' | 'refresh_token' }

export interface LoadOptions { url: string, connections: number, durationSec: number, spec: LoadSpec }

export interface LoadResult {
  /** completed requests over the seconds actually run */
  reqPerSec: number
  total: number
  /** autocannon's latency histogram counts whole milliseconds */
  latencyP50: number
  latencyP99: number
  non2xx: number
  /** socket errors and timeouts: requests that got no answer at all */
  errors: number
  statusCodes: Record<string, number>
  /** lease requests sent with no body available (the pool ran dry): they get a 400, so they show as non-2xx */
  starved: number
  /** the first non-2xx answer, to tell what went wrong */
  firstFailure: string | null
}

type Message = { type: 'started' } | { type: 'done', result: LoadResult } | { type: 'failed', message: string }

/**
 * Runs autocannon in a worker thread, so the client's parsing, timers and GC never run on the
 * server's event loop (the thread calling this). onStarted fires just before the first request
 * goes out, after the worker has booted, so a probe started there sees only the load.
 */
export function runLoad (options: LoadOptions, onStarted: () => void, signal?: AbortSignal): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(new Error('aborted')); return }
    // This .ts module itself (Node strips its types), whose bottom block sees workerData and
    // runs the load.
    const worker = new Worker(new URL(import.meta.url), { execArgv: [], workerData: { [WORKER_MARK]: options } })
    let settled = false
    const finish = (fn: () => void) => {
      if (settled) return
      settled = true
      signal?.removeEventListener('abort', onAbort)
      void worker.terminate()
      fn()
    }
    const onAbort = () => finish(() => reject(new Error('aborted')))
    signal?.addEventListener('abort', onAbort, { once: true })
    worker.on('message', (msg: Message) => {
      if (msg.type === 'started') onStarted()
      else if (msg.type === 'done') finish(() => resolve(msg.result))
      else finish(() => reject(new Error(`load generator: ${msg.message}`)))
    })
    worker.on('error', (err) => finish(() => reject(err)))
    worker.on('exit', (code) => finish(() => reject(new Error(`load generator exited with code ${code} before reporting`))))
  })
}

const WORKER_MARK = 'cvgen-bench-load'

// autocannon ships no type declarations (and @types/autocannon is not a dependency), so the
// part used here is typed by hand and the module loaded through require.
interface AcRequest {
  method?: string
  path?: string
  headers?: Record<string, string>
  body?: string
  setupRequest? (req: AcRequest, context: Record<string, unknown>): AcRequest
  onResponse? (status: number, body: string, context: Record<string, unknown>): void
}
/** The raw result's counters (its histograms are encoded; aggregateResult decodes them). */
interface AcRawResult {
  totalCompletedRequests: number
  /** seconds actually run */
  duration: number
  non2xx: number
  errors: number
  timeouts: number
  statusCodeStats: Record<string, { count: number }>
}
interface AcOptions { url: string, connections: number, duration: number, requests: AcRequest[], skipAggregateResult: true }
interface Autocannon {
  // With skipAggregateResult (and always inside a worker thread) autocannon hands back a raw
  // result, meant to be merged by aggregateResult. The public aggregateResult only merges the
  // latency histogram (its req/s figures come out as 0), so counts are taken from the raw result.
  (opts: AcOptions, cb: (err: Error | null, raw: AcRawResult) => void): unknown
  aggregateResult (raw: AcRawResult[], opts: AcOptions): { latency: { p50: number, p99: number } }
}

function requestsFor (spec: LoadSpec, onFailure: (status: number, body: string) => void, counters: { starved: number }): AcRequest[] {
  if (spec.kind === 'fixed') {
    return [{
      method: spec.method,
      path: spec.path,
      ...(spec.headers ? { headers: spec.headers } : {}),
      onResponse: (status, body) => { if (status < 200 || status > 299) onFailure(status, body) }
    }]
  }
  const pool = [...spec.bodies]
  return [{
    method: spec.method,
    path: spec.path,
    headers: { 'content-type': 'application/json' },
    setupRequest: (req, context) => {
      const body = pool.shift()
      context.body = body
      if (body === undefined) counters.starved++
      // An empty object fails validation (400): a dry pool shows up as non-2xx, never as a silent success.
      return { ...req, body: body ?? '{}' }
    },
    onResponse: (status, body, context) => {
      const ok = status >= 200 && status <= 299
      if (!ok) onFailure(status, body)
      if (context.body === undefined) return
      if (spec.renew === 'same') pool.push(context.body as string)
      else if (ok) pool.push(JSON.stringify({ refresh_token: (JSON.parse(body) as { data: { refresh_token: string } }).data.refresh_token }))
      // A failed refresh consumed its token without giving a new one: the pool shrinks by one.
    }
  }]
}

async function loadWorker (options: LoadOptions): Promise<void> {
  const port = parentPort!
  const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon
  let firstFailure: string | null = null
  const counters = { starved: 0 }
  const requests = requestsFor(options.spec, (status, body) => {
    firstFailure ??= `${status} ${body.slice(0, 300)}`
  }, counters)
  port.postMessage({ type: 'started' } satisfies Message)
  const opts: AcOptions = { url: options.url, connections: options.connections, duration: options.durationSec, requests, skipAggregateResult: true }
  autocannon(opts, (err, raw) => {
    if (err) { port.postMessage({ type: 'failed', message: err.message } satisfies Message); return }
    const { latency } = autocannon.aggregateResult([raw], opts)
    const result: LoadResult = {
      reqPerSec: raw.totalCompletedRequests / raw.duration,
      total: raw.totalCompletedRequests,
      latencyP50: latency.p50,
      latencyP99: latency.p99,
      non2xx: raw.non2xx,
      errors: raw.errors + raw.timeouts,
      statusCodes: Object.fromEntries(Object.entries(raw.statusCodeStats).map(([code, s]) => [code, s.count])),
      starved: counters.starved,
      firstFailure
    }
    port.postMessage({ type: 'done', result } satisfies Message)
  })
}

if (!isMainThread && (workerData as Record<string, unknown> | null)?.[WORKER_MARK]) {
  loadWorker((workerData as Record<string, LoadOptions>)[WORKER_MARK]!).catch((err: Error) => {
    parentPort!.postMessage({ type: 'failed', message: err.stack ?? err.message } satisfies Message)
  })
}

// ---------------------------------------------------------------------------------------
// wrk and nginx (Debian's), when installed

/** nginx from Debian, or null with the reason (the bench then runs without that row). */
export async function startNginx (dir: string, page: Buffer, { cpu }: { cpu?: number } = {}): Promise<{ url: string, child: ChildProcess } | string> {
  const bin = ['/usr/sbin/nginx', 'nginx'].find((b) => spawnSync(b, ['-v']).status === 0)
  if (!bin) return 'nginx not found (apt-get install nginx-light)'
  mkdirSync(join(dir, 'tmp'), { recursive: true })
  // Run as root, nginx's worker drops to an unprivileged user, which must be able to read
  // the page: mkdtemp's folders are 0700.
  chmodSync(dirname(dir), 0o755)
  chmodSync(dir, 0o755)
  writeFileSync(join(dir, 'page.html'), page)
  const port = await freePort()
  const conf = readFileSync(new URL('./nginx.conf', import.meta.url), 'utf8')
    .replaceAll('{{PREFIX}}', dir).replaceAll('{{ROOT}}', dir).replaceAll('{{PORT}}', String(port))
  writeFileSync(join(dir, 'nginx.conf'), conf)
  const args = ['-p', dir, '-c', join(dir, 'nginx.conf')]
  const child = cpu === undefined ? spawn(bin, args, { stdio: 'ignore' }) : spawn('taskset', ['-c', String(cpu), bin, ...args], { stdio: 'ignore' })
  const url = `http://127.0.0.1:${port}`
  for (let i = 0; i < 50; i++) {
    try {
      if ((await fetch(`${url}/page`)).ok) return { url, child }
    } catch { /* not up yet */ }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  child.kill('SIGKILL')
  return `nginx did not start (see ${dir}/error.log)`
}

export const WRK = ['/usr/bin/wrk', 'wrk'].find((b) => spawnSync(b, ['-v']).error === undefined)

const toMs = (v: string, unit: string) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 } as Record<string, number>)[unit]!

/**
 * wrk (Debian's, one thread, its own process) when installed: autocannon in a worker thread
 * tops out near the bare server's rate on 2 cores, so it would measure itself. The result
 * has the autocannon LoadResult's shape so both paths report alike.
 */
export function runWrk ({ url, host, connections, seconds, cpu }: { url: string, host?: string, connections: number, seconds: number, cpu?: number }, onStarted: () => void = () => {}): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const args = ['-t1', `-c${connections}`, `-d${seconds}s`, '--latency', ...(host ? ['-H', `Host: ${host}`] : []), url]
    const child = cpu === undefined ? spawn(WRK!, args) : spawn('taskset', ['-c', String(cpu), WRK!, ...args])
    let out = ''
    child.stdout.on('data', (d) => { out += d })
    child.on('error', reject)
    onStarted()
    child.on('close', (code) => {
      const rps = /Requests\/sec:\s+([\d.]+)/.exec(out)
      const lat = (q: string) => { const m = new RegExp(`\\s${q}%\\s+([\\d.]+)(us|ms|s)`).exec(out); return m ? toMs(m[1]!, m[2]!) : NaN }
      const total = /(\d+) requests in/.exec(out)
      const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
      const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
      if (code !== 0 || !rps || !total) return reject(new Error(`wrk failed (${code}): ${out}`))
      resolve({
        reqPerSec: Number(rps[1]),
        total: Number(total[1]),
        latencyP50: lat('50'),
        latencyP99: lat('99'),
        non2xx,
        errors: sock ? sock.slice(1).reduce((n, x) => n + Number(x), 0) : 0,
        statusCodes: {},
        starved: 0,
        firstFailure: null
      })
    })
  })
}

// ---------------------------------------------------------------------------------------
// Output

/** A plain text table: the first column left-aligned (names), the others right-aligned (numbers). */
export function formatTable (header: string[], rows: string[][]): string {
  const all = [header, ...rows]
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)))
  const line = (r: string[]) => r.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(' | ')
  const rule = widths.map((w) => '-'.repeat(w)).join('-+-')
  return [line(header), rule, ...rows.map(line)].join('\n')
}

/** `--duration N` or `--duration=N` in seconds. */
export function parseDuration (argv: string[], fallback: number): number {
  const i = argv.findIndex((a) => a === '--duration' || a.startsWith('--duration='))
  if (i === -1) return fallback
  const raw = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1]
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 1) throw new Error(`--duration wants a whole number of seconds >= 1, got ${raw}`)
  return n
}

export /** The run's Redis keys (rate limits, counters); they would expire anyway, but a bench should leave nothing behind. */
async function deleteRedisKeys (app: FastifyInstance): Promise<void> {
  const redis = app.cache.redis
  if (!redis) return
  for await (const keys of redis.scanStream({ match: `${app.cache.prefix}*`, count: 500 })) {
    if ((keys as string[]).length > 0) await redis.del(...(keys as string[]))
  }
}

/**
 * Ctrl-C (or SIGTERM) aborts the run so its `finally` can clean up. `on`, not `once`: a
 * wrapper such as the tsx CLI relays the signal a second time when the process does not
 * answer within 30 ms (a loaded server loop can take longer), and a signal with no listener
 * left exits at once, skipping the cleanup. Repeats within a second are that relay; a later
 * one means "stop now". `leftBehind` names what an immediate quit may leave.
 */
export function abortOnSignal (leftBehind: string): { signal: AbortSignal, check (): void } {
  const abort = new AbortController()
  let signalledAt = 0
  const onSignal = (signal: NodeJS.Signals) => {
    if (signalledAt === 0) {
      signalledAt = Date.now()
      console.error(`\n${signal}: cleaning up (again to quit without cleaning up)`)
      abort.abort()
    } else if (Date.now() - signalledAt > 1000) {
      console.error(`${signal}: quitting; ${leftBehind} may be left behind`)
      process.exit(130)
    }
  }
  process.on('SIGINT', onSignal)
  process.on('SIGTERM', onSignal)
  return { signal: abort.signal, check () { if (abort.signal.aborted) throw new Error('aborted') } }
}

/**
 * The settings shared by the benches that build the app inside their own process: the run's
 * scratch database and Redis prefix, a fresh JWT secret, warn-level logs. Their rows are
 * labelled IN_PROCESS: they are not the real start command in a process of its own.
 */
export function benchEnv (databaseUrl: string, runId: string): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `cvgen-bench-${runId}:`,
    JWT_SECRET: randomBytes(36).toString('base64url'),
    LOG_LEVEL: 'warn'
  }
}

export interface ProductProcess { url: string, child: ChildProcess, output (): string, stop (): Promise<void> }

/**
 * The product as an operator runs it: `node --max-semi-space-size=16 kernel/server.ts` (what `npm start` execs, read from package.json) in a
 * process group of its own with only the settings given (default log level unless set), pinned
 * to `cpu` with taskset when one is given; ready when GET /healthz answers.
 */
export async function startProduct (env: Record<string, string>, { cpu, timeoutMs = 90_000 }: { cpu?: number, timeoutMs?: number } = {}): Promise<ProductProcess> {
  const port = await freePort()
  const keep = ['PATH', 'HOME', 'TMPDIR', 'LANG']
  const base = Object.fromEntries(keep.filter((k) => process.env[k] !== undefined).map((k) => [k, process.env[k]!]))
  const node = startArgs() // npm start's flags and script
  const [cmd, args] = cpu === undefined ? [process.execPath, node] : ['taskset', ['-c', String(cpu), process.execPath, ...node]]
  const child = spawn(cmd, args, { cwd: fileURLToPath(new URL('..', import.meta.url)), detached: true, env: { ...base, ...env, PORT: String(port), HOST: '127.0.0.1' } })
  let out = ''
  child.stdout!.on('data', (d) => { out += d })
  child.stderr!.on('data', (d) => { out += d })
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()))
  let gone = false
  void exited.then(() => { gone = true })
  const stop = async () => {
    if (gone) return
    try { process.kill(-child.pid!, 'SIGTERM') } catch {}
    if (await Promise.race([exited.then(() => false), new Promise<boolean>((resolve) => setTimeout(resolve, 15_000, true))])) {
      try { process.kill(-child.pid!, 'SIGKILL') } catch {}
      await exited
    }
  }
  for (const until = Date.now() + timeoutMs; ;) {
    if (gone) throw new Error(`the server exited before it was ready:\n${out}`)
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(1000) })).ok) return { url: `http://127.0.0.1:${port}`, child, output: () => out, stop }
    } catch {}
    if (Date.now() > until) { await stop(); throw new Error(`the server was not ready after ${timeoutMs} ms:\n${out}`) }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

/** Resident set size of a process in MB (VmRSS; the process alone, not its children). */
export function rssMb (pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
  if (!m) throw new Error(`no VmRSS for process ${pid}`)
  return Number(m[1]) / 1024
}

/** The label of rows measured on an app built inside the bench (logger off), not `npm start`. */
export const IN_PROCESS = '[in-process: app built inside the bench, logger off; not the real start command: bench/product.ts measures that]'

/** One API call on a product process: the parsed JSON body, or an Error with the status and the start of the body. */
export async function callApi (base: string, method: string, path: string, token?: string, body?: unknown): Promise<any> {
  const res = await fetch(base + path, { method, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined })
  const text = await res.text()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 200)}`)
  return text.startsWith('{') ? JSON.parse(text) : text
}

/**
 * Runs `n` jobs, at most `parallel` outstanding (n: all at once), polling each one's status
 * every 20 ms: enqueue -> completed per job, and the wall time from the first enqueue to the last completion.
 */
export async function runJobs (n: number, parallel: number, queue: (i: number) => Promise<string>, status: (id: string) => Promise<string>): Promise<{ latencies: number[], wallMs: number }> {
  const latencies: number[] = []
  const start = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: Math.min(parallel, n) }, async () => {
    while (next < n) {
      const i = next++
      const t0 = performance.now()
      const id = await queue(i)
      for (;;) {
        const s = await status(id)
        if (s === 'completed') break
        if (s === 'failed') throw new Error(`job ${id} failed`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      latencies.push(performance.now() - t0)
    }
  }))
  return { latencies, wallMs: performance.now() - start }
}
