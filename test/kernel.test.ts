import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import t from 'tap'
import { applicationName } from '../kernel/embedded/processes.ts'
import { OPENAPI_FILE, openapiText } from '../scripts/openapi-doc.ts'
import { build, waitFor } from './helper.ts'

const PROBE_DIR = fileURLToPath(new URL('./fixtures/plugins', import.meta.url))

t.test('kernel', async (t) => {
  const app = await build(t, { CVGEN_PLUGIN_DIRS: PROBE_DIR, BODY_LIMIT: '2048' })

  t.test('every status comes in the envelope', async (t) => {
    for (const status of [400, 401, 403, 404, 409, 413, 415, 429, 503]) {
      const res = await app.inject(`/probe/fail/${status}`)
      t.equal(res.statusCode, status, `status ${status}`)
      const body = res.json()
      t.same(Object.keys(body), ['error'], `${status}: only "error" at the top`)
      t.match(body.error, { code: /^[A-Z][A-Z0-9_]+$/, message: String }, `${status}: code and message`)
    }
    const limit = (await app.inject('/probe/fail/403')).json()
    t.same(limit.error, { code: 'PROBE_PLAN_LIMIT_WIDGETS', message: 'Your plan allows 3 widgets', details: { limit: 3, used: 3, tier: 'free' } })
    t.equal((await app.inject('/probe/fail/429')).headers['retry-after'], '7')
  })

  t.test('an unexpected error is a bare 500 that leaks nothing', async (t) => {
    const res = await app.inject('/probe/fail/500')
    t.equal(res.statusCode, 500)
    t.same(res.json(), { error: { code: 'INTERNAL_ERROR', message: 'Something went wrong on our side' } })
    t.notMatch(res.body, /hunter2|postgres|stack/)
    t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'the request id lets support find the log line')
  })

  t.test('validation names the JSON paths', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/probe/echo', payload: { n: '12', tags: ['a', 'b', 'c'] } })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error.code, 'VALIDATION_FAILED')
    t.match(res.json().error.details, [{ path: '/n', in: 'body', message: String }])
    const missing = await app.inject({ method: 'POST', url: '/probe/echo', payload: {} })
    t.match(missing.json().error.details, [{ path: '/n', message: 'is required' }])
    const extra = await app.inject({ method: 'POST', url: '/probe/echo', payload: { n: 1, admin: true } })
    t.equal(extra.statusCode, 400, 'unknown fields are refused, not silently dropped')
    t.match(extra.json().error.details, [{ path: '/admin' }])
    const tooMany = await app.inject({ method: 'POST', url: '/probe/echo', payload: { n: 1, tags: ['a', 'b', 'c'] } })
    t.match(tooMany.json().error.details, [{ path: '/tags' }])
  })

  t.test('strings PostgreSQL cannot store and overflowing numbers are 400 with a path', async (t) => {
    for (const [payload, path] of [['{"n":1,"tags":["a\\u0000b"]}', '/tags/0'], ['{"n":1,"tags":["\\ud800"]}', '/tags/0'], ['{"n":1e400}', '/n']] as const) {
      const res = await app.inject({ method: 'POST', url: '/probe/echo', payload, headers: { 'content-type': 'application/json' } })
      t.equal(res.statusCode, 400, payload)
      t.match(res.json().error, { code: 'VALIDATION_FAILED', details: [{ path, in: 'body' }] }, payload)
    }
    const res = await app.inject({ method: 'POST', url: '/auth/register', payload: '{"email":"nul@example.com","password":"long enough pw","full_name":"a\\u0000b"}', headers: { 'content-type': 'application/json' } })
    t.equal(res.statusCode, 400, 'a NUL in a name never reaches the database as a 500')
  })

  t.test('query strings are coerced, bodies are not', async (t) => {
    const res = await app.inject({ method: 'POST', url: '/probe/echo?limit=5', payload: { n: 3 } })
    t.equal(res.statusCode, 200)
    t.same(res.json().data, { body: { n: 3 }, query: { limit: 5 } })
    const bad = await app.inject({ method: 'POST', url: '/probe/echo?limit=500', payload: { n: 3 } })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().error.details, [{ path: '/limit', in: 'querystring' }])
  })

  t.test('malformed, oversized and wrongly typed bodies are 4xx', async (t) => {
    const cases = [
      { name: 'broken JSON', payload: '{"n": 1', headers: { 'content-type': 'application/json' }, status: 400 },
      { name: 'empty JSON', payload: '', headers: { 'content-type': 'application/json' }, status: 400 },
      { name: 'JSON null', payload: 'null', headers: { 'content-type': 'application/json' }, status: 400 },
      { name: 'JSON array', payload: '[1,2]', headers: { 'content-type': 'application/json' }, status: 400 },
      { name: 'too large', payload: JSON.stringify({ n: 1, pad: 'x'.repeat(5000) }), headers: { 'content-type': 'application/json' }, status: 413 },
      { name: 'form body', payload: 'n=1', headers: { 'content-type': 'application/x-www-form-urlencoded' }, status: 415 },
      { name: 'proto pollution', payload: '{"n":1,"__proto__":{"x":1}}', headers: { 'content-type': 'application/json' }, status: 400 }
    ]
    for (const c of cases) {
      const res = await app.inject({ method: 'POST', url: '/probe/echo', payload: c.payload, headers: c.headers })
      t.equal(res.statusCode, c.status, c.name)
      t.type(res.json().error?.code, 'string', `${c.name}: envelope`)
    }
  })

  t.test('unknown routes and bad URLs', async (t) => {
    const res = await app.inject('/nope')
    t.equal(res.statusCode, 404)
    t.equal(res.json().error.code, 'ROUTE_NOT_FOUND')
    t.match(res.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'a 404 carries the request id')
    const bad = await app.inject('/probe/fail/%E0%A4%A')
    t.ok(bad.statusCode >= 400 && bad.statusCode < 500, `bad URL encoding is ${bad.statusCode}`)
    t.type(bad.json().error.code, 'string')
    t.match(bad.headers['x-request-id'], /^[0-9a-f-]{36}$/, 'an error raised before routing carries the request id')
  })

  t.test('rate limits answer 429 with Retry-After', async (t) => {
    t.equal((await app.inject('/probe/limited')).statusCode, 200)
    t.equal((await app.inject('/probe/limited')).statusCode, 200)
    const res = await app.inject('/probe/limited')
    t.equal(res.statusCode, 429)
    t.equal(res.json().error.code, 'RATE_LIMITED')
    t.ok(Number(res.headers['retry-after']) > 0)
  })

  t.test('health and readiness', async (t) => {
    t.same((await app.inject('/healthz')).json(), { data: { status: 'ok' } })
    t.same((await app.inject('/readyz')).json(), { data: { status: 'ok', checks: { database: 'ok', redis: 'ok' } } })
  })

  t.test('database connections name the process in pg_stat_activity', async (t) => {
    const [row] = await app.db.fork().getConnection().execute<{ application_name: string }[]>(
      'select application_name from pg_stat_activity where pid = pg_backend_pid()')
    t.equal(row?.application_name, applicationName())
  })

  t.test('OpenAPI document and UI', async (t) => {
    const res = await app.inject('/docs/json')
    t.equal(res.statusCode, 200)
    const doc = res.json()
    t.equal(doc.openapi, '3.1.0')
    for (const path of ['/auth/register', '/auth/login', '/auth/refresh', '/auth/logout', '/auth/me', '/healthz', '/readyz']) {
      t.ok(doc.paths[path], `${path} documented`)
    }
    // Every operation documents a success response and at least one body schema for it.
    for (const [path, ops] of Object.entries<Record<string, { responses?: Record<string, unknown> }>>(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const codes = Object.keys(op.responses ?? {})
        t.ok(codes.some((c) => c.startsWith('2')), `${method.toUpperCase()} ${path} has a 2xx response schema`)
      }
    }
    t.ok(doc.components.schemas.ErrorEnvelope, 'error envelope is a shared schema')
    const ui = await app.inject('/docs/')
    t.equal(ui.statusCode, 200)
    t.match(ui.headers['content-type'], /html/)
  })

  t.test('CORS is closed unless origins are configured', async (t) => {
    const res = await app.inject({ method: 'OPTIONS', url: '/auth/login', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
    t.notOk(res.headers['access-control-allow-origin'])
  })
})

