// One suite, run against both storage drivers: S3 (a real SigV4-checking S3 server) and
// local disk (the app listening on a real port, since clients upload to it over HTTP).
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import t from 'tap'
import { UPLOAD_STAGING_PREFIX } from '../../kernel/storage/index.ts'
import { bearer, build, freePort, register, sleep, type Account } from '../../test/helper.ts'
import { startS3 } from '../../test/s3.ts'

type Driver = 'local' | 's3'
interface Signed { url: string, method: 'PUT', headers: Record<string, string>, key: string, expires_in: number, public_url: string }

const MB = 1024 * 1024
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
/** Image-ish bytes; nobody decodes them. */
const bytes = (n: number, fill = 7) => Buffer.alloc(n, fill)
/** Bytes that start like a PNG, which is all the reference check reads. */
const png = (n: number, fill = 7) => Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), bytes(n - 8, fill)])
/** Where a presigned PUT of `key` lands until the upload is referenced. */
const staged = (key: string) => UPLOAD_STAGING_PREFIX + key

/** A request whose path goes out exactly as written (fetch would normalise '..'). */
function rawRequest (port: number, method: string, path: string, body?: Buffer, headers: Record<string, string> = {}): Promise<{ status: number, body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }))
    })
    req.on('error', reject)
    req.end(body)
  })
}

