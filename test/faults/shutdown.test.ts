// SIGTERM to the server as operators start it, with a request in flight, an open event stream
// and a job running: the request completes, the stream ends cleanly, no new connection is
// taken, the running job is handed back (its next attempt starts as soon as a worker is up),
// and the process exits 0 within 15 s (compose gives 20).
import { request } from 'node:http'
import { fileURLToPath } from 'node:url'
import t from 'tap'
import pg from 'pg'
import { createDatabase, rand, REDIS_URL, sleep, tempDir } from '../helper.ts'
import { startServer } from '../process.ts'

const SLOW_AI = fileURLToPath(new URL('../fixtures/plugins', import.meta.url))
async function call (base: string, method: string, path: string, token?: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined
  })
  const text = await res.text()
  return { status: res.status, json: text.startsWith('{') ? JSON.parse(text) : null }
}

t.test('SIGTERM with a request in flight, an event stream open and a job running', { timeout: 180_000 }, async (t) => {
  const db = await createDatabase(t)
  const env = {
    DATABASE_URL: db,
    REDIS_URL,
    REDIS_PREFIX: `cvgen-test-${rand()}:`,
    JWT_SECRET: rand(24),
    DATA_DIR: tempDir(t),
    CVGEN_PLUGIN_DIRS: SLOW_AI,
    AI_PROVIDER: 'slow-test',
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    THUMBNAILS: 'false'
  }
  const server = await startServer(env, 90_000)
  t.teardown(() => server.kill())
  const base = server.url
  const reg = await call(base, 'POST', '/auth/register', undefined, { email: `u${rand()}@example.com`, password: 'correct horse battery staple', full_name: 'Ada' })
  const token = reg.json.data.access_token as string
  // 5 steps of 6 s: the job is still running when the signal comes and past pg-boss's 10 s grace.
  const resume = await call(base, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada' }, meta: { delay_ms: 6000 } } })
  const jobId = (await call(base, 'POST', '/ai/analyze', token, { target_id: resume.json.data.id, type: 'resume' })).json.data.job_id as string
  for (let i = 0; i < 100 && (await call(base, 'GET', `/ai/analyze/${jobId}/status`, token)).json.data.status !== 'processing'; i++) await sleep(100)

  // The event stream, read as a browser's EventSource would.
  const stream = await fetch(`${base}/ai/analyze/${jobId}/events`, { headers: { authorization: `Bearer ${token}` } })
  const reader = stream.body!.getReader()
  const streamEnded = (async () => { let text = ''; for (;;) { const { done, value } = await reader.read(); if (done) return text; text += Buffer.from(value).toString() } })()

  // A request in flight: its body arrives slowly, the last part after the signal.
  const url = new URL(base)
  const inFlight = new Promise<number>((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: '/resumes', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` } }, (res) => { res.resume(); resolve(res.statusCode!) })
    req.on('error', reject)
    const body = JSON.stringify({ title: 'Sent slowly', template_id: 'classic' })
    req.write(body.slice(0, 10))
    setTimeout(() => req.end(body.slice(10)), 1500)
  })
  await sleep(300)

  const signalled = Date.now()
  const exited = server.stop('SIGTERM')
  t.equal(await inFlight, 201, 'the request in flight completes')
  const text = await streamEnded
  t.match(text, /data: /, 'the stream had sent events, then ended cleanly')
  await sleep(200)
  const refused = await fetch(`${base}/healthz`).then(() => 'answered', (err: Error) => (err.cause as { code?: string })?.code ?? err.message)
  t.equal(refused, 'ECONNREFUSED', 'no new connections once shutting down')
  const code = await exited
  const took = Date.now() - signalled
  console.log(`# SIGTERM -> exit: ${took} ms`)
  t.equal(code, 0, 'exit code 0')
  t.ok(took < 15_000, `exited within 15 s (${took} ms)`)

  // The running job was handed back: a new worker starts its next attempt at once.
  const admin = new pg.Client({ connectionString: db })
  await admin.connect()
  t.teardown(() => admin.end())
  const again = await startServer({ ...env, ROLE: 'worker' }, 90_000)
  t.teardown(() => again.kill())
  const upAt = Date.now()
  let restarted = Infinity
  for (let end = Date.now() + 30_000; Date.now() < end; await sleep(100)) {
    const { rows: [row] } = await admin.query('select attempts from analysis_results where id = $1', [jobId])
    if (row?.attempts >= 2) { restarted = Date.now() - upAt; break }
  }
  console.log(`# new worker up -> next attempt started: ${restarted} ms`)
  t.ok(restarted < 5000, `the next attempt started ${restarted} ms after a worker came up (not after the expiry)`)
})
