// An installation of an earlier version, whose embedded engine was PGlite in DATA_DIR/pglite,
// is carried over by `npm run cli -- db import-pglite`: accounts, resumes and queued jobs.
// The old installation is made the way that version ran: this code's server on PGlite behind
// its socket server (PGlite stays a dev dependency for this test only).
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import PgBoss10 from 'pg-boss-10'
import t from 'tap'
import { QUEUE_SCHEMA } from '../kernel/queue.ts'
import { ANALYSIS_QUEUE } from '../plugins/analysis/worker.ts'
import { CHEAP_ARGON2, embeddedDataDir, sampleResume } from './embedded-helper.ts'
import { http, runCli, startServer } from './process.ts'
import { freePort } from './support/net.ts'
import { waitForStatus } from './support/wait.ts'

t.test('db import-pglite carries an old DATA_DIR/pglite into the embedded PostgreSQL', { timeout: 300_000 }, async (t) => {
  const dataDir = embeddedDataDir(t)
  const { PGlite } = await import('@electric-sql/pglite')
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket')
  mkdirSync(dataDir, { recursive: true })
  const pglite = await PGlite.create(join(dataDir, 'pglite'))
  // On a loopback port of its own (MikroORM ignores a socket given as ?host= in DATABASE_URL).
  const port = await freePort()
  const socket = new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port, maxConnections: 20 })
  await socket.start()
  let closed = false
  const closeOld = async () => { if (closed) return; closed = true; await socket.stop(); await pglite.close() }
  t.teardown(closeOld)

  // The old installation: an account, two resumes, an analysis queued and not yet run (ROLE=api: no workers).
  const oldEnv = { DATA_DIR: dataDir, DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/postgres`, ROLE: 'api', ...CHEAP_ARGON2 }
  const old = await startServer(oldEnv, 120_000)
  t.teardown(() => old.kill())
  const reg = await http(old.url, 'POST', '/auth/register', { email: 'old@example.com', password: 'pglite era passphrase 77', full_name: 'Old Engine' })
  t.equal(reg.status, 201, JSON.stringify(reg.body))
  const token = reg.body.data.access_token
  const first = await http(old.url, 'POST', '/resumes/import', sampleResume(), token)
  await http(old.url, 'POST', '/resumes/import', { ...sampleResume(), basics: { name: 'Second Résumé ✓' } }, token)
  const queued = await http(old.url, 'POST', '/ai/analyze', { target_id: first.body.data.id, type: 'resume' }, token)
  t.equal(queued.status, 202)
  t.equal(await old.stop('SIGTERM'), 0)
  // The versions that ran on PGlite queued with pg-boss 10 in schema pgboss; this code's server
  // queued with pg-boss 12. Queue the job again as those versions wrote it, and drop the new one.
  const boss10 = new PgBoss10({ connectionString: oldEnv.DATABASE_URL, max: 1, supervise: false, schedule: false })
  await boss10.start()
  await boss10.createQueue(ANALYSIS_QUEUE, { name: ANALYSIS_QUEUE, retryLimit: 3, retryDelay: 2, retryBackoff: true, expireInSeconds: 120 })
  const jobId = queued.body.data.job_id
  t.equal(await boss10.send(ANALYSIS_QUEUE, { analysis_id: jobId }, { id: jobId, singletonKey: jobId }), jobId)
  await boss10.stop({ graceful: false, wait: true })
  const oldDb = new pg.Client({ connectionString: oldEnv.DATABASE_URL })
  await oldDb.connect()
  await oldDb.query(`drop schema ${QUEUE_SCHEMA} cascade`)
  await oldDb.end()
  await closeOld()

  // This version refuses to start on it, naming the command.
  const refused = await startServer({ DATA_DIR: dataDir, ...CHEAP_ARGON2 }, 60_000).then(() => '', (err: Error) => err.message)
  t.match(refused, /db import-pglite/)

  const run = await runCli(['db', 'import-pglite'], { DATA_DIR: dataDir, ...CHEAP_ARGON2 }, 180_000)
  t.equal(run.code, 0, run.stderr)
  t.match(run.stdout, /imported \d+ rows of \d+ tables \(migrations up to \w+\); carried 1 waiting job\(s\) of 1 queue\(s\) and 0 schedule\(s\) from pg-boss 10/)
  t.notOk(existsSync(join(dataDir, 'pglite')), 'the old folder is renamed')
  t.ok(readdirSync(dataDir).some((n) => n.startsWith('pglite.imported-')), 'and kept')

  const again = await runCli(['db', 'import-pglite'], { DATA_DIR: dataDir, ...CHEAP_ARGON2 })
  t.equal(again.code, 1, 'a second run has nothing to import')
  t.match(again.stderr, /there is no .*pglite to import/)

  const server = await startServer({ DATA_DIR: dataDir, ...CHEAP_ARGON2 }, 90_000)
  t.teardown(() => server.kill())
  const login = await http(server.url, 'POST', '/auth/login', { email: 'old@example.com', password: 'pglite era passphrase 77' })
  t.equal(login.status, 200, 'the account came along')
  const me = login.body.data.access_token
  const refresh = await http(server.url, 'POST', '/auth/refresh', { refresh_token: reg.body.data.refresh_token })
  t.equal(refresh.status, 200, 'so did its session (the JWT secret stays in DATA_DIR)')
  const list = await http(server.url, 'GET', '/resumes', undefined, me)
  t.equal(list.body.meta.total, 2, 'both resumes')
  t.ok(list.body.data.some((r: { title: string }) => r.title.includes('Second Résumé ✓')), 'with their text intact')
  const job = await waitForStatus(server.url, `/ai/analyze/${queued.body.data.job_id}/status`, me, { timeoutMs: 30_000, intervalMs: 100 })
  t.equal(job.status, 'completed', 'the analysis queued before the upgrade ran after it')
  const created = await http(server.url, 'POST', '/resumes/import', sampleResume(), me)
  t.equal(created.status, 201, 'and new writes work')
  t.equal(await server.stop('SIGTERM'), 0)
})
