// The public renderer over HTTP: real PostgreSQL and Redis (test/helper.ts build).
import { createHash } from 'node:crypto'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import t from 'tap'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Test } from 'tap'
import { loadConfig } from '../../config/index.ts'
import { buildApp } from '../../kernel/app.ts'
import { bearer, build, created, register, sleep, testEnv, waitFor, type Account } from '../../test/helper.ts'
import { hostClassifier } from './routes.ts'

const APP_DOMAIN = 'cvgen.localhost'

const makeResume = async (app: FastifyInstance, user: Account, body: Record<string, unknown>) =>
  await created(app, user.access, '/resumes', { title: 'CV', template_id: 'classic', ...body }) as { id: string, slug: string }

const makePortfolio = async (app: FastifyInstance, user: Account, body: Record<string, unknown>) =>
  await created(app, user.access, '/portfolios', { title: 'Portfolio', template_id: 'modern', ...body }) as { id: string, subdomain: string }

/**
 * How long a write's purge may take to show. It runs in a listener after the commit (on
 * another instance: when the pub/sub message arrives), so it lands moments after the write
 * answers. Far less than the 60 s a page stays fresh and the 10 s a missing page is remembered:
 * only the purge can make a page change within it.
 */
const PURGE_MS = 3000

/** The page once `ok` holds for it, polled while the purge lands. */
function afterPurge (app: FastifyInstance, req: string | InjectOptions, ok: (res: LightMyRequestResponse) => boolean): Promise<LightMyRequestResponse> {
  return waitFor(`the purge to show on ${JSON.stringify(req)}`, async () => {
    const res = await app.inject(req)
    return ok(res) && res
  }, { timeoutMs: PURGE_MS, intervalMs: 10 })
}
const shows = (text: RegExp) => (res: LightMyRequestResponse) => text.test(res.body)
const status = (code: number) => (res: LightMyRequestResponse) => res.statusCode === code

