import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import t from 'tap'
import { bearer, build, register, tempDir, type Account } from '../../test/helper.ts'
import type { PortfolioChange } from './service.ts'

const APP_DOMAIN = 'cvgen.test'
/** A 1x1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64')

const full = {
  about: '## Hi\n\nI build *things*.',
  projects: [
    { title: 'Payments API', description: 'p99 from 800 to 120 ms', url: 'https://example.com/pay', image: '', tags: ['Go', 'PostgreSQL'] },
    { title: 'Library', url: null, image: null, tags: [] }
  ],
  contact: { email: 'ada@example.com', phone: '+44 20 7946 0000', location: 'London', links: [{ label: 'GitHub', url: 'https://github.com/ada' }, { url: 'mailto:ada@example.com' }] }
}

t.test('portfolios', async (t) => {
  const app = await build(t, { AUTH_RATE_LIMIT_MAX: '10000', APP_DOMAIN })
  // Unlimited portfolios here; the plan limit has its own test below.
  const account = async () => {
    const acct = await register(app)
    await app.auth.setTier(acct.email, 'enterprise')
    return acct
  }
  const a = await account()
  const b = await account()
  const call = (acct: Account, method: string, url: string, payload?: unknown) =>
    app.inject({ method: method as 'GET', url, headers: bearer(acct.access), ...(payload !== undefined ? { payload: payload as object } : {}) })
  const create = async (acct: Account, body: Record<string, unknown> = {}) => {
    const res = await call(acct, 'POST', '/portfolios', { title: 'My work', template_id: 'classic', ...body })
    if (res.statusCode !== 201) throw new Error(`create: ${res.statusCode} ${res.body}`)
    return res.json().data
  }
  const get = async (acct: Account, id: string) => (await call(acct, 'GET', `/portfolios/${id}`)).json().data

  t.test('create from the theme starter, or with content', async (t) => {
    const p = await create(a)
    t.match(p, { id: String, title: 'My work', template_id: 'classic', is_published: false, subdomain: null, custom_domain: null, url: null })
    t.same(Object.keys(p).sort(), ['content', 'created_at', 'custom_domain', 'id', 'is_published', 'subdomain', 'template_id', 'theme_config', 'thumbnail_url', 'title', 'updated_at', 'url'], 'no other fields (no user_id, no deleted_at)')
    const theme = (await app.inject('/themes/classic')).json().data
    t.same(p.content, theme.starter.portfolio, "starts from the theme's starter content")
    t.same(p.theme_config, { ...theme.defaults, template_id: 'classic' })
    t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, { content: p.content })).statusCode, 200, 'the starter, sent back as is, is valid content')
    for (const id of ['compact', 'modern']) {
      const other = await create(a, { template_id: id })
      t.same(other.content, (await app.inject(`/themes/${id}`)).json().data.starter.portfolio, `${id} starter`)
    }

    const given = await create(a, { content: full, title: '  Trimmed  ' })
    t.equal(given.title, 'Trimmed')
    t.same(given.content, full)
    t.same((await get(a, given.id)).content, full, 'stored as sent')
    t.same((await create(a, { content: {} })).content, {}, 'empty content is content')

    const unknown = await call(a, 'POST', '/portfolios', { title: 'X', template_id: 'nope' })
    t.equal(unknown.statusCode, 400)
    t.match(unknown.json().error, { code: 'PORTFOLIOS_UNKNOWN_TEMPLATE', details: [{ path: '/template_id' }] })
    const missing = await call(a, 'POST', '/portfolios', { template_id: 'classic' })
    t.match(missing.json().error, { code: 'VALIDATION_FAILED', details: [{ path: '/title' }] })
    t.equal((await call(a, 'POST', '/portfolios', { title: '   ', template_id: 'classic' })).statusCode, 400, 'a blank title')

    const cfg = await call(a, 'POST', '/portfolios', { title: 'X', template_id: 'modern', theme_config: { primary_color: 'red' } })
    t.equal(cfg.statusCode, 400)
    t.match(cfg.json().error, { code: 'PORTFOLIOS_INVALID_THEME_CONFIG', details: [{ path: '/theme_config/primary_color' }] })
    const good = await create(a, { template_id: 'modern', theme_config: { primary_color: '#123456' } })
    t.same(good.theme_config, { primary_color: '#123456', template_id: 'modern' })
  })

  t.test('content is validated, never coerced, extras kept', async (t) => {
    const bad = async (content: unknown, path: string | RegExp, name: string) => {
      const res = await call(a, 'POST', '/portfolios', { title: 'X', template_id: 'classic', content })
      t.equal(res.statusCode, 400, name)
      t.equal(res.json().error.code, 'PORTFOLIOS_INVALID_CONTENT', name)
      t.ok(res.json().error.details.some((d: { path: string }) => typeof path === 'string' ? d.path === path : path.test(d.path)), `${name}: ${JSON.stringify(res.json().error.details).slice(0, 300)}`)
      return res.json().error.details as { path: string, message: string }[]
    }
    await bad({ projects: [{ title: 'P', url: 'not a url' }] }, '/content/projects/0/url', 'bad project url')
    await bad({ projects: [{ title: 'P', url: 'javascript:alert(1)' }] }, '/content/projects/0/url', 'javascript: url')
    await bad({ contact: { links: [{ label: 'x', url: 'data:text/html,<script>alert(1)</script>' }] } }, '/content/contact/links/0/url', 'data: link')
    await bad({ contact: { links: [{ label: 'x' }] } }, '/content/contact/links/0/url', 'a link needs a url')
    await bad({ contact: { email: 'not an email' } }, '/content/contact/email', 'bad email')
    await bad({ projects: Array.from({ length: 101 }, (_, i) => ({ title: `P${i}` })) }, '/content/projects', '101 projects')
    await bad({ projects: [{ title: 'P', tags: ['ok', 3, null] }] }, /^\/content\/projects\/0\/tags\/[12]$/, 'tags not strings')
    await bad({ projects: [{ title: 'P', tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }] }, '/content/projects/0/tags', '21 tags')
    await bad({ projects: [{ title: 'P', tags: ['x'.repeat(41)] }] }, '/content/projects/0/tags/0', 'a 41-character tag')
    await bad({ projects: [{ description: 'no title' }] }, '/content/projects/0/title', 'a project needs a title')
    await bad({ projects: [{ title: 123 }] }, '/content/projects/0/title', 'numbers are not coerced to strings')
    await bad({ about: 42 }, '/content/about', 'about: a number')
    await bad({ about: 'x'.repeat(20_001) }, '/content/about', 'about too long')
    await bad({ projects: 'none' }, '/content/projects', 'projects: not an array')
    await bad({ contact: { phone: 442079460000 } }, '/content/contact/phone', 'a phone number as a number')
    const several = await bad({ projects: [{ title: 'P', url: 'nope' }, { title: 'Q', tags: [1] }], contact: { email: 'x' } }, '/content/contact/email', 'all problems at once')
    t.ok(several.length >= 3, 'every problem is reported')

    let deep: unknown = { leaf: true }
    for (let i = 0; i < 12; i++) deep = { deeper: deep }
    await bad({ extra: deep }, /^\/content\/extra(\/deeper)+$/, 'nesting deeper than 12 levels')
    let ok12: unknown = 1
    for (let i = 0; i < 11; i++) ok12 = [ok12]
    t.equal((await call(a, 'POST', '/portfolios', { title: 'X', template_id: 'classic', content: { extra: ok12 } })).statusCode, 201, '12 levels are fine')
    await bad({ extra: 'x'.repeat(300_000) }, '/content', 'over 256 KiB')

    const extras = {
      about: 'Hi',
      projects: [{ title: 'P', stars: 42, links: [{ kind: 'demo' }], featured: true }],
      contact: { email: 'a@example.com', pronouns: 'she/her', links: [{ label: 'Blog', url: 'https://ada.example', icon: 'rss' }] },
      testimonials: [1, 'two', { three: null }, [true]],
      meta: { version: 'v1.0.0', ratio: 0.5, nothing: null, empty: {}, 'odd/key~': 'x', 'ünï €': 'ok' },
      flag: false,
      n: 0
    }
    const p = await create(a, { content: extras })
    t.same(p.content, extras, 'unknown keys and values of any type survive')
    t.same((await get(a, p.id)).content, extras)
    const before = await get(a, p.id)
    const put = await call(a, 'PUT', `/portfolios/${p.id}`, { content: { projects: [{ title: ['x'] }] } })
    t.equal(put.statusCode, 400)
    t.same(await get(a, p.id), before, 'a refused update changes nothing')
  })

  t.test('list: pagination, order, soft-deleted hidden', async (t) => {
    const c = await account()
    t.same((await call(c, 'GET', '/portfolios')).json(), { data: [], meta: { limit: 20, offset: 0, total: 0 } }, 'empty')
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push((await create(c, { title: `P${i}` })).id)
    await call(c, 'PUT', `/portfolios/${ids[1]}`, { title: 'P1 edited' }) // now the most recent
    await call(c, 'DELETE', `/portfolios/${ids[3]}`)
    const all = (await call(c, 'GET', '/portfolios')).json()
    t.same(all.meta, { limit: 20, offset: 0, total: 4 })
    t.same(all.data.map((r: { title: string }) => r.title), ['P1 edited', 'P4', 'P2', 'P0'])
    const page = (await call(c, 'GET', '/portfolios?limit=2&offset=2')).json()
    t.same(page.data.map((r: { title: string }) => r.title), ['P2', 'P0'])
    t.same(page.meta, { limit: 2, offset: 2, total: 4 })
    const last = (await call(c, 'GET', '/portfolios?limit=3&offset=3')).json()
    t.same(last.data.map((r: { title: string }) => r.title), ['P0'], 'a partial last page')
    const past = (await call(c, 'GET', '/portfolios?limit=2&offset=10')).json()
    t.same(past, { data: [], meta: { limit: 2, offset: 10, total: 4 } })
    t.equal((await call(c, 'GET', '/portfolios?limit=1')).json().data.length, 1)
    for (const q of ['limit=0', 'limit=101', 'offset=-1', 'limit=abc', 'limit=2.5', 'sort=title']) {
      t.equal((await call(c, 'GET', `/portfolios?${q}`)).statusCode, 400, q)
    }
    t.equal((await call(c, 'GET', '/portfolios?limit=100')).json().meta.limit, 100)
  })

  t.test('update: fields, updated_at, theme switch, theme_config', async (t) => {
    const p = await create(a)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const res = await call(a, 'PUT', `/portfolios/${p.id}`, { title: 'Renamed' })
    t.equal(res.statusCode, 200)
    const u = res.json().data
    t.equal(u.title, 'Renamed')
    t.ok(new Date(u.updated_at) > new Date(p.updated_at), 'updated_at moves')
    t.equal(u.created_at, p.created_at)
    t.same(u.content, p.content, 'untouched fields stay')
    await new Promise((resolve) => setTimeout(resolve, 5))
    const again = (await call(a, 'PUT', `/portfolios/${p.id}`, { content: full })).json().data
    t.ok(new Date(again.updated_at) > new Date(u.updated_at), 'updated_at moves on every change')
    t.same(again.content, full)

    const switched = (await call(a, 'PUT', `/portfolios/${p.id}`, { template_id: 'modern' })).json().data
    const modern = (await app.inject('/themes/modern')).json().data
    t.equal(switched.template_id, 'modern')
    t.same(switched.theme_config, { ...modern.defaults, template_id: 'modern' }, 'a new theme starts from its defaults')
    t.same(switched.content, full, 'switching themes keeps the content')

    t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, { theme_config: { ...modern.defaults } })).statusCode, 200)
    const badCfg = await call(a, 'PUT', `/portfolios/${p.id}`, { theme_config: { primary_color: 'red', bogus: 1 } })
    t.equal(badCfg.statusCode, 400)
    t.equal(badCfg.json().error.code, 'PORTFOLIOS_INVALID_THEME_CONFIG')
    t.ok(badCfg.json().error.details.every((d: { path: string }) => d.path.startsWith('/theme_config')))
    t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, { template_id: 'nope' })).statusCode, 400)
    t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, {})).statusCode, 400, 'an empty update is refused')
    t.equal((await get(a, p.id)).template_id, 'modern')
  })

  t.test('custom_domain is read-only here', async (t) => {
    const post = await call(a, 'POST', '/portfolios', { title: 'X', template_id: 'classic', custom_domain: 'ada.example.com' })
    t.equal(post.statusCode, 400)
    t.match(post.json().error, { code: 'VALIDATION_FAILED', details: [{ path: '/custom_domain' }] })
    const p = await create(a)
    for (const value of ['ada.example.com', null]) {
      const put = await call(a, 'PUT', `/portfolios/${p.id}`, { custom_domain: value })
      t.equal(put.statusCode, 400)
      t.match(put.json().error.details, [{ path: '/custom_domain' }])
    }
    t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, { title: 'Y', custom_domain: 'x.example.com' })).statusCode, 400, 'even beside other changes')
    t.match(await get(a, p.id), { title: 'My work', custom_domain: null })
    for (const field of ['url', 'user_id', 'id', 'created_at', 'updated_at', 'deleted_at']) {
      t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, { [field]: 'x' })).statusCode, 400, `${field} is not writable`)
    }
  })

  t.test('subdomains', async (t) => {
    const p1 = await create(a, { title: 'Ada Lovelace — Portfolio' })
    const pub = (await call(a, 'PUT', `/portfolios/${p1.id}`, { is_published: true })).json().data
    t.equal(pub.subdomain, 'ada-lovelace-portfolio', 'publishing generates one from the title')
    t.equal(pub.url, `https://ada-lovelace-portfolio.${APP_DOMAIN}`)
    const p2 = await create(b, { title: 'Ada Lovelace — Portfolio', is_published: true })
    t.equal(p2.subdomain, 'ada-lovelace-portfolio-2', 'generated subdomains avoid taken ones (also on create)')
    t.equal(p2.is_published, true)

    const taken = await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: 'ada-lovelace-portfolio' })
    t.equal(taken.statusCode, 409)
    t.match(taken.json().error, { code: 'PORTFOLIOS_SUBDOMAIN_TAKEN', details: [{ path: '/subdomain' }] })
    const takenOnCreate = await call(b, 'POST', '/portfolios', { title: 'X', template_id: 'classic', subdomain: 'ada-lovelace-portfolio' })
    t.equal(takenOnCreate.statusCode, 409)
    t.equal(takenOnCreate.json().error.code, 'PORTFOLIOS_SUBDOMAIN_TAKEN')

    for (const bad of ['ab', 'Has-Caps', '-lead', 'trail-', 'dou--ble', 'x'.repeat(64), 'sp ace', 'ünï', 'dot.ted', 'under_score', '', 42]) {
      const res = await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: bad })
      t.equal(res.statusCode, 400, `subdomain ${JSON.stringify(bad)}`)
      t.match(res.json().error.details, [{ path: '/subdomain' }])
    }
    t.equal((await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: 'x'.repeat(63) })).json().data.subdomain, 'x'.repeat(63), '63 characters is a DNS label')
    for (const name of ['www', 'admin', 'api', 'hosting']) {
      const reserved = await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: name })
      t.equal(reserved.statusCode, 400, name)
      t.match(reserved.json().error, { code: 'PORTFOLIOS_SUBDOMAIN_RESERVED', details: [{ path: '/subdomain' }] })
    }
    t.equal((await call(b, 'POST', '/portfolios', { title: 'X', template_id: 'classic', subdomain: 'www' })).json().error.code, 'PORTFOLIOS_SUBDOMAIN_RESERVED')
    const own = (await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: 'my-own-123' })).json().data
    t.match(own, { subdomain: 'my-own-123', url: `https://my-own-123.${APP_DOMAIN}` })
    const chosen = await create(b, { subdomain: 'chosen-name' })
    t.match(chosen, { subdomain: 'chosen-name', is_published: false, url: `https://chosen-name.${APP_DOMAIN}` }, 'a subdomain may be reserved before publishing')
    t.equal((await call(b, 'PUT', `/portfolios/${chosen.id}`, { is_published: true })).json().data.subdomain, 'chosen-name', 'publishing keeps a chosen subdomain')
    const unpublished = (await call(b, 'PUT', `/portfolios/${chosen.id}`, { is_published: false })).json().data
    t.equal(unpublished.subdomain, 'chosen-name', 'unpublishing keeps the subdomain')

    t.equal((await call(a, 'DELETE', `/portfolios/${p1.id}`)).statusCode, 204)
    t.equal((await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: 'ada-lovelace-portfolio' })).statusCode, 200, 'a deleted portfolio frees its subdomain')
    const cleared = (await call(b, 'PUT', `/portfolios/${p2.id}`, { subdomain: null, is_published: false })).json().data
    t.match(cleared, { subdomain: null, url: null })
    const short = await create(a, { title: 'A', is_published: true })
    t.match(short.subdomain, /^[a-z0-9]+(-[a-z0-9]+)*$/, 'a short title still gives a valid name')
    t.ok(short.subdomain.length >= 3)
  })

  t.test('subdomains under concurrency', async (t) => {
    const c = await account()
    const ps = await Promise.all(Array.from({ length: 4 }, () => create(c, { title: 'Race' })))
    const chosen = await Promise.all(ps.map((p) => call(c, 'PUT', `/portfolios/${p.id}`, { subdomain: 'race-for-it' })))
    t.same(chosen.map((r) => r.statusCode).sort(), [200, 409, 409, 409], 'one wins a chosen name, the others get 409')
    const generated = await Promise.all(ps.map((p) => call(c, 'PUT', `/portfolios/${p.id}`, { subdomain: null, title: 'Same Title', is_published: true })))
    t.same(generated.map((r) => r.statusCode), [200, 200, 200, 200], 'generated names never conflict')
    const names = generated.map((r) => r.json().data.subdomain)
    t.equal(new Set(names).size, 4, `all different: ${names.join(', ')}`)
    t.ok(names.every((n: string) => /^same-title(-\d+)?$/.test(n)))
  })

  t.test('delete is soft and final', async (t) => {
    const p = await create(a, { is_published: true, title: 'Gone soon' })
    t.equal((await call(a, 'DELETE', `/portfolios/${p.id}`)).statusCode, 204)
    for (const [method, url] of [['GET', ''], ['PUT', ''], ['DELETE', ''], ['POST', '/duplicate']] as const) {
      const res = await call(a, method, `/portfolios/${p.id}${url}`, method === 'PUT' ? { title: 'x' } : undefined)
      t.equal(res.statusCode, 404, `${method} ${url} after delete`)
      t.equal(res.json().error.code, 'PORTFOLIOS_NOT_FOUND')
    }
    t.notOk((await call(a, 'GET', '/portfolios?limit=100')).json().data.some((x: { id: string }) => x.id === p.id), 'not listed')
    const [row] = await app.db.fork().execute('select deleted_at, subdomain from portfolios where id = ?', [p.id])
    t.ok(row?.deleted_at, 'the row keeps deleted_at')
    t.equal(row?.subdomain, p.subdomain, 'and its data')
    t.equal(await app.portfolios.findPublishedBySubdomain(p.subdomain), null, 'no longer served')
  })

  t.test('duplicate', async (t) => {
    const p = await create(a, { content: full, title: 'Original', template_id: 'compact', is_published: true, subdomain: 'original-work' })
    await app.portfolios.setCustomDomain(p.id, 'original.example.com')
    const res = await call(a, 'POST', `/portfolios/${p.id}/duplicate`)
    t.equal(res.statusCode, 201)
    const d = res.json().data
    t.not(d.id, p.id)
    t.match(d, { title: 'Original (copy)', is_published: false, subdomain: null, custom_domain: null, url: null, template_id: 'compact' })
    t.same(d.content, full)
    t.same(d.theme_config, p.theme_config)
    t.match(await get(a, p.id), { subdomain: 'original-work', custom_domain: 'original.example.com', is_published: true }, 'the original is untouched')
    const long = await create(a, { title: 'x'.repeat(200) })
    t.equal((await call(a, 'POST', `/portfolios/${long.id}/duplicate`)).json().data.title.length, 200, 'a copy of a long title still fits')
  })

  t.test('project images must be your own uploads', async (t) => {
    const withImages = (...images: unknown[]) => ({ projects: images.map((image, i) => ({ title: `P${i}`, image })) })
    const res = await call(a, 'POST', '/portfolios', { title: 'X', template_id: 'classic', content: withImages('', null, 'https://elsewhere.example/cat.png', '', 'not even a url') })
    t.equal(res.statusCode, 400)
    t.equal(res.json().error.code, 'PORTFOLIOS_IMAGE_NOT_OWNED')
    t.same(res.json().error.details.map((d: { path: string }) => d.path).sort(), ['/content/projects/2/image', '/content/projects/4/image'])
    const p = await create(a, { content: withImages('', null) })
    t.equal(p.content.projects.length, 2, 'empty and null images need no upload')
    const put = await call(a, 'PUT', `/portfolios/${p.id}`, { content: withImages('https://elsewhere.example/dog.png') })
    t.equal(put.statusCode, 400)
    t.match(put.json().error, { code: 'PORTFOLIOS_IMAGE_NOT_OWNED', details: [{ path: '/content/projects/0/image' }] })
    t.same((await get(a, p.id)).content, p.content, 'nothing changed')
    const many = await call(a, 'PUT', `/portfolios/${p.id}`, { content: withImages(...Array.from({ length: 30 }, (_, i) => `https://elsewhere.example/${i % 10}.png`)) })
    t.equal(many.json().error.details.length, 30, 'each refused image is named, duplicates included')

    // The real flow: a presigned URL, the file PUT to it, then its public URL in the content.
    const presign = async (acct: Account) => {
      const res = await call(acct, 'POST', '/uploads/presigned-url', { purpose: 'project_screenshot', content_type: 'image/png', size: PNG.length })
      t.equal(res.statusCode, 200, 'presigned')
      return res.json().data as { url: string, headers: Record<string, string>, public_url: string }
    }
    const upload = async (acct: Account) => {
      const signed = await presign(acct)
      const target = new URL(signed.url)
      const put = await app.inject({ method: 'PUT', url: target.pathname + target.search, headers: signed.headers, payload: PNG })
      t.equal(put.statusCode, 200, `uploaded: ${put.body.slice(0, 200)}`)
      return signed.public_url
    }
    const mine = await upload(a)
    const theirs = await upload(b)
    const own = await call(a, 'POST', '/portfolios', { title: 'Shots', template_id: 'classic', content: withImages(mine, '', mine) })
    t.equal(own.statusCode, 201, 'your own upload is accepted')
    t.same(own.json().data.content.projects.map((x: { image: string }) => x.image), [mine, '', mine], 'kept as sent')
    const mixed = await call(a, 'PUT', `/portfolios/${own.json().data.id}`, { content: withImages(mine, theirs) })
    t.equal(mixed.statusCode, 400)
    t.match(mixed.json().error, { code: 'PORTFOLIOS_IMAGE_NOT_OWNED', details: [{ path: '/content/projects/1/image' }] }, "another user's upload is refused")
    t.equal(mixed.json().error.details.length, 1)
    const never = await presign(a)
    const notUploaded = await call(a, 'PUT', `/portfolios/${own.json().data.id}`, { content: withImages(never.public_url) })
    t.match(notUploaded.json().error, { code: 'PORTFOLIOS_IMAGE_NOT_OWNED', details: [{ path: '/content/projects/0/image' }] }, 'a presigned URL never uploaded to is refused')
    const reordered = await call(a, 'PUT', `/portfolios/${own.json().data.id}`, { content: withImages('', mine) })
    t.equal(reordered.statusCode, 200)
    t.equal((await call(b, 'POST', '/portfolios', { title: 'X', template_id: 'classic', content: withImages(mine) })).json().error.code, 'PORTFOLIOS_IMAGE_NOT_OWNED')
  })

  t.test("another user's portfolio is 404 on every route", async (t) => {
    const p = await create(a, { title: 'Private' })
    for (const [method, url, body] of [['GET', '', undefined], ['PUT', '', { title: 'mine now' }], ['PUT', '', { content: { about: 42 } }], ['DELETE', '', undefined], ['POST', '/duplicate', undefined]] as const) {
      const res = await call(b, method, `/portfolios/${p.id}${url}`, body)
      t.equal(res.statusCode, 404, `${method} ${url} ${JSON.stringify(body ?? '')}`)
      t.equal(res.json().error.code, 'PORTFOLIOS_NOT_FOUND')
    }
    t.notOk((await call(b, 'GET', '/portfolios?limit=100')).json().data.some((x: { id: string }) => x.id === p.id))
    t.equal((await get(a, p.id)).title, 'Private', 'untouched')
    for (const [method, url] of [['GET', '/portfolios'], ['POST', '/portfolios'], ['GET', `/portfolios/${p.id}`], ['PUT', `/portfolios/${p.id}`], ['DELETE', `/portfolios/${p.id}`], ['POST', `/portfolios/${p.id}/duplicate`]] as const) {
      t.equal((await app.inject({ method, url })).statusCode, 401, `${method} ${url} without a token`)
    }
    t.equal((await call(a, 'GET', '/portfolios/not-a-uuid')).statusCode, 400)
    t.equal((await call(a, 'GET', '/portfolios/00000000-0000-4000-8000-000000000000')).statusCode, 404)
  })

  t.test('bad input is 4xx, never 5xx', async (t) => {
    const p = await create(a)
    const body = (extra: Record<string, unknown>) => JSON.stringify({ title: 'x', template_id: 'classic', ...extra })
    // Built as text: nested this deep, JSON.stringify itself would overflow the stack.
    const deep = (n: number) => `{"title":"x","template_id":"classic","content":{"deep":${'['.repeat(n)}1${']'.repeat(n)}}}`
    const bodies = ['', 'null', '[]', '"x"', '{"title":', '{"__proto__":{"x":1}}', body({ title: 'x'.repeat(201) }), body({ content: [] }), body({ content: 'str' }), body({ content: null }),
      body({ theme_config: null }), body({ theme_config: [] }), body({ is_published: 'yes' }), body({ subdomain: ['a'] }), body({ template_id: 'x'.repeat(100) }),
      body({ title: 'nul\u0000title' }), body({ content: { about: 'nul \u0000 inside' } }), body({ content: { 'key\u0000': 1 } }), body({ content: { about: '\ud800 lone' } }),
      body({ theme_config: { primary_color: '\u0000' } }), body({ theme_config: { 'x\u0000': 1 } }), body({ content: { projects: [null, 1, 'x'] } }), body({ content: { contact: [] } }),
      body({ content: { projects: [{ title: 'p', image: 5 }] } }), deep(100), deep(5000), deep(200_000), body({ content: { about: 'x'.repeat(2_000_000) } }), '{"title":"x","template_id":"classic","content":{"n":1e400}}']
    for (const [method, url] of [['POST', '/portfolios'], ['PUT', `/portfolios/${p.id}`]] as const) {
      for (const payload of bodies) {
        const res = await app.inject({ method, url, payload, headers: { ...bearer(a.access), 'content-type': 'application/json' } })
        t.ok(res.statusCode >= 400 && res.statusCode < 500, `${method} ${url} ${payload.slice(0, 40)} -> ${res.statusCode}`)
      }
    }
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml']) {
      const res = await app.inject({ method: 'POST', url: '/portfolios', payload: 'title=x', headers: { ...bearer(a.access), 'content-type': type } })
      t.ok(res.statusCode >= 400 && res.statusCode < 500, `${type} -> ${res.statusCode}`)
    }
  })

  t.test('public lookups and custom domains, for the renderer and domains plugins', async (t) => {
    const changes: PortfolioChange[] = []
    app.portfolios.onChange((change) => { changes.push(change) })
    const p = await create(a, { title: 'Served', subdomain: 'served-here' })
    t.equal(await app.portfolios.findPublishedBySubdomain('served-here'), null, 'not published yet')
    await call(a, 'PUT', `/portfolios/${p.id}`, { is_published: true })
    const found = await app.portfolios.findPublishedBySubdomain('Served-Here')
    t.match(found, { id: p.id, user_id: a.id, subdomain: 'served-here', is_published: true, url: `https://served-here.${APP_DOMAIN}` }, 'found, with its owner, case-insensitively')
    t.equal(await app.portfolios.findPublishedBySubdomain('nobody-here'), null)
    t.equal(await app.portfolios.findPublishedBySubdomain('x'.repeat(300)), null)

    const before = await get(a, p.id)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const attached = await app.portfolios.setCustomDomain(p.id, 'Ada.Example.COM.')
    t.match(attached, { id: p.id, user_id: a.id, custom_domain: 'ada.example.com', url: 'https://ada.example.com' })
    const after = await get(a, p.id)
    t.match(after, { custom_domain: 'ada.example.com', url: 'https://ada.example.com', subdomain: 'served-here' }, 'the API shows it; url prefers the custom domain')
    t.ok(new Date(after.updated_at) > new Date(before.updated_at), 'updated_at moves')
    t.match(await app.portfolios.findPublishedByCustomDomain('ADA.example.com'), { id: p.id, user_id: a.id, custom_domain: 'ada.example.com' })
    t.equal(await app.portfolios.findPublishedByCustomDomain('other.example.com'), null)
    t.equal((await call(a, 'PUT', `/portfolios/${p.id}`, { title: 'Still attached' })).json().data.custom_domain, 'ada.example.com', 'a PUT keeps it')

    const other = await create(b, { title: 'Other', is_published: true })
    await t.rejects(app.portfolios.setCustomDomain(other.id, 'ada.example.com'), { code: 'PORTFOLIOS_CUSTOM_DOMAIN_TAKEN', statusCode: 409 }, 'one live portfolio per domain')
    t.equal((await get(b, other.id)).custom_domain, null)

    await call(a, 'PUT', `/portfolios/${p.id}`, { is_published: false })
    t.equal(await app.portfolios.findPublishedByCustomDomain('ada.example.com'), null, 'unpublished: not served')
    t.equal(await app.portfolios.findPublishedBySubdomain('served-here'), null)
    await call(a, 'PUT', `/portfolios/${p.id}`, { is_published: true })

    const detached = await app.portfolios.setCustomDomain(p.id, null)
    t.match(detached, { custom_domain: null, url: `https://served-here.${APP_DOMAIN}` })
    t.equal(await app.portfolios.findPublishedByCustomDomain('ada.example.com'), null)
    t.match(await app.portfolios.setCustomDomain(other.id, 'ada.example.com'), { custom_domain: 'ada.example.com' }, 'a released domain can move')

    await call(b, 'DELETE', `/portfolios/${other.id}`)
    t.equal(await app.portfolios.setCustomDomain(other.id, 'b.example.com'), null, 'a deleted portfolio takes no domain')
    t.equal(await app.portfolios.findPublishedByCustomDomain('ada.example.com'), null, 'nor serves its old one')
    t.match(await app.portfolios.setCustomDomain(p.id, 'ada.example.com'), { custom_domain: 'ada.example.com' }, 'deleting frees the domain')
    t.equal(await app.portfolios.setCustomDomain('00000000-0000-4000-8000-000000000000', 'x.example.com'), null)

    await new Promise((resolve) => setImmediate(resolve))
    const hostsOf = (id: string) => changes.filter((c) => c.id === id).flatMap((c) => c.hosts)
    t.ok(hostsOf(p.id).includes(`served-here.${APP_DOMAIN}`) && hostsOf(p.id).includes('ada.example.com'), 'change listeners hear the hosts to purge')
    t.ok(changes.every((c) => typeof c.user_id === 'string'))
  })
})

t.test('plan limit on live portfolios', async (t) => {
  const dir = tempDir(t)
  writeFileSync(join(dir, 'tiers.json'), JSON.stringify({ free: { portfolios: 2 }, pro: { portfolios: 3 } }))
  const app = await build(t, { TIERS_FILE: join(dir, 'tiers.json') })
  const a = await register(app)
  const make = () => app.inject({ method: 'POST', url: '/portfolios', headers: bearer(a.access), payload: { title: 'P', template_id: 'classic' } })
  const results = await Promise.all([make(), make(), make(), make()])
  t.same(results.map((r) => r.statusCode).sort(), [201, 201, 403, 403], 'parallel creations cannot pass the limit')
  const over = results.find((r) => r.statusCode === 403)!.json()
  t.same(over.error.details, { limit: 2, used: 2, tier: 'free' })
  t.equal(over.error.code, 'PLAN_LIMIT_PORTFOLIOS')
  const first = results.find((r) => r.statusCode === 201)!.json().data
  t.equal((await app.inject({ method: 'POST', url: `/portfolios/${first.id}/duplicate`, headers: bearer(a.access) })).statusCode, 403, 'duplicates count')
  const b = await register(app)
  t.equal((await app.inject({ method: 'POST', url: '/portfolios', headers: bearer(b.access), payload: { title: 'P', template_id: 'classic' } })).statusCode, 201, 'per user')
  await app.inject({ method: 'DELETE', url: `/portfolios/${first.id}`, headers: bearer(a.access) })
  t.equal((await make()).statusCode, 201, 'deleted portfolios do not count')
  t.equal((await make()).statusCode, 403)
  await app.auth.setTier(a.email, 'pro')
  t.equal((await make()).statusCode, 201, 'a higher tier allows more')
  t.equal((await make()).json().error.details.tier, 'pro')
})
