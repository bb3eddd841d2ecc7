// PostgreSQL restarted under load, on a cluster of the test's own (the machine's is shared by
// every test file: never stop that one), with the server started as operators start it. While
// it is down, what needs the database answers 503 with Retry-After, quickly, never 500;
// cached public pages are still served; once it is back the API and the queue workers recover
// by themselves and nothing queued is lost. On the embedded default nobody else restarts
// cvgen's own PostgreSQL: killed, cvgen starts it again and recovers the same way.
import { execFileSync } from 'node:child_process'
import { chownSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import t, { type Test } from 'tap'
import { CHEAP_ARGON2, embeddedDataDir } from '../embedded-helper.ts'
import { freePort, rand, REDIS_URL, sleep, tempDir } from '../helper.ts'
import { embeddedPostgresPid, startServer } from '../process.ts'

const BIN = execFileSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1'], { encoding: 'utf8' }).trim()
const POSTGRES_UID = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }))
const POSTGRES_GID = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }))

/** A PostgreSQL cluster of the test's own: start() and stop() it at will. */
function cluster (t: { teardown (fn: () => unknown): void }, port: number) {
  const dir = mkdtempSync(join(tmpdir(), 'cvgen-pg-'))
  chownSync(dir, POSTGRES_UID, POSTGRES_GID)
  const as = (cmd: string, args: string[]) => execFileSync(join(BIN, cmd), args, { uid: POSTGRES_UID, gid: POSTGRES_GID, stdio: 'pipe', env: { PATH: process.env.PATH } })
  as('initdb', ['-D', join(dir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync'])
  const start = () => { as('pg_ctl', ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`, 'start']) }
  const stop = () => { as('pg_ctl', ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop']) }
  t.teardown(() => { try { stop() } catch { /* stopped */ } rmSync(dir, { recursive: true, force: true }) })
  return { start, stop }
}

type Answer = { status: number, ms: number, retryAfter: string | null, code?: string }

async function call (base: string, method: string, path: string, token?: string, body?: unknown): Promise<Answer & { json: any }> {
  const start = Date.now()
  const res = await fetch(base + path, {
    method,
    headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
    signal: AbortSignal.timeout(30_000)
  })
  const text = await res.text()
  const json = text.startsWith('{') ? JSON.parse(text) : null
  return { status: res.status, ms: Date.now() - start, retryAfter: res.headers.get('retry-after'), code: json?.error?.code, json }
}

/** A user with a resume and a published portfolio whose page is now cached. */
async function seed (t: Test, base: string) {
  const reg = await call(base, 'POST', '/auth/register', undefined, { email: `u${rand()}@example.com`, password: 'correct horse battery staple', full_name: 'Ada' })
  t.equal(reg.status, 201)
  const token = reg.json.data.access_token as string
  const portfolio = await call(base, 'POST', '/portfolios', token, { title: 'Site', template_id: 'classic', is_published: true, content: {} })
  const page = `/view/${portfolio.json.data.subdomain}`
  t.equal((await call(base, 'GET', page)).status, 200, 'the public page, now cached')
  const resume = await call(base, 'POST', '/resumes', token, { title: 'CV', template_id: 'classic', content: { basics: { name: 'Ada' } } })
  t.equal(resume.status, 201)
  return { token, page, resume }
}

t.test('PostgreSQL stopped and started again under load', { timeout: 240_000 }, async (t) => {
  const port = await freePort()
  const pg = cluster(t, port)
  pg.start()
  const server = await startServer({
    DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`,
    REDIS_URL,
    REDIS_PREFIX: `cvgen-test-${rand()}:`,
    JWT_SECRET: rand(24),
    DATA_DIR: tempDir(t),
    ARGON2_MEMORY_KIB: '1024',
    ARGON2_TIME_COST: '1',
    THUMBNAILS: 'false'
  }, 90_000)
  t.teardown(() => server.kill())
  const base = server.url

  const { token, page, resume } = await seed(t, base)

  pg.stop()
  // Queued during the outage cannot be; queued just before it must not be lost. Try both.
  const during: Answer[] = []
  const pages: Answer[] = []
  const until = Date.now() + 8000
  while (Date.now() < until) {
    during.push(await call(base, 'GET', '/resumes', token))
    during.push(await call(base, 'POST', '/resumes', token, { title: 'Again', template_id: 'classic' }))
    pages.push(await call(base, 'GET', page))
  }
  const statuses = [...new Set(during.map((a) => a.status))]
  t.same(statuses, [503], `routes that need the database: 503, never 500 (saw ${statuses.join(', ')})`)
  t.ok(during.every((a) => a.code === 'DATABASE_UNAVAILABLE' && Number(a.retryAfter) > 0), 'DATABASE_UNAVAILABLE with Retry-After')
  const slowest = Math.max(...during.map((a) => a.ms))
  t.ok(slowest < 10_000, `each within 10 s (slowest ${slowest} ms)`)
  t.same([...new Set(pages.map((a) => a.status))], [200], 'the cached public page is still served')
  t.equal((await call(base, 'GET', '/readyz')).status, 503, 'readyz: not ready without the database')

  const back = Date.now()
  pg.start()
  let recovered = Infinity
  for (let end = Date.now() + 30_000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if ((await call(base, 'GET', '/resumes', token)).status === 200) { recovered = Date.now() - back; break }
  }
  console.log(`# PostgreSQL back -> first 2xx: ${recovered} ms`)
  t.ok(recovered < 5000, `the API recovers by itself within 5 s (${recovered} ms)`)

  // The queue workers recovered too: a job queued now runs to the end.
  const queued = await call(base, 'POST', '/ai/analyze', token, { target_id: resume.json.data.id, type: 'resume' })
  t.equal(queued.status, 202)
  let report
  for (let end = Date.now() + 60_000; Date.now() < end; await new Promise((resolve) => setTimeout(resolve, 200))) {
    report = (await call(base, 'GET', `/ai/reports/${queued.json.data.job_id}`, token)).json.data
    if (report?.status === 'completed' || report?.status === 'failed') break
  }
  t.equal(report?.status, 'completed', 'the analysis queued after the outage completes')
  t.notMatch(server.output(), /"statusCode":500|INTERNAL_ERROR/, 'no 500 in the log')
})

t.test('the embedded default: its PostgreSQL killed under load is started again, and everything recovers', { timeout: 240_000 }, async (t) => {
  const dataDir = embeddedDataDir(t)
  const server = await startServer({ DATA_DIR: dataDir, ...CHEAP_ARGON2, THUMBNAILS: 'false' }, 90_000)
  t.teardown(() => server.kill())
  const base = server.url
  const { token, page, resume } = await seed(t, base)
  // Queued just before the crash: none may be lost.
  const before: string[] = []
  for (let i = 0; i < 5; i++) before.push((await call(base, 'POST', '/ai/analyze', token, { target_id: resume.json.data.id, type: 'resume' })).json.data.job_id)

  const victim = embeddedPostgresPid(dataDir)!
  t.ok(victim, 'the embedded PostgreSQL runs')
  const killedAt = Date.now()
  process.kill(victim, 'SIGKILL')
  const during: Answer[] = []
  const pages: Answer[] = []
  let recovered = Infinity
  while (Date.now() - killedAt < 30_000) {
    const a = await call(base, 'GET', '/resumes', token)
    if (a.status === 200 && during.length > 0) { recovered = Date.now() - killedAt; break }
    if (a.status !== 200) during.push(a)
    pages.push(await call(base, 'GET', page))
    await sleep(50)
  }
  console.log(`# embedded PostgreSQL killed -> first 2xx: ${recovered} ms`)
  t.ok(during.length > 0, `requests during the outage (${during.length}) saw it`)
  t.same([...new Set(during.map((a) => a.status))], [503], 'during the outage: 503, never 500')
  t.ok(during.every((a) => a.code === 'DATABASE_UNAVAILABLE' && Number(a.retryAfter) > 0), 'DATABASE_UNAVAILABLE with Retry-After')
  t.ok(during.every((a) => a.ms < 10_000), 'each within 10 s')
  t.same([...new Set(pages.map((a) => a.status))], [200], 'the cached public page is still served')
  t.ok(recovered < 10_000, `cvgen started its PostgreSQL again and the API answers within 10 s of the kill (${recovered} ms)`)
  const again = embeddedPostgresPid(dataDir)
  t.ok(again && again !== victim, 'a new postmaster runs')

  const after = (await call(base, 'POST', '/ai/analyze', token, { target_id: resume.json.data.id, type: 'resume' })).json.data.job_id as string
  for (const id of [...before, after]) {
    let status
    for (let end = Date.now() + 60_000; Date.now() < end; await sleep(200)) {
      status = (await call(base, 'GET', `/ai/reports/${id}`, token)).json.data?.status
      if (status === 'completed' || status === 'failed') break
    }
    t.equal(status, 'completed', `analysis ${id} (queued ${id === after ? 'after' : 'before'} the crash) completes`)
  }
  t.equal((await call(base, 'GET', '/readyz')).status, 200, 'ready again')
  t.match(server.output(), /exited unexpectedly; starting it again/, 'the log says what happened')
  t.notMatch(server.output(), /"statusCode":500|INTERNAL_ERROR/, 'no 500 in the log')
  t.equal(await server.stop('SIGTERM'), 0, 'and it still stops cleanly')
  t.equal(embeddedPostgresPid(dataDir), null, 'its PostgreSQL stopped with it')
})
