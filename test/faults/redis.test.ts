// Redis stopped under load, then started again, on a Redis of the test's own (the machine's is
// shared by every test file: never stop that one). Login, CRUD and public pages keep answering
// without a 500 and without waiting on Redis; the login limits fall back to this process's
// counts; /readyz says Redis is down but stays 200 (degraded); when Redis is back, everything
// reconnects by itself.
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import t from 'tap'
import { bearer, build, freePort, register } from '../helper.ts'

async function startRedis (port: number): Promise<ChildProcess> {
  const redis = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  for await (const chunk of redis.stdout!) if ((out += chunk).includes('Ready to accept connections')) break
  return redis
}

t.test('Redis stopped under load and started again: no 500s, no waiting, reconnects by itself', { timeout: 180_000 }, async (t) => {
  const port = await freePort()
  let redis = await startRedis(port)
  t.teardown(() => { redis.kill('SIGKILL') })
  const app = await build(t, { REDIS_URL: `redis://127.0.0.1:${port}`, AUTH_RATE_LIMIT_MAX: '10000', LOGIN_FAILURES_MAX: '3', LOGIN_DELAY_AFTER: '1000' })
  const user = await register(app)
  const portfolio = await app.inject({ method: 'POST', url: '/portfolios', headers: bearer(user.access), payload: { title: 'Site', template_id: 'classic', is_published: true, content: {} } })
  t.equal(portfolio.statusCode, 201)
  const sub = portfolio.json().data.subdomain as string

  // One round of what users do; every answer's status and how long it took.
  const round = async () => {
    const calls = [
      () => app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password } }),
      () => app.inject({ method: 'GET', url: '/auth/me', headers: bearer(user.access) }),
      () => app.inject({ method: 'POST', url: '/resumes', headers: bearer(user.access), payload: { title: 'CV', template_id: 'classic' } }),
      () => app.inject({ method: 'GET', url: '/resumes', headers: bearer(user.access) }),
      () => app.inject({ method: 'GET', url: `/view/${sub}` })
    ]
    const out: { status: number, ms: number }[] = []
    for (const call of calls) {
      const start = Date.now()
      const res = await call()
      out.push({ status: res.statusCode, ms: Date.now() - start })
    }
    return out
  }
  const ready = async () => { const r = await app.inject({ method: 'GET', url: '/readyz' }); return { status: r.statusCode, body: r.json() } }

  t.same((await round()).map((r) => r.status), [200, 200, 201, 200, 200], 'Redis up')
  t.match(await ready(), { status: 200, body: { data: { status: 'ok', checks: { redis: 'ok' } } } })

  redis.kill('SIGKILL')
  await once(redis, 'exit')
  const during: { status: number, ms: number }[] = []
  for (let i = 0; i < 5; i++) during.push(...await round())
  t.same([...new Set(during.map((r) => r.status))].sort(), [200, 201], 'Redis down: every call answered, none 500')
  // ioredis's offline queue used to hold each rate-limited request for 0.3-10 s: a command
  // to a Redis that is not connected now fails at once and the request goes on.
  const slowest = Math.max(...during.map((r) => r.ms))
  t.ok(slowest < 1000, `no request waits on the missing Redis (slowest ${slowest} ms)`)
  t.match(await ready(), { status: 200, body: { data: { status: 'degraded', checks: { database: 'ok', redis: 'down' } } } }, 'readyz: degraded, not 503')

  // The per-client login limit does not fail open: three failures lock this pair out.
  for (let i = 0; i < 3; i++) await app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: 'wrong guess!' }, remoteAddress: '203.0.113.7' })
  t.equal((await app.inject({ method: 'POST', url: '/auth/login', payload: { email: user.email, password: user.password }, remoteAddress: '203.0.113.7' })).statusCode, 429, 'login limit holds during the outage')

  const restartedAt = Date.now()
  redis = await startRedis(port)
  let recovered = Infinity
  for (let until = Date.now() + 20_000; Date.now() < until; await new Promise((resolve) => setTimeout(resolve, 100))) {
    if ((await ready()).body.data?.status === 'ok') { recovered = Date.now() - restartedAt; break }
  }
  console.log(`# Redis back -> /readyz ok: ${recovered} ms`)
  t.ok(recovered < 10_000, `reconnected by itself (${recovered} ms)`)
  t.same((await round()).map((r) => r.status), [200, 200, 201, 200, 200], 'Redis back')
  t.equal(await app.cache.redis!.ping(), 'PONG')
})