t.test('the served OpenAPI document is the committed openapi.json, every operation named and secured', async (t) => {
  // The snapshot's settings (scripts/openapi-doc.ts): the defaults, no probe plugins.
  const app = await build(t)
  const served = openapiText(app)
  t.ok(served === readFileSync(OPENAPI_FILE, 'utf8'), 'openapi.json is up to date (npm run openapi rewrites it)')
  const doc = JSON.parse(served)
  const ids: string[] = []
  for (const [path, ops] of Object.entries<Record<string, { operationId?: string, security?: unknown[] }>>(doc.paths)) {
    t.notOk(path.length > 1 && path.endsWith('/'), `${path}: no trailing slash`)
    for (const [method, op] of Object.entries(ops)) {
      t.ok(op.operationId, `${method.toUpperCase()} ${path} has an operationId`)
      t.ok(Array.isArray(op.security), `${method.toUpperCase()} ${path} says its security ([] when public)`)
      ids.push(op.operationId!)
    }
  }
  t.equal(new Set(ids).size, ids.length, 'operationIds are unique')
  t.notOk(doc.paths['/internal/tls/ask'], 'the gateway\'s ask route is not in the public document')
  t.notOk(Object.keys(doc.paths).some((p) => p.startsWith('/storage/')), 'nor are the local-storage routes')
  // The slash forms of the collections still answer (ignoreTrailingSlash), undocumented.
  t.equal((await app.inject('/themes/')).statusCode, 200)
  t.equal((await app.inject('/themes')).statusCode, 200)
})