async function setup (t: Parameters<typeof build>[0], driver: Driver): Promise<{ app: FastifyInstance, port: number, dataDir: string }> {
  const env: Record<string, string> = { AUTH_RATE_LIMIT_MAX: '10000' }
  if (driver === 's3') {
    Object.assign(env, (await startS3(t)).env)
    const app = await build(t, env)
    return { app, port: 0, dataDir: app.config.dataDir }
  }
  // Clients PUT to the URLs the app signs, so it must listen where PUBLIC_URL says.
  const port = await freePort()
  const app = await build(t, { ...env, PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}` })
  await app.listen({ port, host: '127.0.0.1' })
  return { app, port, dataDir: app.config.dataDir }
}

for (const driver of ['local', 's3'] as const) {
  t.test(`uploads on ${driver} storage`, async (t) => {
    const { app, port, dataDir } = await setup(t, driver)
    t.equal(app.storage.name, driver, `the ${driver} driver is chosen from the settings`)
    const a = await register(app)
    const b = await register(app)

    const presign = (who: Account | null, payload: unknown) => app.inject({
      method: 'POST', url: '/uploads/presigned-url', payload: payload as object, headers: who ? bearer(who.access) : {}
    })
    const signed = async (who: Account, body: { purpose?: string, content_type?: string, size: number }): Promise<Signed> => {
      const res = await presign(who, { purpose: 'avatar', content_type: 'image/png', ...body })
      if (res.statusCode !== 200) throw new Error(`presign: ${res.statusCode} ${res.body}`)
      return res.json().data
    }
    const upload = (s: { url: string, headers: Record<string, string> }, body: Buffer, headers: Record<string, string | undefined> = {}) => {
      const merged = Object.fromEntries(Object.entries({ ...s.headers, ...headers }).filter(([, v]) => v !== undefined)) as Record<string, string>
      return fetch(s.url, { method: 'PUT', headers: merged, body: new Uint8Array(body) })
    }
    const errorCode = async (res: Response) => driver === 'local' ? (await res.json()).error.code : (await res.text()).match(/<Code>(\w+)<\/Code>/)?.[1]
    const stored = async (key: string) => app.storage.head(key)

    t.test('presign, PUT with exactly the returned headers, reference it, then read it back', async (t) => {
      const body = png(1234)
      const s = await signed(a, { size: body.length })
      t.match(s, { method: 'PUT', expires_in: 300 })
      t.match(s.key, new RegExp(`^users/${a.id}/avatar/${UUID}\\.png$`), "the key lives under the user's own prefix")
      t.same(s.headers, { 'content-type': 'image/png', 'content-length': '1234' }, 'type and length are part of the deal')
      t.equal(s.public_url, app.storage.publicUrl(s.key))
      t.equal(app.storage.keyFromUrl(s.public_url), s.key, 'keyFromUrl inverts publicUrl')

      t.equal(new URL(s.url).pathname.includes(`/${staged(s.key)}`), true, 'the PUT goes to the private staging key')
      const put = await upload(s, body)
      t.equal(put.status, 200, `PUT ${await put.text()}`)
      t.same(await stored(staged(s.key)), { size: 1234, contentType: 'image/png' }, 'staged')
      t.equal(await stored(s.key), null, 'not published before it is referenced')
      t.equal((await fetch(s.public_url)).status, 404, 'public_url serves nothing yet')
      t.same(await app.uploads.resolveOwned(a.id, s.public_url), { key: s.key, url: s.public_url }, 'referenced')
      t.same(await stored(s.key), { size: 1234, contentType: 'image/png' }, 'published')
      t.equal(await stored(staged(s.key)), null, 'the staged copy is gone')
      const got = await app.storage.get(s.key)
      t.ok(got && Buffer.compare(got.body, body) === 0, 'get returns the bytes')

      const read = await fetch(s.public_url)
      t.equal(read.status, 200)
      t.equal(read.headers.get('content-type'), 'image/png')
      t.ok(Buffer.compare(Buffer.from(await read.arrayBuffer()), body) === 0, 'public_url serves the bytes')
      if (driver === 'local') {
        t.equal(read.headers.get('x-content-type-options'), 'nosniff')
        t.equal(read.headers.get('cache-control'), 'public, max-age=31536000, immutable')
        t.equal(read.headers.get('content-security-policy'), "default-src 'none'")
        const head = await fetch(s.public_url, { method: 'HEAD' })
        t.equal(head.status, 200)
        t.equal(head.headers.get('content-length'), '1234')
        const missing = await fetch(app.storage.publicUrl(`users/${a.id}/avatar/00000000-0000-4000-8000-000000000000.png`))
        t.equal(missing.status, 404)
        t.equal((await missing.json()).error.code, 'STORAGE_NOT_FOUND', 'a missing file answers in the envelope')
      }

      for (const type of ['image/jpeg', 'image/webp', 'image/gif']) {
        const other = await signed(a, { purpose: 'project_screenshot', content_type: type, size: 10 })
        t.match(other.key, new RegExp(`^users/${a.id}/project_screenshot/${UUID}\\.(jpg|webp|gif)$`))
        t.equal((await upload(other, bytes(10))).status, 200, type)
      }
    })

    t.test('an expired URL is refused', async (t) => {
      const key = staged(`users/${a.id}/avatar/11111111-1111-4111-8111-111111111111.png`)
      const s = await app.storage.presignPut(key, { contentType: 'image/png', maxBytes: 10, expiresIn: 1 })
      await sleep(2600)
      const res = await upload(s, bytes(10))
      t.equal(res.status, 403)
      t.equal(await errorCode(res), driver === 'local' ? 'STORAGE_URL_EXPIRED' : 'AccessDenied')
      t.equal(await stored(key), null, 'nothing stored')
    })

    t.test('a tampered URL is refused', async (t) => {
      const s = await signed(a, { size: 10 })
      const url = new URL(s.url)
      const tampered: [string, (u: URL) => void][] = driver === 'local'
        ? [
            ['signature', (u) => u.searchParams.set('sig', u.searchParams.get('sig')!.replace(/^./, (c) => c === 'A' ? 'B' : 'A'))],
            ['no signature', (u) => u.searchParams.delete('sig')],
            ['longer expiry', (u) => u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600))],
            ['bigger size', (u) => u.searchParams.set('size', '11')],
            ['other type', (u) => u.searchParams.set('type', 'image/gif')],
            ["another user's key", (u) => { u.pathname = u.pathname.replace(a.id, b.id) }]
          ]
        : [
            ['signature', (u) => u.searchParams.set('X-Amz-Signature', u.searchParams.get('X-Amz-Signature')!.replace(/^./, (c) => c === 'a' ? 'b' : 'a'))],
            ['longer expiry', (u) => u.searchParams.set('X-Amz-Expires', '3600')],
            ["another user's key", (u) => { u.pathname = u.pathname.replace(a.id, b.id) }]
          ]
      for (const [name, change] of tampered) {
        const u = new URL(url)
        change(u)
        const size = name === 'bigger size' ? 11 : 10
        const type = name === 'other type' ? 'image/gif' : 'image/png'
        const res = await upload({ url: u.toString(), headers: { 'content-type': type, 'content-length': String(size) } }, bytes(size))
        t.equal(res.status, 403, name)
        t.equal(await errorCode(res), driver === 'local' ? 'STORAGE_SIGNATURE_INVALID' : 'SignatureDoesNotMatch', name)
      }
      t.equal(await stored(staged(s.key)), null, 'nothing stored')
      t.equal(await stored(staged(s.key.replace(a.id, b.id))), null)
    })

    t.test('another Content-Type is refused', async (t) => {
      const s = await signed(a, { size: 10 })
      for (const type of ['image/jpeg', 'text/html', 'image/svg+xml', 'application/octet-stream']) {
        const res = await upload(s, bytes(10), { 'content-type': type })
        t.equal(res.status, 403, type)
        t.equal(await errorCode(res), driver === 'local' ? 'STORAGE_CONTENT_TYPE_MISMATCH' : 'SignatureDoesNotMatch', type)
      }
      t.equal(await stored(staged(s.key)), null, 'nothing stored')
    })

    t.test('a body of another length than signed is refused', async (t) => {
      const s = await signed(a, { size: 100 })
      const more = await upload(s, bytes(101), { 'content-length': undefined })
      t.equal(more.status, driver === 'local' ? 413 : 403, 'one byte more')
      t.equal(await errorCode(more), driver === 'local' ? 'STORAGE_TOO_LARGE' : 'SignatureDoesNotMatch')
      const much = await upload(s, bytes(3 * MB), { 'content-length': undefined })
      t.equal(much.status, driver === 'local' ? 413 : 403, 'megabytes more')
      const less = await upload(s, bytes(99), { 'content-length': undefined })
      t.equal(less.status, driver === 'local' ? 400 : 403, 'one byte less')
      // No Content-Length at all: a chunked body, counted as it streams.
      const stream = new ReadableStream({ start (c) { c.enqueue(bytes(60)); c.enqueue(bytes(60)); c.close() } })
      const chunked = await fetch(s.url, { method: 'PUT', headers: { 'content-type': 'image/png' }, body: stream, duplex: 'half' } as RequestInit)
      t.equal(chunked.status, driver === 'local' ? 413 : 403, 'chunked, longer than signed')
      if (driver === 'local') {
        // A client that hangs up half-way through its body.
        const u = new URL(s.url)
        const req = httpRequest({ host: u.hostname, port: u.port, method: 'PUT', path: u.pathname + u.search, headers: s.headers })
        req.on('error', () => {})
        req.write(bytes(40))
        await sleep(100)
        req.destroy()
        await sleep(200)
      }
      t.equal(await stored(staged(s.key)), null, 'nothing stored')
      if (driver === 'local') {
        const leftovers = existsSync(join(dataDir, 'uploads', '.tmp')) ? readdirSync(join(dataDir, 'uploads', '.tmp')) : []
        t.same(leftovers, [], 'no temp files left behind')
      }
      t.equal((await upload(s, bytes(100))).status, 200, 'the right length still works')
    })

    t.test('resolveOwned', async (t) => {
      const s = await signed(a, { size: 50 })
      t.equal((await upload(s, png(50))).status, 200)
      t.same(await app.uploads.resolveOwned(a.id, s.public_url), { key: s.key, url: s.public_url }, 'own upload')
      t.equal(await app.uploads.resolveOwned(b.id, s.public_url), null, "another user's upload")
      const u = new URL(s.public_url)
      const missing = await signed(a, { size: 50 })
      const id = s.key.split('/').pop()!
      const lookalikes: [name: string, url: string][] = [
        ['missing object', missing.public_url],
        ['foreign host', `https://elsewhere.example${u.pathname}`],
        ['other port', s.public_url.replace(`:${u.port}`, `:${Number(u.port) + 1}`)],
        ['userinfo', s.public_url.replace('://', '://evil@')],
        ['query', `${s.public_url}?x=1`],
        ['fragment', `${s.public_url}#x`],
        ['encoded dot-dot', s.public_url.replace(`/avatar/${id}`, `/avatar/%2e%2e/avatar/${id}`)],
        ['dot-dot', s.public_url.replace(`/avatar/${id}`, `/avatar/../avatar/${id}`)],
        ['encoded slash', s.public_url.replace(`/avatar/${id}`, `%2Favatar%2F${id}`)],
        ['double slash', s.public_url.replace('/avatar/', '//avatar/')],
        ['relative', u.pathname],
        ['key only', s.key],
        ['not a URL', 'not even a url'],
        ['empty', ''],
        ['javascript', 'javascript:alert(1)']
      ]
      for (const [name, url] of lookalikes) t.equal(await app.uploads.resolveOwned(a.id, url), null, name)
      t.same(await stored(s.key), { size: 50, contentType: 'image/png' }, 'the own object is untouched')
    })

    t.test('resolveOwned deletes an object that bypassed the limits', async (t) => {
      const big = `users/${a.id}/avatar/22222222-2222-4222-8222-222222222222.png`
      const html = `users/${a.id}/avatar/33333333-3333-4333-8333-333333333333.png`
      if (driver === 's3') {
        // This S3 server, unlike AWS, takes unsigned writes: exactly the hole the
        // post-upload check is for.
        const put = await fetch(app.storage.publicUrl(big), { method: 'PUT', headers: { 'content-type': 'image/png' }, body: new Uint8Array(bytes(6 * MB)) })
        t.equal(put.status, 200, 's3rver accepted an unsigned 6 MB PUT')
      } else {
        await app.storage.put(big, bytes(6 * MB), 'image/png')
      }
      await app.storage.put(html, Buffer.from('<script>alert(1)</script>'), 'text/html')
      t.equal((await stored(big))?.size, 6 * MB)
      t.equal(await app.uploads.resolveOwned(a.id, app.storage.publicUrl(big)), null, 'larger than the free plan allows')
      t.equal(await stored(big), null, 'and deleted')
      t.equal(await app.uploads.resolveOwned(a.id, app.storage.publicUrl(html)), null, 'not an image')
      t.equal(await stored(html), null, 'and deleted')
      await app.storage.delete(html) // deleting twice is fine
    })

    if (driver === 'local') {
      t.test('keys cannot leave the uploads folder', async (t) => {
        writeFileSync(join(dataDir, 'secret.txt'), 'top secret')
        writeFileSync(join(dataDir, 'uploads', 'outside.png'), 'not an upload')
        const s = await signed(a, { size: 10 })
        const query = new URL(s.url).search
        const headers = { 'content-type': 'image/png', 'content-length': '10' }
        const tricks = [
          '../secret.txt', '..%2fsecret.txt', '%2e%2e/secret.txt', '%2e%2e%2fsecret.txt', '%2E%2E%2Fsecret.txt',
          'users/../../secret.txt', `users/${a.id}/avatar/../../../../secret.txt`, `users/${a.id}/avatar/%2e%2e%2f%2e%2e%2f%2e%2e%2f..%2fsecret.txt`,
          '/etc/passwd', '%2fetc%2fpasswd', '..\\secret.txt', '..%5csecret.txt', '.meta/x.json', '.tmp/x', 'outside.png/..',
          `${s.key}/../../../../../secret.txt`, `users/${a.id}/avatar/%00.png`
        ]
        for (const trick of tricks) {
          const get = await rawRequest(port, 'GET', `/storage/files/${trick}`)
          t.ok(get.status >= 400 && get.status < 500, `GET ${trick} -> ${get.status}`)
          t.notMatch(get.body, /top secret|root:/, `GET ${trick} leaks nothing`)
          const put = await rawRequest(port, 'PUT', `/storage/upload/${trick}${query}`, bytes(10), headers)
          t.ok(put.status >= 400 && put.status < 500, `PUT ${trick} -> ${put.status}`)
        }
        const inject = await app.inject({ method: 'GET', url: '/storage/files/%2e%2e/secret.txt' })
        t.equal(inject.statusCode, 404)
        t.same(readdirSync(dataDir).sort(), ['secret.txt', 'uploads'], 'nothing written beside the uploads folder')
        await t.rejects(app.storage.put('../escape.png', bytes(1), 'image/png'), { code: 'STORAGE_KEY_INVALID' }, 'the driver refuses too')
        await t.rejects(app.storage.presignPut('/abs.png', { contentType: 'image/png', maxBytes: 1, expiresIn: 60 }), { code: 'STORAGE_KEY_INVALID' })
        t.equal(await app.storage.get('../secret.txt').catch((e: { code: string }) => e.code), 'STORAGE_KEY_INVALID')
        t.equal(await app.storage.head(`users/${a.id}`), null, 'a folder is not an object')
      })

      t.test('the upload route refuses URLs that are not upload keys, even when signed', async (t) => {
        const key = 'exports/report.pdf'
        const s = await app.storage.presignPut(key, { contentType: 'image/png', maxBytes: 10, expiresIn: 60 })
        const res = await upload(s, bytes(10))
        t.equal(res.status, 400)
        t.equal((await res.json()).error.code, 'STORAGE_KEY_INVALID')
      })
    }

    t.test('POST /uploads/presigned-url refuses what it must', async (t) => {
      for (const type of ['image/svg+xml', 'text/html', 'image/jpg', 'application/pdf', 'image/png; charset=utf-8', 'image/*']) {
        const res = await presign(a, { purpose: 'avatar', content_type: type, size: 10 })
        t.equal(res.statusCode, 415, type)
        t.match(res.json().error, { code: 'UPLOADS_UNSUPPORTED_TYPE', details: [{ path: '/content_type' }] }, type)
      }
      t.equal((await presign(a, { purpose: 'avatar', content_type: 'IMAGE/PNG', size: 10 })).json().data.headers['content-type'], 'image/png', 'the type is normalised')

      const big = await presign(a, { purpose: 'avatar', content_type: 'image/png', size: 6 * MB })
      t.equal(big.statusCode, 403)
      t.same(big.json().error.details, { limit: 5 * MB, used: 6 * MB, tier: 'free' })
      t.equal(big.json().error.code, 'PLAN_LIMIT_UPLOAD_SIZE')
      t.equal((await presign(a, { purpose: 'avatar', content_type: 'image/png', size: 5 * MB })).statusCode, 200, 'exactly the limit is fine')
      t.ok(await app.auth.setTier(a.email, 'pro'))
      const pro = await presign(a, { purpose: 'avatar', content_type: 'image/png', size: 6 * MB })
      t.equal(pro.statusCode, 200, 'a pro user may')
      const proBig = await presign(a, { purpose: 'avatar', content_type: 'image/png', size: 11 * MB })
      t.same(proBig.json().error.details, { limit: 10 * MB, used: 11 * MB, tier: 'pro' })
      await app.auth.setTier(a.email, 'free')

      const anon = await presign(null, { purpose: 'avatar', content_type: 'image/png', size: 10 })
      t.equal(anon.statusCode, 401)
      t.equal(anon.json().error.code, 'AUTH_TOKEN_MISSING')
      const purpose = await presign(a, { purpose: 'resume', content_type: 'image/png', size: 10 })
      t.equal(purpose.statusCode, 400)
      t.match(purpose.json().error, { code: 'VALIDATION_FAILED', details: [{ path: '/purpose' }] })

      const bodies = [
        undefined, '', 'null', '[]', '"x"', '{"purpose":', '{}', '{"__proto__":{"x":1}}',
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png' }),
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png', size: 0 }),
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png', size: -1 }),
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png', size: 1.5 }),
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png', size: '10' }),
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png', size: 10, key: 'users/x/avatar/y.png' }),
        JSON.stringify({ purpose: 'avatar', content_type: 'x'.repeat(5000), size: 10 }),
        JSON.stringify({ purpose: 'avatar', content_type: '', size: 10 }),
        JSON.stringify({ purpose: 'avatar', content_type: '\u0000', size: 10 }),
        JSON.stringify({ purpose: 'avatar', content_type: 'image/png', size: 1e300 }),
        '{"purpose":"avatar","content_type":"image/png","size":1e400}',
        JSON.stringify({ purpose: ['avatar'], content_type: ['image/png'], size: [10] }),
        JSON.stringify({ purpose: '../avatar', content_type: 'image/png', size: 10 })
      ]
      for (const payload of bodies) {
        const res = await app.inject({ method: 'POST', url: '/uploads/presigned-url', payload, headers: { ...bearer(a.access), 'content-type': 'application/json' } })
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${String(payload).slice(0, 50)} -> ${res.statusCode}`)
        t.type(res.json().error.code, 'string')
      }
      const form = await app.inject({ method: 'POST', url: '/uploads/presigned-url', payload: 'purpose=avatar', headers: { ...bearer(a.access), 'content-type': 'application/x-www-form-urlencoded' } })
      t.equal(form.statusCode, 415)
    })

    t.test('presigning is rate limited per user', async (t) => {
      const c = await register(app)
      const codes: number[] = []
      for (let i = 0; i < 61; i++) codes.push((await presign(c, { purpose: 'avatar', content_type: 'image/png', size: 1 })).statusCode)
      t.same([...new Set(codes.slice(0, 60))], [200])
      t.equal(codes[60], 429)
      const limited = await presign(c, { purpose: 'avatar', content_type: 'image/png', size: 1 })
      t.equal(limited.json().error.code, 'RATE_LIMITED')
      t.ok(Number(limited.headers['retry-after']) > 0)
      t.equal((await presign(b, { purpose: 'avatar', content_type: 'image/png', size: 1 })).statusCode, 200, 'another user (same IP) is not limited')
    })

    t.test('avatar: upload, set, show, refuse others, clear', async (t) => {
      const me = (who: Account) => app.inject({ url: '/auth/me', headers: bearer(who.access) })
      const setAvatar = (who: Account, avatarUrl: unknown) => app.inject({ method: 'PUT', url: '/auth/me', headers: bearer(who.access), payload: { avatar_url: avatarUrl } })

      const s = await signed(a, { size: 321 })
      t.equal((await upload(s, png(321))).status, 200)
      const set = await setAvatar(a, s.public_url)
      t.equal(set.statusCode, 200)
      t.equal(set.json().data.avatar_url, s.public_url)
      t.equal((await me(a)).json().data.avatar_url, s.public_url, 'GET /auth/me shows it')
      t.equal((await fetch((await me(a)).json().data.avatar_url)).status, 200, 'and it can be fetched')

      const theirs = await signed(b, { size: 10 })
      t.equal((await upload(theirs, png(10))).status, 200)
      const stolen = await setAvatar(a, theirs.public_url)
      t.equal(stolen.statusCode, 400)
      t.match(stolen.json().error, { code: 'AUTH_AVATAR_NOT_OWNED', details: [{ path: '/avatar_url' }] })
      for (const url of ['https://elsewhere.example/me.png', 'not a url', 'x'.repeat(3000), 42, { url: s.public_url }]) {
        const res = await setAvatar(a, url)
        t.equal(res.statusCode, 400, String(url).slice(0, 40))
      }
      const notUploaded = await signed(a, { size: 10 })
      t.equal((await setAvatar(a, notUploaded.public_url)).json().error.code, 'AUTH_AVATAR_NOT_OWNED', 'presigned but never uploaded')
      t.equal((await me(a)).json().data.avatar_url, s.public_url, 'refusals changed nothing')

      const both = await app.inject({ method: 'PUT', url: '/auth/me', headers: bearer(a.access), payload: { full_name: 'Has Avatar', avatar_url: s.public_url } })
      t.match(both.json().data, { full_name: 'Has Avatar', avatar_url: s.public_url })
      const cleared = await setAvatar(a, null)
      t.equal(cleared.statusCode, 200)
      t.equal(cleared.json().data.avatar_url, null)
      t.equal((await me(a)).json().data.avatar_url, null, 'null clears it')
      t.equal((await me(a)).json().data.full_name, 'Has Avatar', 'and leaves the rest')
    })

    const html = Buffer.from('<html><script>alert(document.cookie)</script></html>'.padEnd(64, ' '))
    const setAvatar = (who: Account, url: string) => app.inject({ method: 'PUT', url: '/auth/me', headers: bearer(who.access), payload: { avatar_url: url } })

    t.test('a file that is not the image its type claims is refused when referenced', async (t) => {
      const avatar = await signed(a, { size: html.length })
      t.equal((await upload(avatar, html)).status, 200, 'the PUT cannot see the bytes')
      const res = await setAvatar(a, avatar.public_url)
      t.equal(res.statusCode, 422, res.body)
      t.match(res.json().error, { code: 'UPLOADS_NOT_AN_IMAGE', message: /not a PNG image/ })
      t.not((await app.inject({ url: '/auth/me', headers: bearer(a.access) })).json().data.avatar_url, avatar.public_url, 'not set')
      t.equal(await stored(avatar.key), null, 'never published')
      t.equal(await stored(staged(avatar.key)), null, 'and the staged file is deleted')
      const read = await fetch(avatar.public_url)
      t.equal(read.status, 404)
      t.notMatch(await read.text(), /script/)

      const shot = await signed(a, { purpose: 'project_screenshot', size: html.length })
      t.equal((await upload(shot, html)).status, 200)
      const portfolio = await app.inject({
        method: 'POST',
        url: '/portfolios',
        headers: bearer(a.access),
        payload: { title: 'Work', template_id: 'classic', content: { projects: [{ title: 'P', image: shot.public_url }] } }
      })
      t.equal(portfolio.statusCode, 422, portfolio.body)
      t.equal(portfolio.json().error.code, 'UPLOADS_NOT_AN_IMAGE', 'a project image too')
      t.equal(await stored(shot.key), null)

      const jpeg = await signed(a, { content_type: 'image/jpeg', size: 64 })
      t.equal((await upload(jpeg, png(64))).status, 200)
      t.match((await setAvatar(a, jpeg.public_url)).json().error, { code: 'UPLOADS_NOT_AN_IMAGE', message: /not a JPEG image/ }, 'a PNG sent as image/jpeg')
      for (const [type, head] of [['image/jpeg', 'ffd8ffe0'], ['image/gif', '474946383961'], ['image/webp', '52494646000000005745425056503820']]) {
        const body = Buffer.concat([Buffer.from(head!, 'hex'), bytes(64 - head!.length / 2)])
        const ok = await signed(a, { content_type: type, size: body.length })
        t.equal((await upload(ok, body)).status, 200)
        t.equal((await setAvatar(a, ok.public_url)).statusCode, 200, `a real ${type} is accepted`)
      }
    })

    t.test('the signed URL cannot change a file once it is referenced', async (t) => {
      const image = png(html.length, 1)
      const s = await signed(a, { size: image.length })
      t.equal((await upload(s, image)).status, 200)
      t.equal((await setAvatar(a, s.public_url)).statusCode, 200)
      // Still within the URL's lifetime: it may write its staging key, never the published file.
      await upload(s, html)
      const read = await fetch(s.public_url)
      t.equal(read.status, 200)
      t.ok(Buffer.from(await read.arrayBuffer()).equals(image), 'the published file is still the checked image')
      t.equal((await setAvatar(a, s.public_url)).statusCode, 200, 'referenced again')
      t.ok((await app.storage.get(s.key))!.body.equals(image), 'and still the same bytes')
      if (driver === 'local') {
        const direct = await app.storage.presignPut(s.key, { contentType: 'image/png', maxBytes: html.length, expiresIn: 60 })
        const res = await upload(direct, html)
        t.equal(res.status, 400, 'no signed URL writes a published key')
        t.equal((await res.json()).error.code, 'STORAGE_KEY_INVALID')
      }
    })

    t.test('the driver copies inside the storage (previews move with it)', async (t) => {
      const from = `thumbnails/resumes/${a.id}/0123456789abcdef0123.png`
      await app.storage.put(from, png(100), 'image/png')
      t.equal(await app.storage.copy(from, `private/${from}`), true)
      t.same(await stored(`private/${from}`), { size: 100, contentType: 'image/png' })
      t.ok((await app.storage.get(`private/${from}`))!.body.equals(png(100)))
      t.equal(await app.storage.copy(`${from}.missing.png`, `private/${from}.2.png`), false, 'a missing source')
      t.equal(await stored(`private/${from}.2.png`), null)
    })

    t.test('the OpenAPI document describes the routes', async (t) => {
      const doc = (await app.inject('/docs/json')).json()
      t.ok(doc.paths['/uploads/presigned-url']?.post, 'POST /uploads/presigned-url')
      const storagePaths = Object.keys(doc.paths).filter((p) => p.startsWith('/storage/'))
      // Clients follow the signed URLs the API hands out; they never build these (docs/api.md).
      t.equal(storagePaths.length, 0, `storage routes stay out of the public document: ${storagePaths.join(', ')}`)
      t.equal(app.hasRoute({ method: 'PUT', url: '/storage/upload/*' }), driver === 'local', 'and exist only with local storage')
    })
  })
}
