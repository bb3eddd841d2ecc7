// `npm run bench [-- --duration N]`: what the auth routes cost, measured against the real
// PostgreSQL and Redis with the production argon2 settings, relative to GET /healthz measured
// in the same run. Besides throughput and latency it reports the server's event-loop delay:
// argon2 hashes on libuv's thread pool, so a login burst should cost CPU but not stall the
// loop that every other request waits on (see plugins/auth/passwords.ts).
//
// The server runs in this thread; autocannon runs in a worker thread (bench/lib.ts), so the
// loop delay measured here is the server's own. Both still share the machine's cores.
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import argon2 from 'argon2'
import type { FastifyInstance } from 'fastify'
import { loadConfig, type Config } from '../config/index.ts'
import { buildApp } from '../kernel/app.ts'
import {
  LoopDelayProbe, abortOnSignal, createDatabase, deleteRedisKeys, formatTable, parseDuration, randomId, runLoad,
  type LoadResult, type LoadSpec, type LoopDelay, type ScratchDatabase, benchEnv, IN_PROCESS
} from './lib.ts'

const ADMIN_URL = 'postgres://postgres@127.0.0.1:5432/postgres'
const CONNECTIONS = 20
// Twice the connections: no two logins of one account overlap (they would queue on the
// user row's lock), and the pools keep a margin if a connection drops a request.
const USERS = CONNECTIONS * 2

interface Scenario {
  name: string
  /** Built anew for every run: refresh tokens are single-use. */
  spec (): Promise<LoadSpec>
}

interface Measured { name: string, load: LoadResult, loop: LoopDelay }

/** Median time of a few sequential hashes: the floor of one login's latency. */
async function timeOneHash (params: Config['argon2']): Promise<number> {
  const times: number[] = []
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    await argon2.hash(`bench-${i}-password`, { type: argon2.argon2id, ...params })
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)[2]!
}

async function registerUsers (app: FastifyInstance, count: number): Promise<{ email: string, password: string }[]> {
  const users = Array.from({ length: count }, (_, i) => ({ email: `bench${i}@example.com`, password: `pw-${randomId(8)}` }))
  await Promise.all(users.map(async (u) => {
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: { ...u, full_name: 'Bench User' } })
    if (res.statusCode !== 201) throw new Error(`register ${u.email}: ${res.statusCode} ${res.body}`)
  }))
  return users
}

/** One fresh session (refresh token) per user, i.e. one starting token per pool slot. */
async function freshRefreshTokens (app: FastifyInstance, users: { email: string, password: string }[]): Promise<string[]> {
  return Promise.all(users.map(async (u) => {
    const res = await app.inject({ method: 'POST', url: '/auth/login', payload: u })
    if (res.statusCode !== 200) throw new Error(`login ${u.email}: ${res.statusCode} ${res.body}`)
    return (res.json() as { data: { refresh_token: string } }).data.refresh_token
  }))
}