t.test('CORS for the dashboard origins, and the real client IP behind a trusted proxy', async (t) => {
  const app = await build(t, { CORS_ORIGINS: 'https://app.example.com', TRUST_PROXY: '127.0.0.1', AUTH_RATE_LIMIT_MAX: '1', CVGEN_PLUGIN_DIRS: PROBE_DIR })
  const pre = await app.inject({ method: 'OPTIONS', url: '/auth/login', headers: { origin: 'https://app.example.com', 'access-control-request-method': 'POST' } })
  t.equal(pre.headers['access-control-allow-origin'], 'https://app.example.com')
  const other = await app.inject({ method: 'OPTIONS', url: '/auth/login', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } })
  t.notOk(other.headers['access-control-allow-origin'])
  const api = await app.inject({ url: '/healthz', headers: { origin: 'https://app.example.com' } })
  t.equal(api.headers['access-control-allow-origin'], 'https://app.example.com', 'API reads carry CORS headers')
  const page = await app.inject({ url: '/p/nobody', headers: { origin: 'https://app.example.com' } })
  t.match(page.headers['content-type'], /^text\/html/)
  t.notOk(page.headers['access-control-allow-origin'], 'public pages are no API: no CORS on them')

  // Two clients behind the same gateway get separate budgets because X-Forwarded-For is trusted.
  const login = (ip: string) => app.inject({ method: 'POST', url: '/auth/login', headers: { 'x-forwarded-for': ip }, payload: { email: 'a@example.com', password: 'whatever-pass' } })
  t.equal((await login('203.0.113.1')).statusCode, 401)
  t.equal((await login('203.0.113.1')).statusCode, 429, 'the same client is limited')
  t.equal((await login('203.0.113.2')).statusCode, 401, 'another client behind the gateway is not')
})

t.test('readiness fails with 503 while the database is unreachable, and recovers', async (t) => {
  const app = await build(t)
  t.equal((await app.inject('/readyz')).statusCode, 200, 'ready before the outage')
  // A real outage, not a closed ORM (which reconnects on the next query): the database
  // drops every session of the app and refuses new ones until restored.
  const url = new URL((app.db.connection as { connectionString: string }).connectionString)
  const name = url.pathname.slice(1)
  url.pathname = '/postgres'
  const admin = new pg.Client({ connectionString: url.toString() })
  await admin.connect()
  t.teardown(() => admin.end())
  const outage = async (down: boolean) => {
    await admin.query(`alter database ${name} allow_connections ${down ? 'false' : 'true'}`)
    if (down) await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [name])
  }
  try {
    await outage(true)
    const res = await app.inject('/readyz')
    t.equal(res.statusCode, 503)
    t.equal(res.json().error.code, 'SERVICE_UNAVAILABLE')
    t.same(res.json().error, { code: 'SERVICE_UNAVAILABLE', message: 'database is unavailable' })
    t.notMatch(res.body, /select|accepting connections|terminat/i, 'nothing of the database error leaks')
  } finally {
    await outage(false)
  }
  // A pooled connection the outage killed may still be handed out once (the pool learns of
  // its death asynchronously): ready again within moments, without a restart.
  const status = await waitFor('/readyz to answer 200', async () => { const { statusCode } = await app.inject('/readyz'); return statusCode === 200 && statusCode }, { timeoutMs: 5000, intervalMs: 100 })
  t.equal(status, 200, 'ready again once the database is back')
})
