// `npm run bench` (fourth), or `node bench/domains.ts [--duration N]`: custom domains.
// 1. GET /internal/tls/ask (Caddy's on-demand TLS ask, on the TLS handshake path) for a
//    verified custom domain and for a live portfolio subdomain, against GET /healthz in the
//    same run, alternating over 3 rounds (goal > 5,000 req/s, p99 < 5 ms).
// 2. "Records added" -> verified with the manual POST /domains/:id/verify against a local DNS
//    server (dns2 on 127.0.0.1), 20 domains (goal < 1 s).
// Everything (PostgreSQL, Redis, the load generator) shares the machine's cores.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { loadConfig } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'
import { startDnsServer } from '../test/dns-server.ts'
import { abortOnSignal, createDatabase, deleteRedisKeys, formatTable, parseDuration, randomId, runLoad, type LoadResult, type ScratchDatabase, benchEnv, IN_PROCESS } from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const CONNECTIONS = 20
const DOMAINS = 20
const ROUNDS = 3
const APP = 'cvgen.bench'

const percentile = (xs: number[], p: number) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]! }

async function user (app: FastifyInstance, subdomain: string): Promise<{ token: string, portfolio: string }> {
  const reg = await app.inject({ method: 'POST', url: '/auth/register', payload: { email: `b${randomId()}@example.com`, password: 'correct horse battery staple', full_name: 'Bench' } })
  const token = reg.json().data.access_token as string
  const p = await app.inject({ method: 'POST', url: '/portfolios', headers: { authorization: `Bearer ${token}` }, payload: { title: 'Bench', template_id: 'classic', is_published: true, subdomain } })
  if (p.statusCode !== 201) throw new Error(p.body)
  return { token, portfolio: p.json().data.id }
}

async function main (): Promise<void> {
  const durationSec = parseDuration(process.argv.slice(2), 5)
  const warmupSec = Math.max(1, Math.round(durationSec / 4))
  const runId = randomId()
  const abort = abortOnSignal('the scratch database, Redis keys and temp dir')
  const dns = await startDnsServer()
  let db: ScratchDatabase | null = null
  let app: FastifyInstance | null = null
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-'))
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    app = await buildApp(await loadConfig({
      ...benchEnv(db.url, runId),
      DATA_DIR: dataDir,
      APP_DOMAIN: APP,
      DNS_SERVERS: dns.address,
      GATEWAY_IPS: '127.0.0.1',
      ROLE: 'api',
      AUTH_RATE_LIMIT_MAX: '1000000',
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1'
    }), { logger: false })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address')
    const url = `http://127.0.0.1:${address.port}`
    console.log(`cores: ${os.availableParallelism()}, node ${process.version}, load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)

    // 2 first: it also leaves the verified domains scenario 1 asks about.
    const times: number[] = []
    for (let i = 0; i < DOMAINS; i++) {
      abort.check()
      const u = await user(app, `bench-${i}-${runId}`)
      const auth = { authorization: `Bearer ${u.token}` }
      const domain = `cv${i}.bench-${runId}.com`
      const d = (await app.inject({ method: 'POST', url: '/domains', headers: auth, payload: { domain_name: domain, portfolio_id: u.portfolio } })).json().data
      const missing = (await app.inject({ method: 'POST', url: `/domains/${d.id}/verify`, headers: auth })).json().data
      if (missing.verification_status !== 'pending') throw new Error('verified without records')
      dns.zone.txt.set(d.instructions[0].host, [d.instructions[0].value])
      dns.zone.cname.set(domain, `hosting.${APP}`)
      const started = performance.now()
      const v = (await app.inject({ method: 'POST', url: `/domains/${d.id}/verify`, headers: auth })).json().data
      times.push(performance.now() - started)
      if (v.verification_status !== 'verified') throw new Error(`not verified: ${v.last_error}`)
    }

    const scenarios: [string, string][] = [
      ['GET /healthz (baseline)', '/healthz'],
      ['ask: verified custom domain', `/internal/tls/ask?domain=cv0.bench-${runId}.com`],
      ['ask: live subdomain', `/internal/tls/ask?domain=bench-1-${runId}.${APP}`]
    ]
    // The machine is shared: scenarios alternate over ROUNDS rounds and the medians are
    // reported, with each round's ratio to the baseline measured right before it.
    const runs = new Map<string, LoadResult[]>(scenarios.map(([name]) => [name, []]))
    const ratios = new Map<string, number[]>(scenarios.map(([name]) => [name, []]))
    for (const [, path] of scenarios) {
      await runLoad({ url, connections: CONNECTIONS, durationSec: warmupSec, spec: { kind: 'fixed', method: 'GET', path } }, () => {}, abort.signal)
    }
    for (let round = 1; round <= ROUNDS; round++) {
      let base = 0
      for (const [name, path] of scenarios) {
        const load = await runLoad({ url, connections: CONNECTIONS, durationSec, spec: { kind: 'fixed', method: 'GET', path } }, () => {}, abort.signal)
        if (base === 0) base = load.reqPerSec
        runs.get(name)!.push(load)
        ratios.get(name)!.push(load.reqPerSec / base)
        console.log(`round ${round}: ${name} ${load.reqPerSec.toFixed(0)} req/s, p99 ${load.latencyP99} ms`)
      }
    }
    const median = (xs: number[]) => percentile(xs, 50)
    console.log()
    console.log(IN_PROCESS)
    console.log(formatTable(['scenario (medians of ' + ROUNDS + ' rounds)', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'ratio vs baseline'],
      scenarios.map(([name]) => {
        const l = runs.get(name)!
        return [name, median(l.map((x) => x.reqPerSec)).toFixed(0), String(median(l.map((x) => x.latencyP50))), String(median(l.map((x) => x.latencyP99))),
          String(l.reduce((n, x) => n + x.non2xx, 0)), String(l.reduce((n, x) => n + x.errors, 0)), median(ratios.get(name)!).toPrecision(3)]
      })))
    const measured = [...runs.entries()].flatMap(([name, l]) => l.map((x) => [name, x] as const))
    console.log()
    console.log(formatTable(['records added -> verified (manual verify, local DNS)', 'n', 'p50 ms', 'p99 ms', 'max ms'],
      [['POST /domains/:id/verify', String(times.length), percentile(times, 50).toFixed(1), percentile(times, 99).toFixed(1), Math.max(...times).toFixed(1)]]))
    const bad = measured.filter(([, l]) => l.non2xx > 0 || l.errors > 0 || l.total === 0)
    for (const [name, l] of bad) console.error(`INVALID: ${name}: ${l.non2xx} non-2xx, ${l.errors} errors; first failure ${l.firstFailure ?? '-'}`)
    if (bad.length > 0) process.exitCode = 1
  } finally {
    if (app) await deleteRedisKeys(app).catch((err: Error) => console.error(`deleting Redis keys: ${err.message}`))
    await app?.close().catch((err: Error) => console.error(`closing the app: ${err.message}`))
    await db?.drop().catch((err: Error) => console.error(`dropping ${db?.name}: ${err.message}`))
    await dns.close()
    await rm(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: Error) => {
  console.error(err.message === 'aborted' ? 'aborted' : err)
  process.exitCode = 1
})
