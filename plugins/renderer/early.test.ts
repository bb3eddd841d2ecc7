// Fresh cached pages answered before routing (early.ts) over a real socket, on PostgreSQL and
// Redis: byte for byte and header for header what the routes answer (app.inject() is always
// routed), without routing (fastify's diagnostics channel counts routed requests); the rest
// is routed as before.
import { tracingChannel } from 'node:diagnostics_channel'
import { request } from 'node:http'
import t from 'tap'
import type { FastifyInstance } from 'fastify'
import { build, created, register, waitFor } from '../../test/helper.ts'

interface Raw { status: number, headers: Record<string, unknown>, body: Buffer }

function http (port: number, method: string, path: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (d: Buffer) => chunks.push(d)).on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }))
    }).on('error', reject).end()
  })
}

async function injected (app: FastifyInstance, method: string, path: string, headers: Record<string, string>): Promise<Raw> {
  const res = await app.inject({ method: method as 'GET', url: path, headers })
  return { status: res.statusCode, headers: res.headers, body: res.rawPayload }
}

// Set per connection or per answer by Node and the kernel, not by the page.
const PER_ANSWER = new Set(['date', 'connection', 'keep-alive', 'x-request-id', 'transfer-encoding'])
const comparable = (r: Raw) => ({ status: r.status, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => !PER_ANSWER.has(k))), body: r.body.toString('base64') })

t.test('fresh cached pages are answered before routing, as the routes answer them', async (t) => {
  let routed = 0
  const onStart = () => { routed++ }
  const channel = tracingChannel('fastify.request.handler')
  channel.start.subscribe(onStart)
  t.teardown(() => channel.start.unsubscribe(onStart))

  const app = await build(t)
  const ada = await register(app)
  await created(app, ada.access, '/resumes', { title: 'CV', template_id: 'classic', is_public: true, slug: 'early-cv', content: { basics: { name: 'Ada Early', summary: 'Long enough to be compressed. '.repeat(60) } } })
  const folio = await created(app, ada.access, '/portfolios', { title: 'Early Works', template_id: 'modern', is_published: true, subdomain: 'early', content: { about: 'Engines. '.repeat(200), projects: [], contact: {} } }) as { id: string }
  await app.db.fork().execute(`insert into custom_domains (user_id, project_id, domain_name, verification_token, verification_status, record_type)
    values (?, ?, 'early.example.com', 'token-early', 'verified', 'CNAME')`, [ada.id, folio.id])
  await app.portfolios.setCustomDomain(folio.id, 'early.example.com')
  await app.listen({ port: 0, host: '127.0.0.1' })
  const port = (app.server.address() as { port: number }).port

  const pages: Array<[string, Record<string, string>]> = [
    ['/view/early', {}],
    ['/p/early', {}],
    ['/r/early-cv', {}],
    ['/view/EARLY?utm_source=x', {}],
    ['/', { host: 'early.cvgen.localhost' }],
    ['/?ref=home', { host: 'Early.cvgen.localhost:8080' }],
    ['/view/early.example.com', {}],
    ['/', { host: 'early.example.com' }]
  ]
  // Fill the cache (and the custom domain lookup) through the router, once per page.
  for (const [path, headers] of pages) {
    await waitFor(`${path} to be cached`, async () => (await injected(app, 'GET', path, headers)).headers['x-cache'] === 'HIT', { timeoutMs: 5000, intervalMs: 20 })
  }
  const etag = String((await injected(app, 'GET', '/view/early', {})).headers.etag)
  const variants: Array<Record<string, string>> = [{}, { 'accept-encoding': 'gzip, deflate, br' }, { 'accept-encoding': 'gzip' }, { 'if-none-match': etag }, { 'if-none-match': '"other"' }]

  for (const [path, base] of pages) {
    for (const variant of variants) {
      const headers = { ...base, ...variant }
      const before = routed
      const got = await http(port, 'GET', path, headers)
      const early = routed === before
      const want = await injected(app, 'GET', path, headers)
      const what = `${path} ${JSON.stringify(headers)}`
      t.ok(early, `${what}: answered before routing`)
      t.equal(got.headers['x-cache'], 'HIT', `${what}: a HIT`)
      t.match(got.headers['x-request-id'], /^[0-9a-f-]{36}$/, `${what}: a request id`)
      t.same(comparable(got), comparable(want), `${what}: the routed answer, byte for byte`)
    }
  }
  t.equal((await http(port, 'GET', '/', { host: 'early.example.com', 'if-none-match': etag.replace(/^"/, 'W/"') })).status, 304, 'a weak validator matches too')

  // Routed as before: other methods, encoded paths, paths the page routes do not own, a page
  // on the wrong kind of host, pages not cached.
  const routedCases: Array<[string, string, Record<string, string>, number]> = [
    ['HEAD', '/view/early', {}, 200],
    ['POST', '/view/early', {}, 404],
    ['GET', '/view/%65arly', {}, 200],
    ['GET', '/view/early/', {}, 200], // the router ignores a trailing slash (kernel/app.ts); the early path does not
    ['GET', '/view/nowhere', {}, 404],
    ['GET', '/view/early', { host: 'early.cvgen.localhost' }, 404],
    ['GET', '/r/early-cv', { host: 'early.example.com' }, 404],
    ['GET', '/healthz', {}, 200]
  ]
  for (const [method, path, headers, status] of routedCases) {
    const before = routed
    const got = await http(port, method, path, headers)
    t.equal(got.status, status, `${method} ${path} ${JSON.stringify(headers)}: ${status}`)
    // A route's handler counts; Fastify's own 404 (no route) answers without a page.
    t.ok(routed > before || got.headers['x-cache'] === undefined, `${method} ${path} ${JSON.stringify(headers)}: routed`)
  }

  // A purge drops the page: the next request is routed (and renders it again).
  await app.inject({ method: 'PUT', url: `/portfolios/${folio.id}`, headers: { authorization: `Bearer ${ada.access}` }, payload: { title: 'Renamed Works' } })
  const renamed = await waitFor('the purge', async () => {
    const res = await http(port, 'GET', '/view/early', {})
    return res.body.toString('utf8').includes('Renamed Works') && res
  }, { timeoutMs: 3000, intervalMs: 10 })
  t.equal(renamed.headers['x-cache'], 'MISS', 'after a purge the page is rendered, not answered early')
})