function isHtml404 (t: Test, res: LightMyRequestResponse, what: string) {
  t.equal(res.statusCode, 404, `${what}: 404`)
  t.match(res.headers['content-type'], /^text\/html/, `${what}: HTML`)
  t.match(res.body, /Page not found/, `${what}: the 404 page`)
  t.ok(res.headers['content-security-policy'], `${what}: CSP`)
  t.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: nosniff`)
}

const styleHash = (html: string) => {
  const m = /<style[^>]*>([\s\S]*?)<\/style>/i.exec(html)
  return m ? `'sha256-${createHash('sha256').update(m[1]!, 'utf8').digest('base64')}'` : ''
}

t.test('public pages', async (t) => {
  const app = await build(t)
  const ada = await register(app)
  const resume = await makeResume(app, ada, { title: 'Ada CV', is_public: true, slug: 'ada-cv', content: { basics: { name: 'Ada Lovelace', label: 'Analyst' } } })
  const priv = await makeResume(app, ada, { title: 'Secret', is_public: false, slug: 'secret-cv', content: { basics: { name: 'Hidden Person' } } })
  const gone = await makeResume(app, ada, { title: 'Gone', is_public: true, slug: 'gone-cv', content: { basics: { name: 'Gone Person' } } })
  t.ok(priv.id)
  t.equal((await app.inject({ method: 'DELETE', url: `/resumes/${gone.id}`, headers: bearer(ada.access) })).statusCode, 204)
  const folio = await makePortfolio(app, ada, { title: 'Ada Works', is_published: true, subdomain: 'ada', content: { about: 'Engines and **numbers**.', projects: [], contact: {} } })
  await makePortfolio(app, ada, { title: 'Draft', is_published: false, subdomain: 'drafty', content: { about: 'draft', projects: [], contact: {} } })

  await t.test('resume by slug', async (t) => {
    const res = await app.inject({ url: '/r/ada-cv' })
    t.equal(res.statusCode, 200)
    t.match(res.headers['content-type'], /^text\/html/)
    t.match(res.body, /Ada Lovelace/)
    t.equal(res.headers['cache-control'], 'public, no-cache', 'every cache revalidates (ETag), so unpublishing takes effect at once')
    t.equal(res.headers['x-content-type-options'], 'nosniff')
    t.equal(res.headers['referrer-policy'], 'strict-origin-when-cross-origin')
    const csp = String(res.headers['content-security-policy'])
    for (const part of ["default-src 'none'", "font-src 'self'", "img-src data: 'self'", "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'"]) {
      t.ok(csp.includes(part), `CSP has ${part}`)
    }
    const hash = styleHash(res.body)
    t.ok(hash, 'the page has an inline style')
    t.ok(csp.includes(`style-src ${hash}`), 'the CSP allows exactly that style by hash')
    t.match(res.headers.etag, /^"[A-Za-z0-9_-]+"$/, 'strong ETag')
    t.notOk(res.body.includes('<script'), 'no script')
    t.ok(resume.id)

    const head = await app.inject({ method: 'HEAD', url: '/r/ada-cv' })
    t.equal(head.statusCode, 200)
    t.equal(head.body, '')
  })

  await t.test('private, deleted, unknown and malformed are HTML 404s', async (t) => {
    isHtml404(t, await app.inject({ url: '/r/secret-cv' }), 'private')
    isHtml404(t, await app.inject({ url: '/r/gone-cv' }), 'deleted')
    isHtml404(t, await app.inject({ url: '/r/nobody-here' }), 'unknown')
    isHtml404(t, await app.inject({ url: '/r/%3Cscript%3E' }), 'malformed')
    isHtml404(t, await app.inject({ url: '/p/drafty' }), 'unpublished portfolio')
    isHtml404(t, await app.inject({ url: '/p/nobody' }), 'unknown portfolio')
    isHtml404(t, await app.inject({ url: '/p/api' }), 'reserved subdomain')
    isHtml404(t, await app.inject({ url: '/view/nowhere.example.com' }), 'unknown custom domain')
  })

  await t.test('portfolio by path', async (t) => {
    for (const url of ['/p/ada', '/view/ada', `/view/ada.${APP_DOMAIN}`]) {
      const res = await app.inject({ url })
      t.equal(res.statusCode, 200, url)
      t.match(res.body, /Ada Works/, url)
      t.match(res.body, /<strong>numbers<\/strong>/, `${url}: Markdown rendered`)
    }
    t.ok(folio.id)
  })

  await t.test('portfolio hosts reach the renderer only', async (t) => {
    const host = `ada.${APP_DOMAIN}`
    const page = await app.inject({ url: '/', headers: { host: `${host.toUpperCase()}:3000` } })
    t.equal(page.statusCode, 200)
    t.match(page.body, /Ada Works/)
    isHtml404(t, await app.inject({ url: '/auth/me', headers: { host, ...bearer(ada.access) } }), '/auth/me on a portfolio host')
    isHtml404(t, await app.inject({ url: '/resumes', headers: { host, ...bearer(ada.access) } }), '/resumes on a portfolio host')
    isHtml404(t, await app.inject({ method: 'POST', url: '/auth/login', headers: { host }, payload: { email: ada.email, password: ada.password } }), 'POST /auth/login on a portfolio host')
    isHtml404(t, await app.inject({ url: '/r/ada-cv', headers: { host } }), 'path routes on a portfolio host')
    isHtml404(t, await app.inject({ url: '/healthz', headers: { host } }), '/healthz on a portfolio host')
    isHtml404(t, await app.inject({ url: '/', headers: { host: `drafty.${APP_DOMAIN}` } }), 'unpublished portfolio host')

    const me = await app.inject({ url: '/auth/me', headers: { host: 'localhost:3000', ...bearer(ada.access) } })
    t.equal(me.statusCode, 200, 'localhost still reaches the API')
    const onApp = await app.inject({ url: '/resumes', headers: { host: APP_DOMAIN, ...bearer(ada.access) } })
    t.equal(onApp.statusCode, 200, 'the app domain reaches the API')
    const onIp = await app.inject({ url: '/auth/me', headers: { host: '127.0.0.1:3000', ...bearer(ada.access) } })
    t.equal(onIp.statusCode, 200, 'an IP reaches the API')
    const reserved = await app.inject({ url: '/auth/me', headers: { host: `api.${APP_DOMAIN}`, ...bearer(ada.access) } })
    t.equal(reserved.statusCode, 200, 'a reserved subdomain is not a portfolio host')
    const json404 = await app.inject({ url: '/nothing', headers: { host: 'localhost' } })
    t.match(json404.headers['content-type'], /json/, 'the API keeps its JSON 404 elsewhere')
  })

  await t.test('ETag and 304', async (t) => {
    const first = await app.inject({ url: '/p/ada' })
    const etag = first.headers.etag as string
    const again = await app.inject({ url: '/p/ada', headers: { 'if-none-match': etag } })
    t.equal(again.statusCode, 304)
    t.equal(again.body, '')
    t.equal(again.headers.etag, etag)
    const weak = await app.inject({ url: '/p/ada', headers: { 'if-none-match': `"nope", W/${etag}` } })
    t.equal(weak.statusCode, 304, 'weak comparison')
    const other = await app.inject({ url: '/p/ada', headers: { 'if-none-match': '"nope"' } })
    t.equal(other.statusCode, 200)
  })

  await t.test('compression when accepted', async (t) => {
    const plain = await app.inject({ url: '/r/ada-cv' })
    const gz = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': 'gzip' } })
    t.equal(gz.statusCode, 200)
    t.equal(gz.headers['content-encoding'], 'gzip')
    t.equal(gunzipSync(gz.rawPayload).toString('utf8'), plain.body)
    const br = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': 'br' } })
    t.equal(br.headers['content-encoding'], 'br')
    t.notOk(plain.headers['content-encoding'], 'identity without Accept-Encoding')
    t.equal(gz.headers.vary, 'accept-encoding')
    t.equal(gz.headers.etag, `W/${plain.headers.etag}`, 'a compressed body has the weak form of the ETag')
    const revalidated = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': 'gzip', 'if-none-match': gz.headers.etag as string } })
    t.equal(revalidated.statusCode, 304)
    t.equal(revalidated.headers.etag, gz.headers.etag, 'a 304 names the ETag of the variant asked for')
    t.equal(brotliDecompressSync(br.rawPayload).toString('utf8'), plain.body)
    const again = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': 'br' } })
    t.equal(again.headers['x-cache'], 'HIT')
    t.ok(again.rawPayload.equals(br.rawPayload), 'a hit sends the bytes compressed for that cache entry')
    const chrome = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } })
    t.equal(chrome.headers['content-encoding'], 'br', "a browser's usual header gets brotli")
    const preferGzip = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': 'br;q=0.5, gzip' } })
    t.equal(preferGzip.headers['content-encoding'], 'gzip', 'q-values are honoured')
    for (const header of ['identity', 'br;q=0, gzip;q=0', 'deflate']) {
      const res = await app.inject({ url: '/r/ada-cv', headers: { 'accept-encoding': header } })
      t.notOk(res.headers['content-encoding'], `${header}: identity`)
      t.equal(res.body, plain.body)
    }
    const missing = await app.inject({ url: '/r/nobody-here', headers: { 'accept-encoding': 'gzip' } })
    t.equal(missing.statusCode, 404)
    t.match(missing.headers['content-encoding'] ? gunzipSync(missing.rawPayload).toString('utf8') : missing.body, /Page not found/, 'the 404 page, compressed or not')
  })

  await t.test('fonts', async (t) => {
    const page = await app.inject({ url: '/r/ada-cv' })
    const url = /url\((\/fonts\/[^)]+\.woff2)\)/.exec(page.body)?.[1]
    t.ok(url, 'the page references a font')
    const font = await app.inject({ url: url! })
    t.equal(font.statusCode, 200)
    t.equal(font.headers['content-type'], 'font/woff2')
    t.equal(font.headers['cache-control'], 'public, max-age=31536000, immutable')
    t.equal(font.headers['access-control-allow-origin'], '*')
    t.ok(font.rawPayload.length > 1000)
    t.equal(font.rawPayload.subarray(0, 4).toString('latin1'), 'wOF2')
    const onHost = await app.inject({ url: url!, headers: { host: `ada.${APP_DOMAIN}` } })
    t.equal(onHost.statusCode, 200, 'fonts answer on portfolio hosts too')
    const [, , pkg, version] = url!.split('/')
    t.equal((await app.inject({ url: `/fonts/${pkg}/${version}/..%2F..%2Fpackage.json` })).statusCode, 404, 'traversal')
    t.equal((await app.inject({ url: `/fonts/${pkg}/${version}/../../package.json` })).statusCode, 404, 'dot segments')
    t.equal((await app.inject({ url: `/fonts/${pkg}/0.0.1/${url!.split('/').pop()}` })).statusCode, 404, 'another version')
    t.equal((await app.inject({ url: '/fonts/lato/5.0.0/lato-latin-400-normal.woff2' })).statusCode, 404, 'a package no theme names')
    t.equal((await app.inject({ url: `/fonts/${pkg}/${version}/nothing.woff2` })).statusCode, 404, 'a file the package does not ship')
  })

  await t.test('XSS in content stays text', async (t) => {
    await makeResume(app, ada, { title: 'X', is_public: true, slug: 'xss-cv', content: { basics: { name: '<script>alert(1)</script>', label: '"><img src=x onerror=alert(1)>' } } })
    const res = await app.inject({ url: '/r/xss-cv' })
    t.equal(res.statusCode, 200)
    t.notOk(/<script/i.test(res.body), 'no <script in the body')
    t.notOk(/<img src=x/i.test(res.body), 'no injected tag')
    t.match(res.body, /&lt;script&gt;/)
  })
})

t.test('page views are not logged at info (the gateway keeps the access log); API requests are', async (t) => {
  const lines: string[] = []
  const app = await buildApp(await loadConfig(await testEnv(t, { LOG_LEVEL: 'info' })), {
    logger: { level: 'info', stream: { write: (line: string) => { lines.push(line) } } }
  })
  t.teardown(() => app.close())
  await app.ready()
  lines.length = 0
  t.equal((await app.inject({ url: '/r/nobody-at-all' })).statusCode, 404)
  t.equal((await app.inject({ url: '/', headers: { host: `nobody.${APP_DOMAIN}` } })).statusCode, 404)
  t.same(lines, [], 'nothing logged for page views')
  t.equal((await app.inject({ url: '/auth/me' })).statusCode, 401)
  t.ok(lines.some((l) => /request completed/.test(l)), 'the API logs its requests')
})

t.test('Host classification is memoised in a bounded map', async (t) => {
  const classify = hostClassifier(APP_DOMAIN, 2)
  for (let round = 0; round < 2; round++) {
    t.same(classify(`Ada.${APP_DOMAIN}:3000`), { host: `ada.${APP_DOMAIN}`, kind: { kind: 'subdomain', subdomain: 'ada' } })
    t.same(classify('Portfolio.Example.com.'), { host: 'portfolio.example.com', kind: { kind: 'custom', domain: 'portfolio.example.com' } })
    t.same(classify('127.0.0.1:3000'), { host: '127.0.0.1', kind: null }, 'the third value clears the map and is still right')
    t.same(classify(`api.${APP_DOMAIN}`), { host: `api.${APP_DOMAIN}`, kind: null }, 'a reserved name is the app')
    t.same(classify(undefined), { host: '', kind: null })
  }
})

t.test('cache: MISS, HIT, purge, STALE', async (t) => {
  const app = await build(t)
  const ada = await register(app)
  const resume = await makeResume(app, ada, { title: 'Ada CV', is_public: true, slug: 'cache-cv', content: { basics: { name: 'Ada Lovelace' } } })
  const folio = await makePortfolio(app, ada, { title: 'First Title', is_published: true, subdomain: 'cached', content: { about: 'x', projects: [], contact: {} } })

  const r1 = await app.inject({ url: '/r/cache-cv' })
  t.equal(r1.headers['x-cache'], 'MISS')
  const r2 = await app.inject({ url: '/r/cache-cv' })
  t.equal(r2.headers['x-cache'], 'HIT')
  t.equal(r2.body, r1.body)
  t.equal(r2.headers.etag, r1.headers.etag)

  // Shared through Redis: a second process (simulated by clearing the LRU) still hits.
  ;(app.renderer.cache as unknown as { lru: { clear (): void } }).lru.clear()
  t.equal((await app.inject({ url: '/r/cache-cv' })).headers['x-cache'], 'HIT', 'from Redis after the LRU was emptied')

  // Concurrent misses render once.
  let renders = 0
  const results = await Promise.all(Array.from({ length: 5 }, () => app.renderer.cache.get('test:dedupe', async () => {
    renders++
    await sleep(30)
    return { html: 'x', etag: '"x"', csp: '' }
  })))
  t.equal(renders, 1, 'one render for five concurrent misses')
  t.same(results.map((r) => r?.state), ['MISS', 'MISS', 'MISS', 'MISS', 'MISS'])

  await t.test('no such page is remembered briefly, and forgotten when the page appears', async (t) => {
    let lookups = 0
    const none = async () => { lookups++; return null }
    t.equal(await app.renderer.cache.get('test:missing', none), null)
    t.equal(await app.renderer.cache.get('test:missing', none), null)
    t.equal(lookups, 1, 'the second ask costs no lookup')
    await app.renderer.cache.purge(['test:missing'])
    t.equal(await app.renderer.cache.get('test:missing', none), null)
    t.equal(lookups, 2, 'a purge forgets it')

    isHtml404(t, await app.inject({ url: '/r/later-cv' }), 'not public yet')
    isHtml404(t, await app.inject({ url: '/r/later-cv' }), 'still not public (remembered)')
    const later = await makeResume(app, ada, { title: 'Later', content: { basics: { name: 'Later Person' } } })
    const put = await app.inject({ method: 'PUT', url: `/resumes/${later.id}`, headers: bearer(ada.access), payload: { is_public: true, slug: 'later-cv' } })
    t.equal(put.statusCode, 200)
    const res = await afterPurge(app, '/r/later-cv', status(200))
    t.equal(res.statusCode, 200, 'published: shown at once, not after the remembered 404 expires')
    t.match(res.body, /Later Person/)

    isHtml404(t, await app.inject({ url: '/p/soon' }), 'no portfolio yet')
    isHtml404(t, await app.inject({ url: '/', headers: { host: `soon.${APP_DOMAIN}` } }), 'no portfolio on its host yet')
    await makePortfolio(app, ada, { title: 'Soon', is_published: true, subdomain: 'soon', content: { about: 'Soon here', projects: [], contact: {} } })
    t.equal((await afterPurge(app, '/p/soon', status(200))).statusCode, 200, 'a new portfolio shows at once')
    t.equal((await app.inject({ url: '/', headers: { host: `soon.${APP_DOMAIN}` } })).statusCode, 200, 'on its host too')
  })

  await t.test('a change purges the resume', async (t) => {
    const put = await app.inject({ method: 'PUT', url: `/resumes/${resume.id}`, headers: bearer(ada.access), payload: { content: { basics: { name: 'Augusta King' } } } })
    t.equal(put.statusCode, 200)
    const res = await afterPurge(app, '/r/cache-cv', shows(/Augusta King/))
    t.equal(res.headers['x-cache'], 'MISS')
    t.match(res.body, /Augusta King/)
    t.notMatch(res.body, /Ada Lovelace/)

    // Renaming the slug purges the old address; making it private purges the page.
    await app.inject({ method: 'PUT', url: `/resumes/${resume.id}`, headers: bearer(ada.access), payload: { slug: 'cache-cv-2' } })
    isHtml404(t, await afterPurge(app, '/r/cache-cv', status(404)), 'old slug')
    t.equal((await app.inject({ url: '/r/cache-cv-2' })).statusCode, 200)
    await app.inject({ method: 'PUT', url: `/resumes/${resume.id}`, headers: bearer(ada.access), payload: { is_public: false } })
    isHtml404(t, await afterPurge(app, '/r/cache-cv-2', status(404)), 'made private')
  })

  await t.test('a change purges the portfolio on every address', async (t) => {
    const host = `cached.${APP_DOMAIN}`
    t.equal((await app.inject({ url: '/p/cached' })).headers['x-cache'], 'MISS')
    t.equal((await app.inject({ url: '/', headers: { host } })).headers['x-cache'], 'HIT', 'one entry for the path and the host')
    const put = await app.inject({ method: 'PUT', url: `/portfolios/${folio.id}`, headers: bearer(ada.access), payload: { title: 'Second Title' } })
    t.equal(put.statusCode, 200)
    const res = await afterPurge(app, { url: '/', headers: { host } }, shows(/Second Title/))
    t.equal(res.headers['x-cache'], 'MISS')
    t.match(res.body, /Second Title/)
    t.match((await app.inject({ url: '/view/cached' })).body, /Second Title/)
  })

  await t.test('stale while revalidate', async (t) => {
    const cache = app.renderer.cache
    t.match((await app.inject({ url: '/p/cached' })).body, /Second Title/)
    // A change the listeners never hear about: only revalidation can pick it up.
    await app.db.fork().execute("update portfolios set title = 'Third Title' where subdomain = 'cached'")
    cache.freshMs = 20
    t.teardown(() => { cache.freshMs = 60_000 })
    await sleep(40)
    const stale = await app.inject({ url: '/p/cached' })
    t.equal(stale.headers['x-cache'], 'STALE')
    t.match(stale.body, /Second Title/, 'the stale copy is served at once')
    await cache.settled()
    cache.freshMs = 60_000
    const fresh = await app.inject({ url: '/p/cached' })
    t.equal(fresh.headers['x-cache'], 'HIT')
    t.match(fresh.body, /Third Title/, 'revalidated in the background')
  })

  await t.test('one revalidation across instances (Redis lock)', async (t) => {
    const cache = app.renderer.cache
    const lockKey = `${app.cache.prefix}page:lock:h:cached.${APP_DOMAIN}`
    await app.cache.redis!.set(lockKey, 'another-instance', 'PX', 10_000)
    await app.db.fork().execute("update portfolios set title = 'Fourth Title' where subdomain = 'cached'")
    cache.freshMs = 20
    t.teardown(() => { cache.freshMs = 60_000 })
    await sleep(40)
    t.equal((await app.inject({ url: '/p/cached' })).headers['x-cache'], 'STALE')
    await cache.settled()
    const still = await app.inject({ url: '/p/cached' })
    t.equal(still.headers['x-cache'], 'STALE', 'another instance holds the lock: no render here')
    t.match(still.body, /Third Title/)
    await cache.settled() // its own lock attempt (one per key at a time) is over
    await app.cache.redis!.del(lockKey)
    await app.inject({ url: '/p/cached' })
    await cache.settled()
    cache.freshMs = 60_000
    t.match((await app.inject({ url: '/p/cached' })).body, /Fourth Title/, 'revalidated once the lock is free')
  })

  await t.test('a burst on a stale page: one Redis read, one lock attempt, one render', async (t) => {
    const cache = app.renderer.cache
    const redis = app.cache.redis!
    let renders = 0
    const render = async () => {
      renders++
      await sleep(30)
      return { html: `version ${renders}`, etag: `"v${renders}"`, csp: '' }
    }
    t.equal((await cache.get('test:burst', render))?.state, 'MISS')
    cache.freshMs = 20
    t.teardown(() => { cache.freshMs = 60_000 })
    await sleep(40)
    // Counting wrappers around the real client's commands (Redis still answers them).
    const calls = { get: 0, lock: 0 }
    const client = redis as unknown as Record<'get' | 'set', (...args: unknown[]) => unknown>
    const { get, set } = client
    client.get = function (this: unknown, ...args: unknown[]) { if (String(args[0]).endsWith('page:test:burst')) calls.get++; return get.apply(this, args) }
    client.set = function (this: unknown, ...args: unknown[]) { if (String(args[0]).endsWith('lock:test:burst')) calls.lock++; return set.apply(this, args) }
    t.teardown(() => { delete (client as Partial<typeof client>).get; delete (client as Partial<typeof client>).set })
    const burst = await Promise.all(Array.from({ length: 20 }, () => cache.get('test:burst', render)))
    t.same([...new Set(burst.map((r) => `${r?.state} ${r?.page.html}`))], ['STALE version 1'], 'all twenty get the stale copy')
    await cache.settled()
    t.same(calls, { get: 1, lock: 1 }, 'one Redis read and one lock attempt for the whole burst')
    t.equal(renders, 2, 'one revalidation')
    cache.freshMs = 60_000
    const after = await cache.get('test:burst', render)
    t.same([after?.state, after?.page.html], ['HIT', 'version 2'])
  })

  await t.test('a request waiting on Redis when a purge lands renders afresh', async (t) => {
    const cache = app.renderer.cache
    cache.freshMs = 20
    t.teardown(() => { cache.freshMs = 60_000 })
    await sleep(40)
    const pending = cache.get('test:burst', async () => ({ html: 'after the purge', etag: '"after"', csp: '' }))
    await cache.purge(['test:burst'])
    const got = await pending
    t.equal(got?.state, 'MISS', 'not the copy Redis held before the purge')
    t.equal(got?.page.html, 'after the purge')
  })
})

t.test('purges reach other instances through Redis pub/sub', async (t) => {
  const env = { REDIS_PREFIX: `cvgen-test-shared-${Date.now()}:` }
  const a = await build(t, env)
  // A second app on another database but the same Redis prefix plays the second instance.
  const b = await build(t, env)
  const ada = await register(a)
  const resume = await makeResume(a, ada, { title: 'Ada CV', is_public: true, slug: 'pubsub-cv', content: { basics: { name: 'Ada Lovelace' } } })
  t.equal((await a.inject({ url: '/r/pubsub-cv' })).headers['x-cache'], 'MISS')
  const viaB = await b.inject({ url: '/r/pubsub-cv' })
  t.equal(viaB.headers['x-cache'], 'HIT', 'the second instance reads the shared copy')
  t.match(viaB.body, /Ada Lovelace/)
  await a.inject({ method: 'PUT', url: `/resumes/${resume.id}`, headers: bearer(ada.access), payload: { is_public: false } })
  isHtml404(t, await afterPurge(b, '/r/pubsub-cv', status(404)), 'purged on the other instance (its LRU copy dropped)')
})

t.test('Redis failure never fails a page', async (t) => {
  const app = await build(t)
  const ada = await register(app)
  const resume = await makeResume(app, ada, { title: 'Ada CV', is_public: true, slug: 'redis-cv', content: { basics: { name: 'Ada Lovelace' } } })
  await makePortfolio(app, ada, { title: 'Down Works', is_published: true, subdomain: 'down', content: { about: 'x', projects: [], contact: {} } })
  t.equal((await app.inject({ url: '/r/redis-cv' })).statusCode, 200)
  app.cache.redis!.disconnect()
  const cached = await app.inject({ url: '/r/redis-cv' })
  t.equal(cached.statusCode, 200, 'cached page')
  const fresh = await app.inject({ url: '/p/down' })
  t.equal(fresh.statusCode, 200, 'uncached page rendered from the database')
  t.match(fresh.body, /Down Works/)
  t.equal(fresh.headers['x-cache'], 'MISS')
  const put = await app.inject({ method: 'PUT', url: `/resumes/${resume.id}`, headers: bearer(ada.access), payload: { content: { basics: { name: 'Augusta King' } } } })
  t.equal(put.statusCode, 200)
  const after = await afterPurge(app, '/r/redis-cv', shows(/Augusta King/))
  t.equal(after.statusCode, 200)
  t.match(after.body, /Augusta King/, 'purged locally without Redis')
})

t.test('without Redis: the LRU alone', async (t) => {
  const app = await build(t, { REDIS_URL: '' })
  t.equal(app.cache.redis, null)
  const ada = await register(app)
  await makeResume(app, ada, { title: 'Ada CV', is_public: true, slug: 'lru-cv', content: { basics: { name: 'Ada Lovelace' } } })
  t.equal((await app.inject({ url: '/r/lru-cv' })).headers['x-cache'], 'MISS')
  t.equal((await app.inject({ url: '/r/lru-cv' })).headers['x-cache'], 'HIT')
})

t.test('custom domains, when a domains plugin is loaded', async (t) => {
  // The real domains plugin; the rows are written as a verification would leave them.
  const app = await build(t)
  const ada = await register(app)
  const folio = await makePortfolio(app, ada, { title: 'Custom Works', is_published: true, subdomain: 'custom', content: { about: 'x', projects: [], contact: {} } })
  const draft = await makePortfolio(app, ada, { title: 'Draft', is_published: false, content: { about: 'x', projects: [], contact: {} } })
  await app.db.fork().execute(`insert into custom_domains (user_id, project_id, domain_name, verification_token, verification_status, record_type)
    values (?, ?, 'ada.example.com', 'token-ada', 'verified', 'CNAME'), (?, ?, 'lost.example.com', 'token-lost', 'verified', 'CNAME')`, [ada.id, folio.id, ada.id, draft.id])
  await app.portfolios.setCustomDomain(folio.id, 'ada.example.com')

  const page = await afterPurge(app, { url: '/', headers: { host: 'ADA.example.com' } }, status(200))
  t.equal(page.statusCode, 200)
  t.match(page.body, /Custom Works/)
  isHtml404(t, await app.inject({ url: '/auth/me', headers: { host: 'ada.example.com', ...bearer(ada.access) } }), 'the API on a custom domain')
  isHtml404(t, await app.inject({ url: '/', headers: { host: 'lost.example.com' } }), 'a known domain without a published portfolio')
  const other = await app.inject({ url: '/auth/me', headers: { host: 'unknown.example.com', ...bearer(ada.access) } })
  t.equal(other.statusCode, 200, 'a domain the domains plugin does not know is not a portfolio host')
  const byName = await app.inject({ url: '/view/ada.example.com' })
  t.equal(byName.statusCode, 200)
  t.match(byName.body, /Custom Works/)
  t.equal(byName.headers['x-cache'], 'HIT', 'one cache entry per host')

  await app.inject({ method: 'PUT', url: `/portfolios/${folio.id}`, headers: bearer(ada.access), payload: { title: 'Renamed Works' } })
  t.match((await afterPurge(app, { url: '/', headers: { host: 'ada.example.com' } }, shows(/Renamed Works/))).body, /Renamed Works/, 'the custom domain is purged too')
})
