// README's first command must keep working: the real server with DATABASE_URL and
// REDIS_URL unset runs on the embedded database under DATA_DIR.
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { tempDir } from './helper.js'
import { http, startServer } from './process.js'

t.test('npm start on embedded defaults: register -> login -> me, restart keeps data', async (t) => {
  const dataDir = tempDir(t)
  const env = { DATA_DIR: dataDir, ARGON2_MEMORY_KIB: '4096', ARGON2_TIME_COST: '1' }
  const server = await startServer(env, 90_000)
  t.teardown(() => server.kill())
  t.match(server.output(), /embedded database/, 'says it runs on the embedded database')

  const email = 'embedded@example.com'
  const password = 'embedded password 1'
  const reg = await http(server.url, 'POST', '/auth/register', { email, password, full_name: 'Em Bedded' })
  t.equal(reg.status, 201, JSON.stringify(reg.body))
  const login = await http(server.url, 'POST', '/auth/login', { email, password })
  t.equal(login.status, 200)
  const me = await http(server.url, 'GET', '/auth/me', undefined, login.body.data.access_token)
  t.equal(me.status, 200)
  t.equal(me.body.data.email, email)
  const ready = await http(server.url, 'GET', '/readyz')
  t.same(ready.body, { data: { status: 'ok', checks: { database: 'ok', redis: 'not configured' } } })

  // pg-boss, LISTEN/NOTIFY and the heuristic analyzer on the embedded engine too.
  const token = login.body.data.access_token
  const sample = JSON.parse(readFileSync(new URL('./fixtures/jsonresume/sample.resume.json', import.meta.url), 'utf8'))
  const resume = await http(server.url, 'POST', '/resumes/import', sample, token)
  t.equal(resume.status, 201)
  const queued = await http(server.url, 'POST', '/ai/analyze', { target_id: resume.body.data.id, type: 'resume' }, token)
  t.equal(queued.status, 202)
  let status = ''
  for (let i = 0; i < 300 && !['completed', 'failed'].includes(status); i++) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    status = (await http(server.url, 'GET', `/ai/analyze/${queued.body.data.job_id}/status`, undefined, token)).body.data.status
  }
  t.equal(status, 'completed', 'an analysis completes on the embedded database')

  t.ok(existsSync(join(dataDir, 'jwt-secret')), 'a JWT secret was generated in DATA_DIR')
  t.equal(statSync(join(dataDir, 'jwt-secret')).mode & 0o777, 0o600, 'readable by the owner only')

  const second = await startServer(env, 30_000).then(() => null, (err: Error) => err.message)
  t.match(second, /another cvgen process is using the embedded database/, 'a second server on the same DATA_DIR is refused')

  t.equal(await server.stop('SIGTERM'), 0, 'SIGTERM shuts down cleanly')
  t.match(server.output(), /shutting down/)

  // The restart through `npm start` itself: npm must hand the signal to the server, not
  // leave it running without a parent.
  const again = await startServer(env, 90_000, { npm: true })
  t.teardown(() => again.kill())
  const me2 = await http(again.url, 'GET', '/auth/me', undefined, login.body.data.access_token)
  t.equal(me2.status, 200, 'the account and the JWT secret survive a restart')
  const refreshed = await http(again.url, 'POST', '/auth/refresh', { refresh_token: login.body.data.refresh_token })
  t.equal(refreshed.status, 200, 'sessions survive a restart')
  t.equal(await again.stop('SIGINT'), 0, 'SIGINT to npm stops the server cleanly too')
  t.match(again.output(), /shutting down/)
  await new Promise((resolve) => setTimeout(resolve, 500))
  t.throws(() => process.kill(-again.child.pid!, 0), { code: 'ESRCH' }, 'nothing of it is left running')
})
