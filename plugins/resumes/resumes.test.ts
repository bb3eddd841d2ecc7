import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { bearer, build, register, tempDir, type Account } from '../../test/helper.ts'

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../../samples/jsonresume/${name}`, import.meta.url), 'utf8'))
const sample = fixture('sample.resume.json')

t.test('resumes', async (t) => {
  const app = await build(t, { AUTH_RATE_LIMIT_MAX: '10000' })
  const a = await register(app)
  const b = await register(app)
  await app.auth.setTier(a.email, 'enterprise') // a creates more than the free plan's 10 below
  const call = (acct: Account, method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url, headers: bearer(acct.access), ...(payload !== undefined ? { payload: payload as object } : {}) })
  const create = async (acct: Account, body: Record<string, unknown> = {}) => {
    const res = await call(acct, 'POST', '/resumes', { title: 'My CV', template_id: 'classic', ...body })
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`)
    return res.json().data
  }

  t.test('create from the theme starter, or with content', async (t) => {
    const r = await create(a)
    t.match(r, { id: String, title: 'My CV', template_id: 'classic', is_public: false, slug: null, thumbnail_url: null })
    const theme = (await app.inject('/themes/classic')).json().data
    t.same(r.content, theme.starter.resume, "starts from the theme's starter content")
    t.same(r.theme_config, { ...theme.defaults, template_id: 'classic' })
    const withContent = await create(a, { content: sample, title: 'Sample' })
    t.same(withContent.content, sample)
    t.same((await call(a, 'GET', `/resumes/${withContent.id}`)).json().data.content, sample, 'stored as sent')

    const unknown = await call(a, 'POST', '/resumes', { title: 'X', template_id: 'nope' })
    t.equal(unknown.statusCode, 400)
    t.match(unknown.json().error, { code: 'RESUMES_UNKNOWN_TEMPLATE', details: [{ path: '/template_id' }] })
    const missing = await call(a, 'POST', '/resumes', { template_id: 'classic' })
    t.match(missing.json().error, { code: 'VALIDATION_FAILED', details: [{ path: '/title' }] })
  })

  t.test('content is validated as JSON Resume, never coerced, extras kept', async (t) => {
    const bad = await call(a, 'POST', '/resumes', { title: 'X', template_id: 'classic', content: { basics: { name: 123 } } })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().error, { code: 'RESUMES_INVALID_CONTENT', details: [{ path: '/content/basics/name' }] })
    const date = await call(a, 'POST', '/resumes', { title: 'X', template_id: 'classic', content: { work: [{ name: 'Acme', startDate: 'June 2020' }] } })
    t.match(date.json().error.details, [{ path: '/content/work/0/startDate' }])
    const extras = { basics: { name: 'Ada', pronouns: 'she/her', answer: 42 }, hobbies: [1, 'two', { three: null }, [true]], meta: { version: 'v1.0.0', custom: { deep: [1] } } }
    const r = await create(a, { content: extras })
    t.same(r.content, extras, 'unknown sections and fields of any type survive')
    t.same((await call(a, 'GET', `/resumes/${r.id}`)).json().data.content, extras)
    const before = (await call(a, 'GET', `/resumes/${r.id}`)).json().data
    const put = await call(a, 'PUT', `/resumes/${r.id}`, { content: { basics: { name: ['x'] } } })
    t.equal(put.statusCode, 400)
    t.same((await call(a, 'GET', `/resumes/${r.id}`)).json().data, before, 'a refused update changes nothing')
  })

  t.test('list: pagination, order, soft-deleted hidden', async (t) => {
    const c = await register(app)
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await create(c, { title: `R${i}` })).id)
    await call(c, 'PUT', `/resumes/${ids[1]}`, { title: 'R1 edited' }) // now the most recent
    await call(c, 'DELETE', `/resumes/${ids[3]}`)
    const all = (await call(c, 'GET', '/resumes')).json()
    t.same(all.meta, { limit: 20, offset: 0, total: 4 })
    t.same(all.data.map((r: { title: string }) => r.title), ['R1 edited', 'R4', 'R2', 'R0'])
    const page = (await call(c, 'GET', '/resumes?limit=2&offset=2')).json()
    t.same(page.data.map((r: { title: string }) => r.title), ['R2', 'R0'])
    t.same(page.meta, { limit: 2, offset: 2, total: 4 })
    const past = (await call(c, 'GET', '/resumes?limit=2&offset=10')).json()
    t.same(past, { data: [], meta: { limit: 2, offset: 10, total: 4 } })
    for (const q of ['limit=0', 'limit=101', 'offset=-1', 'limit=abc', 'limit=2.5', 'sort=title']) {
      t.equal((await call(c, 'GET', `/resumes?${q}`)).statusCode, 400, q)
    }
    t.equal((await call(c, 'GET', '/resumes?limit=100')).json().meta.limit, 100)
  })

  t.test('update: fields, updated_at, theme switch, theme_config', async (t) => {
    const r = await create(a)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const res = await call(a, 'PUT', `/resumes/${r.id}`, { title: 'Renamed' })
    t.equal(res.statusCode, 200)
    const u = res.json().data
    t.equal(u.title, 'Renamed')
    t.ok(new Date(u.updated_at) > new Date(r.updated_at), 'updated_at moves')
    t.equal(u.created_at, r.created_at)

    const switched = (await call(a, 'PUT', `/resumes/${r.id}`, { template_id: 'modern' })).json().data
    const modern = (await app.inject('/themes/modern')).json().data
    t.equal(switched.template_id, 'modern')
    t.same(switched.theme_config, { ...modern.defaults, template_id: 'modern' }, 'a new theme starts from its defaults')

    const cfg = await call(a, 'PUT', `/resumes/${r.id}`, { theme_config: { ...modern.defaults } })
    t.equal(cfg.statusCode, 200)
    const badCfg = await call(a, 'PUT', `/resumes/${r.id}`, { theme_config: { primary_color: 'red', bogus: 1 } })
    t.equal(badCfg.statusCode, 400)
    t.equal(badCfg.json().error.code, 'RESUMES_INVALID_THEME_CONFIG')
    t.ok(badCfg.json().error.details.every((d: { path: string }) => d.path.startsWith('/theme_config')))
    t.equal((await call(a, 'PUT', `/resumes/${r.id}`, { template_id: 'nope' })).statusCode, 400)
    t.equal((await call(a, 'PUT', `/resumes/${r.id}`, {})).statusCode, 400, 'an empty update is refused')
    t.equal((await call(a, 'PUT', `/resumes/${r.id}`, { thumbnail_url: 'x' })).statusCode, 400, 'thumbnail_url is not writable')
  })

  t.test('slugs', async (t) => {
    const r1 = await create(a, { title: 'Ada Lovelace — CV' })
    const pub = (await call(a, 'PUT', `/resumes/${r1.id}`, { is_public: true })).json().data
    t.equal(pub.slug, 'ada-lovelace-cv', 'generated from the title')
    const r2 = await create(b, { title: 'Ada Lovelace — CV' })
    t.equal((await call(b, 'PUT', `/resumes/${r2.id}`, { is_public: true })).json().data.slug, 'ada-lovelace-cv-2', 'generated slugs avoid taken ones')
    const taken = await call(b, 'PUT', `/resumes/${r2.id}`, { slug: 'ada-lovelace-cv' })
    t.equal(taken.statusCode, 409)
    t.match(taken.json().error, { code: 'RESUMES_SLUG_TAKEN', details: [{ path: '/slug' }] })
    for (const bad of ['ab', 'Has-Caps', '-lead', 'trail-', 'dou--ble', 'x'.repeat(65), 'sp ace', 'ünï']) {
      t.equal((await call(b, 'PUT', `/resumes/${r2.id}`, { slug: bad })).statusCode, 400, `slug "${bad}"`)
    }
    const reserved = await call(b, 'PUT', `/resumes/${r2.id}`, { slug: 'admin' })
    t.equal(reserved.json().error.code, 'RESUMES_SLUG_RESERVED')
    t.equal((await call(b, 'PUT', `/resumes/${r2.id}`, { slug: 'my-own-slug-123' })).json().data.slug, 'my-own-slug-123')
    t.equal((await call(a, 'DELETE', `/resumes/${r1.id}`)).statusCode, 204)
    t.equal((await call(b, 'PUT', `/resumes/${r2.id}`, { slug: 'ada-lovelace-cv' })).statusCode, 200, 'a deleted resume frees its slug')
    const cleared = (await call(b, 'PUT', `/resumes/${r2.id}`, { slug: null, is_public: false })).json().data
    t.equal(cleared.slug, null)
  })

  t.test('delete is soft and final', async (t) => {
    const r = await create(a)
    t.equal((await call(a, 'DELETE', `/resumes/${r.id}`)).statusCode, 204)
    for (const [method, url] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/duplicate'], ['GET', '/export.json']] as const) {
      const res = await call(a, method, `/resumes/${r.id}${url}`, method === 'PUT' ? { title: 'x' } : undefined)
      t.equal(res.statusCode, 404, `${method} ${url} after delete`)
      t.equal(res.json().error.code, 'RESUMES_NOT_FOUND')
    }
    const [row] = await app.db.fork().execute('select deleted_at from resumes where id = ?', [r.id])
    t.ok(row?.deleted_at, 'the row keeps deleted_at')
  })

  t.test('duplicate', async (t) => {
    const r = await create(a, { content: sample, title: 'Original' })
    await call(a, 'PUT', `/resumes/${r.id}`, { is_public: true, slug: 'original-cv' })
    const res = await call(a, 'POST', `/resumes/${r.id}/duplicate`)
    t.equal(res.statusCode, 201)
    const d = res.json().data
    t.not(d.id, r.id)
    t.match(d, { title: 'Original (copy)', is_public: false, slug: null, template_id: 'classic' })
    t.same(d.content, sample)
  })

  t.test('JSON Resume import -> export is lossless', async (t) => {
    const full = JSON.parse(readFileSync(new URL('../../samples/full.resume.json', import.meta.url), 'utf8'))
    for (const [name, doc] of [['sample', sample], ['every section', full]] as const) {
      const imp = await app.inject({ method: 'POST', url: '/resumes/import', headers: bearer(a.access), payload: doc })
      t.equal(imp.statusCode, 201, name)
      const r = imp.json().data
      t.equal(r.title, `${doc.basics.name} — CV`)
      const exp = await call(a, 'GET', `/resumes/${r.id}/export.json`)
      t.equal(exp.statusCode, 200)
      t.match(exp.headers['content-disposition'], /^attachment; filename=".+\.json"$/)
      t.match(exp.headers['content-type'], /application\/json/)
      t.same(exp.json(), doc, `${name}: export equals import`)
    }
    const titled = await app.inject({ method: 'POST', url: '/resumes/import?title=Imported&template_id=compact', headers: bearer(a.access), payload: sample })
    t.match(titled.json().data, { title: 'Imported', template_id: 'compact' })
    const bad = await app.inject({ method: 'POST', url: '/resumes/import', headers: bearer(a.access), payload: { ...sample, basics: { ...sample.basics, email: 'not an email' } } })
    t.equal(bad.statusCode, 400)
    t.match(bad.json().error.details, [{ path: '/basics/email' }])
    const arr = await app.inject({ method: 'POST', url: '/resumes/import', payload: '[1]', headers: { ...bearer(a.access), 'content-type': 'application/json' } })
    t.equal(arr.statusCode, 400)
  })

  t.test("another user's resume is 404 on every route", async (t) => {
    const r = await create(a, { title: 'Private' })
    for (const [method, url, body] of [['GET', '', undefined], ['PUT', '', { title: 'mine now' }], ['DELETE', '', undefined], ['POST', '/duplicate', undefined], ['GET', '/export.json', undefined]] as const) {
      const res = await call(b, method, `/resumes/${r.id}${url}`, body)
      t.equal(res.statusCode, 404, `${method} ${url}`)
    }
    t.notOk((await call(b, 'GET', '/resumes?limit=100')).json().data.some((x: { id: string }) => x.id === r.id))
    t.equal((await call(a, 'GET', `/resumes/${r.id}`)).json().data.title, 'Private', 'untouched')
    t.equal((await app.inject({ url: `/resumes/${r.id}` })).statusCode, 401)
    t.equal((await call(a, 'GET', '/resumes/not-a-uuid')).statusCode, 400)
    t.equal((await call(a, 'GET', '/resumes/00000000-0000-4000-8000-000000000000')).statusCode, 404)
  })

  t.test('bad input is 4xx, never 5xx', async (t) => {
    const r = await create(a)
    const bodies = ['', 'null', '[]', '"x"', '{"title":', JSON.stringify({ title: 'x'.repeat(201), template_id: 'classic' }), JSON.stringify({ title: 'x', template_id: 'classic', content: [] }),
      JSON.stringify({ title: 'x', template_id: 'classic', content: 'str' }), JSON.stringify({ title: 'x', template_id: 'classic', theme_config: null }), JSON.stringify({ title: 'x', template_id: 'classic', is_public: 'yes' }),
      JSON.stringify({ title: 'x', template_id: 'classic', content: { work: 'x'.repeat(300_000) } })]
    for (const [method, url] of [['POST', '/resumes'], ['PUT', `/resumes/${r.id}`], ['POST', '/resumes/import']] as const) {
      // As an import, a resume-shaped object with odd extra keys is a valid JSON Resume document.
      for (const body of url === '/resumes/import' ? [...bodies.slice(0, 5), bodies.at(-1)!] : bodies) {
        const res = await app.inject({ method, url, payload: body, headers: { ...bearer(a.access), 'content-type': 'application/json' } })
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url} ${body.slice(0, 30)} -> ${res.statusCode}`)
      }
    }
  })
})

t.test('plan limit on live resumes', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'tiers.json'), JSON.stringify({ free: { resumes: 2 }, pro: { resumes: 3 } }))
  const app = await build(t, { TIERS_FILE: join(dir, 'tiers.json') })
  const a = await register(app)
  const make = () => app.inject({ method: 'POST', url: '/resumes', headers: bearer(a.access), payload: { title: 'R', template_id: 'classic' } })
  const results = await Promise.all([make(), make(), make(), make()])
  t.same(results.map((r) => r.statusCode).sort(), [201, 201, 403, 403], 'parallel creations cannot pass the limit')
  const over = results.find((r) => r.statusCode === 403)!.json()
  t.same(over.error.details, { limit: 2, used: 2, tier: 'free' })
  t.equal(over.error.code, 'PLAN_LIMIT_RESUMES')
  const first = results.find((r) => r.statusCode === 201)!.json().data
  t.equal((await app.inject({ method: 'POST', url: `/resumes/${first.id}/duplicate`, headers: bearer(a.access) })).statusCode, 403, 'duplicates count')
  await app.inject({ method: 'DELETE', url: `/resumes/${first.id}`, headers: bearer(a.access) })
  t.equal((await make()).statusCode, 201, 'deleted resumes do not count')
  await app.auth.setTier(a.email, 'pro')
  t.equal((await make()).statusCode, 201, 'a higher tier allows more')
  t.equal((await make()).json().error.details.tier, 'pro')
})
