// A hostile resume through the real server (ROLE=all: the API and the analysis worker in one
// process): /healthz keeps answering in < 1 s while it is analysed, and the analysis completes with
// the long tokens reported as suspicious. Then an analysis whose thread runs over its time limit
// (ANALYSIS_TIMEOUT lowered for the test): each attempt fails alone, the job ends failed with a
// readable reason after its retries, and the server serves on.
import t, { type Test } from 'tap'
import pg from 'pg'
import { QUEUE_SCHEMA } from '../kernel/queue.ts'
import { REDIS_URL, createDatabase, rand, sleep, tempDir, waitForStatus } from './helper.ts'
import { http, startServer, type ServerProcess } from './process.ts'

/** Polls /healthz every 100 ms until stopped; resolves with the slowest answer (ms) and any failure. */
function watchHealth (base: string) {
  let running = true
  let slowest = 0
  const failures: string[] = []
  const done = (async () => {
    // eslint-disable-next-line no-unmodified-loop-condition -- stop() clears it while the loop awaits
    while (running) {
      const start = performance.now()
      try {
        const res = await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(5000) })
        if (res.status !== 200) failures.push(`status ${res.status}`)
        await res.arrayBuffer()
      } catch (err) { failures.push((err as Error).message) }
      slowest = Math.max(slowest, performance.now() - start)
      await sleep(100)
    }
  })()
  return { stop: async () => { running = false; await done; return { slowest, failures: [...failures] } } }
}

async function start (t: Test, env: Record<string, string> = {}) {
  const db = await createDatabase(t)
  const server = await startServer({ DATABASE_URL: db, REDIS_URL, REDIS_PREFIX: `cvgen-test-${rand()}:`, JWT_SECRET: rand(24), DATA_DIR: tempDir(t), THUMBNAILS: 'false', CHROMIUM_PATH: '/nonexistent', ...env })
  t.teardown(() => server.kill())
  const api = (method: string, path: string, token?: string, body?: unknown) => http(server.url, method, path, body, token)
  const reg = await api('POST', '/auth/register', undefined, { email: `u${rand()}@example.com`, password: 'correct horse battery staple', full_name: 'Hostile' })
  t.equal(reg.status, 201)
  return { db, server, api, token: reg.body.data.access_token as string }
}

async function analyse (t: Test, s: Awaited<ReturnType<typeof start>>, content: object) {
  const created = await s.api('POST', '/resumes/import', s.token, content)
  t.equal(created.status, 201, created.status === 201 ? 'resume created' : JSON.stringify(created.body).slice(0, 300))
  const queued = await s.api('POST', '/ai/analyze', s.token, { target_id: created.body.data.id, type: 'resume' })
  t.equal(queued.status, 202)
  return queued.body.data.job_id as string
}

const alive = (server: ServerProcess) => server.child.exitCode === null && server.child.signalCode === null

t.test('a hostile resume: the server keeps answering and the analysis completes', { timeout: 120_000 }, async (t) => {
  const s = await start(t)
  const health = watchHealth(s.server.url)
  t.teardown(() => health.stop())
  const longWord = await analyse(t, s, { basics: { name: 'Hostile', summary: 'x'.repeat(1000) } })
  const digits = await analyse(t, s, { basics: { name: 'Hostile' }, work: [{ name: 'X', position: 'Y', highlights: Array.from({ length: 6 }, () => '7'.repeat(19_999) + 'a') }] })
  for (const id of [longWord, digits]) await waitForStatus(s.server.url, `/ai/analyze/${id}/status`, s.token, { timeoutMs: 60_000, intervalMs: 100 })
  const { slowest, failures } = await health.stop()
  t.same(failures, [], '/healthz never failed')
  t.ok(slowest < 1000, `/healthz answered within ${slowest.toFixed(0)} ms at worst`)
  t.ok(alive(s.server), 'the server is still running')
  const a = (await s.api('GET', `/ai/reports/${longWord}`, s.token)).body.data
  t.match(a, { status: 'completed', metrics: { spelling: { suspicious: [{ path: 'basics.summary', length: 1000 }] } } })
  const b = (await s.api('GET', `/ai/reports/${digits}`, s.token)).body.data
  t.equal(b.status, 'completed')
  t.equal(b.metrics.spelling.suspicious.length, 6)
})

t.test('an analysis over its time limit fails each attempt alone, then for good, readably', { timeout: 120_000 }, async (t) => {
  const s = await start(t, { ANALYSIS_TIMEOUT: '100ms' })
  const admin = new pg.Client({ connectionString: s.db })
  await admin.connect()
  t.teardown(() => admin.end())
  const health = watchHealth(s.server.url)
  t.teardown(() => health.stop())
  // ~200 KB of prose the rules need well over 100 ms for.
  const highlights = Array.from({ length: 10 }, (_, i) => Array.from({ length: 1500 }, (_, j) => `word${i}x${j} reduced latency by ${j} ms`).join(' ').slice(0, 19_000))
  const id = await analyse(t, s, { basics: { name: 'Slow' }, work: [{ name: 'X', position: 'Y', highlights }] })
  const data = await waitForStatus(s.server.url, `/ai/reports/${id}`, s.token, {
    timeoutMs: 60_000,
    intervalMs: 100,
    // Skip pg-boss's backoff (2-4 s, 4-8 s, 8-16 s) so the test stays short.
    pending: () => admin.query(`update ${QUEUE_SCHEMA}.job set start_after = now() where id = $1 and state = 'retry'`, [id])
  })
  const { slowest, failures } = await health.stop()
  t.match(data, { status: 'failed', attempts: 4, overall_score: null, error: 'the analysis took longer than 0.1 s and was stopped' })
  t.same(failures, [], '/healthz never failed')
  t.ok(slowest < 1000, `/healthz answered within ${slowest.toFixed(0)} ms at worst`)
  t.ok(alive(s.server), 'the server is still running')
  t.equal((await fetch(`${s.server.url}/healthz`)).status, 200)
})
