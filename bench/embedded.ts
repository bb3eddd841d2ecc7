// The embedded default as an operator runs it: `npm start` in its own process, production
// settings (default log level, production argon2), no DATABASE_URL — against the same start
// command on PostgreSQL from DATABASE_URL (the machine's server, a fresh database per round).
//
// Per scenario and round: start-up on a fresh and on an existing DATA_DIR (spawn to
// "Server listening"), idle memory after 5 s (PSS, so PostgreSQL's shared buffers are not
// counted once per process; the app's process tree, plus the database's processes: every
// process of the embedded server, or the app's backends on the external one), and the load
// test's work: 60 concurrent reads, 45 concurrent analyses until all completed, 300
// sequential import + delete pairs. Rounds alternate the order; ratios are per round,
// quoted as medians.
//
//   node bench/embedded.ts [--rounds N] [--previous DIR]
// CVGEN_BENCH_PG_URL: the admin URL. --previous: a checkout of an earlier cvgen (with its
// node_modules) measured the same way, e.g. the PGlite engine:
//   git worktree add /tmp/cvgen-pglite 5cc9da6 && (cd /tmp/cvgen-pglite && npm ci)
// A request there may hang: each waits at most 15 s and counts as a timeout.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { createDatabase, formatTable, randomId } from './lib.ts'
import { http, startServer, stopEmbeddedPostgres, type ServerProcess } from '../test/process.ts'

const ADMIN_URL = process.env.CVGEN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const roundsArg = process.argv.indexOf('--rounds')
const ROUNDS = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 3
const previousArg = process.argv.indexOf('--previous')
const PREVIOUS = previousArg > 0 ? process.argv[previousArg + 1]! : null
const PHASE_MS = 120_000
const SAMPLE = JSON.parse(readFileSync(new URL('../samples/jsonresume/sample.resume.json', import.meta.url), 'utf8'))

function pss (pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))
    return m ? Number(m[1]) * 1024 : 0
  } catch { return 0 }
}

/** pid and all its descendants. */
function tree (root: number): number[] {
  const children = new Map<number, number[]>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8')
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
      children.set(ppid, [...(children.get(ppid) ?? []), Number(name)])
    } catch { /* gone */ }
  }
  const out: number[] = []
  const walk = (pid: number) => { out.push(pid); for (const c of children.get(pid) ?? []) walk(c) }
  walk(root)
  return out
}

const mib = (bytes: number) => bytes / 1024 / 1024

interface Scenario {
  name: string
  cwd?: string
  /** Environment of a fresh installation, and a cleanup. */
  fresh (): Promise<{ env: Record<string, string>, databasePids (): Promise<number[]>, cleanup (): Promise<void> }>
}

const embedded: Scenario = {
  name: 'embedded PostgreSQL 16 (DATABASE_URL unset)',
  async fresh () {
    const root = mkdtempSync(join(tmpdir(), 'cvgen-bench-emb-'))
    const { chmodSync } = await import('node:fs')
    chmodSync(root, 0o711)
    const dataDir = join(root, 'data')
    return {
      env: { DATA_DIR: dataDir },
      async databasePids () {
        const pid = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0])
        return tree(pid)
      },
      async cleanup () { await stopEmbeddedPostgres(dataDir); rmSync(root, { recursive: true, force: true }) }
    }
  }
}

const external: Scenario = {
  name: 'PostgreSQL 15 from DATABASE_URL',
  async fresh () {
    const db = await createDatabase(ADMIN_URL, `cvgen_bench_emb_${randomId()}`)
    const root = mkdtempSync(join(tmpdir(), 'cvgen-bench-ext-'))
    return {
      env: { DATABASE_URL: db.url, DATA_DIR: join(root, 'data') },
      async databasePids () {
        const client = new pg.Client({ connectionString: ADMIN_URL })
        await client.connect()
        try {
          const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [db.name])
          return rows.map((r) => r.pid)
        } finally { await client.end() }
      },
      async cleanup () { await db.drop(); rmSync(root, { recursive: true, force: true }) }
    }
  }
}