async function main (): Promise<void> {
  const durationSec = parseDuration(process.argv.slice(2), 8)
  // A short unmeasured run first, so JIT warm-up and pool connections are not billed to the scenario.
  const warmupSec = Math.max(1, Math.round(durationSec / 4))
  const runId = randomId()
  const abort = abortOnSignal('the scratch database, Redis keys and temp dir')

  let db: ScratchDatabase | null = null
  let app: FastifyInstance | null = null
  const dataDir = await mkdtemp(join(os.tmpdir(), 'cvgen-bench-'))
  try {
    db = await createDatabase(ADMIN_URL, `cvgen_bench_${runId}`)
    // No ARGON2_* here: the defaults are the production settings, which is what is measured.
    // The limits are lifted because 20 connections from one IP and one account would trip them at once;
    // 1000000 is the most config/index.ts accepts, far above what a run sends within one window.
    const config = await loadConfig({
      ...benchEnv(db.url, runId),
      AUTH_RATE_LIMIT_MAX: '1000000',
      LOGIN_FAILURES_MAX: '1000000',
      DATA_DIR: dataDir
    })
    app = await buildApp(config, { logger: false })
    await app.listen({ host: '127.0.0.1', port: 0 })
    const address = app.server.address()
    if (address === null || typeof address === 'string') throw new Error('server has no TCP address')
    const url = `http://127.0.0.1:${address.port}`

    const { memoryCost, timeCost, parallelism } = config.argon2
    const hashMs = await timeOneHash(config.argon2)
    const cpus = os.cpus()
    console.log(`cores: ${os.availableParallelism()} (${cpus[0]?.model.trim() ?? 'unknown CPU'}), node ${process.version}, ` +
      `libuv thread pool: ${process.env.UV_THREADPOOL_SIZE ?? '4 (default)'}, ` +
      // Anything else busy on the machine skews every figure below; this shows whether it was.
      `load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`)
    console.log(`argon2id: memoryCost ${memoryCost} KiB, timeCost ${timeCost}, parallelism ${parallelism}; one hash alone ${hashMs.toFixed(1)} ms`)
    console.log(`load: autocannon in a worker thread, ${CONNECTIONS} connections, ${durationSec} s per scenario after ${warmupSec} s warm-up`)

    const users = await registerUsers(app, USERS)
    const credentials = users.map((u) => JSON.stringify(u))
    const scenarios: Scenario[] = [
      { name: 'GET /healthz (baseline)', spec: async () => ({ kind: 'fixed', method: 'GET', path: '/healthz' }) },
      { name: 'POST /auth/login', spec: async () => ({ kind: 'lease', method: 'POST', path: '/auth/login', bodies: credentials, renew: 'same' }) },
      {
        name: 'POST /auth/refresh',
        spec: async () => {
          const tokens = await freshRefreshTokens(app!, users)
          return { kind: 'lease', method: 'POST', path: '/auth/refresh', bodies: tokens.map((t) => JSON.stringify({ refresh_token: t })), renew: 'refresh_token' }
        }
      }
    ]

    const probe = new LoopDelayProbe(10)
    // What the loop reads with no load at all: the floor the scenarios' figures sit on.
    probe.start()
    await sleep(1000)
    const idle = probe.stop()

    const measured: Measured[] = []
    for (const scenario of scenarios) {
      process.stdout.write(`running ${scenario.name} ...`)
      await runLoad({ url, connections: CONNECTIONS, durationSec: warmupSec, spec: await scenario.spec() }, () => {}, abort.signal)
      const load = await runLoad({ url, connections: CONNECTIONS, durationSec, spec: await scenario.spec() }, () => probe.start(), abort.signal)
      const loop = probe.stop()
      measured.push({ name: scenario.name, load, loop })
      process.stdout.write(` ${load.reqPerSec.toFixed(1)} req/s\n`)
    }

    report(measured, idle, probe.resolution)
  } finally {
    if (app) await deleteRedisKeys(app).catch((err: Error) => console.error(`deleting Redis keys: ${err.message}`))
    await app?.close().catch((err: Error) => console.error(`closing the app: ${err.message}`))
    await db?.drop().catch((err: Error) => console.error(`dropping ${db?.name}: ${err.message}`))
    await rm(dataDir, { recursive: true, force: true })
  }
}

function report (measured: Measured[], idle: LoopDelay, resolutionMs: number): void {
  const baseline = measured[0]!.load.reqPerSec
  const f = (n: number, digits = 1) => n.toFixed(digits)
  const rows = measured.map(({ name, load, loop }) => [
    name, f(load.reqPerSec), f(load.latencyP50, 0), f(load.latencyP99, 0), String(load.non2xx), String(load.errors),
    f(loop.p50), f(loop.p99), f(loop.max), (load.reqPerSec / baseline).toPrecision(3)
  ])
  console.log()
  console.log(IN_PROCESS)
  console.log(formatTable(
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors', 'loop p50 ms', 'loop p99 ms', 'loop max ms', 'ratio vs baseline'],
    rows))
  console.log()
  console.log(`loop delay: server thread, sampled every ${resolutionMs} ms, excess over the sampling interval; ` +
    `idle floor p50 ${f(idle.p50)} / p99 ${f(idle.p99)} / max ${f(idle.max)} ms`)
  console.log('errors: socket errors and timeouts (requests with no answer)')

  // A scenario that answered 401s would still show a fine req/s: say so loudly and fail.
  const bad = measured.filter(({ load }) => load.non2xx > 0 || load.errors > 0 || load.total === 0)
  for (const { name, load } of bad) {
    console.error(`\nINVALID: ${name} had ${load.non2xx} non-2xx and ${load.errors} errors out of ${load.total}; ` +
      `status codes ${JSON.stringify(load.statusCodes)}, pool ran dry ${load.starved} times; first failure: ${load.firstFailure ?? '-'}`)
  }
  if (bad.length > 0) process.exitCode = 1
}

main().catch((err: Error) => {
  console.error(err.message === 'aborted' ? 'aborted' : err)
  process.exitCode = err.message === 'aborted' ? 130 : 1
})