function previousScenario (cwd: string): Scenario {
  return {
    name: `previous (${cwd})`,
    cwd,
    async fresh () {
      const root = mkdtempSync(join(tmpdir(), 'cvgen-bench-prev-'))
      return {
        env: { DATA_DIR: join(root, 'data') },
        async databasePids () { return [] }, // in the app's process
        async cleanup () { rmSync(root, { recursive: true, force: true }) }
      }
    }
  }
}
const previous: Scenario | null = PREVIOUS === null ? null : previousScenario(PREVIOUS)

async function started (env: Record<string, string>, cwd?: string): Promise<{ server: ServerProcess, ms: number }> {
  const t0 = performance.now()
  const server = await startServer({ ...env, LOG_LEVEL: 'info' }, 120_000, { npm: true, cwd })
  return { server, ms: performance.now() - t0 }
}

interface Figures { freshMs: number, existingMs: number, appMiB: number, dbMiB: number, readsMs: number, analysesMs: number, unfinished: number, pairs: number, pairsPerSec: number, errors: number, timeouts: number }

async function runOne (scenario: Scenario): Promise<Figures> {
  const inst = await scenario.fresh()
  let server: ServerProcess | null = null
  try {
    const first = await started(inst.env, scenario.cwd)
    server = first.server
    if (await server.stop('SIGTERM') !== 0) throw new Error(`${scenario.name}: did not stop cleanly`)
    const second = await started(inst.env, scenario.cwd)
    server = second.server
    await new Promise((resolve) => setTimeout(resolve, 5000))
    const appPids = tree(server.child.pid!)
    const dbPids = await inst.databasePids()
    const appMiB = mib(appPids.reduce((s, p) => s + pss(p), 0))
    const dbMiB = mib(dbPids.reduce((s, p) => s + pss(p), 0))

    let errors = 0
    let timeouts = 0
    const call = async (method: string, path: string, body?: unknown, token?: string) => {
      try {
        const res = await http(server!.url, method, path, body, token, 15_000)
        if (res.status >= 500) errors++
        return res
      } catch {
        timeouts++
        return { status: 0, body: null }
      }
    }
    const users: { token: string, resumeId: string }[] = []
    for (let i = 0; i < 3; i++) {
      const reg = await call('POST', '/auth/register', { email: `bench${i}@example.com`, password: `correct horse battery staple ${i}`, full_name: `Bench ${i}` })
      const resume = await call('POST', '/resumes/import', SAMPLE, reg.body.data.access_token)
      users.push({ token: reg.body.data.access_token, resumeId: resume.body.data.id })
    }
    let t0 = performance.now()
    await Promise.all(Array.from({ length: 60 }, (_, i) => call('GET', ['/auth/me', '/resumes', `/resumes/${users[i % 3]!.resumeId}`][i % 3]!, undefined, users[i % 3]!.token)))
    const readsMs = performance.now() - t0

    t0 = performance.now()
    const jobs = await Promise.all(Array.from({ length: 45 }, (_, i) => call('POST', '/ai/analyze', { target_id: users[i % 3]!.resumeId, type: 'resume' }, users[i % 3]!.token)
      .then((r) => ({ id: r.body?.data?.job_id as string, token: users[i % 3]!.token }))))
    const pending = new Set(jobs.map((j) => j.id).filter(Boolean))
    const refused = jobs.length - pending.size
    // A server that hangs must not hang the bench: the phase ends after PHASE_MS.
    while (pending.size > 0 && performance.now() - t0 < PHASE_MS && server.child.exitCode === null) {
      await Promise.all(jobs.filter((j) => pending.has(j.id)).map(async (j) => {
        const s = await call('GET', `/ai/analyze/${j.id}/status`, undefined, j.token)
        if (['completed', 'failed'].includes(s.body?.data?.status)) pending.delete(j.id)
      }))
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    const unfinished = pending.size + refused
    const analysesMs = performance.now() - t0

    t0 = performance.now()
    let pairs = 0
    for (let i = 0; i < 300 && server.child.exitCode === null && performance.now() - t0 < PHASE_MS; i++) {
      const r = await call('POST', '/resumes/import', SAMPLE, users[0]!.token)
      if (r.status !== 201) continue
      if ((await call('DELETE', `/resumes/${r.body.data.id}`, undefined, users[0]!.token)).status === 204) pairs++
    }
    const pairsPerSec = pairs / ((performance.now() - t0) / 1000)
    if (server.child.exitCode !== null) console.error(`${scenario.name}: the server exited during the load (code ${server.child.exitCode})`)
    else if (await server.stop('SIGTERM') !== 0) console.error(`${scenario.name}: did not stop cleanly after the load`)
    server = null
    return { freshMs: first.ms, existingMs: second.ms, appMiB, dbMiB, readsMs, analysesMs, unfinished, pairs, pairsPerSec, errors, timeouts }
  } finally {
    server?.kill()
    await inst.cleanup()
  }
}

const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2 }

const scenarios = [embedded, external, ...(previous ? [previous] : [])]
const results = new Map<Scenario, Figures[]>(scenarios.map((s) => [s, []]))
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order each round, so no scenario always runs first on a cold machine.
  const order = scenarios.map((_, i) => scenarios[(i + round) % scenarios.length]!)
  for (const scenario of order) {
    const f = await runOne(scenario)
    results.get(scenario)!.push(f)
    console.error(`round ${round + 1} ${scenario.name}: ${JSON.stringify(Object.fromEntries(Object.entries(f).map(([k, v]) => [k, Math.round(v * 10) / 10])))}`)
  }
}

const metrics: [keyof Figures, string, (n: number) => string][] = [
  ['freshMs', 'start-up, fresh DATA_DIR (ms)', (n) => n.toFixed(0)],
  ['existingMs', 'start-up, existing DATA_DIR (ms)', (n) => n.toFixed(0)],
  ['appMiB', 'idle PSS, app processes (MiB)', (n) => n.toFixed(0)],
  ['dbMiB', 'idle PSS, database processes (MiB)', (n) => n.toFixed(0)],
  ['readsMs', '60 concurrent reads (ms)', (n) => n.toFixed(0)],
  ['analysesMs', '45 concurrent analyses, all completed (ms)', (n) => n.toFixed(0)],
  ['unfinished', 'analyses refused or never finished', (n) => n.toFixed(0)],
  ['pairs', 'import + delete pairs done (of 300)', (n) => n.toFixed(0)],
  ['pairsPerSec', 'import + delete pairs per second', (n) => n.toFixed(1)],
  ['errors', '5xx answers', (n) => n.toFixed(0)],
  ['timeouts', 'requests with no answer in 15 s', (n) => n.toFixed(0)]
]
const ext = results.get(external)!
const ratio = (s: Scenario, key: keyof Figures) => {
  const r = median(results.get(s)!.map((f, i) => ext[i]![key] === 0 ? NaN : f[key] / ext[i]![key]))
  return Number.isNaN(r) ? '-' : `${r.toFixed(2)}x`
}
const rows = metrics.map(([key, label, fmt]) => [label, ...scenarios.flatMap((s) => [fmt(median(results.get(s)!.map((f) => f[key]))), ...(s === external ? [] : [ratio(s, key)])])])
console.log(`\nnpm start, production settings; medians of ${ROUNDS} rounds in rotating order; ratios: per round against DATABASE_URL, then the median\n`)
console.log(formatTable(['measure', ...scenarios.flatMap((s) => s === external ? [s.name] : [s.name, 'ratio'])], rows))
